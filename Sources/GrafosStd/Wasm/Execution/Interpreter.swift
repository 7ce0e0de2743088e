import Synchronization

/// The interpreter: one `while true { switch opcode }` loop over the register IR.
///
/// The program counter, the frame pointer, the current instance, the memory's base and size, the fuel and the
/// frame-stack top live in locals of ``run(_:pc:fp:instance:)``; wasm calls push a ``FrameRecord`` and jump, so
/// guest recursion never grows the host stack. Handlers use raw pointers and wrapping arithmetic on indices the
/// validator guaranteed; anything that can fail ends the loop with a ``RunStatus`` and the caller throws. Rare
/// and large operations (memory growth, bulk copies, host calls) live in `@inline(never)` functions in
/// `Instructions/` so they do not crowd the loop.
enum Interpreter {
    /// The static code the interpreter jumps to outside translated functions: `exit` (the return address of
    /// the outermost frame), then runs of four `trapOutOfBounds`, `stopFuelExhausted` and `stopInterrupted`
    /// pseudo-instructions (four, so that a handler may still advance `pc` by up to three words after redirecting
    /// it).
    nonisolated(unsafe) static let stubs: UnsafeMutablePointer<UInt64> = {
        let code = UnsafeMutablePointer<UInt64>.allocate(capacity: 13)
        code.initialize(to: IROpcode.exit.code)
        (code + 1).initialize(repeating: IROpcode.trapOutOfBounds.code, count: 4)
        (code + 5).initialize(repeating: IROpcode.stopFuelExhausted.code, count: 4)
        (code + 9).initialize(repeating: IROpcode.stopInterrupted.code, count: 4)
        return code
    }()

    /// The return address of the outermost frame of an invocation.
    static var exitCode: UnsafeMutablePointer<UInt64> { stubs }
    /// Where a handler points `pc` when an access is out of bounds.
    static var outOfBoundsCode: UnsafeMutablePointer<UInt64> { stubs + 1 }
    /// Where a branch points `pc` when the fuel cannot pay for the target region.
    static var fuelExhaustedCode: UnsafeMutablePointer<UInt64> { stubs + 5 }
    /// Where a backward branch points `pc` when the interrupt flag is raised.
    static var interruptedCode: UnsafeMutablePointer<UInt64> { stubs + 9 }

    /// Runs from `pc` in the frame at `fp` until the invocation's outermost frame returns or execution stops.
    ///
    /// The caller has pushed the outermost ``FrameRecord`` (returning to ``exitCode``), zeroed the entry
    /// function's locals and charged its entry region.
    /// - Returns: how the run ended; `context` holds the remaining fuel and, after a trap, the frame stack as
    ///   it was (for the backtrace).
    static func run(
        _ context: UnsafeMutablePointer<ExecutionContext>,
        pc entry: UnsafeMutablePointer<UInt64>,
        fp entryFrame: UnsafeMutablePointer<UInt64>,
        instance: UnsafeMutablePointer<InstanceContext>
    ) -> RunStatus {
        var pc = entry
        var fp = entryFrame
        var inst = instance
        var memory = inst.pointee.memory
        var memSize = memory.pointee.byteCount
        var fuel = context.pointee.fuel
        var frames = context.pointee.frameTop
        let framesEnd = context.pointee.framesEnd
        let stackEnd = context.pointee.stackEnd
        let interrupt = UnsafePointer(context.pointee.interrupt)
        var status = RunStatus.finished
        let scratch = context.pointee.scratch

        run: while true {
            let w = pc.pointee
            let a = IRWord.a(pc)
            let b = IRWord.b(pc)
            let c = IRWord.c(pc)
            switch IROpcode(word: w) {
            // MARK: Control
            case .exit:
                break run
            case .trapOutOfBounds:
                status = .trapped(.outOfBoundsMemoryAccess)
                break run
            case .stopFuelExhausted:
                status = .fuelExhausted
                break run
            case .stopInterrupted:
                status = .interrupted
                break run
            case .unreachable:
                status = .trapped(.unreachable)
                break run
            case .br:
                takeEdge(pc[1], &pc, &fuel, interrupt)
                continue run
            case .brIf:
                branch(fp[a] & 0xFFFF_FFFF != 0, &pc, &fuel, interrupt)
                continue run
            case .brIfNot:
                branch(fp[a] & 0xFFFF_FFFF == 0, &pc, &fuel, interrupt)
                continue run
            case .brIfI32Eq:
                branch(fp[i32: a] == fp[i32: b], &pc, &fuel, interrupt)
                continue run
            case .brIfI32Ne:
                branch(fp[i32: a] != fp[i32: b], &pc, &fuel, interrupt)
                continue run
            case .brIfI32LtS:
                branch(fp[s32: a] < fp[s32: b], &pc, &fuel, interrupt)
                continue run
            case .brIfI32LtU:
                branch(fp[i32: a] < fp[i32: b], &pc, &fuel, interrupt)
                continue run
            case .brIfI32GtS:
                branch(fp[s32: a] > fp[s32: b], &pc, &fuel, interrupt)
                continue run
            case .brIfI32GtU:
                branch(fp[i32: a] > fp[i32: b], &pc, &fuel, interrupt)
                continue run
            case .brIfI32LeS:
                branch(fp[s32: a] <= fp[s32: b], &pc, &fuel, interrupt)
                continue run
            case .brIfI32LeU:
                branch(fp[i32: a] <= fp[i32: b], &pc, &fuel, interrupt)
                continue run
            case .brIfI32GeS:
                branch(fp[s32: a] >= fp[s32: b], &pc, &fuel, interrupt)
                continue run
            case .brIfI32GeU:
                branch(fp[i32: a] >= fp[i32: b], &pc, &fuel, interrupt)
                continue run
            case .brIfI32EqImm:
                branch(fp[i32: a] == IRWord.bc(w), &pc, &fuel, interrupt)
                continue run
            case .brIfI32NeImm:
                branch(fp[i32: a] != IRWord.bc(w), &pc, &fuel, interrupt)
                continue run
            case .brIfI32LtSImm:
                branch(fp[s32: a] < Int32(bitPattern: IRWord.bc(w)), &pc, &fuel, interrupt)
                continue run
            case .brIfI32LtUImm:
                branch(fp[i32: a] < IRWord.bc(w), &pc, &fuel, interrupt)
                continue run
            case .brIfI32GtSImm:
                branch(fp[s32: a] > Int32(bitPattern: IRWord.bc(w)), &pc, &fuel, interrupt)
                continue run
            case .brIfI32GtUImm:
                branch(fp[i32: a] > IRWord.bc(w), &pc, &fuel, interrupt)
                continue run
            case .brIfI32LeSImm:
                branch(fp[s32: a] <= Int32(bitPattern: IRWord.bc(w)), &pc, &fuel, interrupt)
                continue run
            case .brIfI32LeUImm:
                branch(fp[i32: a] <= IRWord.bc(w), &pc, &fuel, interrupt)
                continue run
            case .brIfI32GeSImm:
                branch(fp[s32: a] >= Int32(bitPattern: IRWord.bc(w)), &pc, &fuel, interrupt)
                continue run
            case .brIfI32GeUImm:
                branch(fp[i32: a] >= IRWord.bc(w), &pc, &fuel, interrupt)
                continue run
            case .brIfI64Eqz:
                branch(fp[a] == 0, &pc, &fuel, interrupt)
                continue run
            case .brIfI64Nez:
                branch(fp[a] != 0, &pc, &fuel, interrupt)
                continue run
            case .i32AddImmBrIfNez:
                let value = fp[i32: b] &+ UInt32(truncatingIfNeeded: pc[1])
                fp[i32: a] = value
                branch(value != 0, at: 2, &pc, &fuel, interrupt)
                continue run
            case .i32AddImmBrIfNe:
                fp[i32: a] = fp[i32: b] &+ UInt32(truncatingIfNeeded: pc[1])
                branch(fp[i32: a] != fp[i32: c], at: 2, &pc, &fuel, interrupt)
                continue run
            case .i32AddImmBrIfLtS:
                fp[i32: a] = fp[i32: b] &+ UInt32(truncatingIfNeeded: pc[1])
                branch(fp[s32: a] < fp[s32: c], at: 2, &pc, &fuel, interrupt)
                continue run
            case .i32AddImmBrIfLtU:
                fp[i32: a] = fp[i32: b] &+ UInt32(truncatingIfNeeded: pc[1])
                branch(fp[i32: a] < fp[i32: c], at: 2, &pc, &fuel, interrupt)
                continue run
            case .i32AddImmBrIfNeImm:
                let value = fp[i32: b] &+ UInt32(truncatingIfNeeded: pc[1])
                fp[i32: a] = value
                branch(value != UInt32(truncatingIfNeeded: pc[1] >> 32), at: 2, &pc, &fuel, interrupt)
                continue run
            case .i32AddImmBrIfLtSImm:
                let value = fp[i32: b] &+ UInt32(truncatingIfNeeded: pc[1])
                fp[i32: a] = value
                branch(Int32(bitPattern: value) < Int32(truncatingIfNeeded: pc[1] >> 32), at: 2, &pc, &fuel, interrupt)
                continue run
            case .i32AddImmBrIfLtUImm:
                let value = fp[i32: b] &+ UInt32(truncatingIfNeeded: pc[1])
                fp[i32: a] = value
                branch(value < UInt32(truncatingIfNeeded: pc[1] >> 32), at: 2, &pc, &fuel, interrupt)
                continue run
            case .brTable:
                let index = Swift.min(UInt64(fp[i32: a]), UInt64(IRWord.bc(w)))
                takeEdge(pc[1 &+ Int(index)], &pc, &fuel, interrupt)
                continue run
            case .ret1:
                fp[0] = fp[a]
                fallthrough
            case .ret:
                let record = frames.pointee
                frames -= 1
                pc = record.returnPC
                fp = record.callerFP
                if record.callerInstance != inst {
                    inst = record.callerInstance
                    memory = inst.pointee.memory
                }
                memSize = memory.pointee.byteCount
                continue run
            case .callInternal:
                let callee = UnsafePointer<FunctionDescriptor>(bitPattern: UInt(truncatingIfNeeded: pc[1]))
                    .unsafelyUnwrapped
                if let stop = enter(
                    callee,
                    inst,
                    argumentSlot: a,
                    returnPC: pc + 2,
                    &pc,
                    &fp,
                    &frames,
                    &fuel,
                    framesEnd,
                    stackEnd,
                    interrupt
                ) {
                    status = stop
                    break run
                }
                continue run
            case .callImported:
                let record = inst.pointee.functions[Int(IRWord.bc(w))]
                if let stop = callRecord(
                    record,
                    argumentSlot: a,
                    returnPC: pc + 1,
                    context,
                    &pc,
                    &fp,
                    &inst,
                    &memory,
                    &memSize,
                    &frames,
                    &fuel,
                    framesEnd,
                    stackEnd,
                    interrupt
                ) {
                    status = stop
                    break run
                }
                continue run
            case .callIndirect:
                let table = inst.pointee.tables[Int(truncatingIfNeeded: pc[2])]
                let index = Int(fp[i32: b])
                guard index < table.pointee.count else {
                    status = .trapped(.undefinedElement)
                    break run
                }
                let reference = table.pointee.elements[index]
                guard reference != 0 else {
                    status = .trapped(.uninitializedElement)
                    break run
                }
                let record = FunctionRecord.pointer(reference)
                let expected = UnsafeRawPointer(bitPattern: UInt(truncatingIfNeeded: pc[1])).unsafelyUnwrapped
                guard
                    record.pointee.descriptor.pointee.typeKey == expected
                        || FunctionTypeTable.equal(record.pointee.descriptor.pointee.typeKey, expected)
                else {
                    status = .trapped(.indirectCallTypeMismatch)
                    break run
                }
                if let stop = callRecord(
                    record,
                    argumentSlot: a,
                    returnPC: pc + 3,
                    context,
                    &pc,
                    &fp,
                    &inst,
                    &memory,
                    &memSize,
                    &frames,
                    &fuel,
                    framesEnd,
                    stackEnd,
                    interrupt
                ) {
                    status = stop
                    break run
                }
                continue run

            // MARK: Moves
            case .copy:
                fp[a] = fp[b]
            case .copy2:
                fp[a] = fp[b]
                fp[c] = fp[Int(truncatingIfNeeded: pc[1])]
                pc += 1
            case .const32:
                fp[a] = UInt64(IRWord.bc(w))
            case .const64:
                fp[a] = pc[1]
                pc += 1
            case .select:
                fp[a] = fp[Int(truncatingIfNeeded: pc[1])] & 0xFFFF_FFFF != 0 ? fp[b] : fp[c]
                pc += 1
            case .globalGet:
                fp[a] = inst.pointee.globals[Int(IRWord.bc(w))].pointee.value
            case .globalSet:
                inst.pointee.globals[Int(IRWord.bc(w))].pointee.value = fp[a]
            case .refFunc:
                fp[a] = FunctionRecord.bits(inst.pointee.functions[Int(IRWord.bc(w))])

            // MARK: Memory (out of bounds: `at` points `pc` at `trapOutOfBounds` and returns a scratch address)
            case .i32Load:
                fp[a] = load32(at(fp[i32: b], pc[1], 4, memory.pointee.base, memSize, &pc, scratch))
                pc += 1
            case .i64Load:
                fp[a] = load64(at(fp[i32: b], pc[1], 8, memory.pointee.base, memSize, &pc, scratch))
                pc += 1
            case .i32Load8S:
                fp[s32: a] = Int32(
                    at(fp[i32: b], pc[1], 1, memory.pointee.base, memSize, &pc, scratch).load(as: Int8.self)
                )
                pc += 1
            case .i32Load8U:
                fp[a] = UInt64(
                    at(fp[i32: b], pc[1], 1, memory.pointee.base, memSize, &pc, scratch).load(as: UInt8.self)
                )
                pc += 1
            case .i32Load16S:
                fp[s32: a] = Int32(
                    Int16(
                        truncatingIfNeeded: load16(at(fp[i32: b], pc[1], 2, memory.pointee.base, memSize, &pc, scratch))
                    )
                )
                pc += 1
            case .i32Load16U:
                fp[a] = load16(at(fp[i32: b], pc[1], 2, memory.pointee.base, memSize, &pc, scratch))
                pc += 1
            case .i64Load8S:
                fp[s64: a] = Int64(
                    at(fp[i32: b], pc[1], 1, memory.pointee.base, memSize, &pc, scratch).load(as: Int8.self)
                )
                pc += 1
            case .i64Load16S:
                fp[s64: a] = Int64(
                    Int16(
                        truncatingIfNeeded: load16(at(fp[i32: b], pc[1], 2, memory.pointee.base, memSize, &pc, scratch))
                    )
                )
                pc += 1
            case .i64Load32S:
                fp[s64: a] = Int64(
                    Int32(
                        truncatingIfNeeded: load32(at(fp[i32: b], pc[1], 4, memory.pointee.base, memSize, &pc, scratch))
                    )
                )
                pc += 1
            case .i32Store:
                store32(fp[a], at(fp[i32: b], pc[1], 4, memory.pointee.base, memSize, &pc, scratch))
                pc += 1
            case .i64Store:
                store64(fp[a], at(fp[i32: b], pc[1], 8, memory.pointee.base, memSize, &pc, scratch))
                pc += 1
            case .i32Store8:
                store8(fp[a], at(fp[i32: b], pc[1], 1, memory.pointee.base, memSize, &pc, scratch))
                pc += 1
            case .i32Store16:
                store16(fp[a], at(fp[i32: b], pc[1], 2, memory.pointee.base, memSize, &pc, scratch))
                pc += 1
            case .i32LoadAddImm:
                fp[a] = load32(at(fp[i32: b] &+ imm32(pc), pc[1], 4, memory.pointee.base, memSize, &pc, scratch))
                pc += 2
            case .i64LoadAddImm:
                fp[a] = load64(at(fp[i32: b] &+ imm32(pc), pc[1], 8, memory.pointee.base, memSize, &pc, scratch))
                pc += 2
            case .i32Load8UAddImm:
                fp[a] = UInt64(
                    at(fp[i32: b] &+ imm32(pc), pc[1], 1, memory.pointee.base, memSize, &pc, scratch).load(
                        as: UInt8.self
                    )
                )
                pc += 2
            case .i32Load8SAddImm:
                fp[s32: a] = Int32(
                    at(fp[i32: b] &+ imm32(pc), pc[1], 1, memory.pointee.base, memSize, &pc, scratch).load(
                        as: Int8.self
                    )
                )
                pc += 2
            case .i32Load16UAddImm:
                fp[a] = load16(at(fp[i32: b] &+ imm32(pc), pc[1], 2, memory.pointee.base, memSize, &pc, scratch))
                pc += 2
            case .i32LoadAdd:
                fp[a] = load32(at(fp[i32: b] &+ fp[i32: c], pc[1], 4, memory.pointee.base, memSize, &pc, scratch))
                pc += 1
            case .i64LoadAdd:
                fp[a] = load64(at(fp[i32: b] &+ fp[i32: c], pc[1], 8, memory.pointee.base, memSize, &pc, scratch))
                pc += 1
            case .i32Load8UAdd:
                fp[a] = UInt64(
                    at(fp[i32: b] &+ fp[i32: c], pc[1], 1, memory.pointee.base, memSize, &pc, scratch).load(
                        as: UInt8.self
                    )
                )
                pc += 1
            case .i32Load8SAdd:
                fp[s32: a] = Int32(
                    at(fp[i32: b] &+ fp[i32: c], pc[1], 1, memory.pointee.base, memSize, &pc, scratch).load(
                        as: Int8.self
                    )
                )
                pc += 1
            case .i32Load16UAdd:
                fp[a] = load16(at(fp[i32: b] &+ fp[i32: c], pc[1], 2, memory.pointee.base, memSize, &pc, scratch))
                pc += 1
            case .i32StoreAddImm:
                store32(fp[a], at(fp[i32: b] &+ imm32(pc), pc[1], 4, memory.pointee.base, memSize, &pc, scratch))
                pc += 2
            case .i64StoreAddImm:
                store64(fp[a], at(fp[i32: b] &+ imm32(pc), pc[1], 8, memory.pointee.base, memSize, &pc, scratch))
                pc += 2
            case .i32Store8AddImm:
                store8(fp[a], at(fp[i32: b] &+ imm32(pc), pc[1], 1, memory.pointee.base, memSize, &pc, scratch))
                pc += 2
            case .i32Store16AddImm:
                store16(fp[a], at(fp[i32: b] &+ imm32(pc), pc[1], 2, memory.pointee.base, memSize, &pc, scratch))
                pc += 2
            case .i32StoreAdd:
                store32(fp[a], at(fp[i32: b] &+ fp[i32: c], pc[1], 4, memory.pointee.base, memSize, &pc, scratch))
                pc += 1
            case .i64StoreAdd:
                store64(fp[a], at(fp[i32: b] &+ fp[i32: c], pc[1], 8, memory.pointee.base, memSize, &pc, scratch))
                pc += 1
            case .i32Store8Add:
                store8(fp[a], at(fp[i32: b] &+ fp[i32: c], pc[1], 1, memory.pointee.base, memSize, &pc, scratch))
                pc += 1
            case .i32Store16Add:
                store16(fp[a], at(fp[i32: b] &+ fp[i32: c], pc[1], 2, memory.pointee.base, memSize, &pc, scratch))
                pc += 1
            case .memorySize:
                fp[a] = memSize >> 16
            case .memoryGrow:
                fp[a] = memoryGrow(inst, UInt64(fp[i32: b]))
                memSize = memory.pointee.byteCount
            case .memoryInit, .memoryCopy, .memoryFill, .dataDrop, .tableGet, .tableSet, .tableSize, .tableGrow,
                .tableFill, .tableCopy, .tableInit, .elemDrop:
                let outcome = bulk(w, pc, fp, inst, fuel)
                fuel = outcome.fuel
                if let stop = outcome.status {
                    status = stop
                    break run
                }
                memSize = memory.pointee.byteCount
                pc += outcome.length &- 1

            // MARK: Division and float-to-integer truncation (may trap)
            case .i32DivS, .i32DivU, .i32RemS, .i32RemU, .i64DivS, .i64DivU, .i64RemS, .i64RemU, .i32TruncF32S,
                .i32TruncF32U, .i32TruncF64S, .i32TruncF64U, .i64TruncF32S, .i64TruncF32U, .i64TruncF64S,
                .i64TruncF64U:
                if let trap = trapping(w, a, b, c, fp) {
                    status = .trapped(trap)
                    break run
                }

            // MARK: i32
            case .i32Eqz:
                fp[bool: a] = fp[i32: b] == 0
            case .i32Eq:
                fp[bool: a] = fp[i32: b] == fp[i32: c]
            case .i32Ne:
                fp[bool: a] = fp[i32: b] != fp[i32: c]
            case .i32LtS:
                fp[bool: a] = fp[s32: b] < fp[s32: c]
            case .i32LtU:
                fp[bool: a] = fp[i32: b] < fp[i32: c]
            case .i32GtS:
                fp[bool: a] = fp[s32: b] > fp[s32: c]
            case .i32GtU:
                fp[bool: a] = fp[i32: b] > fp[i32: c]
            case .i32LeS:
                fp[bool: a] = fp[s32: b] <= fp[s32: c]
            case .i32LeU:
                fp[bool: a] = fp[i32: b] <= fp[i32: c]
            case .i32GeS:
                fp[bool: a] = fp[s32: b] >= fp[s32: c]
            case .i32GeU:
                fp[bool: a] = fp[i32: b] >= fp[i32: c]
            case .i32Clz:
                fp[a] = UInt64(fp[i32: b].leadingZeroBitCount)
            case .i32Ctz:
                fp[a] = UInt64(fp[i32: b].trailingZeroBitCount)
            case .i32Popcnt:
                fp[a] = UInt64(fp[i32: b].nonzeroBitCount)
            case .i32Add:
                fp[i32: a] = fp[i32: b] &+ fp[i32: c]
            case .i32Sub:
                fp[i32: a] = fp[i32: b] &- fp[i32: c]
            case .i32Mul:
                fp[i32: a] = fp[i32: b] &* fp[i32: c]
            case .i32And:
                fp[i32: a] = fp[i32: b] & fp[i32: c]
            case .i32Or:
                fp[i32: a] = fp[i32: b] | fp[i32: c]
            case .i32Xor:
                fp[i32: a] = fp[i32: b] ^ fp[i32: c]
            case .i32Shl:
                fp[i32: a] = fp[i32: b] &<< fp[i32: c]
            case .i32ShrS:
                fp[s32: a] = fp[s32: b] &>> fp[s32: c]
            case .i32ShrU:
                fp[i32: a] = fp[i32: b] &>> fp[i32: c]
            case .i32Rotl:
                fp[i32: a] = rotateLeft(fp[i32: b], fp[i32: c])
            case .i32Rotr:
                fp[i32: a] = rotateLeft(fp[i32: b], 0 &- fp[i32: c])
            case .i32Extend8S:
                fp[s32: a] = Int32(Int8(truncatingIfNeeded: fp[b]))
            case .i32Extend16S:
                fp[s32: a] = Int32(Int16(truncatingIfNeeded: fp[b]))
            case .i32WrapI64:
                fp[a] = fp[b] & 0xFFFF_FFFF
            case .i32AddImm:
                fp[i32: a] = fp[i32: b] &+ UInt32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32MulImm:
                fp[i32: a] = fp[i32: b] &* UInt32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32AndImm:
                fp[i32: a] = fp[i32: b] & UInt32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32OrImm:
                fp[i32: a] = fp[i32: b] | UInt32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32XorImm:
                fp[i32: a] = fp[i32: b] ^ UInt32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32ShlImm:
                fp[i32: a] = fp[i32: b] &<< UInt32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32ShrSImm:
                fp[s32: a] = fp[s32: b] &>> Int32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32ShrUImm:
                fp[i32: a] = fp[i32: b] &>> UInt32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32EqImm:
                fp[bool: a] = fp[i32: b] == UInt32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32NeImm:
                fp[bool: a] = fp[i32: b] != UInt32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32LtSImm:
                fp[bool: a] = fp[s32: b] < Int32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32LtUImm:
                fp[bool: a] = fp[i32: b] < UInt32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32GtSImm:
                fp[bool: a] = fp[s32: b] > Int32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32GtUImm:
                fp[bool: a] = fp[i32: b] > UInt32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32LeSImm:
                fp[bool: a] = fp[s32: b] <= Int32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32LeUImm:
                fp[bool: a] = fp[i32: b] <= UInt32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32GeSImm:
                fp[bool: a] = fp[s32: b] >= Int32(truncatingIfNeeded: pc[1])
                pc += 1
            case .i32GeUImm:
                fp[bool: a] = fp[i32: b] >= UInt32(truncatingIfNeeded: pc[1])
                pc += 1

            // MARK: i64
            case .i64Eqz:
                fp[bool: a] = fp[b] == 0
            case .i64Eq:
                fp[bool: a] = fp[b] == fp[c]
            case .i64Ne:
                fp[bool: a] = fp[b] != fp[c]
            case .i64LtS:
                fp[bool: a] = fp[s64: b] < fp[s64: c]
            case .i64LtU:
                fp[bool: a] = fp[b] < fp[c]
            case .i64GtS:
                fp[bool: a] = fp[s64: b] > fp[s64: c]
            case .i64GtU:
                fp[bool: a] = fp[b] > fp[c]
            case .i64LeS:
                fp[bool: a] = fp[s64: b] <= fp[s64: c]
            case .i64LeU:
                fp[bool: a] = fp[b] <= fp[c]
            case .i64GeS:
                fp[bool: a] = fp[s64: b] >= fp[s64: c]
            case .i64GeU:
                fp[bool: a] = fp[b] >= fp[c]
            case .i64Clz:
                fp[a] = UInt64(fp[b].leadingZeroBitCount)
            case .i64Ctz:
                fp[a] = UInt64(fp[b].trailingZeroBitCount)
            case .i64Popcnt:
                fp[a] = UInt64(fp[b].nonzeroBitCount)
            case .i64Add:
                fp[a] = fp[b] &+ fp[c]
            case .i64Sub:
                fp[a] = fp[b] &- fp[c]
            case .i64Mul:
                fp[a] = fp[b] &* fp[c]
            case .i64And:
                fp[a] = fp[b] & fp[c]
            case .i64Or:
                fp[a] = fp[b] | fp[c]
            case .i64Xor:
                fp[a] = fp[b] ^ fp[c]
            case .i64Shl:
                fp[a] = fp[b] &<< fp[c]
            case .i64ShrS:
                fp[s64: a] = fp[s64: b] &>> fp[s64: c]
            case .i64ShrU:
                fp[a] = fp[b] &>> fp[c]
            case .i64Rotl:
                fp[a] = rotateLeft(fp[b], fp[c])
            case .i64Rotr:
                fp[a] = rotateLeft(fp[b], 0 &- fp[c])
            case .i64Extend8S:
                fp[s64: a] = Int64(Int8(truncatingIfNeeded: fp[b]))
            case .i64Extend16S:
                fp[s64: a] = Int64(Int16(truncatingIfNeeded: fp[b]))
            case .i64ExtendI32S:
                fp[s64: a] = Int64(Int32(truncatingIfNeeded: fp[b]))
            case .i64AddImm:
                fp[a] = fp[b] &+ pc[1]
                pc += 1
            case .i64MulImm:
                fp[a] = fp[b] &* pc[1]
                pc += 1
            case .i64AndImm:
                fp[a] = fp[b] & pc[1]
                pc += 1
            case .i64OrImm:
                fp[a] = fp[b] | pc[1]
                pc += 1
            case .i64XorImm:
                fp[a] = fp[b] ^ pc[1]
                pc += 1
            case .i64ShlImm:
                fp[a] = fp[b] &<< pc[1]
                pc += 1
            case .i64ShrSImm:
                fp[s64: a] = fp[s64: b] &>> Int64(bitPattern: pc[1])
                pc += 1
            case .i64ShrUImm:
                fp[a] = fp[b] &>> pc[1]
                pc += 1

            // MARK: Float arithmetic (the rest is in `floating`)
            case .f32Add:
                fp[f32: a] = fp[f32: b] + fp[f32: c]
            case .f32Sub:
                fp[f32: a] = fp[f32: b] - fp[f32: c]
            case .f32Mul:
                fp[f32: a] = fp[f32: b] * fp[f32: c]
            case .f32Div:
                fp[f32: a] = fp[f32: b] / fp[f32: c]
            case .f64Add:
                fp[f64: a] = fp[f64: b] + fp[f64: c]
            case .f64Sub:
                fp[f64: a] = fp[f64: b] - fp[f64: c]
            case .f64Mul:
                fp[f64: a] = fp[f64: b] * fp[f64: c]
            case .f64Div:
                fp[f64: a] = fp[f64: b] / fp[f64: c]
            case .f64Lt:
                fp[bool: a] = fp[f64: b] < fp[f64: c]
            case .f64Gt:
                fp[bool: a] = fp[f64: b] > fp[f64: c]

            case .f32Eq, .f32Ne, .f32Lt, .f32Gt, .f32Le, .f32Ge, .f32Abs, .f32Neg, .f32Ceil, .f32Floor, .f32Trunc,
                .f32Nearest, .f32Sqrt, .f32Min, .f32Max, .f32Copysign, .f64Eq, .f64Ne, .f64Le, .f64Ge, .f64Abs, .f64Neg,
                .f64Ceil, .f64Floor, .f64Trunc, .f64Nearest, .f64Sqrt, .f64Min, .f64Max, .f64Copysign, .f32ConvertI32S,
                .f32ConvertI32U, .f32ConvertI64S, .f32ConvertI64U, .f32DemoteF64, .f64ConvertI32S, .f64ConvertI32U,
                .f64ConvertI64S, .f64ConvertI64U, .f64PromoteF32, .i32TruncSatF32S, .i32TruncSatF32U, .i32TruncSatF64S,
                .i32TruncSatF64U, .i64TruncSatF32S, .i64TruncSatF32U, .i64TruncSatF64S, .i64TruncSatF64U:
                // The rest of floating point and the saturating conversions (no default: the switch is exhaustive,
                // so the jump table needs no range check and the dispatch can be duplicated into every handler).
                floating(w, a, b, c, fp)
            }
            pc += 1
        }
        context.pointee.fuel = fuel
        context.pointee.frameTop = frames
        return status
    }
}
