import Foundation
import GrafosJobs
import GrafosObserve
import GrafosStd
import Testing

@testable import GrafosCLI

/// Real `grafos node` processes on loopback, driven through `RemoteFabric`.
@Suite(.serialized) struct NodeProcessTests {
    /// A running `grafos node` process.
    final class NodeProcess {
        let process = Process()
        let address: String

        init(
            binary: URL,
            name: String,
            cores: Int,
            secretFile: URL,
            storage: String = "1M",
            listen: String = "127.0.0.1:0",
            dataDirectory: String? = nil
        ) throws {
            process.executableURL = binary
            process.arguments =
                [
                    "node", "--listen", listen, "--cores", String(cores), "--storage", storage,
                    "--secret-file", secretFile.path, "--name", name,
                ] + (dataDirectory.map { ["--data-dir", $0] } ?? [])
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The first line names the bound address: "grafos node NAME listening on HOST:PORT with …".
            var line = Data()
            while !line.contains(10) {
                let byte = output.fileHandleForReading.readData(ofLength: 1)
                guard !byte.isEmpty else { throw CLIError.failure("grafos node \(name) exited before listening") }
                line.append(byte)
            }
            let text = String(decoding: line, as: UTF8.self)
            guard let range = text.range(of: "listening on "), let end = text[range.upperBound...].firstIndex(of: " ")
            else { throw CLIError.failure("unexpected first line: \(text)") }
            address = String(text[range.upperBound..<end])
        }

        func kill() {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        deinit {
            if process.isRunning { kill() }
        }
    }

    static var binary: URL {
        // Tests/GrafosCLITests/NodeProcessTests.swift → the package root → .build/debug/grafos
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/grafos")
    }

    static func secretFile() throws -> (URL, [UInt8]) {
        let secret = Array("process-test-\(UInt64.random(in: 0 ... .max))".utf8)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("grafos-secret-\(UUID().uuidString)")
        try Data(secret + [10]).write(to: url)
        return (url, secret)
    }

    @Test func leasesAndStorageWorkAcrossNodeProcessesAndSurviveAKilledNode() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the grafos product first")
        let (secretURL, secret) = try Self.secretFile()
        defer { try? FileManager.default.removeItem(at: secretURL) }
        let nodes = try (0..<3).map {
            try NodeProcess(binary: Self.binary, name: "p\($0)", cores: 2, secretFile: secretURL)
        }
        let fabric = try RemoteFabric(endpoints: nodes.map(\.address), secret: secret, metrics: MetricsRegistry())

        var leases: [CpuLease] = []
        for _ in 0..<3 { leases.append(try await CpuBuilder(on: fabric).cores(2).leaseSecs(30).acquire()) }
        #expect(Set(leases.map(\.node)) == ["p0", "p1", "p2"])
        let store = try await BlockBuilder(on: fabric).minBlocks(8).leaseSecs(30).acquire()
        try await store.write("artifact", [1, 2, 3])
        #expect(try await store.read("artifact") == [1, 2, 3])

        // kill -9 one node: its lease reports disconnected at once; the others keep working.
        let victim = leases.firstIndex { $0.node == "p1" }!
        nodes[1].kill()
        await #expect(throws: FabricError.disconnected) { try await leases[victim].renew() }
        for (index, lease) in leases.enumerated() where index != victim { try await lease.renew() }
        for (index, lease) in leases.enumerated() where index != victim { await lease.release() }
        let statuses = await fabric.statuses()
        #expect(statuses.map(\.name) == ["p0", "p2"])
        #expect(statuses.allSatisfy { $0.cpuLeases == 0 })
        await fabric.shutdown()
    }

    @Test func aVanishedCoordinatorsLeasesReturnWithinOneTTL() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the grafos product first")
        let (secretURL, secret) = try Self.secretFile()
        defer { try? FileManager.default.removeItem(at: secretURL) }
        let node = try NodeProcess(binary: Self.binary, name: "solo", cores: 4, secretFile: secretURL)
        let coordinator = try RemoteFabric(endpoints: [node.address], secret: secret, metrics: MetricsRegistry())
        var leases: [CpuLease] = []
        for _ in 0..<4 { leases.append(try await CpuBuilder(on: coordinator).leaseSecs(1).acquire()) }
        // The coordinator dies: its connection drops and nothing is released.
        coordinator.closeConnectionsForTesting()
        let observer = try RemoteFabric(endpoints: [node.address], secret: secret, metrics: MetricsRegistry())
        #expect(await observer.statuses().first?.cpuLeases == 4)
        try await Task.sleep(for: .milliseconds(1200))
        let after = await observer.statuses().first
        #expect(after?.cpuLeases == 0)
        #expect(after?.freeCores == 4)
        await observer.shutdown()
        leases.removeAll()
    }

    @Test func aJobAcrossNodeProcessesIsRetriedElsewhereWhenANodeIsKilled() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the grafos product first")
        let (secretURL, secret) = try Self.secretFile()
        defer { try? FileManager.default.removeItem(at: secretURL) }
        // Three nodes of 3 cores; six 1-core workers leave one core free on each node for a replacement.
        let nodes = try (0..<3).map {
            try NodeProcess(binary: Self.binary, name: "j\($0)", cores: 3, secretFile: secretURL)
        }
        let metrics = MetricsRegistry()
        let fabric = try RemoteFabric(endpoints: nodes.map(\.address), secret: secret, metrics: metrics)
        var workers: [CpuLease] = []
        for _ in 0..<6 { workers.append(try await CpuBuilder(on: fabric).leaseSecs(30).acquire()) }
        #expect(Dictionary(grouping: workers, by: \.node).mapValues(\.count) == ["j0": 2, "j1": 2, "j2": 2])

        var random = SeededRandomNumberGenerator(seed: 7)
        let chunks = (0..<90).map { index in
            Chunk(id: "c\(index)", bytes: (0..<16_384).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
        let hash = try Demo.decode(EmbeddedTasklets.hash)
        let coordinator = JobCoordinator(
            policy: RetryPolicy.default.withMaxRetries(4).withBackoff(.exponential(initialMs: 10, maxMs: 100)),
            metrics: metrics
        )
        // kill -9 node j1 once a quarter of the chunks are done: its in-flight launches fail at once.
        let events = coordinator.events()
        let killer = Task {
            var (done, killedAt, replaced) = (0, 0, 0)
            for await event in events {
                switch event {
                case .succeeded:
                    done += 1
                    if done == chunks.count / 4 {
                        nodes[1].kill()
                        killedAt = done
                    }
                case .workerReplaced: replaced += 1
                case .finished: return (killedAt, replaced)
                default: continue
                }
            }
            return (killedAt, replaced)
        }
        let outputs = try await coordinator.run(
            chunks,
            on: workers,
            (),
            replacingWith: { dead in
                await dead.release()
                return try await CpuBuilder(on: fabric).leaseSecs(30).acquire()
            },
            exec: { chunk, worker, _ -> (String, [UInt8], String) in
                let result = try await worker.cpu().submit(hash).input(chunk.bytes).fuel(20_000_000).launch()
                guard result.exitCode == 0 else { throw TaskletExitError(exitCode: result.exitCode) }
                return (chunk.id, result.output, worker.node)
            },
            aggregate: { $0 }
        )
        let (killedAt, replaced) = await killer.value
        #expect(killedAt == chunks.count / 4)
        #expect(replaced == 2, "both of j1's workers were replaced on the surviving nodes")

        // The job verifies: every chunk once, in order, each output the SHA-256 of its input.
        #expect(outputs.map { $0.0 } == chunks.map(\.id))
        for (chunk, output) in zip(chunks, outputs) {
            #expect(String(decoding: output.1, as: UTF8.self).hasPrefix("sha256:" + SHA256.hash(chunk.bytes).hex))
        }
        #expect(outputs.suffix(20).allSatisfy { $0.2 != "j1" }, "late chunks ran on the surviving nodes")
        #expect((metrics.value(of: "tasklets_launched_total") ?? 0) >= Double(chunks.count))
        for worker in workers where worker.node != "j1" { await worker.release() }
        let statuses = await fabric.statuses()
        #expect(statuses.map(\.name) == ["j0", "j2"])
        await fabric.shutdown()
        #expect(statuses.allSatisfy { $0.taskletsRunning == 0 })
    }

    @Test func killingADemoCoordinatorProcessLeavesNoLeaseBeyondOneTTL() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the grafos product first")
        let (secretURL, secret) = try Self.secretFile()
        defer { try? FileManager.default.removeItem(at: secretURL) }
        let nodes = try (0..<2).map {
            try NodeProcess(binary: Self.binary, name: "k\($0)", cores: 4, secretFile: secretURL, storage: "64M")
        }
        // A real coordinator process: `grafos demo` on the two nodes with 1-second leases.
        let coordinator = Process()
        coordinator.executableURL = Self.binary
        coordinator.arguments = [
            "demo", "--fabric", nodes.map { "tcp://" + $0.address }.joined(separator: ","), "--secret-file",
            secretURL.path, "--ttl", "1", "--workers", "3", "--json",
        ]
        coordinator.standardOutput = FileHandle.nullDevice
        coordinator.standardError = FileHandle.nullDevice
        coordinator.currentDirectoryURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        try coordinator.run()
        let observer = try RemoteFabric(endpoints: nodes.map(\.address), secret: secret, metrics: MetricsRegistry())
        // Wait until it holds its workers and storage and tasklets are running, then kill -9 it.
        var held = 0
        for _ in 0..<500 {
            let statuses = await observer.statuses()
            held = statuses.reduce(0) { $0 + $1.cpuLeases + $1.blockLeases }
            if held == 4 && statuses.contains(where: { $0.taskletsRunning > 0 }) { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(held == 4, "3 workers and the artifact store")
        kill(coordinator.processIdentifier, SIGKILL)
        coordinator.waitUntilExit()
        #expect(coordinator.terminationReason == .uncaughtSignal)
        // Nobody releases anything now: the nodes reclaim the leases themselves when their 1-second TTLs pass (the
        // poll's 20-second bound only keeps a broken build from hanging; the expiry counters say how they ended).
        let killed = ContinuousClock.now
        var remaining = held
        while remaining > 0 && ContinuousClock.now - killed < .seconds(20) {
            try await Task.sleep(for: .milliseconds(50))
            remaining = await observer.statuses().reduce(0) { $0 + $1.cpuLeases + $1.blockLeases }
        }
        #expect(remaining == 0)
        var expired = 0
        for index in nodes.indices {
            let text = try await observer.metricsText(endpoint: index)
            let line = text.split(separator: "\n").first { $0.hasPrefix("leases_expired_total ") }
            expired += line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        }
        #expect(expired >= held, "every lease of the killed coordinator expired; none was released")
        let statuses = await observer.statuses()
        #expect(statuses.allSatisfy { $0.freeCores == 4 && $0.taskletsRunning == 0 })
        await observer.shutdown()
    }

    /// Runs blocking socket work on its own thread, off Swift's cooperative pool.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            startThread { continuation.resume(with: Result { try body() }) }
        }
    }

    @Test func hostileConnectionsToANodeProcessAreRefusedWhileAnotherClientKeepsWorking() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the grafos product first")
        let (secretURL, secret) = try Self.secretFile()
        defer { try? FileManager.default.removeItem(at: secretURL) }
        let node = try NodeProcess(binary: Self.binary, name: "h0", cores: 2, secretFile: secretURL)
        let fabric = try RemoteFabric(endpoints: [node.address], secret: secret, metrics: MetricsRegistry())
        let lease = try await CpuBuilder(on: fabric).leaseSecs(30).acquire()

        var random = SeededRandomNumberGenerator(seed: 99)
        let payloads: [[UInt8]] = [
            Array("GET /metrics HTTP/1.1\r\nHost: node\r\n\r\n".utf8),  // not our protocol
            [0x47, 0x52, 0x41, 0x46, 0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 64),  // a 4 GiB length
            (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) },  // noise
        ]
        let address = try #require(SocketAddress(parsing: node.address))
        for payload in payloads {
            let closed = try await Self.onThread { () throws -> Bool in
                let connection = try TCPConnection.connect(to: address, timeout: .seconds(2))
                defer { connection.close() }
                try? connection.write(payload)
                connection.setReceiveTimeout(.seconds(5))
                for _ in 0..<256 {
                    do { _ = try connection.read(exactly: 1) } catch { return true }
                }
                return false
            }
            #expect(closed, "the node closes a connection that sends \(payload.prefix(8))")
        }
        // A client with the wrong secret is refused…
        let intruder = try RemoteFabric(
            endpoints: [node.address],
            secret: Array("not-the-secret".utf8),
            metrics: MetricsRegistry()
        )
        await #expect(throws: FabricError.unauthenticated) { try await CpuBuilder(on: intruder).acquire() }
        await intruder.shutdown()
        // …while the authenticated client's lease, connection and node carry on.
        try await lease.renew()
        let result = try await lease.cpu().submit(try Demo.decode(EmbeddedTasklets.hash)).input([1, 2, 3]).launch()
        #expect(result.exitCode == 0)
        #expect(node.process.isRunning)
        #expect(await fabric.statuses().first?.cpuLeases == 1)
        await lease.release()
        await fabric.shutdown()
    }

    @Test func durableStorageSurvivesKillingAndRestartingTheNodeProcess() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the grafos product first")
        let (secretURL, secret) = try Self.secretFile()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("grafos-data-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: secretURL)
            try? FileManager.default.removeItem(at: data)
        }
        var node = try NodeProcess(
            binary: Self.binary,
            name: "d0",
            cores: 1,
            secretFile: secretURL,
            storage: "4M",
            dataDirectory: data.path
        )
        let address = node.address
        // A short retry delay: after a failure the fabric fails fast for this long before reconnecting.
        let fabric = try RemoteFabric(
            endpoints: [address],
            secret: secret,
            retryDelay: .milliseconds(100),
            metrics: MetricsRegistry()
        )
        let store = try await BlockBuilder(on: fabric).minBlocks(64).leaseSecs(60).acquire()
        let artifact = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try await store.write("build/app.o", artifact)
        let digest = try await store.put(Array("test log".utf8))

        node.kill()  // kill -9: no chance to flush anything more
        await #expect(throws: FabricError.disconnected) { try await store.read("build/app.o") }
        node = try NodeProcess(
            binary: Self.binary,
            name: "d0",
            cores: 1,
            secretFile: secretURL,
            storage: "4M",
            listen: address,
            dataDirectory: data.path
        )
        // After the retry delay the same handle reconnects to the restarted node and finds its lease and its data.
        try await Task.sleep(for: .milliseconds(150))
        #expect(try await store.read("build/app.o") == artifact)
        #expect(try await store.get(digest) == Array("test log".utf8))
        try await store.renew()
        #expect(store.node == "d0")
        await store.release()
        #expect(await fabric.statuses().first?.blockLeases == 0)
        await fabric.shutdown()
        node.kill()
    }
}
