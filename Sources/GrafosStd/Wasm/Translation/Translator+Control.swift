/// Translation of structured control flow: blocks, branches, returns and calls.
extension Translator {
    /// Whether the current arm is unreachable.
    var isUnreachable: Bool { controls[controls.count &- 1].isUnreachable }

    /// Marks the rest of the current arm unreachable and forgets its operands.
    mutating func setUnreachable() {
        let index = controls.count &- 1
        let height = controls[index].height
        while stack.count > height { pop() }
        controls[index].isUnreachable = true
        resetFusion()
    }

    /// The parameter and result counts of a block type.
    func arity(of blockType: WasmBlockType) -> (parameters: Int, results: Int) {
        switch blockType {
        case .empty: (0, 0)
        case .value: (0, 1)
        case .typeIndex(let index):
            (module.types[Int(index)].parameters.count, module.types[Int(index)].results.count)
        }
    }

    /// Opens a `block`, `loop` or `if` frame whose parameters are on the stack.
    mutating func pushControl(_ kind: TranslatorControl.Kind, _ blockType: WasmBlockType) {
        let (parameters, results) = arity(of: blockType)
        controls.append(
            TranslatorControl(
                kind: kind,
                height: stack.count &- parameters,
                parameterCount: parameters,
                resultCount: results,
                labelRegion: newRegion()
            )
        )
    }

    // MARK: - Blocks

    mutating func translateBlock(_ blockType: WasmBlockType) {
        count()
        materializeAll()
        pushControl(.block, blockType)
    }

    mutating func translateLoop(_ blockType: WasmBlockType) {
        count()
        materializeAll()
        pushControl(.loop, blockType)
        let index = controls.count &- 1
        controls[index].loopHeader = code.count
        openRegion(controls[index].labelRegion)
        resetFusion()
    }

    mutating func translateIf(_ blockType: WasmBlockType) {
        count()
        let condition = takeCondition()
        materializeAll()
        pushControl(.if, blockType)
        let index = controls.count &- 1
        // Jump to the else arm (or the end) when the condition is false.
        let (instruction, edge, fall) = emitConditionalBranch(condition.negated)
        controls[index].elseEdge = (instruction, edge)
        controls[index].elseRegion = newRegion()
        closeRegions()
        let thenRegion = newRegion()
        patchFuel(fall, region: thenRegion)
        openRegion(thenRegion)
    }

    mutating func translateElse() {
        let index = controls.count &- 1
        var frame = controls[index]
        if !frame.isUnreachable {
            materializeTop(frame.resultCount)
            let instruction = code.count
            emit(IROpcode.br.code)
            frame.pendingBranches.append((instruction, code.count))
            patchEdgeFuel(code.count, region: frame.labelRegion)
            emit(0)
            closeRegions()
        }
        if let elseEdge = frame.elseEdge {
            bindEdge(instruction: elseEdge.instruction, edge: elseEdge.edge, to: code.count)
            patchEdgeFuel(elseEdge.edge, region: frame.elseRegion)
        }
        frame.elseEdge = nil
        frame.kind = .else
        frame.isUnreachable = false
        controls[index] = frame
        while stack.count > frame.height { pop() }
        pushTemps(frame.parameterCount)
        openRegion(frame.elseRegion)
        resetFusion()
    }

    mutating func translateEnd() {
        let index = controls.count &- 1
        let frame = controls[index]
        if frame.kind == .function {
            if !frame.isUnreachable { emitReturn() }
            closeRegions()
            controls.removeLast()
            return
        }
        let fallsThrough = !frame.isUnreachable
        if fallsThrough { materializeTop(frame.resultCount) }
        controls.removeLast()
        var reachable = fallsThrough
        if frame.kind != .loop {
            let target = code.count
            for branch in frame.pendingBranches {
                bindEdge(instruction: branch.instruction, edge: branch.edge, to: target)
            }
            if !frame.pendingBranches.isEmpty { reachable = true }
            if let elseEdge = frame.elseEdge {
                bindEdge(instruction: elseEdge.instruction, edge: elseEdge.edge, to: target)
                patchEdgeFuel(elseEdge.edge, region: frame.labelRegion)
                reachable = true
            }
            if reachable && (!frame.pendingBranches.isEmpty || frame.elseEdge != nil) {
                openRegion(frame.labelRegion)
            }
        }
        resetFusion()
        while stack.count > frame.height { pop() }
        if reachable {
            pushTemps(frame.resultCount)
        } else {
            controls[controls.count &- 1].isUnreachable = true
        }
    }

    // MARK: - Branches

    /// Whether a branch to `target` must copy its values (they are not already in the label's slots).
    func branchNeedsCopies(_ target: TranslatorControl) -> Bool {
        let arity = target.labelArity
        let first = stack.count &- arity
        guard first == target.height else { return arity > 0 }
        for height in first..<stack.count where stack[height].isVirtual { return true }
        return false
    }

    /// Emits the copies of a branch's values into the label's slots.
    mutating func emitBranchCopies(_ target: TranslatorControl) {
        let arity = target.labelArity
        let first = stack.count &- arity
        for offset in 0..<arity {
            emitMove(stack[first &+ offset], height: first &+ offset, to: tempSlot(target.height &+ offset))
        }
    }

    /// Emits an unconditional `br` to the control at `depth` (values already in place).
    mutating func emitJump(toDepth depth: Int) {
        let targetIndex = controls.count &- 1 &- depth
        let instruction = code.count
        emit(IROpcode.br.code)
        let edge = code.count
        emit(0)
        bindOrDefer(targetIndex: targetIndex, instruction: instruction, edge: edge)
    }

    /// Binds an edge to a loop header now, or defers it to the label's `end`; records its fuel.
    mutating func bindOrDefer(targetIndex: Int, instruction: Int, edge: Int) {
        let target = controls[targetIndex]
        if target.kind == .loop {
            bindEdge(instruction: instruction, edge: edge, to: target.loopHeader)
        } else {
            controls[targetIndex].pendingBranches.append((instruction, edge))
        }
        patchEdgeFuel(edge, region: target.labelRegion)
    }

    /// Emits the whole effect of branching to `depth` from here: copies and the jump, or a return.
    mutating func emitBranch(toDepth depth: Int) {
        let targetIndex = controls.count &- 1 &- depth
        if controls[targetIndex].kind == .function {
            emitReturn()
            return
        }
        emitBranchCopies(controls[targetIndex])
        emitJump(toDepth: depth)
    }

    mutating func translateBr(_ depth: UInt32) {
        count()
        emitBranch(toDepth: Int(depth))
        closeRegions()
        setUnreachable()
    }

    mutating func translateBrIf(_ depth: UInt32) {
        count()
        let condition = takeCondition()
        let depth = Int(depth)
        let targetIndex = controls.count &- 1 &- depth
        let target = controls[targetIndex]
        let fallRegion = newRegion()
        if target.kind == .function || branchNeedsCopies(target) {
            // if !condition { goto skip }; copies; br target; skip:
            let (instruction, edge, fall) = emitConditionalBranch(condition.negated)
            patchEdgeFuel(edge, region: fallRegion)
            _ = fall  // the path into the copies is free: the jump after them charges the target region
            emitBranch(toDepth: depth)
            bindEdge(instruction: instruction, edge: edge, to: code.count)
        } else {
            let (instruction, edge, fall) = emitConditionalBranch(fuseLoopIncrement(into: condition))
            bindOrDefer(targetIndex: targetIndex, instruction: instruction, edge: edge)
            patchFuel(fall, region: fallRegion)
        }
        closeRegions()
        openRegion(fallRegion)
        resetFusion()
    }

    mutating func translateBrTable(_ table: WasmBrTable) {
        count()
        let indexSlot = operandSlot(stack.count &- 1)
        pop()
        let targetCount = Int(table.count)
        var depths: [Int] = []
        depths.reserveCapacity(targetCount &+ 1)
        for depth in table.targets { depths.append(Int(depth)) }
        depths.append(Int(table.defaultDepth))
        let instruction = code.count
        emit(IRWord.make(.brTable, a: indexSlot, bc: UInt32(truncatingIfNeeded: targetCount)))
        let firstEdge = code.count
        for _ in depths { code.append(0) }
        var trampolines: [(edge: Int, depth: Int)] = []
        for (position, depth) in depths.enumerated() {
            let targetIndex = controls.count &- 1 &- depth
            let target = controls[targetIndex]
            if target.kind == .function || branchNeedsCopies(target) {
                trampolines.append((firstEdge &+ position, depth))
            } else {
                bindOrDefer(targetIndex: targetIndex, instruction: instruction, edge: firstEdge &+ position)
            }
        }
        // Trampolines are free: their edge carries no fuel and the jump they end with charges the target region.
        for trampoline in trampolines {
            bindEdge(instruction: instruction, edge: trampoline.edge, to: code.count)
            resetFusion()
            emitBranch(toDepth: trampoline.depth)
        }
        closeRegions()
        setUnreachable()
    }

    /// Emits the function's return: results into slots 0…, then `ret`.
    ///
    /// Does not change the operand stack model, so it may be emitted on one path of a conditional branch.
    mutating func emitReturn() {
        let resultCount = controls[0].resultCount
        let first = stack.count &- resultCount
        switch resultCount {
        case 0:
            emit(IROpcode.ret.code)
        case 1:
            let operand = stack[first]
            switch operand.kind {
            case .temp: emit(IRWord.make(.ret1, a: tempSlot(first)))
            case .local: emit(IRWord.make(.ret1, a: operand.local))
            case .constant:
                if let slot = constantSlot(operand.bits) {
                    emit(IRWord.make(.ret1, a: slot))
                } else {
                    emitConstant(operand.bits, to: 0)
                    emit(IROpcode.ret.code)
                }
            }
        default:
            // Results go to slots 0..<n. Every source is first put in its own temporary (harmless for a virtual
            // operand, whose temporary is unused), which is never below its destination, so copying in increasing
            // order never overwrites a source still to be read.
            for offset in 0..<resultCount where stack[first &+ offset].isVirtual {
                emitMove(stack[first &+ offset], height: first &+ offset, to: tempSlot(first &+ offset))
            }
            for offset in 0..<resultCount {
                emitCopy(to: offset, from: tempSlot(first &+ offset))
            }
            emit(IROpcode.ret.code)
        }
    }

    mutating func translateReturn() {
        count()
        emitReturn()
        closeRegions()
        setUnreachable()
    }

    mutating func translateUnreachable() {
        count()
        emit(IROpcode.unreachable.code)
        closeRegions()
        setUnreachable()
    }

    // MARK: - Calls

    mutating func translateCall(_ function: UInt32) {
        count()
        let type = module.types[Int(functionTypeIndices[Int(function)])]
        let arguments = type.parameters.count
        materializeTop(arguments)
        let argumentSlot = tempSlot(stack.count &- arguments)
        let definedIndex = Int(function) &- module.importedFunctionCount
        if definedIndex >= 0 {
            emit(IRWord.make(.callInternal, a: argumentSlot))
            emit(UInt64(UInt(bitPattern: descriptors + definedIndex)))
        } else {
            emit(IRWord.make(.callImported, a: argumentSlot, bc: function))
        }
        pop(arguments)
        pushTemps(type.results.count)
    }

    mutating func translateCallIndirect(type typeIndex: UInt32, table: UInt32) {
        count()
        let type = module.types[Int(typeIndex)]
        let indexSlot = operandSlot(stack.count &- 1)
        pop()
        let arguments = type.parameters.count
        materializeTop(arguments)
        let argumentSlot = tempSlot(stack.count &- arguments)
        emit(IRWord.make(.callIndirect, a: argumentSlot, b: indexSlot))
        emit(UInt64(UInt(bitPattern: typeKeys[Int(typeIndex)])))
        emit(UInt64(table))
        pop(arguments)
        pushTemps(type.results.count)
    }
}
