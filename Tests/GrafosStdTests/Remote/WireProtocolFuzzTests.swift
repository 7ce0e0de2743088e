import Foundation
import Testing

@testable import GrafosStd

/// Random and mutated traffic against a real node agent over TCP, before and after an authenticated handshake.
///
/// The fuzzer knows the shared secret, so after the handshake it can send frames with valid MACs whose payloads,
/// message types, versions, flags and lengths it has mutated — the traffic only a buggy or compromised client
/// could produce, which reaches the request decoder and the fabric behind it. Sessions mix valid requests (on
/// leases they acquired: renew, release, launch, block operations) with mutated ones.
///
/// Invariants: every frame the node sends back carries a valid MAC and the request id it answers and decodes as a
/// response; a frame the node cannot accept closes that connection (never the node); afterwards a fresh client is
/// served, and once the clock passes every expiry no lease, core, block or running tasklet is left.
/// Seeded: `GRAFOS_FUZZ_SEED` and `GRAFOS_FUZZ_WIRE_SESSIONS` explore further.
@Suite struct WireProtocolFuzzTests {
    static let secret = Array("wire-fuzz-secret".utf8)
    static let seed: UInt64 = ProcessInfo.processInfo.environment["GRAFOS_FUZZ_SEED"].flatMap { UInt64($0) } ?? 2026
    static let sessions = ProcessInfo.processInfo.environment["GRAFOS_FUZZ_WIRE_SESSIONS"].flatMap { Int($0) } ?? 300

    /// `(func (export "run") (result i32) i32.const 7)`: a tasklet that cannot loop, however its fuel is mutated.
    static let tasklet: [UInt8] = {
        var builder = WasmModuleBuilder()
        builder.function("run", [], [.i32], body: [Op.i32Const(7)])
        return builder.build()
    }()

    /// What one fuzzing client saw.
    struct Tally: Sendable {
        var frames = 0
        var responses = 0
        var errors = 0
        var closed = 0
        var handshakesRefused = 0
    }

    /// A client that speaks the protocol from `Docs/WireProtocol.md` itself, so it can send any frame with a
    /// valid MAC; it receives through a ``WireChannel``, which checks the node's MACs and sequence numbers.
    final class Session {
        let channel: WireChannel
        var key: [UInt8] = []
        var sequence: UInt64 = 0

        init(_ address: String) throws {
            let connection = try TCPConnection.connect(to: SocketAddress(parsing: address)!, timeout: .seconds(2))
            connection.setReceiveTimeout(.seconds(10))
            channel = WireChannel(connection: connection)
        }

        /// The handshake, optionally spoiled: returns whether the node welcomed us.
        func handshake(spoil: Int?, random: inout SeededRandomNumberGenerator) throws -> Bool {
            let hello = try channel.receive()
            var reader = WireReader(hello.payload)
            _ = try reader.u8()
            _ = try reader.string()
            let challenge = try reader.raw(32)
            let nonce = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
            var proof = WireHandshake.proof("grafos/1 client", challenge, nonce, secret: WireProtocolFuzzTests.secret)
            var payload = nonce + proof
            var type = WireMessageType.authenticate
            switch spoil {
            case 0:
                proof[Int.random(in: 0..<32, using: &random)] ^= 1
                payload = nonce + proof
            case 1: payload.removeLast(Int.random(in: 1...64, using: &random))
            case 2: payload.append(0)
            case 3: type = WireMessageType(rawValue: UInt16.random(in: 0...0x20, using: &random))
            case 4:
                payload = (0..<Int.random(in: 0...80, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            default: break
            }
            if spoil == 5 {
                try raw(
                    version: 1,
                    flags: 1,
                    type: type.rawValue,
                    requestID: 0,
                    payload: payload,
                    mac: Array(repeating: 0, count: 16)
                )
            } else {
                try channel.send(WireFrame(type: type, requestID: 0, payload: payload))
            }
            guard try channel.receive().type == .welcome else { return false }
            if let spoil, !(spoil == 3 && type == .authenticate) {
                Issue.record("a spoiled handshake (\(spoil)) was welcomed")
            }
            key = WireHandshake.sessionKey(challenge: challenge, nonce: nonce, secret: WireProtocolFuzzTests.secret)
            channel.authenticate(key: key, isServer: false)
            return true
        }

        /// Writes a frame byte by byte as the protocol lays it out, with a MAC over what is sent (unless given).
        func raw(
            version: UInt8 = 1,
            flags: UInt8 = 1,
            type: UInt16,
            requestID: UInt64,
            payload: [UInt8],
            lengthDelta: Int = 0,
            mac: [UInt8]? = nil
        ) throws {
            var body = WireWriter()
            body.u8(version)
            body.u8(flags)
            body.u16(type)
            body.u64(requestID)
            body.raw(payload)
            var message = WireWriter()
            message.u8(UInt8(ascii: "C"))
            message.u64(sequence)
            message.raw(body.bytes)
            let code = mac ?? Array(HMACSHA256.authenticationCode(for: message.bytes, key: key).bytes.prefix(16))
            if mac == nil && !key.isEmpty { sequence += 1 }
            var frame = WireWriter()
            frame.u32(UInt32(truncatingIfNeeded: body.bytes.count + code.count + lengthDelta))
            frame.raw(body.bytes)
            frame.raw(code)
            try channel.connection.write(frame.bytes)
        }

        /// Waits for the answer to `requestID`; nil when the node closed the connection.
        func answer(to requestID: UInt64) -> WireFrame? {
            do {
                let frame = try channel.receive()
                #expect(frame.requestID == requestID, "an answer to \(frame.requestID) while waiting for \(requestID)")
                return frame
            } catch {
                if case .closed = error { return nil }
                Issue.record("the node sent a frame that does not verify: \(error)")
                return nil
            }
        }
    }

    /// A request that makes sense now, given the leases this session holds.
    static func request(
        _ leases: [LeaseGrant],
        _ random: inout SeededRandomNumberGenerator
    ) -> WireRequest {
        let cpu = leases.filter { $0.kind == .cpu }.map(\.credential)
        let block = leases.filter { $0.kind == .block }.map(\.credential)
        let ttl = Duration.seconds(Int64.random(in: 1...30, using: &random))
        switch Int.random(in: 0..<12, using: &random) {
        case 0: return .status
        case 1: return .metrics
        case 2..<4: return .acquireCpu(CpuLeaseRequest(cores: Int.random(in: 1...3, using: &random), ttl: ttl))
        case 4: return .acquireBlock(BlockLeaseRequest(blocks: Int.random(in: 1...4, using: &random), ttl: ttl))
        case 5 where !leases.isEmpty: return .renew(leases.randomElement(using: &random)!.credential, ttl)
        case 6 where !leases.isEmpty: return .release(leases.randomElement(using: &random)!.credential)
        case 7..<9 where !cpu.isEmpty:
            let limits = TaskletLimits(fuel: 10_000, maxMemoryBytes: 1 << 20, deadline: .seconds(5))
            let artifacts = block.isEmpty ? nil : block.randomElement(using: &random)
            return .launch(
                cpu.randomElement(using: &random)!,
                TaskletRequest(module: tasklet, input: [1, 2, 3], limits: limits, artifacts: artifacts)
            )
        case 9..<12 where !block.isEmpty:
            let operations: [GrafosStd.BlockOperation] = [
                .writeObject("k\(Int.random(in: 0...3, using: &random))", [1, 2, 3]), .readObject("k1"),
                .listObjects, .usage, .put([9, 9]), .readBlock(0), .writeBlock(1, Array(repeating: 7, count: 16)),
                .removeObject("k2"), .get(SHA256.hash([9, 9])),
            ]
            return .block(block.randomElement(using: &random)!, operations.randomElement(using: &random)!)
        default: return .status
        }
    }

    static func mutate(_ bytes: [UInt8], _ random: inout SeededRandomNumberGenerator) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0 where !bytes.isEmpty: bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
            case 1 where !bytes.isEmpty:
                bytes[position] = [0x00, 0x01, 0x7F, 0x80, 0xFF].randomElement(using: &random)!
            case 2 where !bytes.isEmpty:
                for index in position..<min(bytes.count, position + 8) { bytes[index] = 0xFF }
            case 3: bytes.removeSubrange(position...)
            case 4: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
            case 5:
                bytes += (0..<Int.random(in: 1...32, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            default: if !bytes.isEmpty { bytes[position] = UInt8.random(in: 0...255, using: &random) }
            }
        }
        return bytes
    }

    /// One client's life: a handshake (maybe spoiled), then up to a dozen frames until the node closes on it.
    static func session(_ address: String, _ random: inout SeededRandomNumberGenerator, _ tally: inout Tally) throws {
        let session = try Session(address)
        let spoil = Int.random(in: 0..<10, using: &random) < 3 ? Int.random(in: 0...5, using: &random) : nil
        guard (try? session.handshake(spoil: spoil, random: &random)) == true else {
            tally.handshakesRefused += 1
            session.channel.close()
            return
        }
        var leases: [LeaseGrant] = []
        for requestID in UInt64(1)...UInt64(Int.random(in: 1...12, using: &random)) {
            tally.frames += 1
            let (type, payload) = request(leases, &random).encode()
            let kind = Int.random(in: 0..<100, using: &random)
            switch kind {
            case 0..<55:
                try? session.raw(type: type.rawValue, requestID: requestID, payload: payload)
            case 55..<80:
                try? session.raw(type: type.rawValue, requestID: requestID, payload: mutate(payload, &random))
            case 80..<85:
                let other = UInt16.random(in: 0...0x100, using: &random)
                try? session.raw(type: other, requestID: requestID, payload: payload)
            case 85..<89:
                try? session.raw(
                    version: UInt8.random(in: 2...255, using: &random),
                    type: type.rawValue,
                    requestID: requestID,
                    payload: payload
                )
            case 89..<92:
                try? session.raw(
                    flags: [0, 2, 3, 0xFF].randomElement(using: &random)!,
                    type: type.rawValue,
                    requestID: requestID,
                    payload: payload
                )
            case 92..<95:
                let mac = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
                try? session.raw(type: type.rawValue, requestID: requestID, payload: payload, mac: mac)
            case 95..<98:
                // A length that disagrees with what follows: the node reads past or short of the frame.
                let delta = [-20, -17, -1, 1, 4, 1 << 20].randomElement(using: &random)!
                try? session.raw(type: type.rawValue, requestID: requestID, payload: payload, lengthDelta: delta)
                session.channel.connection.close()
            default:
                let bytes = (0..<Int.random(in: 1...40, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
                try? session.channel.connection.write(bytes)
                // They may announce a frame longer than what follows; an authenticated peer may keep the node
                // waiting for the rest as long as it likes, so hang up instead of waiting for an answer.
                session.channel.connection.close()
            }
            guard let frame = session.answer(to: requestID) else {
                tally.closed += 1
                if kind < 55 {
                    Issue.record("the node closed the connection after a valid \(type) request")
                }
                return
            }
            tally.responses += 1
            do {
                let response = try WireResponse.decode(frame.type, frame.payload)
                switch response {
                case .grant(let grant, _): leases.append(grant)
                case .done: break
                case .error: tally.errors += 1
                default: break
                }
                if case .release(let credential) = try? WireRequest.decode(type, payload), case .done = response {
                    leases.removeAll { $0.credential == credential }
                }
            } catch {
                Issue.record("the node answered with a frame that does not decode: \(error)")
            }
        }
        session.channel.close()
    }

    @Test func randomAndMutatedFramesNeverCrashTheNodeOrLeakLeases() async throws {
        let clock = ManualClock()
        let agent = try NodeAgent(
            configuration: .init(
                listen: "127.0.0.1:0",
                name: "fuzzed",
                cores: 6,
                storageBytes: 1 << 16,
                secret: Self.secret,
                maxFrameBytes: 1 << 16,
                handshakeTimeout: .seconds(5)
            ),
            clock: clock
        )
        let address = try agent.start()
        let tally = try await offPool {
            var random = SeededRandomNumberGenerator(seed: Self.seed)
            var tally = Tally()
            for _ in 0..<Self.sessions { try Self.session(address, &random, &tally) }
            return tally
        }
        print(
            "wire fuzz (seed \(Self.seed)): \(Self.sessions) sessions, \(tally.handshakesRefused) handshakes refused, "
                + "\(tally.frames) frames, \(tally.responses) answered (\(tally.errors) errors), "
                + "\(tally.closed) connections closed by the node"
        )
        #expect(tally.responses > Self.sessions, "most frames should be answered")
        #expect(tally.closed > 0 && tally.handshakesRefused > 0, "some traffic should be refused")

        // The node still serves a well-behaved client.
        let served = try await offPool {
            var random = SeededRandomNumberGenerator(seed: 1)
            let session = try Session(address)
            guard try session.handshake(spoil: nil, random: &random) else { return false }
            let (type, payload) = WireRequest.status.encode()
            try session.raw(type: type.rawValue, requestID: 1, payload: payload)
            defer { session.channel.close() }
            return session.answer(to: 1)?.type == .statusReply
        }
        #expect(served)
        // Whatever the fuzz acquired (mutated TTLs may be huge) is reclaimed once the clock passes its expiry.
        clock.advance(to: FabricInstant(nanoseconds: .max))
        let status = agent.status
        #expect(status.cpuLeases == 0 && status.blockLeases == 0)
        #expect(status.freeCores == status.totalCores && status.freeBlocks == status.totalBlocks)
        #expect(status.taskletsRunning == 0)
        agent.stop()
    }
}
