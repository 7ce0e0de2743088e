import Synchronization

/// Calls and returns: pushing a frame on the explicit frame stack, switching instances, calling the host.
extension Interpreter {
    /// Enters a wasm function: pushes a frame record, zeroes the callee's locals, charges its entry region and
    /// checks the interrupt flag, then moves `pc`/`fp` to the callee.
    /// - Returns: `nil` on success, or why the call could not start.
    @inline(__always)
    static func enter(
        _ callee: UnsafePointer<FunctionDescriptor>,
        _ callerInstance: UnsafeMutablePointer<InstanceContext>,
        argumentSlot: Int,
        returnPC: UnsafeMutablePointer<UInt64>,
        _ pc: inout UnsafeMutablePointer<UInt64>,
        _ fp: inout UnsafeMutablePointer<UInt64>,
        _ frames: inout UnsafeMutablePointer<FrameRecord>,
        _ fuel: inout Int64,
        _ framesEnd: UnsafeMutablePointer<FrameRecord>,
        _ stackEnd: UnsafeMutablePointer<UInt64>,
        _ interrupt: UnsafePointer<Atomic<UInt8>>
    ) -> RunStatus? {
        let newFP = fp + argumentSlot
        let next = frames + 1
        guard next < framesEnd, newFP + Int(callee.pointee.frameSize) <= stackEnd else {
            return .trapped(.callStackExhausted)
        }
        next.pointee = FrameRecord(returnPC: returnPC, callerFP: fp, callerInstance: callerInstance, callee: callee)
        frames = next
        initializeFrame(newFP, callee)
        let cost = Int64(bitPattern: callee.pointee.entryFuel)
        fuel &-= cost
        if _slowPath(fuel < 0) {
            fuel &+= cost
            return .fuelExhausted
        }
        if _slowPath(interrupt.pointee.load(ordering: .relaxed) != 0) {
            return .interrupted
        }
        fp = newFP
        pc = callee.pointee.code.unsafelyUnwrapped
        return nil
    }

    /// The largest frame image (locals plus constant pool, in slots) copied with vector moves on entry.
    static let maxFrameImage = 16

    /// Zeroes the callee's locals and fills its constant pool.
    @inline(__always)
    static func initializeFrame(_ frame: UnsafeMutablePointer<UInt64>, _ callee: UnsafePointer<FunctionDescriptor>) {
        let localCount = Int(callee.pointee.localCount)
        let constantCount = Int(callee.pointee.constantCount)
        let count = localCount &+ constantCount
        guard count != 0 else { return }
        let destination = UnsafeMutableRawPointer(frame + Int(callee.pointee.parameterCount))
        if let image = callee.pointee.frameImage {
            // Overlapping head and tail copies: straight-line, no loop for the optimizer to turn into a call.
            let source = UnsafeRawPointer(image)
            let end = count &* 8
            if count == 1 {
                destination.storeBytes(of: source.load(as: UInt64.self), as: UInt64.self)
            } else if count <= 4 {
                copy16(destination, source, 0)
                copy16(destination, source, end &- 16)
            } else if count <= 8 {
                copy16(destination, source, 0)
                copy16(destination, source, 16)
                copy16(destination, source, end &- 32)
                copy16(destination, source, end &- 16)
            } else {
                copy16(destination, source, 0)
                copy16(destination, source, 16)
                copy16(destination, source, 32)
                copy16(destination, source, 48)
                copy16(destination, source, end &- 64)
                copy16(destination, source, end &- 48)
                copy16(destination, source, end &- 32)
                copy16(destination, source, end &- 16)
            }
            return
        }
        initializeLargeFrame(destination.assumingMemoryBound(to: UInt64.self), callee, localCount, constantCount)
    }

    /// Copies 16 bytes at `offset` (one unaligned vector load and store).
    @inline(__always)
    static func copy16(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, _ offset: Int) {
        destination.storeBytes(
            of: source.loadUnaligned(fromByteOffset: offset, as: SIMD2<UInt64>.self),
            toByteOffset: offset,
            as: SIMD2<UInt64>.self
        )
    }

    /// Zeroes many locals and copies a large pool (out of line: `memset` and `memcpy` pay off here).
    @inline(never)
    static func initializeLargeFrame(
        _ locals: UnsafeMutablePointer<UInt64>,
        _ callee: UnsafePointer<FunctionDescriptor>,
        _ localCount: Int,
        _ constantCount: Int
    ) {
        locals.update(repeating: 0, count: localCount)
        if let constants = callee.pointee.constants {
            (locals + localCount).update(from: constants, count: constantCount)
        }
    }

    /// Calls a function through its record (imported or from a table): a host function, or a wasm function
    /// possibly of another instance.
    @inline(__always)
    static func callRecord(
        _ record: UnsafeMutablePointer<FunctionRecord>,
        argumentSlot: Int,
        returnPC: UnsafeMutablePointer<UInt64>,
        _ context: UnsafeMutablePointer<ExecutionContext>,
        _ pc: inout UnsafeMutablePointer<UInt64>,
        _ fp: inout UnsafeMutablePointer<UInt64>,
        _ inst: inout UnsafeMutablePointer<InstanceContext>,
        _ memory: inout UnsafeMutablePointer<MemoryContext>,
        _ memSize: inout UInt64,
        _ frames: inout UnsafeMutablePointer<FrameRecord>,
        _ fuel: inout Int64,
        _ framesEnd: UnsafeMutablePointer<FrameRecord>,
        _ stackEnd: UnsafeMutablePointer<UInt64>,
        _ interrupt: UnsafePointer<Atomic<UInt8>>
    ) -> RunStatus? {
        let callee = record.pointee.descriptor
        if callee.pointee.isHost {
            let outcome = callHost(context, record, arguments: fp + argumentSlot, caller: inst, frames, fuel)
            fuel = outcome.fuel
            if let stop = outcome.status { return stop }
            memSize = memory.pointee.byteCount
            pc = returnPC
            return nil
        }
        let calleeInstance = record.pointee.instance
        if let stop = enter(
            callee,
            inst,
            argumentSlot: argumentSlot,
            returnPC: returnPC,
            &pc,
            &fp,
            &frames,
            &fuel,
            framesEnd,
            stackEnd,
            interrupt
        ) {
            return stop
        }
        if calleeInstance != inst {
            inst = calleeInstance
            memory = inst.pointee.memory
            memSize = memory.pointee.byteCount
        }
        return nil
    }

    /// Calls a host function with its arguments at `arguments`; its results are written back there.
    ///
    /// Saves the loop's fuel and frame-stack top into the context first, so that the host function may call
    /// back into wasm (a nested invocation starts above `arguments`).
    @inline(never)
    static func callHost(
        _ context: UnsafeMutablePointer<ExecutionContext>,
        _ record: UnsafeMutablePointer<FunctionRecord>,
        arguments: UnsafeMutablePointer<UInt64>,
        caller: UnsafeMutablePointer<InstanceContext>,
        _ frames: UnsafeMutablePointer<FrameRecord>,
        _ fuel: Int64
    ) -> (status: RunStatus?, fuel: Int64) {
        let descriptor = record.pointee.descriptor
        let span = Int(Swift.max(descriptor.pointee.parameterCount, descriptor.pointee.resultCount))
        guard arguments + span <= context.pointee.stackEnd else { return (.trapped(.callStackExhausted), fuel) }
        context.pointee.fuel = fuel
        context.pointee.frameTop = frames
        let savedTop = context.pointee.stackTop
        context.pointee.stackTop = arguments + span
        let store = context.pointee.store.takeUnretainedValue()
        let succeeded = store.callHostFunction(
            index: Int(descriptor.pointee.index),
            slots: arguments,
            caller: caller
        )
        context.pointee.stackTop = savedTop
        context.pointee.frameTop = frames
        return (succeeded ? nil : .hostFailed, context.pointee.fuel)
    }
}
