#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// Instruction encodings for hand-assembled function bodies (each returns the bytes of one instruction).
enum Op {
    // Control.
    static let unreachable: [UInt8] = [0x00]
    static let nop: [UInt8] = [0x01]
    static func block(_ type: WasmValueType? = nil) -> [UInt8] { [0x02, type?.rawValue ?? 0x40] }
    static func block(typeIndex: UInt32) -> [UInt8] { [0x02] + Enc.s(Int64(typeIndex)) }
    static func loop(_ type: WasmValueType? = nil) -> [UInt8] { [0x03, type?.rawValue ?? 0x40] }
    static func loop(typeIndex: UInt32) -> [UInt8] { [0x03] + Enc.s(Int64(typeIndex)) }
    static func `if`(_ type: WasmValueType? = nil) -> [UInt8] { [0x04, type?.rawValue ?? 0x40] }
    static func `if`(typeIndex: UInt32) -> [UInt8] { [0x04] + Enc.s(Int64(typeIndex)) }
    static let `else`: [UInt8] = [0x05]
    static let end: [UInt8] = [0x0B]
    static func br(_ depth: UInt32) -> [UInt8] { [0x0C] + Enc.u(depth) }
    static func brIf(_ depth: UInt32) -> [UInt8] { [0x0D] + Enc.u(depth) }
    static func brTable(_ depths: [UInt32], default fallback: UInt32) -> [UInt8] {
        [0x0E] + Enc.vector(depths.map(Enc.u)) + Enc.u(fallback)
    }
    static let `return`: [UInt8] = [0x0F]
    static func call(_ function: UInt32) -> [UInt8] { [0x10] + Enc.u(function) }
    static func callIndirect(_ type: UInt32, table: UInt32 = 0) -> [UInt8] { [0x11] + Enc.u(type) + Enc.u(table) }

    // Parametric and variables.
    static let drop: [UInt8] = [0x1A]
    static let select: [UInt8] = [0x1B]
    static func localGet(_ index: UInt32) -> [UInt8] { [0x20] + Enc.u(index) }
    static func localSet(_ index: UInt32) -> [UInt8] { [0x21] + Enc.u(index) }
    static func localTee(_ index: UInt32) -> [UInt8] { [0x22] + Enc.u(index) }
    static func globalGet(_ index: UInt32) -> [UInt8] { [0x23] + Enc.u(index) }
    static func globalSet(_ index: UInt32) -> [UInt8] { [0x24] + Enc.u(index) }

    // Tables.
    static func tableGet(_ table: UInt32 = 0) -> [UInt8] { [0x25] + Enc.u(table) }
    static func tableSet(_ table: UInt32 = 0) -> [UInt8] { [0x26] + Enc.u(table) }
    static func tableInit(_ segment: UInt32, table: UInt32 = 0) -> [UInt8] {
        [0xFC] + Enc.u(12) + Enc.u(segment) + Enc.u(table)
    }
    static func elemDrop(_ segment: UInt32) -> [UInt8] { [0xFC] + Enc.u(13) + Enc.u(segment) }
    static func tableCopy(_ destination: UInt32 = 0, _ source: UInt32 = 0) -> [UInt8] {
        [0xFC] + Enc.u(14) + Enc.u(destination) + Enc.u(source)
    }
    static func tableGrow(_ table: UInt32 = 0) -> [UInt8] { [0xFC] + Enc.u(15) + Enc.u(table) }
    static func tableSize(_ table: UInt32 = 0) -> [UInt8] { [0xFC] + Enc.u(16) + Enc.u(table) }
    static func tableFill(_ table: UInt32 = 0) -> [UInt8] { [0xFC] + Enc.u(17) + Enc.u(table) }

    // Memory.
    static func load(_ opcode: UInt8, offset: UInt32 = 0, align: UInt32 = 0) -> [UInt8] {
        [opcode] + Enc.u(align) + Enc.u(offset)
    }
    static func i32Load(offset: UInt32 = 0) -> [UInt8] { load(0x28, offset: offset, align: 2) }
    static func i64Load(offset: UInt32 = 0) -> [UInt8] { load(0x29, offset: offset, align: 3) }
    static func i32Load8U(offset: UInt32 = 0) -> [UInt8] { load(0x2D, offset: offset) }
    static func i32Store(offset: UInt32 = 0) -> [UInt8] { load(0x36, offset: offset, align: 2) }
    static func i64Store(offset: UInt32 = 0) -> [UInt8] { load(0x37, offset: offset, align: 3) }
    static func i32Store8(offset: UInt32 = 0) -> [UInt8] { load(0x3A, offset: offset) }
    static let memorySize: [UInt8] = [0x3F, 0x00]
    static let memoryGrow: [UInt8] = [0x40, 0x00]
    static func memoryInit(_ segment: UInt32) -> [UInt8] { [0xFC] + Enc.u(8) + Enc.u(segment) + [0x00] }
    static func dataDrop(_ segment: UInt32) -> [UInt8] { [0xFC] + Enc.u(9) + Enc.u(segment) }
    static let memoryCopy: [UInt8] = [0xFC, 10, 0x00, 0x00]
    static let memoryFill: [UInt8] = [0xFC, 11, 0x00]

    // Constants.
    static func i32Const(_ value: Int32) -> [UInt8] { [0x41] + Enc.s(Int64(value)) }
    static func i64Const(_ value: Int64) -> [UInt8] { [0x42] + Enc.s(value) }
    static func f32Const(_ value: Float) -> [UInt8] { f32Bits(value.bitPattern) }
    static func f32Bits(_ bits: UInt32) -> [UInt8] { [0x43] + withUnsafeBytes(of: bits.littleEndian) { Array($0) } }
    static func f64Const(_ value: Double) -> [UInt8] { f64Bits(value.bitPattern) }
    static func f64Bits(_ bits: UInt64) -> [UInt8] { [0x44] + withUnsafeBytes(of: bits.littleEndian) { Array($0) } }

    // References.
    static func refNull(_ type: WasmValueType) -> [UInt8] { [0xD0, type.rawValue] }
    static let refIsNull: [UInt8] = [0xD1]
    static func refFunc(_ function: UInt32) -> [UInt8] { [0xD2] + Enc.u(function) }

    /// A numeric instruction by opcode.
    static func numeric(_ op: WasmNumericOp) -> [UInt8] {
        op.rawValue >= 0xE0 ? [0xFC, op.rawValue - 0xE0] : [op.rawValue]
    }

    static let i32Eqz: [UInt8] = [0x45]
    static let i32Eq: [UInt8] = [0x46]
    static let i32LtS: [UInt8] = [0x48]
    static let i32LtU: [UInt8] = [0x49]
    static let i32GtS: [UInt8] = [0x4A]
    static let i32Add: [UInt8] = [0x6A]
    static let i32Sub: [UInt8] = [0x6B]
    static let i32Mul: [UInt8] = [0x6C]
    static let i32DivS: [UInt8] = [0x6D]
    static let i32DivU: [UInt8] = [0x6E]
    static let i32RemS: [UInt8] = [0x6F]
    static let i64Add: [UInt8] = [0x7C]
}
