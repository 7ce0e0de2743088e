/// A numeric instruction: one whose only operands and results are values on the stack, with a fixed signature.
///
/// Covers the MVP comparison, arithmetic and conversion opcodes (`0x45`–`0xBF`), sign extension (`0xC0`–`0xC4`)
/// and the saturating truncations (`0xFC 0`–`0xFC 7`, stored here as `0xE0`–`0xE7`). The raw value is the opcode
/// so a translator can switch over it or index a table with it.
enum WasmNumericOp: UInt8, Sendable, Hashable, CaseIterable {
    case i32Eqz = 0x45
    case i32Eq = 0x46
    case i32Ne = 0x47
    case i32LtS = 0x48
    case i32LtU = 0x49
    case i32GtS = 0x4A
    case i32GtU = 0x4B
    case i32LeS = 0x4C
    case i32LeU = 0x4D
    case i32GeS = 0x4E
    case i32GeU = 0x4F
    case i64Eqz = 0x50
    case i64Eq = 0x51
    case i64Ne = 0x52
    case i64LtS = 0x53
    case i64LtU = 0x54
    case i64GtS = 0x55
    case i64GtU = 0x56
    case i64LeS = 0x57
    case i64LeU = 0x58
    case i64GeS = 0x59
    case i64GeU = 0x5A
    case f32Eq = 0x5B
    case f32Ne = 0x5C
    case f32Lt = 0x5D
    case f32Gt = 0x5E
    case f32Le = 0x5F
    case f32Ge = 0x60
    case f64Eq = 0x61
    case f64Ne = 0x62
    case f64Lt = 0x63
    case f64Gt = 0x64
    case f64Le = 0x65
    case f64Ge = 0x66
    case i32Clz = 0x67
    case i32Ctz = 0x68
    case i32Popcnt = 0x69
    case i32Add = 0x6A
    case i32Sub = 0x6B
    case i32Mul = 0x6C
    case i32DivS = 0x6D
    case i32DivU = 0x6E
    case i32RemS = 0x6F
    case i32RemU = 0x70
    case i32And = 0x71
    case i32Or = 0x72
    case i32Xor = 0x73
    case i32Shl = 0x74
    case i32ShrS = 0x75
    case i32ShrU = 0x76
    case i32Rotl = 0x77
    case i32Rotr = 0x78
    case i64Clz = 0x79
    case i64Ctz = 0x7A
    case i64Popcnt = 0x7B
    case i64Add = 0x7C
    case i64Sub = 0x7D
    case i64Mul = 0x7E
    case i64DivS = 0x7F
    case i64DivU = 0x80
    case i64RemS = 0x81
    case i64RemU = 0x82
    case i64And = 0x83
    case i64Or = 0x84
    case i64Xor = 0x85
    case i64Shl = 0x86
    case i64ShrS = 0x87
    case i64ShrU = 0x88
    case i64Rotl = 0x89
    case i64Rotr = 0x8A
    case f32Abs = 0x8B
    case f32Neg = 0x8C
    case f32Ceil = 0x8D
    case f32Floor = 0x8E
    case f32Trunc = 0x8F
    case f32Nearest = 0x90
    case f32Sqrt = 0x91
    case f32Add = 0x92
    case f32Sub = 0x93
    case f32Mul = 0x94
    case f32Div = 0x95
    case f32Min = 0x96
    case f32Max = 0x97
    case f32Copysign = 0x98
    case f64Abs = 0x99
    case f64Neg = 0x9A
    case f64Ceil = 0x9B
    case f64Floor = 0x9C
    case f64Trunc = 0x9D
    case f64Nearest = 0x9E
    case f64Sqrt = 0x9F
    case f64Add = 0xA0
    case f64Sub = 0xA1
    case f64Mul = 0xA2
    case f64Div = 0xA3
    case f64Min = 0xA4
    case f64Max = 0xA5
    case f64Copysign = 0xA6
    case i32WrapI64 = 0xA7
    case i32TruncF32S = 0xA8
    case i32TruncF32U = 0xA9
    case i32TruncF64S = 0xAA
    case i32TruncF64U = 0xAB
    case i64ExtendI32S = 0xAC
    case i64ExtendI32U = 0xAD
    case i64TruncF32S = 0xAE
    case i64TruncF32U = 0xAF
    case i64TruncF64S = 0xB0
    case i64TruncF64U = 0xB1
    case f32ConvertI32S = 0xB2
    case f32ConvertI32U = 0xB3
    case f32ConvertI64S = 0xB4
    case f32ConvertI64U = 0xB5
    case f32DemoteF64 = 0xB6
    case f64ConvertI32S = 0xB7
    case f64ConvertI32U = 0xB8
    case f64ConvertI64S = 0xB9
    case f64ConvertI64U = 0xBA
    case f64PromoteF32 = 0xBB
    case i32ReinterpretF32 = 0xBC
    case i64ReinterpretF64 = 0xBD
    case f32ReinterpretI32 = 0xBE
    case f64ReinterpretI64 = 0xBF
    case i32Extend8S = 0xC0
    case i32Extend16S = 0xC1
    case i64Extend8S = 0xC2
    case i64Extend16S = 0xC3
    case i64Extend32S = 0xC4
    case i32TruncSatF32S = 0xE0
    case i32TruncSatF32U = 0xE1
    case i32TruncSatF64S = 0xE2
    case i32TruncSatF64U = 0xE3
    case i64TruncSatF32S = 0xE4
    case i64TruncSatF32U = 0xE5
    case i64TruncSatF64S = 0xE6
    case i64TruncSatF64U = 0xE7

    /// Creates the instruction with single-byte opcode `opcode` (`0x45`–`0xC4`), or `nil` for any other byte.
    ///
    /// Faster than `init(rawValue:)`, which the compiler lowers to a search: the cases are declared in opcode
    /// order, so the case for `opcode` is the `(opcode - 0x45)`th. A test checks this for every case.
    @inline(__always)
    init?(opcode: UInt8) {
        guard opcode >= 0x45, opcode <= 0xC4 else { return nil }
        self = unsafeBitCast(opcode &- 0x45, to: WasmNumericOp.self)
    }

    /// Creates the saturating truncation with the given `0xFC` sub-opcode (0–7).
    @inline(__always)
    init?(saturatingTruncation subOpcode: UInt32) {
        guard subOpcode < 8 else { return nil }
        self = unsafeBitCast(UInt8(truncatingIfNeeded: subOpcode) &+ 0x80, to: WasmNumericOp.self)
    }

    /// The instruction's stack signature: the operand type, whether it takes a second operand of the same type,
    /// and the result type.
    var signature: (operand: WasmValueType, isBinary: Bool, result: WasmValueType) {
        switch rawValue {
        case 0x45: (.i32, false, .i32)
        case 0x46...0x4F: (.i32, true, .i32)
        case 0x50: (.i64, false, .i32)
        case 0x51...0x5A: (.i64, true, .i32)
        case 0x5B...0x60: (.f32, true, .i32)
        case 0x61...0x66: (.f64, true, .i32)
        case 0x67...0x69: (.i32, false, .i32)
        case 0x6A...0x78: (.i32, true, .i32)
        case 0x79...0x7B: (.i64, false, .i64)
        case 0x7C...0x8A: (.i64, true, .i64)
        case 0x8B...0x91: (.f32, false, .f32)
        case 0x92...0x98: (.f32, true, .f32)
        case 0x99...0x9F: (.f64, false, .f64)
        case 0xA0...0xA6: (.f64, true, .f64)
        case 0xA7: (.i64, false, .i32)
        case 0xA8, 0xA9: (.f32, false, .i32)
        case 0xAA, 0xAB: (.f64, false, .i32)
        case 0xAC, 0xAD: (.i32, false, .i64)
        case 0xAE, 0xAF: (.f32, false, .i64)
        case 0xB0, 0xB1: (.f64, false, .i64)
        case 0xB2, 0xB3: (.i32, false, .f32)
        case 0xB4, 0xB5: (.i64, false, .f32)
        case 0xB6: (.f64, false, .f32)
        case 0xB7, 0xB8: (.i32, false, .f64)
        case 0xB9, 0xBA: (.i64, false, .f64)
        case 0xBB: (.f32, false, .f64)
        case 0xBC: (.f32, false, .i32)
        case 0xBD: (.f64, false, .i64)
        case 0xBE: (.i32, false, .f32)
        case 0xBF: (.i64, false, .f64)
        case 0xC0, 0xC1: (.i32, false, .i32)
        case 0xC2...0xC4: (.i64, false, .i64)
        case 0xE0, 0xE1: (.f32, false, .i32)
        case 0xE2, 0xE3: (.f64, false, .i32)
        case 0xE4, 0xE5: (.f32, false, .i64)
        default: (.f64, false, .i64)  // 0xE6, 0xE7
        }
    }
}
