/// The condition of a conditional branch, possibly fused with the comparison that computed it.
///
/// `i32.lt_s` followed by `br_if` becomes one `brIfI32LtS` instruction; `i32.eqz` followed by `br_if` becomes
/// `brIfNot`. `if` branches on the negated condition, which is exact for integer comparisons.
enum TranslatorCondition {
    /// Slot is non-zero (as i32).
    case nonZero(Int)
    /// Slot is zero (as i32).
    case zero(Int)
    /// Slot is zero as i64.
    case i64Zero(Int)
    /// Slot is non-zero as i64.
    case i64NonZero(Int)
    /// A fused i32 comparison of two slots (the opcode is a `brIfI32…`).
    case compare(IROpcode, Int, Int)
    /// A fused i32 comparison of a slot with an immediate (the opcode is a `brIfI32…Imm`).
    case compareImmediate(IROpcode, Int, UInt32)
    /// A loop increment fused with its test (the opcode is an `i32AddImmBrIf…`): destination, source, added
    /// immediate, right-hand slot, right-hand immediate. Only produced for `br_if`, never negated.
    case incrementThen(IROpcode, Int, Int, UInt32, Int, UInt32)

    /// The opposite condition.
    var negated: TranslatorCondition {
        switch self {
        case .nonZero(let slot): .zero(slot)
        case .zero(let slot): .nonZero(slot)
        case .i64Zero(let slot): .i64NonZero(slot)
        case .i64NonZero(let slot): .i64Zero(slot)
        case .compare(let opcode, let a, let b): .compare(Self.negate(opcode), a, b)
        case .compareImmediate(let opcode, let a, let imm): .compareImmediate(Self.negate(opcode), a, imm)
        case .incrementThen: self  // never negated: see `Translator.fuseLoopIncrement(into:)`
        }
    }

    /// The branch on the opposite comparison.
    static func negate(_ opcode: IROpcode) -> IROpcode {
        switch opcode {
        case .brIfI32Eq: .brIfI32Ne
        case .brIfI32Ne: .brIfI32Eq
        case .brIfI32LtS: .brIfI32GeS
        case .brIfI32GeS: .brIfI32LtS
        case .brIfI32LtU: .brIfI32GeU
        case .brIfI32GeU: .brIfI32LtU
        case .brIfI32GtS: .brIfI32LeS
        case .brIfI32LeS: .brIfI32GtS
        case .brIfI32GtU: .brIfI32LeU
        case .brIfI32LeU: .brIfI32GtU
        case .brIfI32EqImm: .brIfI32NeImm
        case .brIfI32NeImm: .brIfI32EqImm
        case .brIfI32LtSImm: .brIfI32GeSImm
        case .brIfI32GeSImm: .brIfI32LtSImm
        case .brIfI32LtUImm: .brIfI32GeUImm
        case .brIfI32GeUImm: .brIfI32LtUImm
        case .brIfI32GtSImm: .brIfI32LeSImm
        case .brIfI32LeSImm: .brIfI32GtSImm
        case .brIfI32GtUImm: .brIfI32LeUImm
        case .brIfI32LeUImm: .brIfI32GtUImm
        default: opcode
        }
    }

    /// The fused branch for an i32 comparison instruction, if it has one.
    static func branch(for opcode: IROpcode) -> IROpcode? {
        switch opcode {
        case .i32Eq: .brIfI32Eq
        case .i32Ne: .brIfI32Ne
        case .i32LtS: .brIfI32LtS
        case .i32LtU: .brIfI32LtU
        case .i32GtS: .brIfI32GtS
        case .i32GtU: .brIfI32GtU
        case .i32LeS: .brIfI32LeS
        case .i32LeU: .brIfI32LeU
        case .i32GeS: .brIfI32GeS
        case .i32GeU: .brIfI32GeU
        case .i32EqImm: .brIfI32EqImm
        case .i32NeImm: .brIfI32NeImm
        case .i32LtSImm: .brIfI32LtSImm
        case .i32LtUImm: .brIfI32LtUImm
        case .i32GtSImm: .brIfI32GtSImm
        case .i32GtUImm: .brIfI32GtUImm
        case .i32LeSImm: .brIfI32LeSImm
        case .i32LeUImm: .brIfI32LeUImm
        case .i32GeSImm: .brIfI32GeSImm
        case .i32GeUImm: .brIfI32GeUImm
        default: nil
        }
    }
}

extension Translator {
    /// Pops the condition of `br_if`/`if`, fusing it with the comparison just emitted when possible.
    mutating func takeCondition() -> TranslatorCondition {
        let height = stack.count &- 1
        if let last = lastResult, last.height == height, stack[height].kind == .temp {
            let word = code[last.index]
            let opcode = IROpcode(word: word)
            var condition: TranslatorCondition?
            switch opcode {
            case .i32Eqz: condition = .zero(IRWord.b(word))
            case .i64Eqz: condition = .i64Zero(IRWord.b(word))
            default:
                if let branch = TranslatorCondition.branch(for: opcode) {
                    if !Translator.isImmediateComparison(opcode) {
                        condition = .compare(branch, IRWord.b(word), IRWord.c(word))
                    } else {
                        condition = .compareImmediate(
                            branch,
                            IRWord.b(word),
                            UInt32(truncatingIfNeeded: code[last.index &+ 1])
                        )
                    }
                }
            }
            if let condition {
                code.removeSubrange(last.index...)
                lastResult = nil
                pop()
                return condition
            }
        }
        let slot = operandSlot(height)
        pop()
        return .nonZero(slot)
    }

    /// Whether `opcode` is an i32 comparison with an immediate (two words).
    static func isImmediateComparison(_ opcode: IROpcode) -> Bool {
        switch opcode {
        case .i32EqImm, .i32NeImm, .i32LtSImm, .i32LtUImm, .i32GtSImm, .i32GtUImm, .i32LeSImm, .i32LeUImm,
            .i32GeSImm, .i32GeUImm:
            true
        default: false
        }
    }

    /// Emits a conditional branch with an unbound edge and a zero fall-through fuel word.
    /// - Returns: the instruction's start, its edge word and its fall-through fuel word.
    mutating func emitConditionalBranch(
        _ condition: TranslatorCondition
    ) -> (instruction: Int, edge: Int, fall: Int) {
        let instruction = code.count
        switch condition {
        case .nonZero(let slot): emit(IRWord.make(.brIf, a: slot))
        case .zero(let slot): emit(IRWord.make(.brIfNot, a: slot))
        case .i64Zero(let slot): emit(IRWord.make(.brIfI64Eqz, a: slot))
        case .i64NonZero(let slot): emit(IRWord.make(.brIfI64Nez, a: slot))
        case .compare(let opcode, let a, let b): emit(IRWord.make(opcode, a: a, b: b))
        case .compareImmediate(let opcode, let a, let imm): emit(IRWord.make(opcode, a: a, bc: imm))
        case .incrementThen(let opcode, let destination, let source, let increment, let rhs, let rhsImmediate):
            emit(IRWord.make(opcode, a: destination, b: source, c: rhs))
            emit(UInt64(increment) | UInt64(rhsImmediate) << 32)
            emit(0)
            emit(0)
            return (instruction, instruction &+ 2, instruction &+ 3)
        }
        emit(0)
        emit(0)
        return (instruction, instruction &+ 1, instruction &+ 2)
    }

    /// Fuses `x = y + imm` emitted just before a `br_if` that tests `x` (non-zero, `!=`, `<`) into one
    /// instruction — the shape of most loop back-edges.
    mutating func fuseLoopIncrement(into condition: TranslatorCondition) -> TranslatorCondition {
        guard let add = lastAddImmediate, add.index &+ 2 == code.count,
            IROpcode(word: code[add.index]) == .i32AddImm, IRWord.a(code[add.index]) == add.destination
        else { return condition }
        let fused: TranslatorCondition
        switch condition {
        case .nonZero(let slot) where slot == add.destination:
            fused = .incrementThen(.i32AddImmBrIfNez, add.destination, add.source, add.immediate, 0, 0)
        case .compare(let opcode, let lhs, let rhs) where lhs == add.destination:
            switch opcode {
            case .brIfI32Ne: fused = .incrementThen(.i32AddImmBrIfNe, lhs, add.source, add.immediate, rhs, 0)
            case .brIfI32LtS: fused = .incrementThen(.i32AddImmBrIfLtS, lhs, add.source, add.immediate, rhs, 0)
            case .brIfI32LtU: fused = .incrementThen(.i32AddImmBrIfLtU, lhs, add.source, add.immediate, rhs, 0)
            default: return condition
            }
        case .compareImmediate(let opcode, let lhs, let imm) where lhs == add.destination:
            switch opcode {
            case .brIfI32NeImm: fused = .incrementThen(.i32AddImmBrIfNeImm, lhs, add.source, add.immediate, 0, imm)
            case .brIfI32LtSImm: fused = .incrementThen(.i32AddImmBrIfLtSImm, lhs, add.source, add.immediate, 0, imm)
            case .brIfI32LtUImm: fused = .incrementThen(.i32AddImmBrIfLtUImm, lhs, add.source, add.immediate, 0, imm)
            default: return condition
            }
        default:
            return condition
        }
        code.removeSubrange(add.index...)
        resetFusion()
        return fused
    }
}
