/// The type of a linear memory: its limits in 64 KiB pages.
package struct WasmMemoryType: Sendable, Hashable {
    /// The number of bytes in a page.
    package static let pageSize = 65_536
    /// The largest number of pages a 32-bit memory can have (4 GiB).
    package static let maxPages: UInt32 = 65_536

    /// The memory's size limits, in pages.
    package var limits: WasmLimits

    /// Creates a memory type.
    package init(limits: WasmLimits) {
        self.limits = limits
    }
}
