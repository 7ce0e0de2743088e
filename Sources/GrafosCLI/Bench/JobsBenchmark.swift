import GrafosJobs
import GrafosStd

/// `grafos bench jobs`: the coordinator's own overhead per chunk, against a naive task-per-chunk task group doing the
/// same work (the coordinator runs a fixed set of lanes that drain a queue, so it spawns no task per chunk).
package struct JobsBenchmark {
    package var chunks: Int
    package var rounds: Int

    package init(chunks: Int, rounds: Int) {
        self.chunks = chunks
        self.rounds = rounds
    }

    package struct Result {
        package var chunks: Int
        /// Best of the rounds, in chunks per second.
        package var coordinator: Double
        package var onSimulatedWorkers: Double
        package var bareTaskGroup: Double

        package var report: String {
            """
            grafos bench jobs — \(chunks) chunks, instant scripted work, best of rounds

              JobCoordinator.run, 64 in flight                 \(Int(coordinator)) chunks/s
              task per chunk, 64 in flight (naive task group)   \(Int(bareTaskGroup)) chunks/s
              coordinator / naive task group                    \(rounded(coordinator / bareTaskGroup, 2))×
              JobCoordinator.run on 8 SimulatedFabric workers   \(Int(onSimulatedWorkers)) chunks/s (lease checks, core gates, metrics)
              target: over 100,000 chunks/s → \(rounded(coordinator / 100_000, 1))× the target

            """
        }

        package var json: String {
            "{\"benchmark\":\"jobs\",\"chunks\":\(chunks),\"coordinator_chunks_per_s\":\(Int(coordinator)),"
                + "\"bare_task_group_chunks_per_s\":\(Int(bareTaskGroup)),"
                + "\"simulated_workers_chunks_per_s\":\(Int(onSimulatedWorkers))}"
        }
    }

    package func run() async throws -> Result {
        var best = Result(chunks: chunks, coordinator: 0, onSimulatedWorkers: 0, bareTaskGroup: 0)
        let work = (0..<chunks).map { Chunk(id: "c\($0)", bytes: [UInt8(truncatingIfNeeded: $0)]) }
        for _ in 0..<rounds {
            let figures = try await runCoordinatorOverheadBenchmark(chunks: chunks)
            best.coordinator = max(best.coordinator, figures.chunksPerSecond)
            best.onSimulatedWorkers = max(best.onSimulatedWorkers, figures.simulatedChunksPerSecond)
            best.bareTaskGroup = max(best.bareTaskGroup, await Self.bareTaskGroup(work, inFlight: 64))
        }
        return best
    }

    /// The same instant work through a task-per-chunk bounded task group, results gathered in chunk order.
    static func bareTaskGroup(_ work: [Chunk], inFlight: Int) async -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let results = await withTaskGroup(of: (Int, TaskletResult).self) { group in
            var results = [TaskletResult?](repeating: nil, count: work.count)
            var next = 0
            while next < min(inFlight, work.count) {
                let index = next
                group.addTask { (index, TaskletResult(output: work[index].bytes)) }
                next += 1
            }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < work.count {
                    let index = next
                    group.addTask { (index, TaskletResult(output: work[index].bytes)) }
                    next += 1
                }
            }
            return results
        }
        precondition(results.allSatisfy { $0 != nil })
        return Double(work.count) / max(start.duration(to: clock.now).milliseconds / 1000, 1e-9)
    }
}
