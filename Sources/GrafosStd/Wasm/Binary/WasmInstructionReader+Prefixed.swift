/// Decoding of the prefixed opcode groups: `0xFC` (saturating truncation, bulk memory and table operations)
/// and `0xFD` (SIMD).
extension WasmInstructionReader {
    /// Reads an instruction with the `0xFC` prefix.
    mutating func readMiscellaneous() throws(WasmDecodingError) -> WasmInstruction {
        let start = reader.offset &- 1
        let subOpcode = try reader.readVarUInt32()
        switch subOpcode {
        case 0...7:
            guard let op = WasmNumericOp(saturatingTruncation: subOpcode) else {
                throw illegalOpcode(0xFC, subOpcode: subOpcode, at: start)
            }
            return .numeric(op)
        case 8:
            let data = try reader.readVarUInt32()
            try reader.readZeroByte()
            return .memoryInit(data: data)
        case 9:
            return .dataDrop(data: try reader.readVarUInt32())
        case 10:
            try reader.readZeroByte()
            try reader.readZeroByte()
            return .memoryCopy
        case 11:
            try reader.readZeroByte()
            return .memoryFill
        case 12:
            let element = try reader.readVarUInt32()
            return .tableInit(element: element, table: try reader.readVarUInt32())
        case 13:
            return .elemDrop(element: try reader.readVarUInt32())
        case 14:
            let destination = try reader.readVarUInt32()
            return .tableCopy(destination: destination, source: try reader.readVarUInt32())
        case 15:
            return .tableGrow(table: try reader.readVarUInt32())
        case 16:
            return .tableSize(table: try reader.readVarUInt32())
        case 17:
            return .tableFill(table: try reader.readVarUInt32())
        default:
            throw illegalOpcode(0xFC, subOpcode: subOpcode, at: start)
        }
    }

    /// Reads an instruction with the `0xFD` (SIMD) prefix, skipping over its immediates.
    mutating func readSIMD() throws(WasmDecodingError) -> WasmInstruction {
        let start = reader.offset &- 1
        let opcode = try reader.readVarUInt32()
        guard let immediates = WasmSIMDInstruction.immediates(of: opcode) else {
            throw illegalOpcode(0xFD, subOpcode: opcode, at: start)
        }
        let instruction = WasmSIMDInstruction(opcode: opcode, immediatesOffset: reader.offset)
        switch immediates {
        case .none:
            break
        case .memArg:
            _ = try readMemArg()
        case .memArgLane:
            _ = try readMemArg()
            _ = try reader.readByte()
        case .lane:
            _ = try reader.readByte()
        case .bytes16:
            _ = try reader.readBytes(count: 16)
        }
        return .simd(instruction)
    }
}
