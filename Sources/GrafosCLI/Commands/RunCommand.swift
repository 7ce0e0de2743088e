import Foundation
import GrafosJobs
import GrafosObserve
import GrafosStd

/// `grafos run`: the demo's machinery for anyone's tasklet and files.
package enum RunCommand: Command {
    package static let name = "run"
    package static let summary = "Run a tasklet over input files on leased workers, with retries"
    package static let help = """
        Usage: grafos run --tasklet FILE.wasm --inputs PATH… [--workers N] [--cores C] [--fuel F]
                          [--max-output BYTES] [--out DIR] [--shards K] [--fabric local|tcp://HOST:PORT,…]
                          [--secret-file FILE] [--arg ARG]… [--trace FILE] [--metrics FILE] [--json]

        Runs the tasklet once per input file (directories are walked recursively), or once per shard with
        --shards K (files grouped by a stable hash of their path, each shard's files concatenated as its input),
        on N worker leases of C cores (default 4 × 1) from the fabric: in-process by default, or `grafos node`
        agents with --fabric tcp://…  (with --secret-file). Failed attempts are retried on new leases with the
        recipe's policy (3 retries, exponential backoff 100 ms – 5 s). Each chunk's output is written to --out
        (default ./grafos-out) under the input's relative path (or shard-NNN). --arg passes arguments to the
        tasklet. Without --fuel there is no fuel limit.

        Exit status: 0 when every chunk succeeded with exit code 0; 1 when any chunk failed after its retries or
        exited non-zero (each listed on standard error); 2 for usage errors.

        """

    package static func run(_ arguments: inout ArgumentReader, output: inout some OutputSink) async throws -> Int32 {
        let json = arguments.flag("json")
        guard let taskletPath = try arguments.option("tasklet") else {
            throw CLIError.usage("--tasklet FILE.wasm is required")
        }
        let inputs = try arguments.options("inputs")
        guard !inputs.isEmpty else { throw CLIError.usage("--inputs PATH… is required") }
        var settings = FarmSettings()
        settings.workers = try arguments.integer("workers", default: 4, in: 1...100_000)
        settings.cores = try arguments.integer("cores", default: 1, in: 1...1024)
        settings.maxOutput = try arguments.integer("max-output", default: 16 << 20, in: 0...(1 << 40))
        settings.showProgress = !json
        let fuel = try arguments.unsigned("fuel")
        let shards = try arguments.integer("shards", default: 0, in: 0...1_000_000)
        let out = try arguments.option("out") ?? "grafos-out"
        let fabricSpec = try arguments.option("fabric") ?? "local"
        let secretFile = try arguments.option("secret-file")
        let taskletArguments = try arguments.options("arg")
        let tracePath = try arguments.option("trace")
        let metricsPath = try arguments.option("metrics")
        let extra = try arguments.positionalArguments()
        let inputRoots = inputs + extra
        let module = try readFile(taskletPath)
        let (corpus, skipped) = try Corpus.load(inputRoots)
        guard !corpus.files.isEmpty else {
            throw CLIError.failure("no input files under \(inputRoots.joined(separator: ", "))")
        }

        let metrics = MetricsRegistry()
        let fabric: any FabricProtocol
        if fabricSpec == "local" {
            fabric = LocalFabric(
                nodes: (0..<settings.workers).map { LocalFabric.Node(name: "w\($0)", cores: settings.cores) },
                metrics: metrics
            )
        } else {
            guard let secretFile else { throw CLIError.usage("--fabric tcp://… needs --secret-file FILE") }
            fabric = try RemoteFabric(
                endpoints: try parseEndpoints(fabricSpec),
                secret: try readSecret(secretFile),
                metrics: metrics
            )
        }
        let trace = tracePath == nil ? nil : TraceRecorder(processName: "grafos run")

        var tasks: [FarmTask] = []
        if shards > 0 {
            let groups = Sharding.byHash(corpus.files.map(\.path), shards: shards)
            let byPath = Dictionary(uniqueKeysWithValues: corpus.files.map { ($0.path, $0.bytes) })
            for (index, paths) in groups.enumerated() where !paths.isEmpty {
                let input = paths.flatMap { byPath[$0]! }
                let id = "shard-" + String(repeating: "0", count: max(0, 3 - String(index).count)) + String(index)
                tasks.append(
                    FarmTask(
                        chunk: Chunk(id: id, bytes: input),
                        module: module,
                        arguments: taskletArguments,
                        fuel: fuel
                    )
                )
            }
        } else {
            for file in corpus.files {
                tasks.append(
                    FarmTask(
                        chunk: Chunk(id: file.path, bytes: file.bytes),
                        module: module,
                        arguments: taskletArguments,
                        fuel: fuel
                    )
                )
            }
        }

        let farm = Farm(fabric: fabric, settings: settings, metrics: metrics, trace: trace)
        let clock = ContinuousClock()
        let began = clock.now
        _ = try await farm.leaseWorkers()
        let totalBytes = tasks.reduce(0) { $0 + $1.chunk.bytes.count + 64 }
        let blocks = max(16, totalBytes * 4 / 4096 + tasks.count * 2 + 64)
        let store = try await BlockBuilder(on: fabric).minBlocks(blocks).lease(settings.ttl).acquire()
        farm.keepAlive(store)
        let outcome = await farm.run(tasks, store: store)

        // Write outputs under --out, mirroring the inputs' relative paths.
        var written = 0
        var nonZero: [(String, Int32)] = []
        for task in tasks {
            guard let result = outcome.results[task.chunk.id] else { continue }
            let url = URL(fileURLWithPath: out).appendingPathComponent(task.chunk.id)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data(result.output).write(to: url)
            written += 1
            if result.exitCode != 0 { nonZero.append((task.chunk.id, result.exitCode)) }
        }
        await farm.releaseWorkers()
        await store.release()
        if let remote = fabric as? RemoteFabric { await remote.shutdown() }
        let wall = began.duration(to: clock.now)
        if let tracePath, let trace { try Data(trace.jsonText().utf8).write(to: URL(fileURLWithPath: tracePath)) }
        if let metricsPath { try Data(metrics.prometheusText().utf8).write(to: URL(fileURLWithPath: metricsPath)) }

        for failure in outcome.failures { output.writeError("failed: \(failure)\n") }
        for (chunk, code) in nonZero { output.writeError("exit \(code): \(chunk)\n") }
        let launched = Int(metrics.value(of: "tasklets_launched_total") ?? 0)
        if json {
            output.write(
                "{\"chunks\":\(tasks.count),\"succeeded\":\(outcome.results.count),\"failed\":\(outcome.failures.count),"
                    + "\"nonzero_exit\":\(nonZero.count),\"tasklets_launched\":\(launched),\"retries\":\(outcome.retries),"
                    + "\"outputs_written\":\(written),\"skipped_large_files\":\(skipped),\"wall_ms\":\(wall.milliseconds),"
                    + "\"cpu_leases_active\":\(Int(metrics.value(of: "cpu_leases_active") ?? -1))}\n"
            )
        } else {
            output.write(
                "grafos run: \(tasks.count) chunks, \(outcome.results.count) succeeded, \(outcome.failures.count) failed, "
                    + "\(nonZero.count) exited non-zero; \(launched) tasklets launched, \(outcome.retries) retries; "
                    + "outputs in \(out)/; \(format(wall))\n"
            )
            if skipped > 0 { output.write("skipped \(skipped) files over 1 MiB\n") }
        }
        return outcome.failures.isEmpty && nonZero.isEmpty ? 0 : 1
    }
}
