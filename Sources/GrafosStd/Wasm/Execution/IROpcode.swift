/// The instructions of the register IR that the interpreter executes.
///
/// Every instruction starts with a 64-bit word: the opcode in bits 0–15 and up to three 16-bit frame-slot
/// operands, `A` (bits 16–31, the result for value-producing instructions), `B` (32–47) and `C` (48–63); `BC`
/// is bits 32–63 read as one 32-bit immediate. Some instructions are followed by more words (an immediate, a
/// branch edge, an address offset). The layouts are listed in `Docs/Interpreter.md`; the translator and the
/// interpreter agree on them through ``IRWord``.
///
/// The cases are declared without raw values so that the enum's in-memory tag is the opcode: the interpreter
/// turns the low bits of a word into an `IROpcode` with a bit cast instead of a checked conversion.
enum IROpcode: CaseIterable {
    // MARK: Control
    /// Ends an invocation: the return address of the outermost frame.
    case exit
    /// Pseudo-instructions (never emitted by the translator): a handler that cannot continue points `pc` at a
    /// run of these, and the next dispatch ends the loop with the matching status.
    case trapOutOfBounds, stopFuelExhausted, stopInterrupted
    /// Traps with "unreachable".
    case unreachable
    /// `br`: word 1 is an edge (relative target and fuel).
    case br
    /// `br_if`: branches when slot A is non-zero; word 1 edge, word 2 fall-through fuel.
    case brIf
    /// Branches when slot A is zero; word 1 edge, word 2 fall-through fuel.
    case brIfNot
    /// Compare slots A and B as i32 and branch when true; word 1 edge, word 2 fall-through fuel.
    case brIfI32Eq, brIfI32Ne, brIfI32LtS, brIfI32LtU, brIfI32GtS, brIfI32GtU, brIfI32LeS, brIfI32LeU
    case brIfI32GeS, brIfI32GeU
    /// Compare slot A with the i32 immediate BC and branch when true; word 1 edge, word 2 fall-through fuel.
    case brIfI32EqImm, brIfI32NeImm, brIfI32LtSImm, brIfI32LtUImm, brIfI32GtSImm, brIfI32GtUImm
    case brIfI32LeSImm, brIfI32LeUImm, brIfI32GeSImm, brIfI32GeUImm
    /// Branches when slot A as i64 is zero / non-zero; word 1 edge, word 2 fall-through fuel.
    case brIfI64Eqz, brIfI64Nez
    /// `br_table` on slot A with BC targets plus a default; followed by BC + 1 edge words.
    case brTable
    /// Loop back-edges: slot A = slot B + the i32 immediate in the low half of word 1, then branch when A is
    /// non-zero / A != slot C / A < slot C / A != or < the i32 immediate in the high half of word 1; word 2
    /// edge, word 3 fall-through fuel.
    case i32AddImmBrIfNez, i32AddImmBrIfNe, i32AddImmBrIfLtS, i32AddImmBrIfLtU, i32AddImmBrIfNeImm
    case i32AddImmBrIfLtSImm, i32AddImmBrIfLtUImm
    /// Returns to the caller (results already in place).
    case ret
    /// Copies slot A to slot 0 and returns.
    case ret1
    /// Calls the defined function whose descriptor address is word 1; arguments start at slot A.
    case callInternal
    /// Calls function BC of the instance (imported: host or another instance); arguments start at slot A.
    case callImported
    /// `call_indirect`: table index in word 2, expected type key in word 1, element index in slot B,
    /// arguments from slot A.
    case callIndirect

    // MARK: Moves
    /// Slot A = slot B.
    case copy
    /// Slot A = slot B, then slot C = slot (word 1): two consecutive copies in one dispatch.
    case copy2
    /// Slot A = the 32-bit immediate BC (zero-extended).
    case const32
    /// Slot A = word 1.
    case const64
    /// Slot A = slot (word 1) != 0 ? slot B : slot C.
    case select
    /// Slot A = global BC.
    case globalGet
    /// Global BC = slot A.
    case globalSet
    /// Slot A = a reference to function BC.
    case refFunc

    // MARK: Memory (word 1: static offset + access size)
    /// Slot A = the value at the address in slot B (plus the static offset). Unsigned narrow loads serve both
    /// i32 and i64 (the slot is zero-extended either way); `i32Load` also serves `i64.load32_u` and `f32.load`,
    /// `i64Load` serves `f64.load`.
    case i32Load, i64Load, i32Load8S, i32Load8U, i32Load16S, i32Load16U, i64Load8S, i64Load16S, i64Load32S
    /// Stores slot A at the address in slot B (`i32Store` also serves `i64.store32` and `f32.store`, the
    /// narrow stores serve both widths).
    case i32Store, i64Store, i32Store8, i32Store16
    /// A load whose address is `i32.add` of slot B and the immediate in word 2 (the add fused in; word 1 as for
    /// loads).
    case i32LoadAddImm, i64LoadAddImm, i32Load8UAddImm, i32Load8SAddImm, i32Load16UAddImm
    /// A load whose address is `i32.add` of slots B and C.
    case i32LoadAdd, i64LoadAdd, i32Load8UAdd, i32Load8SAdd, i32Load16UAdd
    /// Stores slot A at `i32.add` of slot B and the immediate in word 2.
    case i32StoreAddImm, i64StoreAddImm, i32Store8AddImm, i32Store16AddImm
    /// Stores slot A at `i32.add` of slots B and C.
    case i32StoreAdd, i64StoreAdd, i32Store8Add, i32Store16Add
    /// Slot A = memory size in pages.
    case memorySize
    /// Slot A = memory.grow(slot B).
    case memoryGrow
    /// memory.init of data segment (word 1): destination A, source B, length C.
    case memoryInit
    /// data.drop of segment BC.
    case dataDrop
    /// memory.copy: destination A, source B, length C.
    case memoryCopy
    /// memory.fill: destination A, value B, length C.
    case memoryFill

    // MARK: Tables (word 1: table index and, where needed, a second index in its high half)
    /// Slot A = table[slot B].
    case tableGet
    /// table[slot A] = slot B.
    case tableSet
    /// Slot A = table size.
    case tableSize
    /// Slot A = table.grow(init: slot B, delta: slot C).
    case tableGrow
    /// table.fill: index A, value B, length C.
    case tableFill
    /// table.copy: destination A, source B, length C; word 1 = destination table | source table << 32.
    case tableCopy
    /// table.init: destination A, source B, length C; word 1 = table | segment << 32.
    case tableInit
    /// elem.drop of segment BC.
    case elemDrop

    // MARK: i32 (A = B op C; unary: A = op B)
    case i32Eqz, i32Eq, i32Ne, i32LtS, i32LtU, i32GtS, i32GtU, i32LeS, i32LeU, i32GeS, i32GeU
    case i32Clz, i32Ctz, i32Popcnt, i32Add, i32Sub, i32Mul, i32DivS, i32DivU, i32RemS, i32RemU
    case i32And, i32Or, i32Xor, i32Shl, i32ShrS, i32ShrU, i32Rotl, i32Rotr
    /// `i32WrapI64` keeps the low 32 bits: it also serves `i64.extend_i32_u`.
    case i32Extend8S, i32Extend16S, i32WrapI64
    // MARK: i32 with an immediate right operand (A = B op word 1)
    case i32AddImm, i32MulImm, i32AndImm, i32OrImm, i32XorImm, i32ShlImm, i32ShrSImm, i32ShrUImm
    case i32EqImm, i32NeImm, i32LtSImm, i32LtUImm, i32GtSImm, i32GtUImm, i32LeSImm, i32LeUImm, i32GeSImm
    case i32GeUImm

    // MARK: i64
    case i64Eqz, i64Eq, i64Ne, i64LtS, i64LtU, i64GtS, i64GtU, i64LeS, i64LeU, i64GeS, i64GeU
    case i64Clz, i64Ctz, i64Popcnt, i64Add, i64Sub, i64Mul, i64DivS, i64DivU, i64RemS, i64RemU
    case i64And, i64Or, i64Xor, i64Shl, i64ShrS, i64ShrU, i64Rotl, i64Rotr
    /// `i64ExtendI32S` also serves `i64.extend32_s`.
    case i64Extend8S, i64Extend16S, i64ExtendI32S
    // MARK: i64 with an immediate right operand (A = B op word 1; comparisons read constants from the pool)
    case i64AddImm, i64MulImm, i64AndImm, i64OrImm, i64XorImm, i64ShlImm, i64ShrSImm, i64ShrUImm

    // MARK: f32
    case f32Eq, f32Ne, f32Lt, f32Gt, f32Le, f32Ge
    case f32Abs, f32Neg, f32Ceil, f32Floor, f32Trunc, f32Nearest, f32Sqrt
    case f32Add, f32Sub, f32Mul, f32Div, f32Min, f32Max, f32Copysign

    // MARK: f64
    case f64Eq, f64Ne, f64Lt, f64Gt, f64Le, f64Ge
    case f64Abs, f64Neg, f64Ceil, f64Floor, f64Trunc, f64Nearest, f64Sqrt
    case f64Add, f64Sub, f64Mul, f64Div, f64Min, f64Max, f64Copysign

    // MARK: Conversions
    case i32TruncF32S, i32TruncF32U, i32TruncF64S, i32TruncF64U
    case i64TruncF32S, i64TruncF32U, i64TruncF64S, i64TruncF64U
    case f32ConvertI32S, f32ConvertI32U, f32ConvertI64S, f32ConvertI64U, f32DemoteF64
    case f64ConvertI32S, f64ConvertI32U, f64ConvertI64S, f64ConvertI64U, f64PromoteF32
    case i32TruncSatF32S, i32TruncSatF32U, i32TruncSatF64S, i32TruncSatF64U
    case i64TruncSatF32S, i64TruncSatF32U, i64TruncSatF64S, i64TruncSatF64U

    /// The opcode in the low bits of an instruction's first word.
    @inline(__always)
    init(word: UInt64) {
        self = unsafeBitCast(UInt8(truncatingIfNeeded: word), to: IROpcode.self)
    }

    /// The value stored in bits 0–15 of the first word.
    @inline(__always)
    var code: UInt64 { UInt64(unsafeBitCast(self, to: UInt8.self)) }
}
