import Testing

#if canImport(GrafosWASIDev)
@testable import GrafosWASIDev
#else
@testable import GrafosStd
#endif

@Suite struct WASIArgumentsEnvironmentTests {
    @Test func argumentSizesCountEveryStringWithItsNul() throws {
        let harness = try WASIHarness(WASIConfiguration(arguments: ["lint", "-v", "é"]))
        #expect(
            try harness.context.argsSizesGet(countPointer: 0x40, bufferSizePointer: 0x44, in: harness.guest) == .success
        )
        #expect(harness.memory.u32(at: 0x40) == 3)
        #expect(harness.memory.u32(at: 0x44) == 5 + 3 + 3)
    }

    @Test func argumentsAreWrittenBackToBackWithPointersToEach() throws {
        let harness = try WASIHarness(WASIConfiguration(arguments: ["lint", "-v"]))
        #expect(try harness.context.argsGet(argv: 0x100, buffer: 0x200, in: harness.guest) == .success)
        #expect(harness.memory.u32(at: 0x100) == 0x200)
        #expect(harness.memory.u32(at: 0x104) == 0x205)
        #expect(harness.memory.bytes(at: 0x200, count: 8) == Array("lint\0-v\0".utf8))
        #expect(harness.memory.u32(at: 0x108) == 0, "no NULL entry is added past argc")
    }

    @Test func theEnvironmentIsOnlyWhatTheRequestGivesSortedByKey() throws {
        let harness = try WASIHarness(WASIConfiguration(environment: ["ZED": "1", "A": "x=y"]))
        #expect(
            try harness.context.environSizesGet(countPointer: 0x40, bufferSizePointer: 0x44, in: harness.guest)
                == .success
        )
        #expect(harness.memory.u32(at: 0x40) == 2)
        #expect(harness.memory.u32(at: 0x44) == 6 + 6)
        #expect(try harness.context.environGet(environ: 0x100, buffer: 0x200, in: harness.guest) == .success)
        #expect(harness.memory.bytes(at: 0x200, count: 12) == Array("A=x=y\0ZED=1\0".utf8))
        #expect(harness.memory.u32(at: 0x104) == 0x206)
    }

    @Test func anEmptyEnvironmentHasNoStrings() throws {
        let harness = try WASIHarness()
        #expect(
            try harness.context.environSizesGet(countPointer: 0x40, bufferSizePointer: 0x44, in: harness.guest)
                == .success
        )
        #expect(harness.memory.u32(at: 0x40) == 0)
        #expect(harness.memory.u32(at: 0x44) == 0)
    }

    @Test func pointersOutsideTheMemoryAreEFAULT() throws {
        let harness = try WASIHarness(WASIConfiguration(arguments: ["a"]))
        #expect(try harness.context.argsGet(argv: 0xFFFF_FFF0, buffer: 0x200, in: harness.guest) == .fault)
        #expect(
            try harness.context.argsSizesGet(countPointer: 0x1_0000, bufferSizePointer: 0, in: harness.guest) == .fault
        )
    }
}
