import Testing

#if canImport(GrafosWASIDev)
@testable import GrafosWASIDev
#else
@testable import GrafosStd
#endif

@Suite struct WASIOutputTests {
    @Test func stdoutCollectsTheOutput() throws {
        let harness = try WASIHarness()
        #expect(try harness.write(1, "hello ") == (.success, 6))
        #expect(try harness.write(1, "world") == (.success, 5))
        #expect(harness.context.output == Array("hello world".utf8))
    }

    @Test func goingOverMaxOutputIsATypedErrorNotATruncation() throws {
        let harness = try WASIHarness(WASIConfiguration(maxOutput: 8))
        #expect(try harness.write(1, "12345") == (.success, 5))
        #expect(try harness.write(1, "678") == (.success, 3), "exactly the limit is allowed")
        #expect(throws: WASIOutputLimitExceeded(limit: 8, attempted: 9)) { try harness.write(1, "9") }
        #expect(harness.context.output == Array("12345678".utf8))
    }

    @Test func aWriteThatWouldPassTheLimitKeepsNothingOfIt() throws {
        let harness = try WASIHarness(WASIConfiguration(maxOutput: 4))
        #expect(throws: WASIOutputLimitExceeded.self) { try harness.write(1, "abcdef") }
        #expect(harness.context.output.isEmpty)
    }

    @Test func stderrKeepsWhatFitsAndFlagsTheRest() throws {
        let harness = try WASIHarness(WASIConfiguration(maxLog: 6))
        #expect(try harness.write(2, "abcd") == (.success, 4))
        #expect(!harness.context.logTruncated)
        #expect(try harness.write(2, "efgh") == (.success, 4), "the program is told every byte was written")
        #expect(harness.context.log == Array("abcdef".utf8))
        #expect(harness.context.logTruncated)
        #expect(try harness.write(2, "ij") == (.success, 2))
        #expect(harness.context.log == Array("abcdef".utf8))
    }

    @Test func aStderrFloodStaysBounded() throws {
        let harness = try WASIHarness(WASIConfiguration(maxLog: 1000))
        for _ in 0..<1000 { _ = try harness.write(2, [UInt8](repeating: 0x41, count: 4000)) }
        #expect(harness.context.log.count == 1000)
        #expect(harness.context.logTruncated)
    }
}
