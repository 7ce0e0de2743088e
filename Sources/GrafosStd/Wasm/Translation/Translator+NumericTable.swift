/// The IR opcodes of the numeric instructions and their immediate forms.
extension Translator {
    /// The immediate form of a binary operation: `A = B op imm`.
    struct ImmediateForm {
        /// The opcode when the right operand is a constant.
        var opcode: IROpcode
        /// Whether the constant is negated (`x - c` becomes `x + (-c)`).
        var negatesImmediate = false
        /// The opcode when the *left* operand is the constant (`c op x`), for commutative or mirrorable operations.
        var mirrored: IROpcode?
    }

    /// The immediate form of `op`, if it has one.
    static func immediateForm(for op: WasmNumericOp) -> ImmediateForm? {
        switch op {
        case .i32Add: ImmediateForm(opcode: .i32AddImm, mirrored: .i32AddImm)
        case .i32Sub: ImmediateForm(opcode: .i32AddImm, negatesImmediate: true)
        case .i32Mul: ImmediateForm(opcode: .i32MulImm, mirrored: .i32MulImm)
        case .i32And: ImmediateForm(opcode: .i32AndImm, mirrored: .i32AndImm)
        case .i32Or: ImmediateForm(opcode: .i32OrImm, mirrored: .i32OrImm)
        case .i32Xor: ImmediateForm(opcode: .i32XorImm, mirrored: .i32XorImm)
        case .i32Shl: ImmediateForm(opcode: .i32ShlImm)
        case .i32ShrS: ImmediateForm(opcode: .i32ShrSImm)
        case .i32ShrU: ImmediateForm(opcode: .i32ShrUImm)
        case .i32Eq: ImmediateForm(opcode: .i32EqImm, mirrored: .i32EqImm)
        case .i32Ne: ImmediateForm(opcode: .i32NeImm, mirrored: .i32NeImm)
        case .i32LtS: ImmediateForm(opcode: .i32LtSImm, mirrored: .i32GtSImm)
        case .i32LtU: ImmediateForm(opcode: .i32LtUImm, mirrored: .i32GtUImm)
        case .i32GtS: ImmediateForm(opcode: .i32GtSImm, mirrored: .i32LtSImm)
        case .i32GtU: ImmediateForm(opcode: .i32GtUImm, mirrored: .i32LtUImm)
        case .i32LeS: ImmediateForm(opcode: .i32LeSImm, mirrored: .i32GeSImm)
        case .i32LeU: ImmediateForm(opcode: .i32LeUImm, mirrored: .i32GeUImm)
        case .i32GeS: ImmediateForm(opcode: .i32GeSImm, mirrored: .i32LeSImm)
        case .i32GeU: ImmediateForm(opcode: .i32GeUImm, mirrored: .i32LeUImm)
        case .i64Add: ImmediateForm(opcode: .i64AddImm, mirrored: .i64AddImm)
        case .i64Sub: ImmediateForm(opcode: .i64AddImm, negatesImmediate: true)
        case .i64Mul: ImmediateForm(opcode: .i64MulImm, mirrored: .i64MulImm)
        case .i64And: ImmediateForm(opcode: .i64AndImm, mirrored: .i64AndImm)
        case .i64Or: ImmediateForm(opcode: .i64OrImm, mirrored: .i64OrImm)
        case .i64Xor: ImmediateForm(opcode: .i64XorImm, mirrored: .i64XorImm)
        case .i64Shl: ImmediateForm(opcode: .i64ShlImm)
        case .i64ShrS: ImmediateForm(opcode: .i64ShrSImm)
        case .i64ShrU: ImmediateForm(opcode: .i64ShrUImm)
        default: nil
        }
    }

    /// The IR opcode of a numeric instruction, or `nil` for the reinterpretations, which keep the bits as they are.
    static func opcode(for op: WasmNumericOp) -> IROpcode? {
        switch op {
        case .i32Eqz: .i32Eqz
        case .i32Eq: .i32Eq
        case .i32Ne: .i32Ne
        case .i32LtS: .i32LtS
        case .i32LtU: .i32LtU
        case .i32GtS: .i32GtS
        case .i32GtU: .i32GtU
        case .i32LeS: .i32LeS
        case .i32LeU: .i32LeU
        case .i32GeS: .i32GeS
        case .i32GeU: .i32GeU
        case .i64Eqz: .i64Eqz
        case .i64Eq: .i64Eq
        case .i64Ne: .i64Ne
        case .i64LtS: .i64LtS
        case .i64LtU: .i64LtU
        case .i64GtS: .i64GtS
        case .i64GtU: .i64GtU
        case .i64LeS: .i64LeS
        case .i64LeU: .i64LeU
        case .i64GeS: .i64GeS
        case .i64GeU: .i64GeU
        case .f32Eq: .f32Eq
        case .f32Ne: .f32Ne
        case .f32Lt: .f32Lt
        case .f32Gt: .f32Gt
        case .f32Le: .f32Le
        case .f32Ge: .f32Ge
        case .f64Eq: .f64Eq
        case .f64Ne: .f64Ne
        case .f64Lt: .f64Lt
        case .f64Gt: .f64Gt
        case .f64Le: .f64Le
        case .f64Ge: .f64Ge
        case .i32Clz: .i32Clz
        case .i32Ctz: .i32Ctz
        case .i32Popcnt: .i32Popcnt
        case .i32Add: .i32Add
        case .i32Sub: .i32Sub
        case .i32Mul: .i32Mul
        case .i32DivS: .i32DivS
        case .i32DivU: .i32DivU
        case .i32RemS: .i32RemS
        case .i32RemU: .i32RemU
        case .i32And: .i32And
        case .i32Or: .i32Or
        case .i32Xor: .i32Xor
        case .i32Shl: .i32Shl
        case .i32ShrS: .i32ShrS
        case .i32ShrU: .i32ShrU
        case .i32Rotl: .i32Rotl
        case .i32Rotr: .i32Rotr
        case .i64Clz: .i64Clz
        case .i64Ctz: .i64Ctz
        case .i64Popcnt: .i64Popcnt
        case .i64Add: .i64Add
        case .i64Sub: .i64Sub
        case .i64Mul: .i64Mul
        case .i64DivS: .i64DivS
        case .i64DivU: .i64DivU
        case .i64RemS: .i64RemS
        case .i64RemU: .i64RemU
        case .i64And: .i64And
        case .i64Or: .i64Or
        case .i64Xor: .i64Xor
        case .i64Shl: .i64Shl
        case .i64ShrS: .i64ShrS
        case .i64ShrU: .i64ShrU
        case .i64Rotl: .i64Rotl
        case .i64Rotr: .i64Rotr
        case .f32Abs: .f32Abs
        case .f32Neg: .f32Neg
        case .f32Ceil: .f32Ceil
        case .f32Floor: .f32Floor
        case .f32Trunc: .f32Trunc
        case .f32Nearest: .f32Nearest
        case .f32Sqrt: .f32Sqrt
        case .f32Add: .f32Add
        case .f32Sub: .f32Sub
        case .f32Mul: .f32Mul
        case .f32Div: .f32Div
        case .f32Min: .f32Min
        case .f32Max: .f32Max
        case .f32Copysign: .f32Copysign
        case .f64Abs: .f64Abs
        case .f64Neg: .f64Neg
        case .f64Ceil: .f64Ceil
        case .f64Floor: .f64Floor
        case .f64Trunc: .f64Trunc
        case .f64Nearest: .f64Nearest
        case .f64Sqrt: .f64Sqrt
        case .f64Add: .f64Add
        case .f64Sub: .f64Sub
        case .f64Mul: .f64Mul
        case .f64Div: .f64Div
        case .f64Min: .f64Min
        case .f64Max: .f64Max
        case .f64Copysign: .f64Copysign
        case .i32WrapI64: .i32WrapI64
        case .i32TruncF32S: .i32TruncF32S
        case .i32TruncF32U: .i32TruncF32U
        case .i32TruncF64S: .i32TruncF64S
        case .i32TruncF64U: .i32TruncF64U
        case .i64ExtendI32S: .i64ExtendI32S
        case .i64ExtendI32U: .i32WrapI64
        case .i64TruncF32S: .i64TruncF32S
        case .i64TruncF32U: .i64TruncF32U
        case .i64TruncF64S: .i64TruncF64S
        case .i64TruncF64U: .i64TruncF64U
        case .f32ConvertI32S: .f32ConvertI32S
        case .f32ConvertI32U: .f32ConvertI32U
        case .f32ConvertI64S: .f32ConvertI64S
        case .f32ConvertI64U: .f32ConvertI64U
        case .f32DemoteF64: .f32DemoteF64
        case .f64ConvertI32S: .f64ConvertI32S
        case .f64ConvertI32U: .f64ConvertI32U
        case .f64ConvertI64S: .f64ConvertI64S
        case .f64ConvertI64U: .f64ConvertI64U
        case .f64PromoteF32: .f64PromoteF32
        case .i32ReinterpretF32, .i64ReinterpretF64, .f32ReinterpretI32, .f64ReinterpretI64: nil
        case .i32Extend8S: .i32Extend8S
        case .i32Extend16S: .i32Extend16S
        case .i64Extend8S: .i64Extend8S
        case .i64Extend16S: .i64Extend16S
        case .i64Extend32S: .i64ExtendI32S
        case .i32TruncSatF32S: .i32TruncSatF32S
        case .i32TruncSatF32U: .i32TruncSatF32U
        case .i32TruncSatF64S: .i32TruncSatF64S
        case .i32TruncSatF64U: .i32TruncSatF64U
        case .i64TruncSatF32S: .i64TruncSatF32S
        case .i64TruncSatF32U: .i64TruncSatF32U
        case .i64TruncSatF64S: .i64TruncSatF64S
        case .i64TruncSatF64U: .i64TruncSatF64U
        }
    }
}
