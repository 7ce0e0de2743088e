/// A streaming decoder of WebAssembly instructions over a function body or constant expression.
///
/// Reads one ``WasmInstruction`` per call, with no heap allocation, checking the binary format as it goes
/// (LEB128 limits, reserved zero bytes, known opcodes). It does not track nesting or types; the module parser
/// checks nesting and the validator checks types. Both the parser and the validator (and, later, the
/// translator) drive their own loop:
///
/// ```swift
/// var reader = WasmInstructionReader(bytes: buffer, range: function.code)
/// while !reader.isAtEnd {
///     let offset = reader.offset
///     let instruction = try reader.read()
///     try visitor.visit(instruction, at: offset)
/// }
/// ```
///
/// Like ``ByteReader``, the reader borrows its buffer and is only valid inside the `withUnsafeBytes` scope.
struct WasmInstructionReader {
    /// The underlying byte cursor.
    var reader: ByteReader

    /// Creates a reader over `bytes[range]`; running out of bytes reports "unexpected end of section or
    /// function".
    init(bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.reader = ByteReader(bytes: bytes, range: range, endReason: .unexpectedEndOfSectionOrFunction)
    }

    /// Creates a reader that continues from `reader`'s position and limit.
    init(reader: ByteReader) {
        self.reader = reader
    }

    /// The byte offset, in the module, of the next instruction.
    @inline(__always)
    var offset: Int { reader.offset }

    /// Whether every byte of the range has been read.
    @inline(__always)
    var isAtEnd: Bool { reader.isAtEnd }

    /// Decodes the next instruction.
    /// - Throws: ``WasmDecodingError`` for an unknown opcode, a malformed immediate, or the end of the range.
    mutating func read() throws(WasmDecodingError) -> WasmInstruction {
        let opcode = try reader.readByte()
        switch opcode {
        case 0x00: return .unreachable
        case 0x01: return .nop
        case 0x02: return .block(try readBlockType())
        case 0x03: return .loop(try readBlockType())
        case 0x04: return .if(try readBlockType())
        case 0x05: return .else
        case 0x0B: return .end
        case 0x0C: return .br(depth: try reader.readVarUInt32())
        case 0x0D: return .brIf(depth: try reader.readVarUInt32())
        case 0x0E: return .brTable(try readBrTable())
        case 0x0F: return .return
        case 0x10: return .call(function: try reader.readVarUInt32())
        case 0x11:
            let type = try reader.readVarUInt32()
            return .callIndirect(type: type, table: try reader.readVarUInt32())
        case 0x1A: return .drop
        case 0x1B: return .select
        case 0x1C: return try readTypedSelect()
        case 0x20: return .localGet(try reader.readVarUInt32())
        case 0x21: return .localSet(try reader.readVarUInt32())
        case 0x22: return .localTee(try reader.readVarUInt32())
        case 0x23: return .globalGet(try reader.readVarUInt32())
        case 0x24: return .globalSet(try reader.readVarUInt32())
        case 0x25: return .tableGet(table: try reader.readVarUInt32())
        case 0x26: return .tableSet(table: try reader.readVarUInt32())
        case 0x28...0x35:
            guard let op = WasmLoadOp(rawValue: opcode) else { throw illegalOpcode(opcode) }
            return .load(op, try readMemArg())
        case 0x36...0x3E:
            guard let op = WasmStoreOp(rawValue: opcode) else { throw illegalOpcode(opcode) }
            return .store(op, try readMemArg())
        case 0x3F:
            try reader.readZeroByte()
            return .memorySize
        case 0x40:
            try reader.readZeroByte()
            return .memoryGrow
        case 0x41: return .i32Const(try reader.readVarInt32())
        case 0x42: return .i64Const(try reader.readVarInt64())
        case 0x43: return .f32Const(try reader.readUInt32LittleEndian())
        case 0x44: return .f64Const(try reader.readUInt64LittleEndian())
        case 0x45...0xC4:
            guard let op = WasmNumericOp(opcode: opcode) else { throw illegalOpcode(opcode) }
            return .numeric(op)
        case 0xD0: return .refNull(try reader.readReferenceType())
        case 0xD1: return .refIsNull
        case 0xD2: return .refFunc(function: try reader.readVarUInt32())
        case 0xFC: return try readMiscellaneous()
        case 0xFD: return try readSIMD()
        default: throw illegalOpcode(opcode)
        }
    }

    /// The error for an opcode that WebAssembly 2.0 does not define.
    @inline(never)
    func illegalOpcode(_ opcode: UInt8, subOpcode: UInt32? = nil, at offset: Int? = nil) -> WasmDecodingError {
        var detail = "opcode 0x\(String(opcode, radix: 16))"
        if let subOpcode { detail += " \(subOpcode)" }
        return reader.error(.illegalOpcode, at: offset ?? reader.offset &- 1, detail: detail)
    }

    /// Reads a block type: `0x40`, a value type, or a non-negative `s33` type index.
    mutating func readBlockType() throws(WasmDecodingError) -> WasmBlockType {
        guard let byte = reader.peekByte() else { throw reader.endError() }
        if byte == 0x40 {
            reader.offset &+= 1
            return .empty
        }
        if let type = WasmValueType(rawValue: byte) {
            reader.offset &+= 1
            return .value(type)
        }
        let start = reader.offset
        let index = try reader.readVarInt33()
        guard index >= 0 else {
            throw reader.error(.malformedValueType, at: start, detail: "block type \(index)")
        }
        return .typeIndex(UInt32(truncatingIfNeeded: index))
    }

    /// Reads a memory immediate: alignment exponent (below 32) and offset.
    @inline(__always)
    mutating func readMemArg() throws(WasmDecodingError) -> WasmMemArg {
        let start = reader.offset
        let align = try reader.readVarUInt32()
        guard align < 32 else { throw reader.error(.malformedMemopFlags, at: start, detail: "alignment \(align)") }
        return WasmMemArg(align: align, offset: try reader.readVarUInt32())
    }

    /// Reads the immediates of `br_table`, leaving the target list in place.
    mutating func readBrTable() throws(WasmDecodingError) -> WasmBrTable {
        let count = try reader.readCount()
        let start = reader.offset
        for _ in 0..<count { _ = try reader.readVarUInt32() }
        // `start` is inside the buffer: the default depth follows the targets.
        guard let base = reader.bytes.baseAddress else { throw reader.endError() }
        let defaultDepth = try reader.readVarUInt32()
        return WasmBrTable(
            targetsStart: base + start,
            count: UInt32(truncatingIfNeeded: count),
            defaultDepth: defaultDepth
        )
    }

    /// Reads the type vector of `select t*`.
    mutating func readTypedSelect() throws(WasmDecodingError) -> WasmInstruction {
        let arity = try reader.readCount()
        var first: WasmValueType?
        for index in 0..<arity {
            let type = try reader.readValueType()
            if index == 0 { first = type }
        }
        return .typedSelect(arity: UInt32(truncatingIfNeeded: arity), type: first)
    }
}
