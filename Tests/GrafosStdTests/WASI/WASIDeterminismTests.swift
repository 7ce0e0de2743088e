import Testing

#if canImport(GrafosWASIDev)
@testable import GrafosWASIDev
#else
@testable import GrafosStd
#endif

@Suite struct WASIDeterminismTests {
    /// Clock readings and random bytes a program would see, in a fixed order of calls.
    static func observe(_ configuration: WASIConfiguration) throws -> [UInt8] {
        let harness = try WASIHarness(configuration)
        var seen: [UInt8] = []
        for id in [UInt32(0), 1, 2, 3, 1] {
            #expect(
                try harness.context.clockTimeGet(id: id, precision: 0, resultPointer: 0x40, in: harness.guest)
                    == .success
            )
            seen += harness.memory.bytes(at: 0x40, count: 8)
        }
        #expect(try harness.context.randomGet(buffer: 0x1000, length: 37, in: harness.guest) == .success)
        seen += harness.memory.bytes(at: 0x1000, count: 37)
        return seen
    }

    static func request(input: [UInt8] = [1, 2, 3], arguments: [String] = []) -> TaskletRequest {
        TaskletRequest(module: [0, 0x61, 0x73, 0x6D], input: input, arguments: arguments, environment: ["K": "V"])
    }

    @Test func theSameLaunchSeesTheSameClocksAndRandomBytes() throws {
        let request = Self.request()
        let configuration = WASIConfiguration(request: request, moduleDigest: SHA256.hash(request.module))
        let first = try Self.observe(configuration)
        for _ in 0..<20 { #expect(try Self.observe(configuration) == first) }
    }

    @Test func anotherInputOrArgumentGivesAnotherRandomStream() throws {
        let digest = SHA256.hash([0, 0x61, 0x73, 0x6D])
        let base = WASIConfiguration.seed(moduleDigest: digest, request: Self.request())
        #expect(base != WASIConfiguration.seed(moduleDigest: digest, request: Self.request(input: [1, 2, 4])))
        #expect(base != WASIConfiguration.seed(moduleDigest: digest, request: Self.request(arguments: ["x"])))
        #expect(base != WASIConfiguration.seed(moduleDigest: SHA256.hash([1]), request: Self.request()))
        var limited = Self.request()
        limited.limits.fuel = 5
        #expect(base == WASIConfiguration.seed(moduleDigest: digest, request: limited), "fuel is not part of the seed")
    }

    @Test func theSeedDerivationIsPinned() {
        // SHA-256 over the salt, the digest and the length-prefixed fields; a change here changes every tasklet's
        // random bytes and must be deliberate.
        let request = TaskletRequest(module: [], input: Array("in".utf8))
        #expect(WASIConfiguration.seed(moduleDigest: SHA256.hash([]), request: request) == 0x2913_f71d_a643_8a10)
    }

    @Test func virtualClocksStartFixedAndStepPerReading() throws {
        let harness = try WASIHarness()
        let context = harness.context
        #expect(try context.clockTimeGet(id: 0, precision: 0, resultPointer: 0x40, in: harness.guest) == .success)
        #expect(harness.memory.u64(at: 0x40) == 1_704_067_200_000_001_000)
        #expect(try context.clockTimeGet(id: 1, precision: 0, resultPointer: 0x40, in: harness.guest) == .success)
        #expect(harness.memory.u64(at: 0x40) == 2_000)
        #expect(try context.clockResGet(id: 1, resultPointer: 0x40, in: harness.guest) == .success)
        #expect(harness.memory.u64(at: 0x40) == 1_000)
        #expect(try context.clockTimeGet(id: 4, precision: 0, resultPointer: 0x40, in: harness.guest) == .inval)
        #expect(try context.clockResGet(id: 9, resultPointer: 0x40, in: harness.guest) == .inval)
    }

    @Test func randomBytesDoNotDependOnHowTheyAreAskedFor() throws {
        let whole = try WASIHarness(WASIConfiguration(randomness: .seeded(7)))
        #expect(try whole.context.randomGet(buffer: 0x1000, length: 20, in: whole.guest) == .success)
        let pieces = try WASIHarness(WASIConfiguration(randomness: .seeded(7)))
        for (offset, length) in [(0, 3), (3, 9), (12, 0), (12, 8)] as [(UInt32, UInt32)] {
            #expect(try pieces.context.randomGet(buffer: 0x1000 + offset, length: length, in: pieces.guest) == .success)
        }
        #expect(whole.memory.bytes(at: 0x1000, count: 20) == pieces.memory.bytes(at: 0x1000, count: 20))
        var generator = SeededRandomNumberGenerator(seed: 7)
        let word = generator.next()
        #expect(whole.memory.u64(at: 0x1000) == word, "the stream is the generator's words, little-endian")
    }

    @Test func systemModeUsesRealClocksAndRandomness() throws {
        let harness = try WASIHarness(WASIConfiguration(clocks: .system, randomness: .system))
        #expect(
            try harness.context.clockTimeGet(id: 0, precision: 0, resultPointer: 0x40, in: harness.guest) == .success
        )
        #expect(harness.memory.u64(at: 0x40) > 1_704_067_200_000_000_000)
        #expect(try harness.context.randomGet(buffer: 0x1000, length: 64, in: harness.guest) == .success)
        #expect(harness.memory.bytes(at: 0x1000, count: 64) != [UInt8](repeating: 0, count: 64))
    }

    @Test func randomGetOutsideTheMemoryIsEFAULT() throws {
        let harness = try WASIHarness()
        #expect(try harness.context.randomGet(buffer: 0xFFF0, length: 0x20, in: harness.guest) == .fault)
    }
}
