import Testing

#if canImport(GrafosWasmDev)
@testable import GrafosWasmDev
#else
@testable import GrafosStd
#endif

@Suite struct WasmDecoderTests {
    typealias B = WasmTestBytes

    @Test func theSmallestModuleDecodesToAnEmptyModel() throws {
        let module = try WasmModule(parsing: B.header)
        #expect(module.types.isEmpty && module.functions.isEmpty && module.exports.isEmpty)
        #expect(module.start == nil && module.dataCount == nil)
        try module.validate()
    }

    /// One module with every section, checked field by field.
    static let everySection: [UInt8] = B.module([
        B.section(1, B.vector([[0x60, 0x00, 0x00], [0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F]])),
        B.section(
            2,
            B.vector([
                B.name("env") + B.name("f") + [0x00, 0x01],
                B.name("env") + B.name("g") + [0x03, 0x7F, 0x00],
            ])
        ),
        B.section(3, B.vector([[0x00], [0x01]])),
        B.section(4, B.vector([[0x70, 0x01, 0x01, 0x02]])),
        B.section(5, B.vector([[0x00, 0x01]])),
        B.section(6, B.vector([[0x7F, 0x01, 0x41, 0x2A, 0x0B]])),
        B.section(7, B.vector([B.name("add") + [0x00, 0x02], B.name("mem") + [0x02, 0x00]])),
        B.section(8, [0x01]),
        B.section(9, B.vector([[0x00, 0x41, 0x00, 0x0B] + B.vector([[0x02]])])),
        B.section(12, [0x01]),
        B.section(
            10,
            B.vector([
                B.body(locals: [(2, .i64)], [0x01, 0x0B]),
                B.body([0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B]),
            ])
        ),
        B.section(11, B.vector([[0x01] + B.name("hi")])),
        B.section(0, B.name("name") + [0x01] + B.vector([B.uleb(2) + B.name("add")]).wasmSizePrefixed),
        B.section(0, B.name("producers") + [0xAA, 0xBB]),
    ])

    @Test func everySectionDecodesIntoTheModel() throws {
        let module = try WasmModule(parsing: Self.everySection)
        #expect(module.types == [WasmFunctionType(), WasmFunctionType(parameters: [.i32, .i32], results: [.i32])])
        #expect(module.imports.map(\.name) == ["f", "g"])
        #expect(module.imports[0].descriptor == .function(typeIndex: 1))
        #expect(module.imports[1].descriptor == .global(WasmGlobalType(valueType: .i32, isMutable: false)))
        #expect(module.importedFunctionCount == 1 && module.importedGlobalCount == 1)
        #expect(module.functions.map(\.typeIndex) == [0, 1])
        #expect(module.localDeclarations(of: module.functions[0]) == [WasmLocalDeclaration(count: 2, type: .i64)])
        #expect(module.functions[0].localCount == 2)
        #expect(module.tables == [WasmTableType(elementType: .funcRef, limits: WasmLimits(min: 1, max: 2))])
        #expect(module.memories == [WasmMemoryType(limits: WasmLimits(min: 1))])
        #expect(module.globals[0].type == WasmGlobalType(valueType: .i32, isMutable: true))
        #expect(module.globals[0].initializer.instruction == .i32Const(42))
        #expect(
            module.exports == [
                WasmExport(name: "add", kind: .function, index: 2), WasmExport(name: "mem", kind: .memory, index: 0),
            ]
        )
        #expect(module.start == 1)
        #expect(module.elements.count == 1)
        #expect(module.elements[0].items == .functions([2]))
        guard case .active(table: 0, let offset) = module.elements[0].mode else {
            Issue.record("element segment should be active on table 0")
            return
        }
        #expect(offset.instruction == .i32Const(0))
        #expect(module.dataCount == 1)
        #expect(module.datas[0].mode == .passive)
        #expect(Array(module.bytes[module.datas[0].bytes]) == Array("hi".utf8))
        #expect(module.customSections.map(\.name) == ["name", "producers"])
        #expect(Array(module.bytes[module.customSections[1].contents]) == [0xAA, 0xBB])
        #expect(module.functionName(at: 2) == "add")
        #expect(module.functionType(at: 0) == module.types[1])
        #expect(module.functionType(at: 2) == module.types[1])
        try module.validate()
    }

    /// Collects instructions for comparison.
    struct Collector: WasmInstructionVisitor {
        var instructions: [String] = []
        var brTableTargets: [[UInt32]] = []

        mutating func visit(_ instruction: WasmInstruction, at offset: Int) throws(WasmDecodingError) {
            if case .brTable(let table) = instruction {
                brTableTargets.append(Array(table.targets) + [table.defaultDepth])
            }
            instructions.append("\(instruction)")
        }

        func decodingFailed(_ error: WasmDecodingError) -> WasmDecodingError { error }
    }

    @Test func theInstructionReaderDecodesEveryImmediateKind() throws {
        let code: [UInt8] = [
            0x02, 0x7F,  // block (result i32)
            0x41, 0x7F,  // i32.const -1
            0x0E, 0x02, 0x00, 0x80, 0x00, 0x00,  // br_table 0 0(padded) 0
            0x0B,  // end
            0x42, 0x80, 0x7F,  // i64.const -128
            0x43, 0x00, 0x00, 0xC0, 0x7F,  // f32.const nan
            0x28, 0x02, 0x10,  // i32.load align=2 offset=16
            0xFC, 0x00,  // i32.trunc_sat_f32_s
            0xFC, 0x0A, 0x00, 0x00,  // memory.copy
            0x1C, 0x01, 0x7E,  // select (result i64)
            0xD0, 0x6F,  // ref.null extern
            0xFD, 0x0C, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,  // v128.const
            0xFD, 0x54, 0x00, 0x00, 0x03,  // v128.load8_lane align=0 offset=0 lane=3
            0xFD, 0x80, 0x01,  // i16x8.abs (two-byte sub-opcode)
            0x0B,
        ]
        let bytes = B.singleFunction(memory: true, code)
        let module = try WasmModule(parsing: bytes)
        var collector = Collector()
        try bytes.withUnsafeBytes { (buffer) throws in
            var reader = WasmInstructionReader(bytes: buffer, range: module.functions[0].code)
            try reader.forEach(&collector)
        }
        let expected: [WasmInstruction] = [
            .block(.value(.i32)), .i32Const(-1),
        ]
        #expect(collector.instructions.prefix(2) == expected.map { "\($0)" }[...])
        #expect(collector.brTableTargets == [[0, 0, 0]])
        let rest: [WasmInstruction] = [
            .end, .i64Const(-128), .f32Const(0x7FC0_0000), .load(.i32Load, WasmMemArg(align: 2, offset: 16)),
            .numeric(.i32TruncSatF32S), .memoryCopy, .typedSelect(arity: 1, type: .i64), .refNull(.externRef),
        ]
        #expect(Array(collector.instructions[3..<11]) == rest.map { "\($0)" })
        let simd = collector.instructions[11..<14]
        #expect(simd.allSatisfy { $0.hasPrefix("simd(") })
        #expect(collector.instructions.last == "end")
        #expect(collector.instructions.count == 15)
    }

    @Test(
        arguments: [
            ([], WasmDecodingError.Reason.unexpectedEnd, 0),
            ([0x00, 0x61, 0x73], .unexpectedEnd, 3),
            ([0x00, 0x61, 0x73, 0x6E, 0x01, 0x00, 0x00, 0x00], .magicHeaderNotDetected, 0),
            ([0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00], .unknownBinaryVersion, 4),
            (B.header + [0x0D, 0x00], .malformedSectionID, 8),
            (B.header + [0x01, 0x05, 0x00], .lengthOutOfBounds, 9),
            (B.header + [0x01, 0x02, 0x00, 0x00], .sectionSizeMismatch, 8),
            (B.header + [0x05, 0x01, 0x00, 0x01, 0x01, 0x00], .unexpectedContentAfterLastSection, 11),
            (B.header + [0x00, 0x03, 0x02, 0xC0, 0x80], .malformedUTF8, 10),
        ] as [([UInt8], WasmDecodingError.Reason, Int)]
    )
    func malformedModulesReportTheSpecWordingAndTheOffset(bytes: [UInt8], reason: WasmDecodingError.Reason, offset: Int)
    {
        let error = B.decodingError(bytes)
        #expect(error?.reason == reason)
        #expect(error?.offset == offset)
    }

    @Test func malformedCodeIsReportedWhereItIs() throws {
        let illegalModule = B.singleFunction([0x41, 0x00, 0x06, 0x0B])
        let illegal = B.decodingError(illegalModule)
        expectDecodingError(illegal, is: .illegalOpcode)
        let memoryIndex = B.decodingError(B.singleFunction(memory: true, [0x3F, 0x01, 0x1A, 0x0B]))
        expectDecodingError(memoryIndex, is: .zeroByteExpected)
        let orphanElse = B.decodingError(B.singleFunction([0x02, 0x40, 0x05, 0x0B, 0x0B]))
        expectDecodingError(orphanElse, is: .endOpcodeExpected)
        let trailing = B.decodingError(B.singleFunction([0x0B, 0x01]))
        expectDecodingError(trailing, is: .sectionSizeMismatch)
        let alignment = B.decodingError(B.singleFunction(memory: true, [0x41, 0x00, 0x28, 0x20, 0x00, 0x1A, 0x0B]))
        expectDecodingError(alignment, is: .malformedMemopFlags)
        let unknownSIMD = B.decodingError(B.singleFunction([0xFD, 0x9A, 0x01, 0x0B]))
        expectDecodingError(unknownSIMD, is: .illegalOpcode)
        // The offset points at the opcode.
        #expect(illegal?.offset == illegalModule.count - 2)
    }

    @Test func numericOpcodesMapToTheirCases() {
        #expect(MemoryLayout<WasmNumericOp>.size == 1)
        for op in WasmNumericOp.allCases {
            if op.rawValue <= 0xC4 {
                #expect(WasmNumericOp(opcode: op.rawValue) == op)
            } else {
                #expect(WasmNumericOp(saturatingTruncation: UInt32(op.rawValue - 0xE0)) == op)
            }
        }
        #expect(WasmNumericOp(opcode: 0x44) == nil && WasmNumericOp(opcode: 0xC5) == nil)
        #expect(WasmNumericOp(saturatingTruncation: 8) == nil)
        #expect(WasmNumericOp.allCases.count == 136)
    }

    @Test func aMalformedNameSectionIsIgnored() throws {
        let bytes = B.module([B.section(0, B.name("name") + [0x01, 0x05, 0x01, 0x00, 0x09, 0xFF])])
        let module = try WasmModule(parsing: bytes)
        #expect(module.names.functionNames.isEmpty)
        #expect(module.customSections.map(\.name) == ["name"])
    }

    @Test func declaredCountsLargerThanTheInputFailWithoutAllocating() {
        // 2^32-1 types declared in a 5-byte section.
        let error = B.decodingError(B.header + [0x01, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        #expect(error?.reason == .unexpectedEndOfSectionOrFunction)
        // 2^32-1 locals of one type are representable; one more is "too many locals".
        let many = B.singleFunction(locals: [(UInt32.max, .i32)], [0x0B])
        #expect(B.decodingError(many) == nil)
        let tooMany = B.singleFunction(locals: [(UInt32.max, .i32), (1, .i64)], [0x0B])
        expectDecodingError(B.decodingError(tooMany), is: .tooManyLocals)
    }
}

extension Array where Element == UInt8 {
    /// The bytes with a LEB128 size prefix (as a `name` subsection needs).
    var wasmSizePrefixed: [UInt8] { WasmTestBytes.uleb(UInt64(count)) + self }
}

/// Expects a decoding error with `reason`.
func expectDecodingError(
    _ error: WasmDecodingError?,
    is reason: WasmDecodingError.Reason,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(error?.reason == reason, "got \(error.map { "\($0)" } ?? "no error")", sourceLocation: sourceLocation)
}
