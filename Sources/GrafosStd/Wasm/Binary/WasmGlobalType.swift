/// The type of a global: its value type and whether it may be written.
package struct WasmGlobalType: Sendable, Hashable {
    /// The type of the global's value.
    package var valueType: WasmValueType
    /// Whether `global.set` may write the global.
    package var isMutable: Bool

    /// Creates a global type.
    package init(valueType: WasmValueType, isMutable: Bool) {
        self.valueType = valueType
        self.isMutable = isMutable
    }
}
