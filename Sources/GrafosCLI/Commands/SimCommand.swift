import GrafosJobs
import GrafosObserve
import GrafosStd

/// `grafos sim`: a deterministic simulation of a whole cluster running one job under seeded faults, with its
/// invariants checked after every run.
package enum SimCommand: Command {
    package static let name = "sim"
    package static let summary = "Simulate a cluster running a job under seeded faults and check its invariants"
    package static let help = """
        Usage: grafos sim [--nodes N] [--chunks N] [--seed S] [--seeds N] [--fault-rate F] [--cores C]
                          [--no-restart] [--json]

        Runs the real JobCoordinator, RenewalManager and WarmPool on a SimulatedFabric of N nodes × C cores
        (default 10,000 × 2) in virtual time, on one thread, with faults drawn from the seed: nodes that
        disconnect and come back ("back from the dead"), leases expiring mid-tasklet, slow nodes and attempts,
        transient launch failures, renewal failures, capacity exhaustion, and a coordinator restart that resumes
        from the artifacts recorded in a kept block lease. The job has N chunks (default 1,000,000) of 0.5–1.5 s
        of virtual work; each chunk's artifact (payload and SHA-256 digest) is written to that block lease.

        After every run it prints one line per invariant, PASS or FAIL with counts:
          each chunk aggregated exactly once; no lease held by two holders (checked against the fabric's whole
          history); no lease leaked (cpu_leases_active and block_leases_active back to 0); retries within the
          policy; every artifact readable and matching its digest; every attempt on the simulation's thread.
        and the virtual time, a digest of the whole run (same seed, same digest), the wall time and chunks/s.
        A failed run prints its seed and the command that replays it exactly.

        Options:
          --nodes N        nodes in the cluster, 2 … 1,000,000 (default 10,000); a tenth stay spare
          --chunks N       chunks in the job, 1 … 100,000,000 (default 1,000,000)
          --seed S         the seed of the first run (default 1)
          --seeds N        run N seeds in a row: S, S+1, … (default 1)
          --fault-rate F   scales every fault, 0 … 0.5 (default 0.02; 0 for a run without faults)
          --cores C        cores per node, 1 … 1024 (default 2)
          --no-restart     do not restart the coordinator part-way
          --json           print one JSON object per run, then a summary object

        Exit status: 0 when every run passed, 1 when any failed, 2 for bad usage.
        Build with -c release for the target size: swift build -c release --product grafos

        """

    package static func run(_ arguments: inout ArgumentReader, output: inout some OutputSink) async throws -> Int32 {
        var simulation = ClusterSimulation()
        simulation.nodes = try arguments.integer("nodes", default: simulation.nodes, in: 2...1_000_000)
        simulation.chunks = try arguments.integer("chunks", default: simulation.chunks, in: 1...100_000_000)
        simulation.coresPerNode = try arguments.integer("cores", default: simulation.coresPerNode, in: 1...1024)
        let firstSeed = try arguments.unsigned("seed") ?? 1
        let seeds = try arguments.integer("seeds", default: 1, in: 1...1_000_000)
        if let text = try arguments.option("fault-rate") {
            guard let rate = Double(text), rate.isFinite, rate >= 0, rate <= 0.5 else {
                throw CLIError.usage("--fault-rate takes a number from 0 to 0.5, not '\(text)'")
            }
            simulation.faultRate = rate
        }
        simulation.restartsCoordinator = !arguments.flag("no-restart")
        let json = arguments.flag("json")
        try arguments.finish()
        do {
            try simulation.validate()
        } catch let error as FabricError {
            throw CLIError.usage(error.message)
        }
        guard firstSeed <= UInt64.max - UInt64(seeds - 1) else {
            throw CLIError.usage("--seed \(firstSeed) with --seeds \(seeds) runs past the largest seed")
        }

        var failed: [UInt64] = []
        var walls: [Double] = []
        for offset in 0..<seeds {
            simulation.seed = firstSeed + UInt64(offset)
            let report: ClusterSimulationReport
            do {
                report = try await simulation.run()
            } catch {
                // A deadlock, a livelock, or a simulation that could not even start: a failure of this seed.
                failed.append(simulation.seed)
                let message = "seed \(simulation.seed): \(error); replay with: \(simulation.replayCommand)"
                output.write(
                    json
                        ? "{\"seed\":\(simulation.seed),\"passed\":false,\"error\":\(TextEncoding.jsonString("\(error)")),"
                            + "\"replay\":\(TextEncoding.jsonString(simulation.replayCommand))}\n"
                        : "FAIL  \(message)\n"
                )
                continue
            }
            walls.append(report.wallSeconds)
            if !report.passed { failed.append(simulation.seed) }
            output.write(json ? report.json + "\n" : report.text + (seeds > 1 ? "\n" : ""))
        }
        if seeds > 1 || json {
            let total = walls.reduce(0, +)
            let mean = walls.isEmpty ? 0 : total / Double(walls.count)
            let slowest = walls.max() ?? 0
            if json {
                output.write(
                    "{\"summary\":true,\"runs\":\(seeds),\"passed\":\(seeds - failed.count),"
                        + "\"failed_seeds\":[\(failed.map(String.init).joined(separator: ","))],"
                        + "\"wall_seconds_total\":\(rounded(total, 3)),\"wall_seconds_mean\":\(rounded(mean, 3)),"
                        + "\"wall_seconds_max\":\(rounded(slowest, 3))}\n"
                )
            } else {
                output.write(
                    "\(seeds - failed.count) of \(seeds) seeds passed (\(firstSeed) … \(firstSeed + UInt64(seeds - 1))); "
                        + "wall time \(rounded(total, 1)) s in all, \(rounded(mean, 2)) s mean, "
                        + "\(rounded(slowest, 2)) s slowest\n"
                )
                if !failed.isEmpty {
                    output.write("failed seeds: \(failed.map(String.init).joined(separator: ", "))\n")
                }
            }
        }
        return failed.isEmpty ? 0 : 1
    }
}
