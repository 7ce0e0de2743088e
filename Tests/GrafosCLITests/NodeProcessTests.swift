import Foundation
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

        init(binary: URL, name: String, cores: Int, secretFile: URL) throws {
            process.executableURL = binary
            process.arguments = [
                "node", "--listen", "127.0.0.1:0", "--cores", String(cores), "--storage", "1M",
                "--secret-file", secretFile.path, "--name", name,
            ]
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
}
