/// The type of a table: its element reference type and its limits.
package struct WasmTableType: Sendable, Hashable {
    /// `funcref` or `externref`.
    package var elementType: WasmValueType
    /// The table's size limits, in elements.
    package var limits: WasmLimits

    /// Creates a table type.
    package init(elementType: WasmValueType, limits: WasmLimits) {
        self.elementType = elementType
        self.limits = limits
    }
}
