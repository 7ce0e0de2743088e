/// Translates the function bodies of a validated module into the register IR, once, at compile time.
///
/// One pass per function over its instructions. The translator models the wasm operand stack
/// (``TranslatorOperand``): the value at height `h` owns frame slot `tempBase + h`, `local.get` and constants
/// push virtual operands that emit nothing, and value-producing instructions write straight into their result
/// slot — or into a local, when the next instruction is a `local.set`/`local.tee` of it. It also counts executed
/// wasm instructions per straight-line region for fuel (see `Docs/Fuel.md`) and patches each region's cost into
/// the branches that enter it.
///
/// All functions of a module go into one code array; each function's IR starts at the index returned by
/// ``translate(definedIndex:bytes:)``. Branch targets are relative, so the array can be copied anywhere.
struct Translator {
    /// The module (already validated).
    let module: WasmModule
    /// The type key of every type index.
    let typeKeys: [UnsafeRawPointer]
    /// The descriptors of the defined functions (their addresses are embedded in `call` instructions).
    let descriptors: UnsafeMutablePointer<FunctionDescriptor>
    /// The type index of every function, imported then defined.
    let functionTypeIndices: [UInt32]

    /// The IR of every function translated so far.
    var code: [UInt64] = []

    // MARK: Per-function state

    /// The number of parameters.
    var parameterCount = 0
    /// The first temporary slot: parameters plus declared locals.
    var tempBase = 0
    /// The highest operand stack height reached.
    var maxHeight = 0
    /// The operand stack model.
    var stack: [TranslatorOperand] = []
    /// The heights of the virtual operands on the stack, in increasing order.
    var virtualHeights: [Int] = []
    /// For each local, how many virtual operands on the stack alias it.
    var localAliases: [Int32] = []
    /// The enclosing blocks; the function body first.
    var controls: [TranslatorControl] = []
    /// Instructions skipped inside unreachable code: nesting depth of blocks opened there.
    var deadDepth = 0

    /// The fuel regions of the function; region 0 is the entry region.
    var regions: [TranslatorRegion] = []
    /// The regions still accumulating instructions.
    var openRegions: [Int] = []
    /// Wasm instructions executed so far along the translation order (reachable code only).
    var executed = 0
    /// Where region costs must be written: (word index, region, whether the word is an edge).
    var fuelPatches: [(word: Int, region: Int, isEdge: Bool)] = []

    /// The constant pool of the function: values that operands read from frame slots, in slot order.
    var constants: [UInt64] = []
    /// The pool index of each constant value.
    var constantIndices: [UInt64: Int] = [:]
    /// Whether the pool is final (second pass): constants not in it are materialized instead.
    var isPoolFrozen = false
    /// The first pool slot (parameters plus locals).
    var poolBase = 0
    /// The most constants a function's pool holds.
    static let maxConstants = 256

    /// The last emitted instruction, when it produced one value at the top of the stack into a temporary and
    /// nothing was emitted or bound after it: (code index, stack height of the result).
    var lastResult: (index: Int, height: Int)?

    /// The index of the last instruction when it is a one-word `copy` that nothing follows (so a next copy can
    /// be merged into a `copy2`).
    var lastCopy: Int?
    /// The last `i32AddImm` emitted (its code index, result slot, source slot and immediate), for fusing a loop
    /// increment with the branch that follows it. Checked for adjacency when used.
    var lastAddImmediate: (index: Int, destination: Int, source: Int, immediate: UInt32)?

    /// Creates a translator for a validated module.
    init(module: WasmModule, typeKeys: [UnsafeRawPointer], descriptors: UnsafeMutablePointer<FunctionDescriptor>) {
        self.module = module
        self.typeKeys = typeKeys
        self.descriptors = descriptors
        var indices: [UInt32] = []
        indices.reserveCapacity(module.functionCount)
        for entry in module.imports {
            if case .function(let typeIndex) = entry.descriptor { indices.append(typeIndex) }
        }
        for function in module.functions { indices.append(function.typeIndex) }
        functionTypeIndices = indices
    }

    /// The most slots a frame may have (slot operands are 16 bits).
    static let maxFrameSlots = 65_536

    /// The layout and costs of one translated function.
    struct Result {
        /// The index of the function's first code word.
        var codeStart: Int
        /// Parameters + locals + operand temporaries.
        var frameSize: Int
        /// The number of declared locals (after the parameters).
        var localCount: Int
        /// The fuel cost of the entry region.
        var entryFuel: UInt64
        /// The constant pool (slots after the locals).
        var constants: [UInt64]
    }

    /// Translates defined function `definedIndex`.
    /// - Parameters:
    ///   - definedIndex: the index among the module's defined functions.
    ///   - bytes: the module's bytes (the `withUnsafeBytes` buffer of ``WasmModule/bytes``).
    /// - Throws: ``WasmCompileError/implementationLimit(_:)`` when the frame or a region is too large.
    mutating func translate(
        definedIndex: Int,
        bytes: UnsafeRawBufferPointer
    ) throws(WasmCompileError) -> Result {
        let function = module.functions[definedIndex]
        let type = module.types[Int(function.typeIndex)]
        let functionIndex = module.importedFunctionCount &+ definedIndex
        parameterCount = type.parameters.count
        let localCount = Int(function.localCount)
        guard parameterCount &+ localCount < Self.maxFrameSlots else {
            throw .implementationLimit(
                "function \(functionIndex) has \(parameterCount + localCount) parameters and locals; at most "
                    + "\(Self.maxFrameSlots - 1) are supported"
            )
        }
        poolBase = parameterCount &+ localCount
        constants.removeAll(keepingCapacity: true)
        constantIndices.removeAll(keepingCapacity: true)
        isPoolFrozen = false
        let codeStart = code.count
        // Pass 1 finds the constants that operands read from slots; if there are any, pass 2 translates again
        // with the pool between the locals and the temporaries (it must be below them: callee frames start
        // inside the caller's temporaries).
        try translateBody(function, type: type, functionIndex: functionIndex, bytes: bytes)
        if !constants.isEmpty {
            code.removeSubrange(codeStart...)
            isPoolFrozen = true
            try translateBody(function, type: type, functionIndex: functionIndex, bytes: bytes)
        }
        let entry = regions[0]
        return Result(
            codeStart: codeStart,
            frameSize: tempBase &+ maxHeight,
            localCount: localCount,
            entryFuel: UInt64(entry.end &- entry.start),
            constants: constants
        )
    }

    /// One translation pass over the body (see ``translate(definedIndex:bytes:)``).
    private mutating func translateBody(
        _ function: WasmFunction,
        type: WasmFunctionType,
        functionIndex: Int,
        bytes: UnsafeRawBufferPointer
    ) throws(WasmCompileError) {
        tempBase = poolBase &+ (isPoolFrozen ? constants.count : 0)
        maxHeight = 0
        stack.removeAll(keepingCapacity: true)
        virtualHeights.removeAll(keepingCapacity: true)
        localAliases = Array(repeating: 0, count: poolBase)
        controls.removeAll(keepingCapacity: true)
        deadDepth = 0
        regions.removeAll(keepingCapacity: true)
        openRegions.removeAll(keepingCapacity: true)
        fuelPatches.removeAll(keepingCapacity: true)
        executed = 0
        resetFusion()

        let entryRegion = newRegion()
        openRegion(entryRegion)
        controls.append(
            TranslatorControl(
                kind: .function,
                height: 0,
                parameterCount: 0,
                resultCount: type.results.count,
                labelRegion: entryRegion
            )
        )
        var reader = WasmInstructionReader(bytes: bytes, range: function.code)
        while !reader.isAtEnd && !controls.isEmpty {
            let instruction: WasmInstruction
            do {
                instruction = try reader.read()
            } catch {
                throw .malformed(error)
            }
            try translate(instruction)
        }
        closeRegions()
        for patch in fuelPatches {
            let region = regions[patch.region]
            let cost = region.end &- region.start
            guard cost >= 0, cost <= Int(UInt32.max) else {
                throw .implementationLimit(
                    "function \(functionIndex) has a straight-line region of \(cost) instructions"
                )
            }
            if patch.isEdge {
                code[patch.word] |= UInt64(cost) << 32
            } else {
                code[patch.word] = UInt64(cost)
            }
        }
        let frameSize = tempBase &+ maxHeight
        guard frameSize <= Self.maxFrameSlots else {
            throw .implementationLimit(
                "function \(functionIndex) needs \(frameSize) frame slots; at most \(Self.maxFrameSlots) are supported"
            )
        }
    }

    // MARK: - Emission

    /// Appends a word; the previous instruction is no longer the last result.
    @inline(__always)
    mutating func emit(_ word: UInt64) {
        code.append(word)
        lastResult = nil
        lastCopy = nil
    }

    /// Appends an instruction that writes one value into slot A for the operand at `height`.
    mutating func emitResult(_ word: UInt64, _ extra: UInt64? = nil, height: Int) {
        let index = code.count
        code.append(word)
        if let extra { code.append(extra) }
        lastResult = (index, height)
        lastCopy = nil
        if IROpcode(word: word) == .i32AddImm, let extra {
            lastAddImmediate = (index, IRWord.a(word), IRWord.b(word), UInt32(truncatingIfNeeded: extra))
        }
    }

    /// Forgets every candidate for fusion: a label is bound here (code may be entered here from elsewhere), or
    /// the code is unreachable.
    mutating func resetFusion() {
        lastResult = nil
        lastCopy = nil
        lastAddImmediate = nil
    }

    /// Emits `slot = constant`.
    mutating func emitConstant(_ bits: UInt64, to slot: Int) {
        if bits >> 32 == 0 {
            emit(IRWord.make(.const32, a: slot, bc: UInt32(truncatingIfNeeded: bits)))
        } else {
            emit(IRWord.make(.const64, a: slot))
            emit(bits)
        }
    }

    /// Emits `destination = slot` unless they are the same slot; merges it with a copy just before into `copy2`.
    mutating func emitCopy(to destination: Int, from source: Int) {
        guard destination != source else { return }
        if let previous = lastCopy, previous &+ 1 == code.count {
            code[previous] = IRWord.make(
                .copy2,
                a: IRWord.a(code[previous]),
                b: IRWord.b(code[previous]),
                c: destination
            )
            emit(UInt64(source))
            return
        }
        let index = code.count
        emit(IRWord.make(.copy, a: destination, b: source))
        lastCopy = index
    }

    /// Emits code that puts `operand` (at stack height `height`) into `destination`.
    mutating func emitMove(_ operand: TranslatorOperand, height: Int, to destination: Int) {
        switch operand.kind {
        case .temp: emitCopy(to: destination, from: tempBase &+ height)
        case .local: emitCopy(to: destination, from: operand.local)
        case .constant: emitConstant(operand.bits, to: destination)
        }
    }

    // MARK: - Operand stack

    /// The slot of the value at stack height `height`.
    @inline(__always)
    func tempSlot(_ height: Int) -> Int { tempBase &+ height }

    /// Pushes a value computed into its temporary slot.
    @inline(__always)
    mutating func pushTemp() {
        stack.append(.temp)
        if stack.count > maxHeight { maxHeight = stack.count }
    }

    /// Pushes `count` temporaries.
    mutating func pushTemps(_ count: Int) {
        for _ in 0..<count { pushTemp() }
    }

    /// Pushes an alias of local `index`.
    mutating func pushLocal(_ index: Int) {
        virtualHeights.append(stack.count)
        localAliases[index] &+= 1
        stack.append(TranslatorOperand(kind: .local, local: index))
        if stack.count > maxHeight { maxHeight = stack.count }
    }

    /// Pushes a constant.
    mutating func pushConstant(_ bits: UInt64) {
        virtualHeights.append(stack.count)
        stack.append(TranslatorOperand(kind: .constant, bits: bits))
        if stack.count > maxHeight { maxHeight = stack.count }
    }

    /// Pops the top operand.
    @discardableResult
    mutating func pop() -> TranslatorOperand {
        let operand = stack.removeLast()
        if operand.isVirtual {
            virtualHeights.removeLast()
            if operand.kind == .local { localAliases[operand.local] &-= 1 }
        }
        return operand
    }

    /// Pops `count` operands.
    mutating func pop(_ count: Int) {
        for _ in 0..<count { pop() }
    }

    /// Copies a virtual operand at `height` into its own slot (no bookkeeping of ``virtualHeights``).
    private mutating func materializeEntry(_ height: Int) {
        let operand = stack[height]
        switch operand.kind {
        case .temp: return
        case .local:
            emitCopy(to: tempSlot(height), from: operand.local)
            localAliases[operand.local] &-= 1
        case .constant:
            emitConstant(operand.bits, to: tempSlot(height))
        }
        stack[height] = .temp
    }

    /// Materializes the operand at `height` if it is virtual.
    mutating func materialize(_ height: Int) {
        guard stack[height].isVirtual else { return }
        materializeEntry(height)
        var index = virtualHeights.count &- 1
        while index >= 0 {
            if virtualHeights[index] == height {
                virtualHeights.remove(at: index)
                return
            }
            index &-= 1
        }
    }

    /// Materializes the top `count` operands.
    mutating func materializeTop(_ count: Int) {
        let first = stack.count &- count
        while let last = virtualHeights.last, last >= first {
            materializeEntry(last)
            virtualHeights.removeLast()
        }
    }

    /// Materializes every virtual operand (at block boundaries).
    mutating func materializeAll() {
        for height in virtualHeights { materializeEntry(height) }
        virtualHeights.removeAll(keepingCapacity: true)
    }

    /// Materializes the operands that alias local `index`, before the local is written.
    mutating func materializeAliases(of index: Int) {
        var remaining = localAliases[index]
        var position = virtualHeights.count &- 1
        while remaining > 0 && position >= 0 {
            let height = virtualHeights[position]
            let operand = stack[height]
            if operand.kind == .local && operand.local == index {
                materializeEntry(height)
                virtualHeights.remove(at: position)
                remaining &-= 1
            }
            position &-= 1
        }
    }

    /// The slot holding the operand at `height`: a constant is read from the pool, or materialized when the
    /// pool is full.
    mutating func operandSlot(_ height: Int) -> Int {
        let operand = stack[height]
        switch operand.kind {
        case .temp: return tempSlot(height)
        case .local: return operand.local
        case .constant:
            if let slot = constantSlot(operand.bits) { return slot }
            materialize(height)
            return tempSlot(height)
        }
    }

    /// The pool slot of a constant, adding it in the first pass; `nil` when the pool cannot hold it.
    mutating func constantSlot(_ bits: UInt64) -> Int? {
        if let index = constantIndices[bits] { return poolBase &+ index }
        guard !isPoolFrozen, constants.count < Self.maxConstants else { return nil }
        constantIndices[bits] = constants.count
        constants.append(bits)
        return poolBase &+ constants.count &- 1
    }

    // MARK: - Fuel regions

    /// Counts one executed wasm instruction in every open region.
    @inline(__always)
    mutating func count() {
        executed &+= 1
    }

    /// A new region, not yet open.
    mutating func newRegion() -> Int {
        regions.append(TranslatorRegion())
        return regions.count &- 1
    }

    /// Starts accumulating `region` from here.
    mutating func openRegion(_ region: Int) {
        regions[region].start = executed
        regions[region].isOpen = true
        openRegions.append(region)
    }

    /// Ends every open region here (at a transfer of control).
    mutating func closeRegions() {
        for region in openRegions {
            regions[region].end = executed
            regions[region].isOpen = false
        }
        openRegions.removeAll(keepingCapacity: true)
    }

    /// Records that the high half of edge word `word` gets the cost of `region`.
    mutating func patchEdgeFuel(_ word: Int, region: Int) {
        fuelPatches.append((word, region, true))
    }

    /// Records that word `word` gets the cost of `region`.
    mutating func patchFuel(_ word: Int, region: Int) {
        fuelPatches.append((word, region, false))
    }

    /// Writes the relative target of the edge at `edge` of the instruction starting at `instruction`.
    mutating func bindEdge(instruction: Int, edge: Int, to target: Int) {
        code[edge] |= UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: target &- instruction)))
    }
}
