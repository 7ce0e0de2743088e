/// A global defined by the module: its type and its initializer.
package struct WasmGlobal: Sendable, Hashable {
    /// The global's type.
    package var type: WasmGlobalType
    /// The constant expression that gives the global its initial value.
    package var initializer: WasmConstExpression

    /// Creates a global definition.
    package init(type: WasmGlobalType, initializer: WasmConstExpression) {
        self.type = type
        self.initializer = initializer
    }
}
