/// What the interpreter needs to enter a function: where its code is and how big its frame is.
///
/// Descriptors of defined functions are module-level: a ``CompiledWasmModule`` allocates one per defined function
/// before translation, so `call` instructions embed the callee's descriptor address directly and no per-instance
/// lookup is needed. Host functions get a descriptor from their ``WasmStore``. A descriptor is plain data (no
/// references), so the interpreter reads it through a raw pointer without ARC traffic.
struct FunctionDescriptor {
    /// The first code word of the function's IR, or `nil` for a host function.
    var code: UnsafeMutablePointer<UInt64>?
    /// The canonical signature (see ``FunctionTypeTable``); equal pointers mean equal types.
    var typeKey: UnsafeRawPointer
    /// The number of 64-bit slots the frame needs: parameters, locals and operand temporaries.
    var frameSize: UInt32
    /// The number of parameters (the first slots of the frame).
    var parameterCount: UInt32
    /// The number of declared locals after the parameters, zeroed on entry.
    var localCount: UInt32
    /// The number of results, written to the first slots of the frame on return.
    var resultCount: UInt32
    /// The number of constant-pool slots, which follow the locals and are filled from ``constants`` on entry.
    var constantCount: UInt32
    /// The values of the constant pool (module-owned), or `nil` when the pool is empty.
    var constants: UnsafePointer<UInt64>?
    /// For small frames (`localCount + constantCount` in 1…16), the initial contents of the locals and the pool
    /// (zeros, then the constants), copied on entry with a few overlapping vector moves; `nil` otherwise.
    var frameImage: UnsafePointer<UInt64>?
    /// The fuel cost of the function's entry region, charged on every call.
    var entryFuel: UInt64
    /// The function's index in its module's function index space, or the host function's index in its store.
    var index: UInt32
    /// Whether this is a host function (``code`` is `nil`).
    var isHost: Bool
    /// The module that defines the function, for names in backtraces (unretained; the module outlives its
    /// descriptors). `nil` for host functions.
    var module: Unmanaged<CompiledWasmModule>?
}
