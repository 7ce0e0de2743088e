/// The immediate of a load or store: the alignment hint and the constant address offset.
package struct WasmMemArg: Sendable, Hashable {
    /// The alignment hint as a power of two (`2^align` bytes); at most the access's natural alignment.
    package var align: UInt32
    /// The constant added to the dynamic address.
    package var offset: UInt32

    /// Creates a memory immediate.
    package init(align: UInt32, offset: UInt32) {
        self.align = align
        self.offset = offset
    }
}
