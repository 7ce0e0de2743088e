import Testing

#if canImport(GrafosWASIDev)
@testable import GrafosWASIDev
#else
@testable import GrafosStd
#endif

@Suite struct WASIProcessTests {
    @Test(
        arguments: [
            (UInt32(0), Int32(0)), (1, 1), (255, 255), (256, 256), (0xFFFF_FFFF, -1), (0x8000_0000, Int32.min),
            (1_234_567, 1_234_567),
        ] as [(UInt32, Int32)]
    )
    func procExitEndsTheRunWithItsCode(rval: UInt32, code: Int32) throws {
        let harness = try WASIHarness()
        #expect(throws: WASIExit(code: code)) { try harness.context.procExit(code: rval) }
    }

    @Test func procRaiseFollowsDefaultActions() throws {
        let harness = try WASIHarness()
        #expect(try harness.context.procRaise(signal: 0) == .success)
        #expect(try harness.context.procRaise(signal: 17) == .success, "SIGCONT is ignored")
        #expect(try harness.context.procRaise(signal: 31) == .inval)
        #expect(throws: WASIExit(code: 134)) { try harness.context.procRaise(signal: 6) }
        #expect(throws: WASIExit(code: 143)) { try harness.context.procRaise(signal: 15) }
    }

    @Test func schedYieldSucceeds() throws {
        #expect(try WASIHarness().context.schedYield() == .success)
    }

    @Test func errnoValuesAreThoseOfPreview1() {
        #expect(WASIErrno.allCases.count == 77)
        #expect(WASIErrno.badf.rawValue == 8)
        #expect(WASIErrno.fault.rawValue == 21)
        #expect(WASIErrno.inval.rawValue == 28)
        #expect(WASIErrno.noent.rawValue == 44)
        #expect(WASIErrno.nosys.rawValue == 52)
        #expect(WASIErrno.notsup.rawValue == 58)
        #expect(WASIErrno.notcapable.rawValue == 76)
        #expect(WASIErrno.toobig.description == "E2BIG")
        #expect(WASIErrno.notcapable.description == "ENOTCAPABLE")
    }
}
