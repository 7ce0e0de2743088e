import Testing

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// Values as the command line spells them.
@Suite struct WasmValueParsingTests {
    @Test func argumentsParseAndPrintAsTypeColonValue() {
        #expect(WasmValue(argument: "i32:5") == .i32(5))
        #expect(WasmValue(argument: "i32:-1") == .i32(UInt32.max))
        #expect(WasmValue(argument: "i64:-3") == .int64(-3))
        #expect(WasmValue(argument: "f64:1.5") == .float64(1.5))
        #expect(WasmValue(argument: "f32:0x7fa00001") == .f32(0x7FA0_0001))
        #expect(WasmValue(argument: "externref:null") == .externRef(nil))
        #expect(WasmValue(argument: "i32:x") == nil)
        #expect(WasmValue(argument: "v128:0") == nil)
        #expect(WasmValue.int32(-7).description == "i32:-7")
        #expect(WasmValue.float64(2.5).description == "f64:2.5")
        #expect(WasmValue.f32(0x7FC0_0000).description == "f32:nan:0x7fc00000")
    }
}
