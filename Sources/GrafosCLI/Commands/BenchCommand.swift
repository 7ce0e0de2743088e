import GrafosObserve
import GrafosStd

/// `grafos bench`: measures the SDK's speed targets.
/// Splits `tcp://A,tcp://B` (or `A,B`) into endpoints.
package func parseEndpoints(_ spec: String) throws(CLIError) -> [String] {
    let endpoints = spec.split(separator: ",").map { String($0) }
    guard !endpoints.isEmpty else { throw CLIError.usage("--fabric needs at least one tcp://HOST:PORT") }
    for endpoint in endpoints where !endpoint.contains(":") {
        throw CLIError.usage("'\(endpoint)' is not tcp://HOST:PORT")
    }
    return endpoints
}

package enum BenchCommand: Command {
    package static let name = "bench"
    package static let summary = "Measure lease acquisition and other speed targets"
    package static let help = """
        Usage: grafos bench leases [--nodes N] [--cores C] [--leases L] [--rounds R] [--json]
                                   [--fabric tcp://HOST:PORT,… --secret-file FILE]
               grafos bench jobs [--chunks N] [--rounds R] [--json]

        leases   Acquire L leases of C cores each on an in-process LocalFabric of N nodes (default: 50 leases
                 × 2 cores on 50 nodes, the recipe's 100 cores), one after another, then release them all.
                 Repeats R rounds (default 200) and prints the time to lease all the cores (best and median
                 round), per-lease latency (p50, p99), the same with concurrent acquires, and
                 cpu_leases_active after the teardown (must be 0). Target: all cores in under 2 ms.
                 With --fabric, leases from running `grafos node` agents instead (target: under 20 ms).

        jobs     Run N chunks (default 100,000) of instant scripted work through JobCoordinator, beside a naive
                 task-per-chunk task group doing the same work, and on 8 SimulatedFabric workers. Prints chunks/s.
                 Target: over 100,000 chunks/s.

        Build with -c release for meaningful figures: swift run -c release grafos bench leases

        """

    package static func run(_ arguments: inout ArgumentReader, output: inout some OutputSink) async throws -> Int32 {
        let json = arguments.flag("json")
        let nodes = try arguments.integer("nodes", default: 50, in: 1...100_000)
        let cores = try arguments.integer("cores", default: 2, in: 1...1024)
        let leases = try arguments.integer("leases", default: 50, in: 1...100_000)
        let rounds = try arguments.integer("rounds", default: -1, in: 1...1_000_000)
        let chunks = try arguments.integer("chunks", default: 100_000, in: 1...100_000_000)
        let fabricSpec = try arguments.option("fabric")
        let secretFile = try arguments.option("secret-file")
        let rest = try arguments.positionalArguments()
        guard let benchmark = rest.first else { throw CLIError.usage("name a benchmark: leases or jobs") }
        guard rest.count == 1 else { throw CLIError.usage("unexpected argument '\(rest[1])'") }
        switch benchmark {
        case "leases":
            var benchmark = LeaseBenchmark(
                nodes: nodes,
                cores: cores,
                leases: leases,
                rounds: rounds < 0 ? 200 : rounds
            )
            if let fabricSpec, fabricSpec != "local" {
                guard let secretFile else { throw CLIError.usage("--fabric tcp://… needs --secret-file FILE") }
                benchmark.remote = (try parseEndpoints(fabricSpec), try readSecret(secretFile))
            }
            let result = try await benchmark.run()
            output.write(json ? result.json + "\n" : result.report)
            return result.activeAfterTeardown == 0 ? 0 : 1
        case "jobs":
            let result = try await JobsBenchmark(chunks: chunks, rounds: rounds < 0 ? 3 : rounds).run()
            output.write(json ? result.json + "\n" : result.report)
            return 0
        default:
            throw CLIError.usage("unknown benchmark '\(benchmark)'; available: leases, jobs")
        }
    }
}
