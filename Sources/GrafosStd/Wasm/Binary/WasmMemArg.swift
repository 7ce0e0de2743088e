/// The immediate of a load or store: the alignment hint and the constant address offset.
struct WasmMemArg: Sendable, Hashable {
    /// The alignment hint as a power of two (`2^align` bytes); at most the access's natural alignment.
    var align: UInt32
    /// The constant added to the dynamic address.
    var offset: UInt32

    /// Creates a memory immediate.
    init(align: UInt32, offset: UInt32) {
        self.align = align
        self.offset = offset
    }
}
