import Testing

#if canImport(GrafosWASIDev)
@testable import GrafosWASIDev
#else
@testable import GrafosStd
#endif

@Suite struct WASIPollTests {
    /// Writes a clock subscription at slot `index` of 0x1000.
    static func clock(
        _ memory: TestMemory,
        _ index: UInt32,
        userdata: UInt64,
        id: UInt32 = 1,
        timeout: UInt64,
        absolute: Bool = false
    ) {
        let base = 0x1000 + index * 48
        memory.putU64(userdata, at: base)
        memory.put([0], at: base + 8)
        memory.putU32(id, at: base + 16)
        memory.putU64(timeout, at: base + 24)
        memory.put([absolute ? 1 : 0, 0], at: base + 40)
    }

    /// Writes an fd_read (1) or fd_write (2) subscription at slot `index` of 0x1000.
    static func fd(_ memory: TestMemory, _ index: UInt32, userdata: UInt64, tag: UInt8, fd: UInt32) {
        let base = 0x1000 + index * 48
        memory.putU64(userdata, at: base)
        memory.put([tag], at: base + 8)
        memory.putU32(fd, at: base + 16)
    }

    func monotonic(_ harness: WASIHarness) throws -> UInt64 {
        #expect(
            try harness.context.clockTimeGet(id: 1, precision: 0, resultPointer: 0x40, in: harness.guest) == .success
        )
        return harness.memory.u64(at: 0x40)
    }

    @Test func aClockSleepAdvancesVirtualTimeInstantly() throws {
        let harness = try WASIHarness()
        let before = try monotonic(harness)
        Self.clock(harness.memory, 0, userdata: 77, timeout: 5_000_000_000)
        #expect(
            try harness.context.pollOneoff(
                subscriptions: 0x1000,
                events: 0x2000,
                count: 1,
                resultPointer: 0x50,
                in: harness.guest
            ) == .success
        )
        #expect(harness.memory.u32(at: 0x50) == 1)
        #expect(harness.memory.u64(at: 0x2000) == 77)
        #expect(harness.memory.u16(at: 0x2008) == 0)
        #expect(harness.memory.u8(at: 0x200A) == 0)
        #expect(try monotonic(harness) == before + 5_000_000_000 + 1_000)
    }

    @Test func theEarliestOfSeveralClocksWinsAndOnlyDueOnesFire() throws {
        let harness = try WASIHarness()
        Self.clock(harness.memory, 0, userdata: 1, timeout: 3_000)
        Self.clock(harness.memory, 1, userdata: 2, timeout: 1_000)
        #expect(
            try harness.context.pollOneoff(
                subscriptions: 0x1000,
                events: 0x2000,
                count: 2,
                resultPointer: 0x50,
                in: harness.guest
            ) == .success
        )
        #expect(harness.memory.u32(at: 0x50) == 1)
        #expect(harness.memory.u64(at: 0x2000) == 2)
        #expect(harness.context.clock.elapsed == 1_000)
    }

    @Test func anAbsoluteDeadlineOnTheRealtimeClock() throws {
        let harness = try WASIHarness()
        let start: UInt64 = 1_704_067_200_000_000_000
        Self.clock(harness.memory, 0, userdata: 9, id: 0, timeout: start + 60_000_000_000, absolute: true)
        #expect(
            try harness.context.pollOneoff(
                subscriptions: 0x1000,
                events: 0x2000,
                count: 1,
                resultPointer: 0x50,
                in: harness.guest
            ) == .success
        )
        #expect(harness.context.clock.now(.realtime) == start + 60_000_000_000)
        Self.clock(harness.memory, 0, userdata: 9, id: 0, timeout: start, absolute: true)
        #expect(
            try harness.context.pollOneoff(
                subscriptions: 0x1000,
                events: 0x2000,
                count: 1,
                resultPointer: 0x50,
                in: harness.guest
            ) == .success
        )
        #expect(harness.memory.u32(at: 0x50) == 1, "a deadline in the past fires at once")
        #expect(harness.context.clock.now(.realtime) == start + 60_000_000_000)
    }

    @Test func descriptorsAreReadyAtOnceAndClocksDoNotSleepThen() throws {
        let harness = try WASIHarness(WASIConfiguration(stdin: Array("abc".utf8)))
        Self.fd(harness.memory, 0, userdata: 1, tag: 1, fd: 0)
        Self.fd(harness.memory, 1, userdata: 2, tag: 2, fd: 1)
        Self.fd(harness.memory, 2, userdata: 3, tag: 1, fd: 42)
        Self.clock(harness.memory, 3, userdata: 4, timeout: 1_000_000)
        #expect(
            try harness.context.pollOneoff(
                subscriptions: 0x1000,
                events: 0x2000,
                count: 4,
                resultPointer: 0x50,
                in: harness.guest
            ) == .success
        )
        #expect(harness.memory.u32(at: 0x50) == 3)
        #expect(harness.memory.u8(at: 0x200A) == 1)
        #expect(harness.memory.u64(at: 0x2010) == 3, "stdin has 3 bytes to read")
        #expect(harness.memory.u64(at: 0x2020) == 2)
        #expect(harness.memory.u8(at: 0x202A) == 2)
        #expect(harness.memory.u64(at: 0x2040) == 3)
        #expect(harness.memory.u16(at: 0x2048) == WASIErrno.badf.rawValue)
        #expect(harness.context.clock.elapsed == 0)
    }

    @Test func exhaustedStdinReportsHangup() throws {
        let harness = try WASIHarness()
        Self.fd(harness.memory, 0, userdata: 1, tag: 1, fd: 0)
        #expect(
            try harness.context.pollOneoff(
                subscriptions: 0x1000,
                events: 0x2000,
                count: 1,
                resultPointer: 0x50,
                in: harness.guest
            ) == .success
        )
        #expect(harness.memory.u16(at: 0x2018) == 1)
    }

    @Test func badSubscriptionsAreRefused() throws {
        let harness = try WASIHarness()
        #expect(
            try harness.context.pollOneoff(
                subscriptions: 0x1000,
                events: 0x2000,
                count: 0,
                resultPointer: 0x50,
                in: harness.guest
            ) == .inval
        )
        harness.memory.put([7], at: 0x1008)
        #expect(
            try harness.context.pollOneoff(
                subscriptions: 0x1000,
                events: 0x2000,
                count: 1,
                resultPointer: 0x50,
                in: harness.guest
            ) == .inval
        )
        #expect(
            try harness.context.pollOneoff(
                subscriptions: 0xFFF0,
                events: 0x2000,
                count: 1,
                resultPointer: 0x50,
                in: harness.guest
            ) == .fault
        )
        Self.clock(harness.memory, 0, userdata: 5, id: 8, timeout: 10)
        #expect(
            try harness.context.pollOneoff(
                subscriptions: 0x1000,
                events: 0x2000,
                count: 1,
                resultPointer: 0x50,
                in: harness.guest
            ) == .success
        )
        #expect(harness.memory.u16(at: 0x2008) == WASIErrno.inval.rawValue)
    }

    @Test func systemModeSleepsThroughTheSleeper() throws {
        let harness = try WASIHarness(WASIConfiguration(clocks: .system))
        var slept: [UInt64] = []
        harness.context.sleeper = { slept.append($0) }
        Self.clock(harness.memory, 0, userdata: 1, timeout: 50_000_000_000)
        #expect(
            try harness.context.pollOneoff(
                subscriptions: 0x1000,
                events: 0x2000,
                count: 1,
                resultPointer: 0x50,
                in: harness.guest
            ) == .success
        )
        #expect(slept.count == 1 && slept[0] > 49_000_000_000 && slept[0] <= 50_000_000_000)
        #expect(harness.memory.u32(at: 0x50) == 1, "the subscription slept for is reported")
    }
}
