import Synchronization

/// The execution state of a store that outlives one run of the interpreter loop: the value stack, the frame
/// stack and the fuel. Plain data in memory owned by the ``WasmStore``, so the loop and its cold paths reach it
/// through a pointer without reference counting.
struct ExecutionContext {
    /// The first slot of the value stack.
    var stackBase: UnsafeMutablePointer<UInt64>
    /// One past the last slot of the value stack.
    var stackEnd: UnsafeMutablePointer<UInt64>
    /// Where the next invocation's frame starts (above everything in use by active invocations).
    var stackTop: UnsafeMutablePointer<UInt64>
    /// The frame stack's sentinel record; real records follow it.
    var framesBase: UnsafeMutablePointer<FrameRecord>
    /// One past the last usable record: pushing here is "call stack exhausted".
    var framesEnd: UnsafeMutablePointer<FrameRecord>
    /// The record of the innermost active frame (``framesBase`` when nothing runs).
    var frameTop: UnsafeMutablePointer<FrameRecord>
    /// The fuel left; `Int64.max` stands for unlimited.
    var fuel: Int64
    /// The flag the host raises to stop execution.
    var interrupt: UnsafeMutablePointer<Atomic<UInt8>>
    /// 16 bytes where an out-of-bounds access lands before the loop traps (see `Interpreter.at`).
    var scratch: UnsafeMutableRawPointer
    /// The store, for host calls (unretained: the store owns this context).
    var store: Unmanaged<WasmStore>
}
