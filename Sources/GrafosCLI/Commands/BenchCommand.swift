import GrafosJobs
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
               grafos bench engine [--kernels DIR] [--runs N] [--wasmkit PATH] [--json]
               grafos bench launch [--launches N] [--examples DIR] [--json]
               grafos bench scheduling [--sim-nodes N] [--sim-chunks N] [--kinds K] [--slow-percent P]
                                       [--slow-factor F] [--seed S] [--json]

        leases   Acquire L leases of C cores each on an in-process LocalFabric of N nodes (default: 50 leases
                 × 2 cores on 50 nodes, the recipe's 100 cores), one after another, then release them all.
                 Repeats R rounds (default 200) and prints the time to lease all the cores (best and median
                 round), per-lease latency (p50, p99), the same with concurrent acquires, and
                 cpu_leases_active after the teardown (must be 0). Target: all cores in under 2 ms.
                 With --fabric, leases from running `grafos node` agents instead (target: under 20 ms).

        jobs     Run N chunks (default 100,000) of instant scripted work through JobCoordinator, beside a naive
                 task-per-chunk task group doing the same work, and on 8 SimulatedFabric workers. Prints chunks/s.
                 Target: over 100,000 chunks/s.

        engine   Run each kernel of Benchmarks/Kernels/kernels.tsv (found from the current directory or the
                 executable's; --kernels DIR overrides) under this engine with fuel metering on, under
                 `wasmkit run` (--wasmkit PATH, default /opt/swift/usr/bin/wasmkit; its startup, timed on a trivial
                 call, is subtracted) and natively (the folder's `native` if up to date, else built from native.c
                 with clang into a temporary folder). Verifies every checksum; prints the best of N runs (default 5),
                 wasmkit÷ours, ours÷native and their geometric means. Target: geomean wasmkit÷ours of at least 1.

        launch   Launch a cached trivial tasklet N times (default 10,000, after warm-up) through
                 lease.cpu().submit(wasm).launch() on a LocalFabric, beside TaskletRuntime.launch, a bare store +
                 instantiate + invoke, and the same launch kept on the thread pool; then lint.wasm and hash.wasm on
                 small files (Examples/Tasklets, found like the kernels, or --examples DIR), every output checked;
                 the launch's steps one by one; resident-set and heap growth over N more launches.
                 Prints p50, p99 and mean per launch. Target: p50 fabric launch under 20 µs.

        scheduling
                 Simulate a build in virtual time on a SimulatedFabric of N nodes × 2 cores (default 1,000) leased
                 as workers: N chunks (default 40,000) of K kinds (default 64) whose work is log-uniform between
                 0.1 s and 10 s, with P% of the nodes (default 2) F× slower (default 10). Runs it FIFO, LPT (with
                 the costs the FIFO run taught) and LPT + speculation, and prints each makespan against the lower
                 bound, total work ÷ cores. Same seed, same figures. Target: LPT + speculation within 10%.

        Build with -c release for meaningful figures: swift run -c release grafos bench leases

        """

    package static func run(_ arguments: inout ArgumentReader, output: inout some OutputSink) async throws -> Int32 {
        let json = arguments.flag("json")
        let nodes = try arguments.integer("nodes", default: 50, in: 1...100_000)
        let cores = try arguments.integer("cores", default: 2, in: 1...1024)
        let leases = try arguments.integer("leases", default: 50, in: 1...100_000)
        let rounds = try arguments.integer("rounds", default: -1, in: 1...1_000_000)
        let chunks = try arguments.integer("chunks", default: 100_000, in: 1...100_000_000)
        let kernels = try arguments.option("kernels")
        let runs = try arguments.integer("runs", default: 5, in: 1...1000)
        let wasmkit = try arguments.option("wasmkit")
        let launches = try arguments.integer("launches", default: 10_000, in: 1...10_000_000)
        let examples = try arguments.option("examples")
        let fabricSpec = try arguments.option("fabric")
        let secretFile = try arguments.option("secret-file")
        var simulation = SchedulingSimulation()
        simulation.nodes = try arguments.integer("sim-nodes", default: simulation.nodes, in: 1...100_000)
        simulation.chunks = try arguments.integer("sim-chunks", default: simulation.chunks, in: 1...10_000_000)
        simulation.kinds = try arguments.integer("kinds", default: simulation.kinds, in: 1...100_000)
        let slowPercent = try arguments.integer("slow-percent", default: 2, in: 0...100)
        simulation.slowFraction = Double(slowPercent) / 100
        simulation.slowFactor = Double(try arguments.integer("slow-factor", default: 10, in: 1...1000))
        simulation.seed = try arguments.unsigned("seed") ?? simulation.seed
        let rest = try arguments.positionalArguments()
        guard let benchmark = rest.first else {
            throw CLIError.usage("name a benchmark: leases, jobs, engine, launch or scheduling")
        }
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
        case "engine":
            let directory = kernels ?? EngineBenchmark.locate("Benchmarks/Kernels", containing: "kernels.tsv")
            guard let directory else {
                throw CLIError.failure(
                    "cannot find Benchmarks/Kernels/kernels.tsv from the current directory or the grafos executable; "
                        + "run from the repository or pass --kernels DIR"
                )
            }
            guard let tsv = try? readFile(directory + "/kernels.tsv"), !tsv.isEmpty else {
                throw CLIError.failure(
                    "no kernels.tsv in \(directory); pass the folder of kernels.tsv and kernels.wasm"
                )
            }
            var benchmark = EngineBenchmark(kernelsDirectory: directory, runs: runs)
            if let wasmkit { benchmark.wasmkitPath = wasmkit }
            let result = try await benchmark.run()
            output.write(json ? result.json + "\n" : result.report)
            return result.allVerified ? 0 : 1
        case "launch":
            let folder = examples ?? EngineBenchmark.locate("Examples/Tasklets", containing: "lint.wasm")
            if let examples, (try? readFile(examples + "/lint.wasm")) == nil {
                throw CLIError.failure("no lint.wasm in \(examples); pass the Examples/Tasklets folder")
            }
            let result = try await LaunchBenchmark(launches: launches, examplesDirectory: folder).run()
            output.write(json ? result.json + "\n" : result.report)
            return 0
        case "scheduling":
            let result = try await SchedulingBenchmark(simulation: simulation).run()
            output.write(json ? result.json + "\n" : result.text)
            return result.meetsTarget ? 0 : 1
        default:
            throw CLIError.usage(
                "unknown benchmark '\(benchmark)'; available: leases, jobs, engine, launch, scheduling"
            )
        }
    }
}
