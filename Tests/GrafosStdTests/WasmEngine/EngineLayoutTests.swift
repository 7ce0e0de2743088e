import Testing

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// Sizes and encodings the engine relies on; a change here changes `Docs/Interpreter.md`.
@Suite struct EngineLayoutTests {
    @Test func aTrapIsTwoWords() {
        #expect(MemoryLayout<Trap>.size == 16)
        #expect(MemoryLayout<WasmBacktrace>.size == 8)
    }

    @Test func theOpcodeIsTheEnumTagOfOneByte() {
        #expect(MemoryLayout<IROpcode>.size == 1)
        #expect(IROpcode.allCases.count <= 256)
        for (index, opcode) in IROpcode.allCases.enumerated() {
            #expect(opcode.code == UInt64(index))
            #expect(IROpcode(word: UInt64(index) | 0xABCD_0000) == opcode)
        }
    }

    @Test func runTimeRecordsArePlainAndSmall() {
        #expect(MemoryLayout<FrameRecord>.size == 32)
        #expect(MemoryLayout<FunctionRecord>.size == 16)
        #expect(_isPOD(InstanceContext.self))
        #expect(_isPOD(FunctionDescriptor.self))
        #expect(_isPOD(MemoryContext.self))
        #expect(_isPOD(TableContext.self))
        #expect(_isPOD(ExecutionContext.self))
    }

    @Test func instructionWordsRoundTripTheirFields() {
        let word = IRWord.make(.i32Add, a: 65535, b: 1, c: 40000)
        #expect(IROpcode(word: word) == .i32Add)
        #expect(IRWord.a(word) == 65535)
        #expect(IRWord.b(word) == 1)
        #expect(IRWord.c(word) == 40000)
        let immediate = IRWord.make(.const32, a: 3, bc: 0xDEAD_BEEF)
        #expect(IRWord.bc(immediate) == 0xDEAD_BEEF)
        #expect(IRWord.a(IRWord.replacingA(word, with: 7)) == 7)
        #expect(IRWord.c(IRWord.replacingA(word, with: 7)) == 40000)
    }

    @Test func aFunctionWithTooManyLocalsIsAnImplementationLimit() throws {
        var builder = WasmModuleBuilder()
        builder.function("big", [], [], locals: Array(repeating: .i32, count: 70_000), body: [])
        do {
            _ = try builder.compile()
            Issue.record("compiled")
        } catch let error as WasmCompileError {
            guard case .implementationLimit = error else {
                Issue.record("unexpected \(error)")
                return
            }
        }
    }
}
