/// `grafos demo`: the recipe end to end — lease 100 cores, chunk a real corpus, run real tasklets with retries and
/// renewals, link the artifacts, verify them, and give every lease back.
package enum DemoCommand: Command {
    package static let name = "demo"
    package static let summary = "Run the build-farm recipe end to end on the embedded fabric"
    package static let help = """
        Usage: grafos demo [--workers N] [--cores C] [--chunks F] [--faults N] [--seed S] [--ttl SECONDS]
                           [--corpus DIR…] [--trace FILE] [--metrics FILE] [--out DIR] [--cache DIR] [--json]
                           [--fabric local|tcp://HOST:PORT,… --secret-file FILE]

        Leases N workers of C cores (default 50 × 2: the recipe's 100 cores) and 4,096 blocks of artifact storage
        on an in-process LocalFabric, splits a corpus into chunks (this repository's Sources/ when run from its
        root, else a generated corpus; --corpus to choose; --chunks F to take only the first F files), runs the
        shipped lint, hash and compress tasklets on every file through JobCoordinator with the recipe's retry
        policy, renews the worker leases (TTL --ttl, default 4 s, renewed at half life), links the compressed
        artifacts into one archive plus a JSON report, verifies every file by decompressing it with another
        tasklet, releases everything and prints the figures — ending with both lease gauges at 0.

          --faults N      inject N faults while the job runs (lease expiries and node drops), seeded by --seed
          --trace FILE    write a Chrome/Perfetto trace (open in ui.perfetto.dev)
          --metrics FILE  write the Prometheus metrics
          --out DIR       also write archive.grar and report.json to DIR
          --cache DIR     keep tasklet results in a content-addressed cache in DIR: a second run launches nothing
          --json          print the summary as JSON (no progress line)
          --fabric tcp://HOST:PORT,…
                          run on `grafos node` agents instead (with --secret-file, the nodes' shared secret);
                          without --workers, as many workers as the nodes' free cores allow (at most 50); the
                          teardown line then also reports the leases the nodes still hold (for any client: 0 when
                          the nodes are not shared and every lease went back)

        Exit status: 0 when every chunk succeeded, every file verified and both gauges are 0; 1 otherwise.

        """

    package static func run(_ arguments: inout ArgumentReader, output: inout some OutputSink) async throws -> Int32 {
        var options = Demo.Options()
        options.json = arguments.flag("json")
        options.workers = try arguments.integer("workers", in: 1...100_000)
        options.cores = try arguments.integer("cores", default: 2, in: 1...1024)
        if let files = try arguments.option("chunks") {
            guard let count = Int(files), count >= 1 else {
                throw CLIError.usage("--chunks takes a number of files ≥ 1")
            }
            options.files = count
        }
        options.faults = try arguments.integer("faults", default: 0, in: 0...100_000)
        options.seed = try arguments.unsigned("seed") ?? 42
        let ttl = try arguments.integer("ttl", default: 4, in: 1...86_400)
        options.ttl = .seconds(ttl)
        let corpus = try arguments.options("corpus")
        options.corpus = corpus.isEmpty ? nil : corpus
        options.trace = try arguments.option("trace")
        options.metrics = try arguments.option("metrics")
        options.out = try arguments.option("out")
        options.cache = try arguments.option("cache")
        let fabric = try arguments.option("fabric") ?? "local"
        let secretFile = try arguments.option("secret-file")
        if fabric != "local" {
            guard let secretFile else { throw CLIError.usage("--fabric tcp://… needs --secret-file FILE") }
            guard options.faults == 0 else {
                throw CLIError.usage(
                    "--faults injects faults into the embedded fabric; it cannot with --fabric tcp://…"
                )
            }
            options.remote = Demo.Remote(endpoints: try parseEndpoints(fabric), secret: try readSecret(secretFile))
        } else if secretFile != nil {
            throw CLIError.usage("--secret-file goes with --fabric tcp://…")
        }
        try arguments.finish()
        let summary = try await Demo.run(options)
        output.write(options.json ? summary.json + "\n" : summary.text)
        for failure in summary.failureDetails { output.writeError("failed: \(failure)\n") }
        return summary.succeeded ? 0 : 1
    }
}
