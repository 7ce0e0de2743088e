import Testing

#if canImport(GrafosWasmDev)
@testable import GrafosWasmDev
#else
@testable import GrafosStd
#endif

@Suite struct WasmValidatorTests {
    typealias B = WasmTestBytes

    @Test func aTypeMismatchNamesTheFunctionTheOffsetAndTheTypes() throws {
        // (func (result i32) (f64.const 0))
        let code: [UInt8] = [0x44] + [UInt8](repeating: 0, count: 8) + [0x0B]
        let bytes = B.singleFunction(results: [.i32], code)
        let error = try B.validationError(bytes)
        #expect(error?.reason == .typeMismatch)
        #expect(error?.functionIndex == 0)
        #expect(error?.offset == bytes.count - 1)  // the final end, where the result is checked
        #expect(error?.description.contains("expected i32, found f64") == true)
    }

    @Test func simdIsDecodedButRejectedWithAClearMessage() throws {
        // (func (drop (v128.const i32x4 0 0 0 0)))
        let code: [UInt8] = [0xFD, 0x0C] + [UInt8](repeating: 0, count: 16) + [0x1A, 0x0B]
        let error = try B.validationError(B.singleFunction(code))
        #expect(error?.reason == .simdNotSupported)
        #expect(error?.description.hasPrefix("SIMD not supported") == true)
        let v128Parameter = try B.validationError(B.singleFunction(parameters: [.v128], [0x0B]))
        #expect(v128Parameter?.reason == .simdNotSupported)
    }

    @Test func refFuncNeedsADeclarationOutsideFunctionBodies() throws {
        // (func (drop (ref.func 0))), then the same with (export "f" (func 0)).
        let code: [UInt8] = [0xD2, 0x00, 0x1A, 0x0B]
        #expect(try B.validationError(B.singleFunction(code))?.reason == .undeclaredFunctionReference)
        let type = B.section(1, B.vector([[0x60, 0x00, 0x00]]))
        let exported = B.module([
            type, B.section(3, B.vector([[0x00]])), B.section(7, B.vector([B.name("f") + [0x00, 0x00]])),
            B.section(10, B.vector([B.body(code)])),
        ])
        #expect(try B.validationError(exported) == nil)
    }

    @Test func multiValueBlocksAndBranchesTypeCheck() throws {
        // type 1: [i32 i32] -> [i32]; (func (result i32) (i32.const 1) (i32.const 2) (block (type 1) (i32.add)))
        let types = B.section(1, B.vector([[0x60, 0x00, 0x01, 0x7F], [0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F]]))
        let valid = B.module([
            types, B.section(3, B.vector([[0x00]])),
            B.section(10, B.vector([B.body([0x41, 0x01, 0x41, 0x02, 0x02, 0x01, 0x6A, 0x0B, 0x0B])])),
        ])
        #expect(try B.validationError(valid) == nil)
        // The same block fed one value only.
        let invalid = B.module([
            types, B.section(3, B.vector([[0x00]])),
            B.section(10, B.vector([B.body([0x41, 0x01, 0x02, 0x01, 0x6A, 0x0B, 0x0B])])),
        ])
        #expect(try B.validationError(invalid)?.reason == .typeMismatch)
        // br_table whose targets carry different arities.
        let code: [UInt8] = [0x02, 0x7F, 0x02, 0x40, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x41, 0x00, 0x0B, 0x0B]
        #expect(try B.validationError(B.singleFunction(results: [.i32], code))?.reason == .typeMismatch)
    }

    @Test func unreachableCodeIsPolymorphic() throws {
        // (func (result i32) (unreachable) (i32.add)) and (func (result i32) (return (i32.const 0)) (select))
        #expect(try B.validationError(B.singleFunction(results: [.i32], [0x00, 0x6A, 0x0B])) == nil)
        #expect(try B.validationError(B.singleFunction(results: [.i32], [0x41, 0x00, 0x0F, 0x1B, 0x0B])) == nil)
        // …but not beyond its own block: (func (block (unreachable)) (drop))
        let error = try B.validationError(B.singleFunction([0x02, 0x40, 0x00, 0x0B, 0x1A, 0x0B]))
        #expect(error?.reason == .typeMismatch)
    }

    @Test func functionTypesBeyondTheArityLimitAreRejected() throws {
        let results = [UInt8](repeating: 0x7F, count: WasmFunctionValidator.Limits.maxFunctionArity + 1)
        let type = [0x60, 0x00] + B.uleb(UInt64(results.count)) + results
        let bytes = B.module([B.section(1, B.vector([type]))])
        #expect(try B.validationError(bytes)?.reason == .implementationLimit)
    }

    /// A stand-in for the translator: wraps the validator, looks at its stacks before each instruction, and
    /// records the deepest nesting and the label types of every branch.
    struct TranslatorProbe: WasmInstructionVisitor {
        var validator: WasmFunctionValidator
        var maxDepth = 0
        var branchLabelTypes: [WasmTypeList] = []

        mutating func visit(_ instruction: WasmInstruction, at offset: Int) throws(WasmValidationError) {
            if case .br(let depth) = instruction { branchLabelTypes.append(try validator.labelTypes(depth: depth)) }
            try validator.visit(instruction, at: offset)
            maxDepth = max(maxDepth, validator.controlFrames.count)
        }

        func decodingFailed(_ error: WasmDecodingError) -> WasmValidationError { validator.decodingFailed(error) }
    }

    @Test func aTranslatorCanRideAlongTheValidator() throws {
        // (func (result i64) (block (result i64) (loop (br 1 (i64.const 7))) (i64.const 8)))
        let code: [UInt8] = [0x02, 0x7E, 0x03, 0x40, 0x42, 0x07, 0x0C, 0x01, 0x0B, 0x42, 0x08, 0x0B, 0x0B]
        let bytes = B.singleFunction(results: [.i64], code)
        let module = try WasmModule(parsing: bytes)
        var probe = TranslatorProbe(validator: WasmFunctionValidator(context: WasmModuleContext(module: module)))
        let function = module.functions[0]
        try bytes.withUnsafeBytes { (buffer) throws in
            try probe.validator.beginFunction(
                index: 0,
                typeIndex: function.typeIndex,
                locals: module.localDeclarations(of: function)
            )
            var reader = WasmInstructionReader(bytes: buffer, range: function.code)
            try reader.forEach(&probe)
            try probe.validator.finish()
        }
        #expect(probe.maxDepth == 3)
        #expect(probe.branchLabelTypes == [.single(.i64)])
        #expect(probe.validator.controlFrames.isEmpty)
    }

    @Test func exportNamesAreComparedAsBytesNotAsCanonicallyEquivalentStrings() throws {
        // "\u{C5}" and "A\u{30A}" are canonically equivalent but different names.
        let type = B.section(1, B.vector([[0x60, 0x00, 0x00]]))
        let exports = B.section(7, B.vector([B.name("\u{C5}") + [0x00, 0x00], B.name("A\u{30A}") + [0x00, 0x00]]))
        let bytes = B.module([
            type, B.section(3, B.vector([[0x00]])), exports, B.section(10, B.vector([B.body([0x0B])])),
        ])
        #expect(try B.validationError(bytes) == nil)
    }
}
