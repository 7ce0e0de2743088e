import Testing

@testable import GrafosStd

@Suite struct WireMessagesTests {
    static let credential = LeaseCredential(id: LeaseID(high: 1, low: 2), token: LeaseToken(high: 3, low: 4))

    static let requests: [WireRequest] = [
        .status,
        .metrics,
        .acquireCpu(CpuLeaseRequest(cores: 2, ttl: .seconds(120), capabilities: ["avx512", "bigcore"], node: "n1")),
        .acquireCpu(CpuLeaseRequest(cores: 1, ttl: .milliseconds(1))),
        .acquireBlock(BlockLeaseRequest(blocks: 4096, ttl: .seconds(600))),
        .renew(credential, .seconds(30)),
        .release(credential),
        .launch(
            credential,
            TaskletRequest(
                module: [0, 97, 115, 109, 1, 0, 0, 0],
                input: [1, 2, 3],
                limits: TaskletLimits(fuel: 5_000_000, maxOutput: 100, deadline: .seconds(3)),
                arguments: ["--fast", "ünïcode"],
                environment: ["B": "2", "A": "1"],
                deterministic: false,
                artifacts: LeaseCredential(id: LeaseID(high: 7, low: 8), token: LeaseToken(high: 9, low: 10))
            )
        ),
        .launch(credential, TaskletRequest(module: [], limits: TaskletLimits(fuel: nil))),
        .block(credential, .readBlock(7)),
        .block(credential, .writeBlock(3, [9, 9])),
        .block(credential, .writeObject("a/b.o", [1])),
        .block(credential, .readObject("a/b.o")),
        .block(credential, .removeObject("x")),
        .block(credential, .listObjects),
        .block(credential, .put([5, 6])),
        .block(credential, .get(SHA256.hash([5, 6]))),
        .block(credential, .usage),
    ]

    static let responses: [WireResponse] = [
        .grant(
            LeaseGrant(
                credential: credential,
                kind: .cpu,
                node: "n1",
                cores: 2,
                capabilities: ["x"],
                expiry: .zero,
                ttl: .seconds(120)
            ),
            remaining: .seconds(119)
        ),
        .renewed(remaining: .seconds(30)),
        .done,
        .status(
            NodeStatus(
                name: "n1",
                capabilities: ["a"],
                totalCores: 8,
                freeCores: 6,
                totalBlocks: 100,
                freeBlocks: 50,
                cpuLeases: 1,
                blockLeases: 1,
                taskletsRunning: 2
            )
        ),
        .result(TaskletResult(output: [1], stderr: [2], exitCode: -3, fuelConsumed: 44, duration: .milliseconds(5))),
        .block(.done),
        .block(.bytes([1, 2])),
        .block(.stored(12)),
        .block(.keys(["a", "b"])),
        .block(.digest(SHA256.hash([1]), stored: 1)),
        .block(.usage(BlockUsage(totalBlocks: 10, objectBlocks: 2, rawBlocks: 1, objects: 1, contents: 1))),
        .text("# HELP x\n"),
        .error(FabricError(.leaseExpired, "gone", lease: LeaseID(high: 5, low: 6), node: "n2")),
    ]

    @Test(arguments: requests)
    func requestsRoundTrip(request: WireRequest) throws {
        let (type, payload) = request.encode()
        #expect(try WireRequest.decode(type, payload) == request)
    }

    @Test(arguments: responses)
    func responsesRoundTrip(response: WireResponse) throws {
        let (type, payload) = response.encode()
        let decoded = try WireResponse.decode(type, payload)
        #expect(decoded == response)
        if case .error(let original) = response, case .error(let back) = decoded {
            #expect(back.message == original.message)
            #expect(back.lease == original.lease)
            #expect(back.node == original.node)
        }
    }

    @Test(arguments: requests)
    func everyTruncationOfARequestIsATypedError(request: WireRequest) {
        let (type, payload) = request.encode()
        for length in 0..<payload.count {
            #expect(throws: WireError.self) { try WireRequest.decode(type, Array(payload[..<length])) }
        }
        #expect(throws: WireError.self) { try WireRequest.decode(type, payload + [0]) }
    }

    @Test func unknownTypesAndBadTagsAreRefused() {
        #expect(throws: WireError.self) { try WireRequest.decode(WireMessageType(rawValue: 0x4242), []) }
        #expect(throws: WireError.self) { try WireResponse.decode(WireMessageType(rawValue: 0x10), []) }
        var writer = WireWriter()
        writer.credential(Self.credential)
        writer.u8(99)
        #expect(throws: WireError.self) { try WireRequest.decode(.block, writer.bytes) }
        var badBool = WireWriter()
        badBool.int(1)
        badBool.duration(.seconds(1))
        badBool.u8(2)
        #expect(throws: WireError.self) { try WireRequest.decode(.acquireBlock, badBool.bytes) }
    }

    @Test func addressesParseInTheirUsualForms() {
        #expect(SocketAddress(parsing: "127.0.0.1:7070") == SocketAddress(host: "127.0.0.1", port: 7070))
        #expect(SocketAddress(parsing: "tcp://localhost:1/") == SocketAddress(host: "localhost", port: 1))
        #expect(SocketAddress(parsing: "[::1]:80") == SocketAddress(host: "::1", port: 80))
        #expect(SocketAddress(parsing: "nohost") == nil)
        #expect(SocketAddress(parsing: "h:99999") == nil)
        #expect(SocketAddress(parsing: ":80") == nil)
    }
}
