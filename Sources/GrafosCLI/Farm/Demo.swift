import Foundation
import GrafosJobs
import GrafosObserve
import GrafosStd

/// `grafos demo`: the build-farm recipe, end to end, on an in-process fabric or on `grafos node` agents.
package enum Demo {
    /// `grafos node` agents to run on instead of the embedded fabric.
    package struct Remote: Sendable {
        package var endpoints: [String]
        package var secret: [UInt8]

        package init(endpoints: [String], secret: [UInt8]) {
            self.endpoints = endpoints
            self.secret = secret
        }
    }

    package struct Options: Sendable {
        /// Worker leases; nil for the default (50 on the embedded fabric; on nodes, what their free cores allow).
        package var workers: Int?
        package var cores = 2
        package var files: Int?
        package var faults = 0
        package var seed: UInt64 = 42
        package var ttl: Duration = .seconds(4)
        package var corpus: [String]?
        package var trace: String?
        package var metrics: String?
        package var out: String?
        package var cache: String?
        package var json = false
        package var remote: Remote?

        package init() {}
    }

    /// The figures the summary reports.
    package struct Summary: Sendable {
        var workers = 0
        var cores = 0
        var leaseTime: Duration = .zero
        var artifactBlocks = 0
        var corpusOrigin = ""
        var files = 0
        var corpusBytes = 0
        var chunks = 0
        var launched = 0
        var retries = 0
        var replacements = 0
        var faults = 0
        var failed: [String] = []
        package var failureDetails: [String] = []
        var renewals = 0
        var renewalFailures = 0
        var lintFindings = 0
        var lintCleanFiles = 0
        var archiveBytes = 0
        var artifactBytes = 0
        var verified = 0
        var cacheHits = 0
        var cacheUsed = false
        var p50: Duration = .zero
        var p99: Duration = .zero
        var fuel: UInt64 = 0
        var wall: Duration = .zero
        var cpuLeasesAfter = -1
        var blockLeasesAfter = -1
        var fabricDescription = "the embedded fabric"
        /// With `--fabric tcp://…`: the leases the nodes still hold after teardown, as they report them — anyone's,
        /// since other clients may share the nodes; informational, not part of ``succeeded``.
        var nodeLeasesAfter: Int?

        package var succeeded: Bool {
            failed.isEmpty && verified == files && cpuLeasesAfter == 0 && blockLeasesAfter == 0
        }

        package var text: String {
            """
            grafos demo — the build-farm recipe on \(fabricDescription)

              1. leased \(workers * cores) cores (\(workers) leases × \(cores)) in \(format(leaseTime))
              2. leased \(artifactBlocks) blocks (\((artifactBlocks * 4096) >> 20) MiB) of artifact storage
              3. chunked \(files) files (\(corpusBytes) bytes) from \(corpusOrigin) into \(chunks) chunks: lint, hash, compress
              4. dispatched through JobCoordinator: \(launched) tasklets launched, \(retries) retries, \(replacements) \
            workers replaced, \(faults) faults injected\(failed.isEmpty ? "" : ", \(failed.count) chunks FAILED")
              5. renewed leases: \(renewals) renewals, \(renewalFailures) failures
              6. linked \(files) artifacts into a \(archiveBytes)-byte archive (\(rounded(Double(archiveBytes) * 100 / Double(max(1, corpusBytes)), 1))% \
            of the sources) and report.json; verified \(verified)/\(files) files by decompressing
                 lint: \(lintCleanFiles) clean files, \(lintFindings) findings

            \(cacheUsed ? "  action cache: \(cacheHits) hits of \(chunks + files) launches\n" : "")\
              tasklet duration p50 \(format(p50)), p99 \(format(p99)); fuel \(fuel); artifact bytes written \(artifactBytes)
              wall time \(format(wall))
              teardown: cpu_leases_active \(cpuLeasesAfter), block_leases_active \(blockLeasesAfter)\
            \(nodeLeasesAfter.map { ", leases the nodes hold for any client \($0)" } ?? "")

            """
        }

        package var json: String {
            func ms(_ d: Duration) -> String { String(d.milliseconds) }
            var fields: [(String, String)] = [
                ("workers", "\(workers)"), ("cores", "\(cores)"), ("lease_ms", ms(leaseTime)),
                ("artifact_blocks", "\(artifactBlocks)"), ("files", "\(files)"), ("corpus_bytes", "\(corpusBytes)"),
                ("chunks", "\(chunks)"), ("tasklets_launched", "\(launched)"), ("retries", "\(retries)"),
                ("workers_replaced", "\(replacements)"), ("faults_injected", "\(faults)"),
                ("failed_chunks", "\(failed.count)"), ("lease_renewals", "\(renewals)"),
                ("lease_renewal_failures", "\(renewalFailures)"), ("lint_findings", "\(lintFindings)"),
                ("archive_bytes", "\(archiveBytes)"), ("artifact_bytes_written", "\(artifactBytes)"),
                ("verified_files", "\(verified)"), ("tasklet_p50_ms", ms(p50)), ("tasklet_p99_ms", ms(p99)),
                ("fuel_consumed", "\(fuel)"), ("wall_ms", ms(wall)), ("cpu_leases_active", "\(cpuLeasesAfter)"),
                ("block_leases_active", "\(blockLeasesAfter)"), ("cache_hits", "\(cacheHits)"),
            ]
            if let nodeLeasesAfter { fields.append(("node_leases_held", "\(nodeLeasesAfter)")) }
            return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        }
    }

    /// Fuel for one chunk: the recipe's 5,000,000, or more for large inputs (the hasher costs about 125 per byte).
    static func fuel(for bytes: Int) -> UInt64 {
        max(5_000_000, UInt64(bytes) * 200 + 200_000)
    }

    package static func run(_ options: Options) async throws -> Summary {
        let began = ContinuousClock.now
        var summary = Summary()
        let metrics = MetricsRegistry()
        let fabric: any FabricProtocol
        let workers: Int
        if let remote = options.remote {
            let nodes = try RemoteFabric(endpoints: remote.endpoints, secret: remote.secret, metrics: metrics)
            fabric = nodes
            summary.fabricDescription =
                "\(remote.endpoints.count) grafos node agent\(remote.endpoints.count == 1 ? "" : "s")"
            if let requested = options.workers {
                workers = requested
            } else {
                // As many workers as fit, leaving one worker's cores free for replacements when there is room.
                let free = await nodes.freeCoreCount() ?? 0
                let fit = free / options.cores
                guard fit >= 1 else {
                    await nodes.shutdown()
                    throw CLIError.failure(
                        "the nodes at \(remote.endpoints.joined(separator: ", ")) have \(free) free cores: "
                            + "not enough for one worker of \(options.cores) (is any node reachable?)"
                    )
                }
                workers = min(50, fit > 1 ? fit - 1 : fit)
            }
        } else {
            workers = options.workers ?? 50
            // A fabric a little larger than the job (one spare node per ten workers, at least two), so that a worker
            // lost to a fault can be replaced on another node, as on any real fabric.
            let nodes = workers + max(2, workers / 10)
            fabric = LocalFabric(
                nodes: (0..<nodes).map { LocalFabric.Node(name: "n\($0)", cores: options.cores) },
                storage: 1 << 30,
                metrics: metrics,
                name: "demo"
            )
        }
        do {
            return try await run(
                options,
                on: fabric,
                workers: workers,
                summary: summary,
                metrics: metrics,
                began: began
            )
        } catch {
            if let remote = fabric as? RemoteFabric { await remote.shutdown() }
            throw error
        }
    }

    private static func run(
        _ options: Options,
        on fabric: any FabricProtocol,
        workers: Int,
        summary: Summary,
        metrics: MetricsRegistry,
        began: ContinuousClock.Instant
    ) async throws -> Summary {
        var summary = summary
        let trace = options.trace == nil ? nil : TraceRecorder(processName: "grafos demo")
        var settings = FarmSettings()
        settings.workers = workers
        settings.cores = options.cores
        settings.ttl = options.ttl
        settings.faults = options.faults
        settings.seed = options.seed
        settings.showProgress = !options.json
        if let directory = options.cache {
            // The linter exits 1 for files with findings: a result as deterministic as a clean 0, so cache both.
            settings.cache = ActionCache(
                store: try DirectoryCacheStore(path: directory),
                cacheableExitCodes: [0, 1],
                metrics: metrics
            )
            summary.cacheUsed = true
        }
        let farm = Farm(fabric: fabric, settings: settings, metrics: metrics, trace: trace)

        let stage = Locked("leasing workers")
        let watchdog = Self.watchdog(stage: stage, metrics: metrics, fabric: fabric) { farm.diagnosis }
        defer { watchdog?.cancel() }

        // 1. Workers; 2. artifact storage.
        summary.workers = workers
        summary.cores = options.cores
        summary.leaseTime = try await farm.leaseWorkers()
        summary.artifactBlocks = 4096
        // The artifact store lives as long as the workers do: same TTL, renewed with them, so a coordinator that
        // dies leaves nothing behind for longer than one TTL.
        let artifacts = try await BlockBuilder(on: fabric).minBlocks(4096).lease(options.ttl).acquire()
        farm.keepAlive(artifacts)

        // 3. Deterministic chunking of a real corpus.
        var corpus: Corpus
        if let roots = options.corpus {
            corpus = try Corpus.load(roots).0
        } else if FileManager.default.fileExists(atPath: "Sources") {
            corpus = try Corpus.load(["Sources"]).0
            corpus.origin = "./Sources"
        } else {
            corpus = Corpus.generated(files: 200, seed: options.seed)
        }
        if let limit = options.files { corpus.files = Array(corpus.files.prefix(limit)) }
        guard !corpus.files.isEmpty else { throw CLIError.failure("the corpus has no files") }
        summary.corpusOrigin = corpus.origin
        summary.files = corpus.files.count
        summary.corpusBytes = corpus.bytes
        let lint = try decode(EmbeddedTasklets.lint)
        let hash = try decode(EmbeddedTasklets.hash)
        let compress = try decode(EmbeddedTasklets.compress)
        let decompress = try decode(EmbeddedTasklets.decompress)
        // Each file is hashed once: for the report and, with a cache, for the three actions that read it.
        let digests = Dictionary(uniqueKeysWithValues: corpus.files.map { ($0.path, SHA256.hash($0.bytes)) })
        var tasks: [FarmTask] = []
        for file in corpus.files {
            let fuel = fuel(for: file.bytes.count)
            for (kind, module) in [("lint/", lint), ("hash/", hash), ("compress/", compress)] {
                tasks.append(
                    FarmTask(
                        chunk: Chunk(id: kind + file.path, bytes: file.bytes),
                        module: module,
                        fuel: fuel,
                        inputDigest: digests[file.path]
                    )
                )
            }
        }
        summary.chunks = tasks.count

        // 4. Dispatch with retries (and faults, when asked), renewing leases as they go.
        stage.update { $0 = "dispatching \(tasks.count) chunks" }
        let outcome = await farm.run(tasks, store: artifacts)
        summary.retries = outcome.retries
        summary.replacements = outcome.replacements
        summary.faults = outcome.faultsInjected
        summary.failed = outcome.failures.map(\.chunkID)
        summary.failureDetails = outcome.failures.map(\.description)
        let sorted = outcome.durations.sorted()
        summary.p50 = percentile(sorted, 0.5)
        summary.p99 = percentile(sorted, 0.99)

        // 6. Link: one archive of the compressed artifacts and a JSON report, then verify by decompressing.
        stage.update { $0 = "linking" }
        var archive = Archive()
        var report: [String] = []
        var verifyTasks: [FarmTask] = []
        for file in corpus.files {
            let lintResult = outcome.results["lint/" + file.path]
            let findings =
                lintResult.map {
                    String(decoding: $0.output, as: UTF8.self).components(separatedBy: "\"rule\"").count - 1
                } ?? 0
            summary.lintFindings += findings
            if lintResult?.exitCode == 0 { summary.lintCleanFiles += 1 }
            let digest = digests[file.path] ?? SHA256.hash(file.bytes)
            if let compressed = try? await artifacts.read("compress/" + file.path) {
                archive.entries.append(
                    Archive.Entry(
                        path: file.path,
                        originalSize: file.bytes.count,
                        digest: digest,
                        compressed: compressed
                    )
                )
                verifyTasks.append(
                    FarmTask(
                        chunk: Chunk(id: "verify/" + file.path, bytes: compressed),
                        module: decompress,
                        fuel: fuel(for: file.bytes.count)
                    )
                )
            }
            report.append(
                "{\"path\":\(TextEncoding.jsonString(file.path)),\"sha256\":\"\(digest.hex)\",\"lint_findings\":\(findings)}"
            )
        }
        let archiveBytes = archive.bytes
        summary.archiveBytes = archiveBytes.count
        let reportJSON = "{\"files\":[" + report.joined(separator: ",") + "]}\n"
        do {
            try await artifacts.write("archive.grar", archiveBytes)
            try await artifacts.write("report.json", Array(reportJSON.utf8))
            stage.update { $0 = "verifying \(verifyTasks.count) files" }
            let verification = await farm.run(verifyTasks, store: artifacts)
            let originals = Dictionary(uniqueKeysWithValues: corpus.files.map { ($0.path, $0.bytes) })
            for (id, result) in verification.results where result.exitCode == 0 {
                let path = String(id.dropFirst("verify/".count))
                if originals[path] == result.output { summary.verified += 1 }
            }
            summary.failed += verification.failures.map(\.chunkID)
            summary.failureDetails += verification.failures.map(\.description)
        } catch {
            // The artifact store is gone (its node died, or its lease expired): nothing can be linked or verified
            // any more. Report it and still give every lease back.
            summary.failed.append("archive.grar")
            summary.failureDetails.append("the artifact store was lost, so nothing was linked or verified: \(error)")
        }
        if let out = options.out {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try Data(archiveBytes).write(to: URL(fileURLWithPath: out + "/archive.grar"))
            try Data(reportJSON.utf8).write(to: URL(fileURLWithPath: out + "/report.json"))
        }

        // Teardown: every lease back; the recipe's "wow" metric is the gauges at zero right after.
        stage.update { $0 = "releasing every lease" }
        await farm.releaseWorkers()
        await artifacts.release()
        if let remote = fabric as? RemoteFabric {
            let statuses = await remote.statuses()
            summary.nodeLeasesAfter = statuses.reduce(0) { $0 + $1.cpuLeases + $1.blockLeases }
            await remote.shutdown()
        }
        summary.cpuLeasesAfter = Int(metrics.value(of: "cpu_leases_active") ?? -1)
        summary.blockLeasesAfter = Int(metrics.value(of: "block_leases_active") ?? -1)
        summary.launched = Int(metrics.value(of: "tasklets_launched_total") ?? 0)
        summary.renewals = Int(metrics.value(of: "lease_renewals_total") ?? 0)
        summary.renewalFailures = Int(metrics.value(of: "lease_renewal_failures_total") ?? 0)
        summary.fuel = UInt64(metrics.value(of: "fuel_consumed_total") ?? 0)
        summary.cacheHits = Int(metrics.value(of: "action_cache_hits_total") ?? 0)
        summary.artifactBytes = Int(metrics.value(of: "artifact_bytes_written") ?? 0)
        summary.wall = began.duration(to: .now)
        if let path = options.trace, let trace {
            try Data(trace.jsonText().utf8).write(to: URL(fileURLWithPath: path))
        }
        if let path = options.metrics {
            try Data(metrics.prometheusText().utf8).write(to: URL(fileURLWithPath: path))
        }
        return summary
    }

    /// With `GRAFOS_DEMO_WATCHDOG=SECONDS` in the environment: when nothing moves (no launch, no failure, no stage
    /// change — renewals do not count) for that long, describes on standard error what the demo is waiting for: the
    /// stage, the counters, the coordinator's schedule and each node's unanswered requests. A diagnostic for the
    /// fault drills; off by default.
    static func watchdog(
        stage: Locked<String>,
        metrics: MetricsRegistry,
        fabric: any FabricProtocol,
        schedule: @escaping @Sendable () -> String?
    ) -> Task<
        Void, Never
    >? {
        guard let text = ProcessInfo.processInfo.environment["GRAFOS_DEMO_WATCHDOG"], let seconds = Int(text),
            seconds > 0
        else { return nil }
        return Task.detached {
            var last = ""
            var still = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let counters = ["tasklets_launched_total", "tasklet_failures_total", "cpu_leases_active"]
                    .map { "\($0) \(Int(metrics.value(of: $0) ?? 0))" }.joined(separator: ", ")
                let now = stage.value + " | " + counters
                still = now == last ? still + 1 : 0
                last = now
                guard still == seconds else { continue }
                var report = "grafos demo: no progress for \(seconds) s — \(now)"
                if let schedule = schedule() { report += " | " + schedule }
                if let remote = fabric as? RemoteFabric { report += " | " + remote.connectionReport }
                FileHandle.standardError.write(Data((report + "\n").utf8))
            }
        }
    }

    static func decode(_ base64: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: base64) else { throw CLIError.failure("an embedded tasklet is corrupt") }
        return Array(data)
    }

}
