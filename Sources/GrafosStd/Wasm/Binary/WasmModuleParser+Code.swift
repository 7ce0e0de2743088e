/// Decoding of the code section: local declarations and the syntax of every function body.
extension WasmModuleParser {
    mutating func parseCodeSection() throws(WasmDecodingError) {
        // A count different from the function section's is reported after the last section, as the reference
        // interpreter does.
        let count = try reader.readCount()
        module.functions.reserveCapacity(count)
        for index in 0..<count {
            let bodyOffset = reader.offset
            let bodyRange = try reader.readSizedRange()
            // Read like a section: past its size if the code says so, then checked to end where it should.
            var body = reader
            body.endReason = .unexpectedEndOfSectionOrFunction
            let (declarations, localCount) = try readLocalDeclarations(&body)
            let code = body.offset..<max(body.offset, bodyRange.upperBound)
            var instructions = WasmInstructionReader(reader: body)
            _ = try scanExpression(&instructions, isFunctionBody: true)
            guard instructions.offset == bodyRange.upperBound else {
                throw reader.error(
                    .sectionSizeMismatch,
                    at: bodyOffset,
                    detail:
                        "function body \(index) declares \(bodyRange.count) bytes, its code ends at offset \(instructions.offset)"
                )
            }
            module.functions.append(
                WasmFunction(
                    typeIndex: index < functionTypeIndices.count ? functionTypeIndices[index] : 0,
                    localDeclarations: declarations,
                    localCount: localCount,
                    code: code,
                    bodyOffset: bodyOffset
                )
            )
            reader.offset = bodyRange.upperBound
        }
    }

    /// Reads the local declarations at the start of a function body into ``WasmModule/localDeclarations``.
    /// - Returns: the range of the function's declarations and the total number of locals.
    /// - Throws: "too many locals" when the total exceeds 2³² − 1.
    mutating func readLocalDeclarations(
        _ body: inout ByteReader
    ) throws(WasmDecodingError) -> (Range<Int>, UInt32) {
        let first = module.localDeclarations.count
        let count = try body.readCount()
        var total: UInt64 = 0
        for _ in 0..<count {
            let start = body.offset
            let runLength = try body.readVarUInt32()
            let type = try body.readValueType()
            total &+= UInt64(runLength)
            guard total <= UInt64(UInt32.max) else {
                throw body.error(.tooManyLocals, at: start, detail: "\(total) locals declared")
            }
            if runLength > 0 {
                module.localDeclarations.append(WasmLocalDeclaration(count: runLength, type: type))
            }
        }
        return (first..<module.localDeclarations.count, UInt32(truncatingIfNeeded: total))
    }

    /// Reads instructions up to and including the `end` that closes the expression, checking that blocks
    /// nest and that `else` only follows an `if`; notes whether a function body uses data segment indices.
    /// - Returns: the first instruction read and the number of instructions, closing `end` included.
    mutating func scanExpression(
        _ instructions: inout WasmInstructionReader,
        isFunctionBody: Bool = false
    ) throws(WasmDecodingError) -> (first: WasmInstruction?, count: Int) {
        nesting.removeAll(keepingCapacity: true)
        var first: WasmInstruction?
        var count = 0
        while true {
            let offset = instructions.offset
            let instruction = try instructions.read()
            if count == 0 { first = instruction }
            count &+= 1
            switch instruction {
            case .block, .loop:
                nesting.append(0)
            case .if:
                nesting.append(1)
            case .else:
                guard nesting.last == 1 else {
                    throw instructions.reader.error(.endOpcodeExpected, at: offset, detail: "else without if")
                }
                nesting[nesting.count &- 1] = 0
            case .end:
                if nesting.isEmpty { return (first, count) }
                nesting.removeLast()
            case .memoryInit, .dataDrop:
                if isFunctionBody { codeUsesDataIndices = true }
            default:
                break
            }
        }
    }
}
