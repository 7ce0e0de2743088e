/// Translation of each wasm instruction.
extension Translator {
    /// Translates one instruction (skipping unreachable code, but keeping track of its nesting).
    mutating func translate(_ instruction: WasmInstruction) throws(WasmCompileError) {
        if deadDepth > 0 || isUnreachable {
            switch instruction {
            case .block, .loop, .if:
                deadDepth &+= 1
            case .else where deadDepth == 0:
                translateElse()
            case .end:
                if deadDepth > 0 { deadDepth &-= 1 } else { translateEnd() }
            default:
                break
            }
            return
        }
        switch instruction {
        case .numeric(let op):
            count()
            translateNumeric(op)
        case .localGet(let index):
            count()
            pushLocal(Int(index))
        case .localSet(let index):
            count()
            translateLocalSet(Int(index), tee: false)
        case .localTee(let index):
            count()
            translateLocalSet(Int(index), tee: true)
        case .i32Const(let value):
            count()
            pushConstant(UInt64(UInt32(bitPattern: value)))
        case .i64Const(let value):
            count()
            pushConstant(UInt64(bitPattern: value))
        case .f32Const(let bits):
            count()
            pushConstant(UInt64(bits))
        case .f64Const(let bits):
            count()
            pushConstant(bits)
        case .load(let op, let memArg):
            count()
            translateLoad(op, memArg)
        case .store(let op, let memArg):
            count()
            translateStore(op, memArg)
        case .block(let blockType): translateBlock(blockType)
        case .loop(let blockType): translateLoop(blockType)
        case .if(let blockType): translateIf(blockType)
        case .else: translateElse()
        case .end: translateEnd()
        case .br(let depth): translateBr(depth)
        case .brIf(let depth): translateBrIf(depth)
        case .brTable(let table): translateBrTable(table)
        case .return: translateReturn()
        case .unreachable: translateUnreachable()
        case .call(let function): translateCall(function)
        case .callIndirect(let type, let table): translateCallIndirect(type: type, table: table)
        case .nop:
            count()
        default:
            count()
            try translateOther(instruction)
        }
    }

    /// Parametric, variable, memory-management, table and reference instructions.
    private mutating func translateOther(_ instruction: WasmInstruction) throws(WasmCompileError) {
        switch instruction {
        case .drop:
            pop()
        case .select, .typedSelect:
            let top = stack.count &- 1
            let condition = operandSlot(top)
            let second = operandSlot(top &- 1)
            let first = operandSlot(top &- 2)
            pop(3)
            pushTemp()
            emitResult(
                IRWord.make(.select, a: tempSlot(top &- 2), b: first, c: second),
                UInt64(condition),
                height: top &- 2
            )
        case .globalGet(let index):
            pushTemp()
            emitResult(IRWord.make(.globalGet, a: tempSlot(stack.count &- 1), bc: index), height: stack.count &- 1)
        case .globalSet(let index):
            let slot = operandSlot(stack.count &- 1)
            pop()
            emit(IRWord.make(.globalSet, a: slot, bc: index))
        case .memorySize:
            pushTemp()
            emitResult(IRWord.make(.memorySize, a: tempSlot(stack.count &- 1)), height: stack.count &- 1)
        case .memoryGrow:
            let height = stack.count &- 1
            let delta = operandSlot(height)
            pop()
            pushTemp()
            emitResult(IRWord.make(.memoryGrow, a: tempSlot(height), b: delta), height: height)
        case .memoryInit(let data):
            emitTernary(.memoryInit, extra: UInt64(data))
        case .dataDrop(let data):
            emit(IRWord.make(.dataDrop, bc: data))
        case .memoryCopy:
            emitTernary(.memoryCopy, extra: nil)
        case .memoryFill:
            emitTernary(.memoryFill, extra: nil)
        case .tableGet(let table):
            let height = stack.count &- 1
            let index = operandSlot(height)
            pop()
            pushTemp()
            emitResult(IRWord.make(.tableGet, a: tempSlot(height), b: index), UInt64(table), height: height)
        case .tableSet(let table):
            let top = stack.count &- 1
            let value = operandSlot(top)
            let index = operandSlot(top &- 1)
            pop(2)
            emit(IRWord.make(.tableSet, a: index, b: value))
            emit(UInt64(table))
        case .tableSize(let table):
            pushTemp()
            emitResult(IRWord.make(.tableSize, a: tempSlot(stack.count &- 1)), UInt64(table), height: stack.count &- 1)
        case .tableGrow(let table):
            let top = stack.count &- 1
            let delta = operandSlot(top)
            let value = operandSlot(top &- 1)
            pop(2)
            pushTemp()
            emitResult(
                IRWord.make(.tableGrow, a: tempSlot(top &- 1), b: value, c: delta),
                UInt64(table),
                height: top &- 1
            )
        case .tableFill(let table):
            emitTernary(.tableFill, extra: UInt64(table))
        case .tableCopy(let destination, let source):
            emitTernary(.tableCopy, extra: UInt64(destination) | UInt64(source) << 32)
        case .tableInit(let element, let table):
            emitTernary(.tableInit, extra: UInt64(table) | UInt64(element) << 32)
        case .elemDrop(let element):
            emit(IRWord.make(.elemDrop, bc: element))
        case .refNull:
            pushConstant(0)
        case .refIsNull:
            translateUnary(.i64Eqz)
        case .refFunc(let function):
            pushTemp()
            emitResult(IRWord.make(.refFunc, a: tempSlot(stack.count &- 1), bc: function), height: stack.count &- 1)
        case .simd:
            throw .implementationLimit("SIMD instructions are not supported")
        default:
            throw .implementationLimit("unexpected instruction \(instruction)")
        }
    }

    /// Emits an instruction taking three operands (A, B, C) and producing nothing.
    private mutating func emitTernary(_ opcode: IROpcode, extra: UInt64?) {
        let top = stack.count &- 1
        let c = operandSlot(top)
        let b = operandSlot(top &- 1)
        let a = operandSlot(top &- 2)
        pop(3)
        emit(IRWord.make(opcode, a: a, b: b, c: c))
        if let extra { emit(extra) }
    }

    // MARK: - Locals

    /// `local.set` / `local.tee`: writes into the local, redirecting the last instruction's result when it can.
    private mutating func translateLocalSet(_ local: Int, tee: Bool) {
        let height = stack.count &- 1
        let operand = stack[height]
        if operand.kind == .local && operand.local == local {
            // `local.get x; local.set x` and friends: nothing to do.
            if !tee { pop() }
            return
        }
        let last = lastResult
        pop()
        // Operands that still alias the local must keep its old value.
        let hadAliases = localAliases[local] > 0
        if hadAliases { materializeAliases(of: local) }
        if operand.kind == .temp, !hadAliases, let last, last.height == height {
            // Redirect the instruction that produced the value.
            code[last.index] = IRWord.replacingA(code[last.index], with: local)
            lastResult = nil
            if lastAddImmediate?.index == last.index { lastAddImmediate?.destination = local }
        } else {
            emitMove(operand, height: height, to: local)
        }
        if tee {
            if operand.kind == .constant {
                pushConstant(operand.bits)
            } else {
                pushLocal(local)
            }
        }
    }

    // MARK: - Memory

    private mutating func translateLoad(_ op: WasmLoadOp, _ memArg: WasmMemArg) {
        let opcode: IROpcode
        let size: UInt64
        switch op {
        case .i32Load, .f32Load, .i64Load32U: (opcode, size) = (.i32Load, 4)
        case .i64Load, .f64Load: (opcode, size) = (.i64Load, 8)
        case .i32Load8S: (opcode, size) = (.i32Load8S, 1)
        case .i32Load8U, .i64Load8U: (opcode, size) = (.i32Load8U, 1)
        case .i32Load16S: (opcode, size) = (.i32Load16S, 2)
        case .i32Load16U, .i64Load16U: (opcode, size) = (.i32Load16U, 2)
        case .i64Load8S: (opcode, size) = (.i64Load8S, 1)
        case .i64Load16S: (opcode, size) = (.i64Load16S, 2)
        case .i64Load32S: (opcode, size) = (.i64Load32S, 4)
        }
        let height = stack.count &- 1
        let offset = UInt64(memArg.offset) &+ size
        // Only loads with a fused form may consume the address computation: taking it removes the `i32.add`
        // that computed the address, which a plain load would then miss.
        if Self.fusedAccess(opcode, .addImmediate(0, 0)) != nil, let address = takeAddressComputation(height),
            let fused = Self.fusedAccess(opcode, address)
        {
            pop()
            pushTemp()
            emitFusedAccess(fused, a: tempSlot(height), address, offset: offset, resultHeight: height)
            return
        }
        let address = operandSlot(height)
        pop()
        pushTemp()
        emitResult(IRWord.make(opcode, a: tempSlot(height), b: address), offset, height: height)
    }

    private mutating func translateStore(_ op: WasmStoreOp, _ memArg: WasmMemArg) {
        let opcode: IROpcode
        let size: UInt64
        switch op {
        case .i32Store, .f32Store, .i64Store32: (opcode, size) = (.i32Store, 4)
        case .i64Store, .f64Store: (opcode, size) = (.i64Store, 8)
        case .i32Store8, .i64Store8: (opcode, size) = (.i32Store8, 1)
        case .i32Store16, .i64Store16: (opcode, size) = (.i32Store16, 2)
        }
        let top = stack.count &- 1
        let offset = UInt64(memArg.offset) &+ size
        // The address can be fused only when the value was not computed after it (a local or a constant).
        if stack[top].isVirtual, Self.fusedAccess(opcode, .addImmediate(0, 0)) != nil,
            let address = takeAddressComputation(top &- 1),
            let fused = Self.fusedAccess(opcode, address)
        {
            let value = operandSlot(top)
            pop(2)
            emitFusedAccess(fused, a: value, address, offset: offset, resultHeight: nil)
            return
        }
        let value = operandSlot(top)
        let address = operandSlot(top &- 1)
        pop(2)
        emit(IRWord.make(opcode, a: value, b: address))
        emit(offset)
    }

    /// An address computed by the instruction just emitted: `i32.add` of two slots or of a slot and an immediate.
    enum AddressComputation {
        case add(Int, Int)
        case addImmediate(Int, UInt32)
    }

    /// Removes the `i32.add` that computed the operand at `height`, if it was the last instruction emitted, and
    /// returns its operands so that a load or store can do the addition itself.
    private mutating func takeAddressComputation(_ height: Int) -> AddressComputation? {
        guard let last = lastResult, last.height == height, stack[height].kind == .temp else { return nil }
        let word = code[last.index]
        let address: AddressComputation
        switch IROpcode(word: word) {
        case .i32Add: address = .add(IRWord.b(word), IRWord.c(word))
        case .i32AddImm: address = .addImmediate(IRWord.b(word), UInt32(truncatingIfNeeded: code[last.index &+ 1]))
        default: return nil
        }
        code.removeSubrange(last.index...)
        resetFusion()
        return address
    }

    /// The fused form of a load or store with a computed address, if it has one.
    static func fusedAccess(_ opcode: IROpcode, _ address: AddressComputation) -> IROpcode? {
        let immediate: Bool
        if case .addImmediate = address { immediate = true } else { immediate = false }
        switch opcode {
        case .i32Load: return immediate ? .i32LoadAddImm : .i32LoadAdd
        case .i64Load: return immediate ? .i64LoadAddImm : .i64LoadAdd
        case .i32Load8U: return immediate ? .i32Load8UAddImm : .i32Load8UAdd
        case .i32Load8S: return immediate ? .i32Load8SAddImm : .i32Load8SAdd
        case .i32Load16U: return immediate ? .i32Load16UAddImm : .i32Load16UAdd
        case .i32Store: return immediate ? .i32StoreAddImm : .i32StoreAdd
        case .i64Store: return immediate ? .i64StoreAddImm : .i64StoreAdd
        case .i32Store8: return immediate ? .i32Store8AddImm : .i32Store8Add
        case .i32Store16: return immediate ? .i32Store16AddImm : .i32Store16Add
        default: return nil
        }
    }

    /// Emits a fused load (`resultHeight` set) or store.
    private mutating func emitFusedAccess(
        _ opcode: IROpcode,
        a: Int,
        _ address: AddressComputation,
        offset: UInt64,
        resultHeight: Int?
    ) {
        let index = code.count
        switch address {
        case .add(let base, let addend):
            emit(IRWord.make(opcode, a: a, b: base, c: addend))
            emit(offset)
        case .addImmediate(let base, let immediate):
            emit(IRWord.make(opcode, a: a, b: base))
            emit(offset)
            emit(UInt64(immediate))
        }
        if let resultHeight { lastResult = (index, resultHeight) }
    }

    // MARK: - Numeric

    /// Emits a unary operation on the top operand.
    mutating func translateUnary(_ opcode: IROpcode) {
        let height = stack.count &- 1
        let source = operandSlot(height)
        pop()
        pushTemp()
        emitResult(IRWord.make(opcode, a: tempSlot(height), b: source), height: height)
    }

    /// Emits a binary operation on the top two operands, with an immediate form when one is a constant.
    mutating func translateBinary(_ opcode: IROpcode, immediate: Translator.ImmediateForm?) {
        let height = stack.count &- 2
        let lhs = stack[height]
        let rhs = stack[height &+ 1]
        if let immediate {
            if rhs.kind == .constant && lhs.kind != .constant {
                let source = operandSlot(height)
                pop(2)
                pushTemp()
                emitResult(
                    IRWord.make(immediate.opcode, a: tempSlot(height), b: source),
                    immediate.negatesImmediate ? 0 &- rhs.bits : rhs.bits,
                    height: height
                )
                return
            }
            if lhs.kind == .constant && rhs.kind != .constant, let mirrored = immediate.mirrored {
                let source = operandSlot(height &+ 1)
                pop(2)
                pushTemp()
                emitResult(IRWord.make(mirrored, a: tempSlot(height), b: source), lhs.bits, height: height)
                return
            }
        }
        let rhsSlot = operandSlot(height &+ 1)
        let lhsSlot = operandSlot(height)
        pop(2)
        pushTemp()
        emitResult(IRWord.make(opcode, a: tempSlot(height), b: lhsSlot, c: rhsSlot), height: height)
    }

    private mutating func translateNumeric(_ op: WasmNumericOp) {
        guard let opcode = Translator.opcode(for: op) else { return }  // reinterpretations: same bits
        if op.signature.isBinary {
            translateBinary(opcode, immediate: Translator.immediateForm(for: op))
        } else {
            translateUnary(opcode)
        }
    }
}
