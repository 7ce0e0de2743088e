/// A run of locals of one type, as declared at the start of a function body.
package struct WasmLocalDeclaration: Sendable, Hashable {
    /// How many locals the run declares.
    package var count: UInt32
    /// Their type.
    package var type: WasmValueType

    /// Creates a run of locals.
    package init(count: UInt32, type: WasmValueType) {
        self.count = count
        self.type = type
    }
}
