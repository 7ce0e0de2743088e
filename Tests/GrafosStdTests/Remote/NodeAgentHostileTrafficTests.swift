import Foundation
import GrafosObserve
import Testing

@testable import GrafosStd

/// Malformed, oversized, forged and random traffic closes the offending connection; the node serves on.
@Suite struct NodeAgentHostileTrafficTests {
    static let secret = Array("hostile-test-secret".utf8)

    func agent(maxFrameBytes: Int = 1 << 20, clock: some FabricClock = MonotonicClock()) throws -> (NodeAgent, String) {
        let agent = try NodeAgent(
            configuration: .init(
                listen: "127.0.0.1:0",
                name: "target",
                cores: 4,
                storageBytes: 1 << 16,
                secret: Self.secret,
                maxFrameBytes: maxFrameBytes,
                handshakeTimeout: .seconds(2)
            ),
            clock: clock
        )
        return (agent, try agent.start())
    }

    /// A working client proves the node still serves.
    func assertServes(_ address: String) async throws {
        let fabric = try RemoteFabric(endpoints: [address], secret: Self.secret, metrics: MetricsRegistry())
        let lease = try await CpuBuilder(on: fabric).leaseSecs(5).acquire()
        await lease.release()
        await fabric.shutdown()
    }

    func connect(_ address: String) throws -> TCPConnection {
        try TCPConnection.connect(to: SocketAddress(parsing: address)!, timeout: .seconds(2))
    }

    /// Reads until the node closes the connection (bounded).
    static func isClosed(_ connection: TCPConnection) -> Bool {
        connection.setReceiveTimeout(.seconds(10))
        for _ in 0..<64 {
            do {
                _ = try connection.read(exactly: 1)
            } catch {
                return true
            }
        }
        return false
    }

    @Test func garbageBeforeTheHandshakeClosesTheConnection() async throws {
        let (agent, address) = try agent()
        let connection = try connect(address)
        let closed = try await offPool {
            try connection.write(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            return Self.isClosed(connection)
        }
        #expect(closed)
        try await assertServes(address)
        #expect(agent.refusals.protocolErrors >= 1)
        agent.stop()
    }

    @Test func anOversizedFrameClosesTheConnection() async throws {
        let (agent, address) = try agent(maxFrameBytes: 1024)
        let connection = try connect(address)
        let closed = try await offPool {
            try connection.write([0x7f, 0xff, 0xff, 0xff] + [UInt8](repeating: 0, count: 64))
            return Self.isClosed(connection)
        }
        #expect(closed)
        try await assertServes(address)
        agent.stop()
    }

    @Test func aForgedFrameAfterTheHandshakeClosesTheConnection() async throws {
        let (agent, address) = try agent()
        let channel = WireChannel(connection: try connect(address))
        let closed = try await offPool {
            _ = try WireHandshake.client(channel, secret: Self.secret)
            // A well-formed status request whose MAC is wrong.
            var frame = WireWriter()
            frame.u32(12 + 16)
            frame.u8(1)
            frame.u8(1)
            frame.u16(WireMessageType.status.rawValue)
            frame.u64(1)
            frame.raw([UInt8](repeating: 0xAB, count: 16))
            try channel.connection.write(frame.bytes)
            return Self.isClosed(channel.connection)
        }
        #expect(closed)
        try await assertServes(address)
        agent.stop()
    }

    @Test func anAuthenticatedClientGetsAnswersOnARawChannel() async throws {
        let (agent, address) = try agent()
        let channel = WireChannel(connection: try connect(address))
        let (name, reply) = try await offPool {
            let name = try WireHandshake.client(channel, secret: Self.secret)
            let (type, payload) = WireRequest.status.encode()
            try channel.send(WireFrame(type: type, requestID: 77, payload: payload))
            return (name, try channel.receive())
        }
        #expect(name == "target")
        #expect(reply.requestID == 77)
        guard case .status(let status) = try WireResponse.decode(reply.type, reply.payload) else {
            Issue.record("expected a status reply")
            return
        }
        #expect(status.totalCores == 4)
        channel.close()
        agent.stop()
    }

    /// A client that sends requests and never reads the answers must not stall the node: its answers queue on its
    /// connection's writer thread, and it is cut off once more than a frame of them is left unread.
    @Test func aClientThatNeverReadsItsAnswersStallsNobodyElse() async throws {
        let (agent, address) = try agent()
        let flood = WireChannel(connection: try connect(address))
        // Without the writer thread the node's answer tasks would block the cooperative pool — this test's tasks
        // included — for as long as the flood stays open; this thread then ends the flood after 30 s so that the
        // test fails instead of hanging.
        let rescued = Locked(false)
        startThread {
            Thread.sleep(forTimeInterval: 30)
            if rescued.update({ state -> Bool in
                defer { state = true }
                return !state
            }) {
                flood.close()
            }
        }
        let sent = try await offPool { () throws -> Int in
            _ = try WireHandshake.client(flood, secret: Self.secret)
            let (type, payload) = WireRequest.metrics.encode()
            var sent = 0
            // Fewer than the node's 4,096 requests in flight per connection (which would get it closed), but
            // megabytes of answers: then it just keeps the connection open and reads nothing.
            for id in 0..<4_000 {
                do {
                    try flood.send(WireFrame(type: type, requestID: UInt64(id), payload: payload))
                } catch {
                    break  // the node cut the flood off
                }
                sent += 1
            }
            return sent
        }
        #expect(sent > 0)
        try await assertServes(address)
        let stalled = rescued.update { state -> Bool in
            defer { state = true }
            return state
        }
        #expect(!stalled, "the node stalled until the flood was closed")
        let cutOff = try await offPool { () -> Bool in
            for _ in 0..<300 where agent.refusals.overLimit == 0 { Thread.sleep(forTimeInterval: 0.01) }
            return agent.refusals.overLimit >= 1
        }
        #expect(cutOff, "a client leaving megabytes of answers unread is cut off")
        flood.close()
        agent.stop()
    }

    @Test func aSilentClientIsDroppedAfterTheHandshakeTimeout() async throws {
        let (agent, address) = try agent()
        let connection = try connect(address)
        let closed = try await offPool {
            _ = try connection.read(exactly: 4)  // the hello frame's length; then say nothing
            return Self.isClosed(connection)
        }
        #expect(closed)
        agent.stop()
    }
}
