/// The typing rule of every WebAssembly 2.0 instruction.
extension WasmFunctionValidator: WasmInstructionVisitor {
    /// Checks one instruction against the current stacks and applies its effect on them.
    /// - Parameters:
    ///   - instruction: the decoded instruction.
    ///   - offset: its byte offset in the module (for errors).
    /// - Throws: ``WasmValidationError`` with the spec's wording.
    mutating func visit(_ instruction: WasmInstruction, at offset: Int) throws(WasmValidationError) {
        self.offset = offset
        guard !controlFrames.isEmpty else { throw error(.malformedCode, "instruction after the final end") }
        if isConstantExpression { try checkConstant(instruction) }
        switch instruction {
        case .numeric(let op):
            let signature = op.signature
            try pop(signature.operand)
            if signature.isBinary { try pop(signature.operand) }
            push(signature.result)
        case .localGet(let index):
            push(try localType(index))
        case .localSet(let index):
            try pop(try localType(index))
        case .localTee(let index):
            let type = try localType(index)
            try pop(type)
            push(type)
        case .i32Const: push(.i32)
        case .i64Const: push(.i64)
        case .f32Const: push(.f32)
        case .f64Const: push(.f64)
        case .load(let op, let memArg):
            try checkMemory()
            try checkAlignment(memArg, natural: op.naturalAlignment)
            try pop(.i32)
            push(op.resultType)
        case .store(let op, let memArg):
            try checkMemory()
            try checkAlignment(memArg, natural: op.naturalAlignment)
            try pop(op.valueType)
            try pop(.i32)
        default:
            try visitControlOrOther(instruction)
        }
    }

    /// Converts a decoding failure met while reading a body into a validation error.
    func decodingFailed(_ failure: WasmDecodingError) -> WasmValidationError {
        WasmValidationError(
            .malformedCode,
            functionIndex: functionIndex,
            offset: failure.offset,
            detail: failure.description
        )
    }

    /// The less frequent instructions, kept out of the hot switch.
    private mutating func visitControlOrOther(_ instruction: WasmInstruction) throws(WasmValidationError) {
        switch instruction {
        case .unreachable:
            setUnreachable()
        case .nop:
            break
        case .block(let blockType):
            let (parameters, results) = try signature(of: blockType)
            try pushControl(.block, parameters: parameters, results: results)
        case .loop(let blockType):
            let (parameters, results) = try signature(of: blockType)
            try pushControl(.loop, parameters: parameters, results: results)
        case .if(let blockType):
            let (parameters, results) = try signature(of: blockType)
            try pop(.i32)
            try pushControl(.if, parameters: parameters, results: results)
        case .else:
            guard controlFrames[controlFrames.count &- 1].kind == .if else {
                throw error(.malformedCode, "else without if")
            }
            let frame = try popControl()
            try pushControl(.else, parameters: .empty, results: frame.results)
            try push(frame.parameters)
        case .end:
            let frame = try popControl()
            if frame.kind == .if && frame.parameters != frame.results {
                throw error(
                    .typeMismatch,
                    "if without else must leave its parameters \(frame.parameters.description), "
                        + "expected \(frame.results.description)"
                )
            }
            try push(frame.results)
        case .br(let depth):
            try pop(try labelTypes(depth: depth))
            setUnreachable()
        case .brIf(let depth):
            let types = try labelTypes(depth: depth)
            try pop(.i32)
            try pop(types)
            try push(types)
        case .brTable(let table):
            try pop(.i32)
            let defaultTypes = try labelTypes(depth: table.defaultDepth)
            for depth in table.targets {
                let types = try labelTypes(depth: depth)
                guard types.count == defaultTypes.count else {
                    throw error(
                        .typeMismatch,
                        "br_table target \(depth) carries \(types.count) value(s), the default \(defaultTypes.count)"
                    )
                }
                try checkTop(types)
            }
            try pop(defaultTypes)
            setUnreachable()
        case .return:
            try pop(controlFrames[0].results)
            setUnreachable()
        case .call(let function):
            guard Int(function) < context.functionTypeIndices.count else {
                throw error(.unknownFunction, "function \(function)")
            }
            guard let type = context.functionType(at: function) else {
                throw error(.unknownType, "type of function \(function)")
            }
            try pop(Self.typeList(type.parameters))
            try push(Self.typeList(type.results))
        case .callIndirect(let typeIndex, let table):
            let tableType = try checkTable(table)
            guard tableType.elementType == .funcRef else {
                throw error(.typeMismatch, "call_indirect through a table of \(tableType.elementType)")
            }
            guard Int(typeIndex) < context.types.count else { throw error(.unknownType, "type \(typeIndex)") }
            let type = context.types[Int(typeIndex)]
            try pop(.i32)
            try pop(Self.typeList(type.parameters))
            try push(Self.typeList(type.results))
        case .drop:
            _ = try pop()
        case .select:
            try pop(.i32)
            let first = try pop()
            let second = try pop()
            if first?.isReference == true || second?.isReference == true {
                throw error(.typeMismatch, "select without a type needs numeric operands")
            }
            if let first, let second, first != second {
                throw error(.typeMismatch, "select operands \(second) and \(first) differ")
            }
            push(first ?? second)
        case .typedSelect(let arity, let type):
            guard arity == 1, let type else {
                throw error(.invalidResultArity, "select with \(arity) types")
            }
            guard type != .v128 else { throw error(.simdNotSupported, "v128 select") }
            try pop(.i32)
            try pop(type)
            try pop(type)
            push(type)
        case .globalGet(let index):
            push(try globalType(index).valueType)
        case .globalSet(let index):
            let type = try globalType(index)
            guard type.isMutable else { throw error(.globalIsImmutable, "global \(index)") }
            try pop(type.valueType)
        case .memorySize:
            try checkMemory()
            push(.i32)
        case .memoryGrow:
            try checkMemory()
            try pop(.i32)
            push(.i32)
        case .refNull(let type):
            push(type)
        case .refIsNull:
            if let type = try pop(), !type.isReference {
                throw error(.typeMismatch, "ref.is_null on \(type)")
            }
            push(.i32)
        case .refFunc(let function):
            guard Int(function) < context.functionTypeIndices.count else {
                throw error(.unknownFunction, "function \(function)")
            }
            guard isConstantExpression || context.isDeclaredReference(function) else {
                throw error(.undeclaredFunctionReference, "function \(function)")
            }
            push(.funcRef)
        default:
            try visitBulkOrTable(instruction)
        }
    }

    /// Bulk memory, table and SIMD instructions.
    private mutating func visitBulkOrTable(_ instruction: WasmInstruction) throws(WasmValidationError) {
        switch instruction {
        case .memoryInit(let data):
            try checkMemory()
            try checkData(data)
            try pop(.i32)
            try pop(.i32)
            try pop(.i32)
        case .dataDrop(let data):
            try checkData(data)
        case .memoryCopy, .memoryFill:
            try checkMemory()
            try pop(.i32)
            try pop(.i32)
            try pop(.i32)
        case .tableGet(let table):
            let type = try checkTable(table)
            try pop(.i32)
            push(type.elementType)
        case .tableSet(let table):
            let type = try checkTable(table)
            try pop(type.elementType)
            try pop(.i32)
        case .tableInit(let element, let table):
            let tableType = try checkTable(table)
            let elementType = try checkElement(element)
            guard tableType.elementType == elementType else {
                throw error(.typeMismatch, "table.init of \(elementType) segment into \(tableType.elementType) table")
            }
            try pop(.i32)
            try pop(.i32)
            try pop(.i32)
        case .elemDrop(let element):
            _ = try checkElement(element)
        case .tableCopy(let destination, let source):
            let destinationType = try checkTable(destination)
            let sourceType = try checkTable(source)
            guard destinationType.elementType == sourceType.elementType else {
                throw error(
                    .typeMismatch,
                    "table.copy from \(sourceType.elementType) table to \(destinationType.elementType) table"
                )
            }
            try pop(.i32)
            try pop(.i32)
            try pop(.i32)
        case .tableGrow(let table):
            let type = try checkTable(table)
            try pop(.i32)
            try pop(type.elementType)
            push(.i32)
        case .tableSize(let table):
            _ = try checkTable(table)
            push(.i32)
        case .tableFill(let table):
            let type = try checkTable(table)
            try pop(.i32)
            try pop(type.elementType)
            try pop(.i32)
        case .simd(let simd):
            throw error(.simdNotSupported, "SIMD instruction 0xfd \(simd.opcode)")
        default:
            // Every other instruction is handled by `visit` or `visitControlOrOther`.
            throw error(.malformedCode, "unhandled instruction")
        }
    }

    // MARK: - Index checks

    /// In a constant expression, only constant instructions are allowed.
    private func checkConstant(_ instruction: WasmInstruction) throws(WasmValidationError) {
        switch instruction {
        case .i32Const, .i64Const, .f32Const, .f64Const, .refNull, .refFunc, .end:
            return
        case .globalGet(let index):
            let type = try globalType(index)
            guard !type.isMutable else {
                throw error(.constantExpressionRequired, "global.get of mutable global \(index)")
            }
        case .simd:
            throw error(.simdNotSupported, "SIMD in a constant expression")
        default:
            throw error(.constantExpressionRequired, "\(instruction) is not a constant instruction")
        }
    }

    /// The type of global `index`; constant expressions only see imported globals.
    private func globalType(_ index: UInt32) throws(WasmValidationError) -> WasmGlobalType {
        let visible = isConstantExpression ? context.importedGlobalCount : context.globals.count
        guard Int(index) < visible else {
            throw error(.unknownGlobal, "global \(index), \(visible) visible")
        }
        return context.globals[Int(index)]
    }

    private func checkMemory() throws(WasmValidationError) {
        guard !context.memories.isEmpty else { throw error(.unknownMemory, "memory 0, the module has none") }
    }

    @inline(__always)
    private func checkAlignment(_ memArg: WasmMemArg, natural: UInt32) throws(WasmValidationError) {
        guard memArg.align <= natural else {
            throw error(.alignmentTooLarge, "alignment 2^\(memArg.align), natural 2^\(natural)")
        }
    }

    private func checkTable(_ index: UInt32) throws(WasmValidationError) -> WasmTableType {
        guard Int(index) < context.tables.count else {
            throw error(.unknownTable, "table \(index), the module has \(context.tables.count)")
        }
        return context.tables[Int(index)]
    }

    private func checkElement(_ index: UInt32) throws(WasmValidationError) -> WasmValueType {
        guard Int(index) < context.elementTypes.count else {
            throw error(.unknownElemSegment, "segment \(index), the module has \(context.elementTypes.count)")
        }
        return context.elementTypes[Int(index)]
    }

    private func checkData(_ index: UInt32) throws(WasmValidationError) {
        guard index < context.dataCount else {
            throw error(.unknownDataSegment, "segment \(index), the data count is \(context.dataCount)")
        }
    }
}
