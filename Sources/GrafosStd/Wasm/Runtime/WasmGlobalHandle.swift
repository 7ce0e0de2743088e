/// A global of a store.
package struct WasmGlobalHandle {
    /// The store that owns the global.
    package let store: WasmStore
    /// The global's cell.
    let cell: UnsafeMutablePointer<GlobalCell>

    /// The global's type.
    package var type: WasmGlobalType {
        WasmGlobalType(valueType: cell.pointee.valueType, isMutable: cell.pointee.isMutable)
    }

    /// The global's current value.
    package var value: WasmValue { store.decode(cell.pointee.value, as: cell.pointee.valueType) }

    /// Sets a mutable global.
    /// - Throws: ``WasmInvocationError`` when the global is immutable or the value has the wrong type.
    package func set(_ value: WasmValue) throws(WasmInvocationError) {
        guard cell.pointee.isMutable else { throw WasmInvocationError(.argumentMismatch, "the global is immutable") }
        guard value.type == cell.pointee.valueType else {
            throw WasmInvocationError(.argumentMismatch, "expected \(cell.pointee.valueType), got \(value)")
        }
        cell.pointee.value = try store.encode(value)
    }
}
