import Testing

#if canImport(GrafosWASIDev)
@testable import GrafosWASIDev
#else
@testable import GrafosStd
#endif

@Suite struct GuestMemoryTests {
    @Test func integersAreStoredLittleEndian() throws {
        let memory = TestMemory(size: 64)
        try memory.guest.store(UInt32(0x1122_3344), at: 3)
        try memory.guest.store(UInt64(0x0102_0304_0506_0708), at: 16)
        #expect(memory.bytes(at: 3, count: 4) == [0x44, 0x33, 0x22, 0x11])
        #expect(memory.bytes(at: 16, count: 8) == [8, 7, 6, 5, 4, 3, 2, 1])
        #expect(try memory.guest.load(UInt16.self, at: 3) == 0x3344)
    }

    @Test func accessesPastTheEndFaultWithoutWriting() throws {
        let memory = TestMemory(size: 64)
        #expect(throws: WASIErrno.fault) { try memory.guest.store(UInt32(1), at: 61) }
        #expect(throws: WASIErrno.fault) { try memory.guest.load(UInt64.self, at: 0xFFFF_FFFC) }
        #expect(throws: WASIErrno.fault) { try memory.guest.write([1, 2, 3], at: 62) }
        #expect(memory.bytes(at: 60, count: 4) == [0, 0, 0, 0])
        try memory.guest.store(UInt32(7), at: 60)
        #expect(try memory.guest.bytes(at: 64, count: 0).isEmpty)
    }

    @Test func anEmptyMemoryFaultsOnEveryNonEmptyAccess() {
        #expect(throws: WASIErrno.fault) { try GuestMemory.empty.load(UInt8.self, at: 0) }
        #expect(throws: WASIErrno.fault) { try GuestMemory.empty.read(at: 0, count: 1) }
    }
}
