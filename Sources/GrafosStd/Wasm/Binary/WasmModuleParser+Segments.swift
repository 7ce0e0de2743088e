/// Decoding of element and data segments and of constant expressions.
extension WasmModuleParser {
    mutating func parseElementSection() throws(WasmDecodingError) {
        let count = try reader.readCount()
        module.elements.reserveCapacity(count)
        for _ in 0..<count { module.elements.append(try readElementSegment()) }
    }

    /// Reads one element segment in any of its eight encodings.
    mutating func readElementSegment() throws(WasmDecodingError) -> WasmElementSegment {
        let start = reader.offset
        let flags = try reader.readVarUInt32()
        guard flags <= 7 else {
            throw reader.error(.malformedElementsSegmentKind, at: start, detail: "flags \(flags)")
        }
        // Bit 0: passive or declarative (else active); bit 1: explicit table index (active) or declarative
        // (else passive); bit 2: element expressions (else function indices).
        let isActive = flags & 1 == 0
        let usesExpressions = flags & 4 != 0
        let mode: WasmElementSegment.Mode
        if isActive {
            let table = flags & 2 != 0 ? try reader.readVarUInt32() : 0
            mode = .active(table: table, offset: try readConstExpression())
        } else {
            mode = flags & 2 != 0 ? .declarative : .passive
        }
        // Encodings 0 and 4 imply funcref; the others spell out an element kind or a reference type.
        var type = WasmValueType.funcRef
        if flags & 3 != 0 {
            if usesExpressions {
                type = try reader.readReferenceType()
            } else {
                let kind = try reader.readByte()
                guard kind == 0 else {
                    throw reader.error(.malformedElementKind, at: reader.offset &- 1, detail: "kind \(kind)")
                }
            }
        }
        let itemCount = try reader.readCount()
        let items: WasmElementSegment.Items
        if usesExpressions {
            var expressions: [WasmConstExpression] = []
            expressions.reserveCapacity(itemCount)
            for _ in 0..<itemCount { expressions.append(try readConstExpression()) }
            items = .expressions(expressions)
        } else {
            var indices: [UInt32] = []
            indices.reserveCapacity(itemCount)
            for _ in 0..<itemCount { indices.append(try reader.readVarUInt32()) }
            items = .functions(indices)
        }
        return WasmElementSegment(type: type, mode: mode, items: items, offset: start)
    }

    mutating func parseDataSection() throws(WasmDecodingError) {
        let start = reader.offset
        let count = try reader.readCount()
        if let dataCount = module.dataCount, Int(dataCount) != count {
            throw reader.error(
                .dataCountInconsistent,
                at: start,
                detail: "data count \(dataCount), \(count) data segments"
            )
        }
        module.datas.reserveCapacity(count)
        for _ in 0..<count {
            let segmentStart = reader.offset
            let flags = try reader.readVarUInt32()
            let mode: WasmDataSegment.Mode
            switch flags {
            case 0: mode = .active(memory: 0, offset: try readConstExpression())
            case 1: mode = .passive
            case 2:
                let memory = try reader.readVarUInt32()
                mode = .active(memory: memory, offset: try readConstExpression())
            default:
                throw reader.error(.malformedDataSegmentKind, at: segmentStart, detail: "flags \(flags)")
            }
            let length = Int(try reader.readVarUInt32())
            let bytes = try reader.readBytes(count: length)
            module.datas.append(WasmDataSegment(mode: mode, bytes: bytes, offset: segmentStart))
        }
    }

    /// Reads a constant expression up to and including its closing `end`, checking its syntax.
    ///
    /// Whether it is actually constant and of the right type is for the validator; here any well-formed
    /// instruction sequence is accepted, and a single constant instruction is kept decoded.
    mutating func readConstExpression() throws(WasmDecodingError) -> WasmConstExpression {
        let start = reader.offset
        var instructions = WasmInstructionReader(reader: reader)
        let (first, count) = try scanExpression(&instructions)
        reader.offset = instructions.offset
        var decoded: WasmConstExpression.Instruction?
        if count == 2, let first {
            switch first {
            case .i32Const(let value): decoded = .i32Const(value)
            case .i64Const(let value): decoded = .i64Const(value)
            case .f32Const(let bits): decoded = .f32Const(bits)
            case .f64Const(let bits): decoded = .f64Const(bits)
            case .refNull(let type): decoded = .refNull(type)
            case .refFunc(let function): decoded = .refFunc(function)
            case .globalGet(let global): decoded = .globalGet(global)
            default: decoded = nil
            }
        }
        return WasmConstExpression(range: start..<reader.offset, instruction: decoded)
    }
}
