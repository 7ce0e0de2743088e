/// The size limits of a table (in elements) or a memory (in 64 KiB pages).
package struct WasmLimits: Sendable, Hashable, CustomStringConvertible {
    /// The initial size.
    package var min: UInt32
    /// The largest size the table or memory may grow to, when bounded.
    package var max: UInt32?

    /// Creates limits.
    package init(min: UInt32, max: UInt32? = nil) {
        self.min = min
        self.max = max
    }

    /// `min` or `min max`, as in the text format.
    package var description: String {
        if let max { return "\(min) \(max)" }
        return "\(min)"
    }
}
