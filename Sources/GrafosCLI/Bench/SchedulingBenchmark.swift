import GrafosJobs
import GrafosStd

/// `grafos bench scheduling`: makespan of FIFO, LPT and LPT + speculation in virtual time on a `SimulatedFabric`,
/// against the lower bound total work ÷ cores (``SchedulingSimulation`` describes the model).
package struct SchedulingBenchmark {
    package var simulation: SchedulingSimulation

    package init(simulation: SchedulingSimulation) {
        self.simulation = simulation
    }

    package struct Result {
        package var report: SchedulingSimulation.Report

        /// LPT + speculation (the last mode) within 10% of the lower bound.
        package var meetsTarget: Bool {
            guard let last = report.outcomes.last else { return false }
            return last.ratio(to: report.lowerBound) <= 1.10
        }

        package var text: String {
            let s = report.simulation
            let slow = Int((Double(s.nodes) * s.slowFraction).rounded())
            var text = """
                grafos bench scheduling — virtual time on a SimulatedFabric, seed \(s.seed)
                  \(s.nodes) nodes × \(s.coresPerNode) cores, \(grouped(s.chunks)) chunks of \(s.kinds) kinds \
                (work log-uniform \(seconds(s.lightest)) … \(seconds(s.heaviest)) per chunk),
                  \(slow) slow nodes (\(rounded(s.slowFraction * 100, 1))%) running \(rounded(s.slowFactor, 1))× slower; \
                speculation: \(s.speculation)

                  lower bound (total work ÷ cores)   \(pad(seconds(report.lowerBound)))  \
                (\(seconds(report.totalWork)) of work on \(s.nodes * s.coresPerNode) cores)

                """
            for outcome in report.outcomes {
                let ratio = outcome.ratio(to: report.lowerBound)
                var line =
                    "  \(outcome.name.padding(to: 33))  \(pad(seconds(outcome.makespan)))  \(rounded(ratio, 3))× the bound"
                if outcome.speculativeAttempts > 0 {
                    line +=
                        ", \(outcome.speculativeAttempts) speculative attempts, \(outcome.cancelledLaunches) losers stopped"
                }
                text += line + "\n"
            }
            if let last = report.outcomes.last {
                let over = (last.ratio(to: report.lowerBound) - 1) * 100
                text += "\n  target: \(last.name) within 10% of the bound → \(meetsTarget ? "met" : "MISSED") "
                text += "(\(rounded(over, 1))% over)\n"
            }
            let wall = report.outcomes.reduce(0) { $0 + $1.seconds }
            text += "  simulated in \(rounded(wall, 1)) s of real time\n"
            return text
        }

        package var json: String {
            let s = report.simulation
            let modes = report.outcomes.map { outcome in
                "{\"name\":\"\(outcome.name)\",\"makespan_s\":\(rounded(outcome.makespan / .seconds(1), 3)),"
                    + "\"ratio_to_bound\":\(rounded(outcome.ratio(to: report.lowerBound), 4)),"
                    + "\"speculative_attempts\":\(outcome.speculativeAttempts),"
                    + "\"cancelled_launches\":\(outcome.cancelledLaunches)}"
            }
            return "{\"benchmark\":\"scheduling\",\"nodes\":\(s.nodes),\"cores_per_node\":\(s.coresPerNode),"
                + "\"chunks\":\(s.chunks),\"kinds\":\(s.kinds),\"slow_fraction\":\(s.slowFraction),"
                + "\"slow_factor\":\(s.slowFactor),\"seed\":\(s.seed),"
                + "\"lower_bound_s\":\(rounded(report.lowerBound / .seconds(1), 3)),"
                + "\"modes\":[\(modes.joined(separator: ","))],\"meets_target\":\(meetsTarget)}"
        }

        private func seconds(_ duration: Duration) -> String {
            "\(rounded(duration / .seconds(1), 2)) s"
        }

        private func pad(_ text: String) -> String {
            String(repeating: " ", count: max(0, 10 - text.count)) + text
        }

        private func grouped(_ value: Int) -> String {
            let digits = Array(String(value))
            var text = ""
            for (index, digit) in digits.enumerated() {
                if index > 0 && (digits.count - index) % 3 == 0 { text += "," }
                text.append(digit)
            }
            return text
        }
    }

    package func run() async throws -> Result {
        Result(report: try await simulation.run())
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
