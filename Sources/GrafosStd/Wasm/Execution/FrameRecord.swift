/// One entry of the explicit call stack: how to return to the caller.
///
/// Wasm calls never recurse on the host stack: `call` pushes a record and jumps, `return` pops it. The record
/// also names the function running in the frame it opened, which is all a backtrace needs.
struct FrameRecord {
    /// Where the caller continues.
    var returnPC: UnsafeMutablePointer<UInt64>
    /// The caller's frame pointer.
    var callerFP: UnsafeMutablePointer<UInt64>
    /// The caller's instance (restored on return; differs from the callee's on cross-instance calls).
    var callerInstance: UnsafeMutablePointer<InstanceContext>
    /// The function whose frame this record opened.
    var callee: UnsafePointer<FunctionDescriptor>
}
