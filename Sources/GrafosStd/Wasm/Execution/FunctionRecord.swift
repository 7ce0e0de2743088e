/// A function as a value: the thing a `funcref` points at.
///
/// A record pairs a ``FunctionDescriptor`` (module-level, shared by every instantiation) with the instance the
/// function runs in. Records live in memory owned by a ``WasmStore`` for the store's whole life, so a reference
/// is encoded in a 64-bit slot as the record's address (`0` is `ref.null func`).
struct FunctionRecord {
    /// The function's code and frame layout.
    var descriptor: UnsafePointer<FunctionDescriptor>
    /// The instance whose memory, tables and globals the function uses; for host functions, an empty context.
    var instance: UnsafeMutablePointer<InstanceContext>

    /// The slot encoding of a reference to the record at `pointer`.
    @inline(__always)
    static func bits(_ pointer: UnsafeMutablePointer<FunctionRecord>) -> UInt64 {
        UInt64(UInt(bitPattern: pointer))
    }

    /// The record a non-null `funcref` slot points at.
    @inline(__always)
    static func pointer(_ bits: UInt64) -> UnsafeMutablePointer<FunctionRecord> {
        UnsafeMutablePointer<FunctionRecord>(bitPattern: UInt(truncatingIfNeeded: bits)).unsafelyUnwrapped
    }
}
