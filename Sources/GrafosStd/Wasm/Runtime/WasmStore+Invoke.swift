/// Calling into WebAssembly from the host.
extension WasmStore {
    /// Calls a function of this store with `arguments`.
    ///
    /// May be called from inside a host function (a nested invocation runs on the same stacks, above the
    /// caller's frames). The value and frame stacks are unwound whatever happens, so the store stays usable.
    /// - Throws: ``Trap``, ``WasmStopError``, ``WasmInvocationError``, or an error thrown by a host function.
    func invoke(_ record: UnsafeMutablePointer<FunctionRecord>, _ arguments: [WasmValue]) throws -> [WasmValue] {
        let descriptor = record.pointee.descriptor
        let type = FunctionTypeTable.type(of: descriptor.pointee.typeKey)
        guard arguments.count == type.parameters.count,
            zip(arguments, type.parameters).allSatisfy({ $0.type == $1 })
        else {
            throw WasmInvocationError(
                .argumentMismatch,
                "the function takes \(type.parameters), it was given \(arguments.map(\.description))"
            )
        }
        try ensureStacks()
        // Each nested invocation (wasm → host → wasm) uses some native stack; bound the nesting so that a host
        // function calling back into wasm recursively cannot overflow it.
        guard nestedInvocations < Self.maxNestedInvocations else { throw Trap(.callStackExhausted) }
        nestedInvocations &+= 1
        defer { nestedInvocations &-= 1 }
        let context = self.context
        let base = context.pointee.stackTop
        let span = Swift.max(Int(descriptor.pointee.frameSize), arguments.count, type.results.count)
        guard span <= context.pointee.stackEnd - base else { throw Trap(.callStackExhausted) }
        for (index, argument) in arguments.enumerated() { base[index] = try encode(argument) }

        if descriptor.pointee.isHost {
            context.pointee.stackTop = base + span
            defer { context.pointee.stackTop = base }
            guard callHostFunction(index: Int(descriptor.pointee.index), slots: base, caller: hostInstance) else {
                throw takeHostError()
            }
            return (0..<type.results.count).map { decode(base[$0], as: type.results[$0]) }
        }

        let savedFrames = context.pointee.frameTop
        defer {
            context.pointee.frameTop = savedFrames
            context.pointee.stackTop = base
        }
        let root = savedFrames + 1
        guard root < context.pointee.framesEnd else { throw Trap(.callStackExhausted) }
        root.initialize(
            to: FrameRecord(
                returnPC: Interpreter.exitCode,
                callerFP: base,
                callerInstance: record.pointee.instance,
                callee: descriptor
            )
        )
        context.pointee.frameTop = root
        Interpreter.initializeFrame(base, descriptor)

        let status: RunStatus
        let entryFuel = Int64(bitPattern: descriptor.pointee.entryFuel)
        if context.pointee.fuel < entryFuel {
            status = .fuelExhausted
        } else if interrupt.isRaised {
            status = .interrupted
        } else {
            context.pointee.fuel &-= entryFuel
            status = Interpreter.run(context, pc: descriptor.pointee.code!, fp: base, instance: record.pointee.instance)
        }
        switch status {
        case .finished:
            return (0..<type.results.count).map { decode(base[$0], as: type.results[$0]) }
        case .trapped(let reason):
            throw Trap(reason, backtrace: backtrace(from: context.pointee.frameTop, downTo: savedFrames))
        case .fuelExhausted:
            throw WasmStopError(
                .fuelExhausted,
                fuelConsumed: fuelConsumed,
                backtrace: backtrace(from: context.pointee.frameTop, downTo: savedFrames)
            )
        case .interrupted:
            throw WasmStopError(
                .interrupted,
                fuelConsumed: fuelConsumed,
                backtrace: backtrace(from: context.pointee.frameTop, downTo: savedFrames)
            )
        case .hostFailed:
            throw takeHostError()
        }
    }

    /// The error a host function threw (a generic one if it was somehow lost).
    private func takeHostError() -> any Error {
        defer { pendingHostError = nil }
        return pendingHostError ?? WasmInvocationError(.hostResultMismatch, "a host function failed")
    }

    /// The functions of the frames from `top` down to (not including) `bottom`, innermost first.
    func backtrace(
        from top: UnsafeMutablePointer<FrameRecord>,
        downTo bottom: UnsafeMutablePointer<FrameRecord>
    ) -> WasmBacktrace {
        let depth = top - bottom
        guard depth > 0 else { return WasmBacktrace() }
        let limit = WasmBacktrace.frameLimit
        var positions: [Int] = []
        if depth <= limit {
            positions = Array(0..<depth)
        } else {
            positions = Array(0..<(limit / 2)) + Array((depth - limit / 2)..<depth)
        }
        let frames = positions.map { position -> WasmBacktrace.Frame in
            let descriptor = (top - position).pointee.callee
            let index = descriptor.pointee.index
            let name = descriptor.pointee.module?.takeUnretainedValue().module.functionName(at: index)
            return WasmBacktrace.Frame(functionIndex: index, name: name, isHost: descriptor.pointee.isHost)
        }
        return WasmBacktrace(frames: frames, omittedFrames: depth - positions.count)
    }
}
