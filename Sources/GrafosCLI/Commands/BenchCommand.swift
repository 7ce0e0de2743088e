import GrafosObserve
import GrafosStd

/// `grafos bench`: measures the SDK's speed targets.
package enum BenchCommand: Command {
    package static let name = "bench"
    package static let summary = "Measure lease acquisition and other speed targets"
    package static let help = """
        Usage: grafos bench leases [--nodes N] [--cores C] [--leases L] [--rounds R] [--json]

        leases   Acquire L leases of C cores each on an in-process LocalFabric of N nodes (default: 50 leases
                 × 2 cores on 50 nodes, the recipe's 100 cores), one after another, then release them all.
                 Repeats R rounds (default 200) and prints the time to lease all the cores (best and median
                 round), per-lease latency (p50, p99), the same with concurrent acquires, and
                 cpu_leases_active after the teardown (must be 0). Target: all cores in under 2 ms.

        Build with -c release for meaningful figures: swift run -c release grafos bench leases

        """

    package static func run(_ arguments: inout ArgumentReader, output: inout some OutputSink) async throws -> Int32 {
        let json = arguments.flag("json")
        let nodes = try arguments.integer("nodes", default: 50, in: 1...100_000)
        let cores = try arguments.integer("cores", default: 2, in: 1...1024)
        let leases = try arguments.integer("leases", default: 50, in: 1...100_000)
        let rounds = try arguments.integer("rounds", default: 200, in: 1...1_000_000)
        let rest = try arguments.positionalArguments()
        guard let benchmark = rest.first else { throw CLIError.usage("name a benchmark: leases") }
        guard rest.count == 1 else { throw CLIError.usage("unexpected argument '\(rest[1])'") }
        switch benchmark {
        case "leases":
            let result = try await LeaseBenchmark(nodes: nodes, cores: cores, leases: leases, rounds: rounds).run()
            output.write(json ? result.json + "\n" : result.report)
            return result.activeAfterTeardown == 0 ? 0 : 1
        default:
            throw CLIError.usage("unknown benchmark '\(benchmark)'; available: leases")
        }
    }
}
