import Foundation
import GrafosObserve
import Testing

@testable import GrafosStd

/// `--data-dir`: block storage that survives a node restart.
@Suite struct DurableStorageTests {
    static let secret = Array("durable".utf8)

    func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("grafos-data-\(UUID().uuidString)")
            .path
        return path
    }

    func agent(_ directory: String, clock: some FabricClock = MonotonicClock()) throws -> NodeAgent {
        try NodeAgent(
            configuration: .init(
                listen: "127.0.0.1:0",
                name: "durable",
                cores: 2,
                storageBytes: 1 << 20,
                secret: Self.secret,
                dataDirectory: directory
            ),
            clock: clock
        )
    }

    @Test func writtenObjectsSurviveARestartOfTheNode() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try agent(directory)
        let store = try await BlockBuilder(on: first.fabric).minBlocks(16).leaseSecs(600).acquire()
        try await store.write("kept.o", [1, 2, 3])
        try await store.write("replaced.o", [9])
        try await store.write("replaced.o", [4, 5])
        try await store.write("removed.o", [6])
        try await store.remove("removed.o")
        let digest = try await store.put(Array("content".utf8))
        try await store.writeBlock(15, [7, 7])
        let credential = store.credential

        // A new agent on the same directory: the lease and its data are back, under the same credential.
        let second = try agent(directory)
        #expect(second.status.blockLeases == 1)
        #expect(try await second.fabric.perform(.readObject("kept.o"), on: credential) == .bytes([1, 2, 3]))
        #expect(try await second.fabric.perform(.readObject("replaced.o"), on: credential) == .bytes([4, 5]))
        #expect(try await second.fabric.perform(.listObjects, on: credential) == .keys(["kept.o", "replaced.o"]))
        #expect(try await second.fabric.perform(.get(digest), on: credential) == .bytes(Array("content".utf8)))
        guard case .bytes(let block) = try await second.fabric.perform(.readBlock(15), on: credential) else {
            Issue.record("no block")
            return
        }
        #expect(block.prefix(3) == [7, 7, 0])
        let forged = LeaseCredential(id: credential.id, token: LeaseToken(high: 0, low: 0))
        await #expect(throws: FabricError.notHolder) { try await second.fabric.perform(.listObjects, on: forged) }
        // The first agent's handle must not release (and so delete) the lease before the restart was checked.
        withExtendedLifetime(store) {}
    }

    @Test func releasedAndExpiredLeasesLeaveNothingBehind() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualClock()
        let node = try agent(directory, clock: clock)
        let released = try await BlockBuilder(on: node.fabric).minBlocks(4).leaseSecs(60).acquire()
        try await released.write("a", [1])
        await released.release()
        let expiring = try await BlockBuilder(on: node.fabric).minBlocks(4).leaseSecs(10).acquire()
        try await expiring.write("b", [2])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).count == 1)
        clock.advance(by: .seconds(10))
        #expect(node.status.blockLeases == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        #expect(try agent(directory).status.blockLeases == 0)
    }

    @Test func aLeaseWhoseTTLPassedWhileTheNodeWasDownIsNotRestored() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The first node's clock never moves, as if it died at once: only the restart can notice the expiry.
        let node = try agent(directory, clock: ManualClock())
        let store = try await BlockBuilder(on: node.fabric).minBlocks(4).lease(.milliseconds(300)).acquire()
        try await store.write("short", [1])
        node.stop()
        try await Task.sleep(for: .milliseconds(400))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).count == 1)
        let restarted = try agent(directory)
        #expect(restarted.status.blockLeases == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        withExtendedLifetime(store) {}
    }

    @Test func aTornTemporaryFileFromAnInterruptedWriteIsDiscarded() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let node = try agent(directory)
        let store = try await BlockBuilder(on: node.fabric).minBlocks(4).leaseSecs(600).acquire()
        try await store.write("whole", [1, 2, 3])
        // A crash mid-write leaves only a temporary file; the committed object is untouched.
        let leaseDirectory = directory + "/" + store.id.description
        try Data([0xde, 0xad]).write(to: URL(fileURLWithPath: leaseDirectory + "/.tmp-torn"))
        let restarted = try agent(directory)
        #expect(try await restarted.fabric.perform(.readObject("whole"), on: store.credential) == .bytes([1, 2, 3]))
        #expect(try await restarted.fabric.perform(.listObjects, on: store.credential) == .keys(["whole"]))
        #expect(!FileManager.default.fileExists(atPath: leaseDirectory + "/.tmp-torn"))
    }

    @Test func anUnusableDataDirectoryIsAClearError() {
        #expect(throws: FabricError.invalidRequest) { try agent("/proc/definitely/not/here") }
    }
}
