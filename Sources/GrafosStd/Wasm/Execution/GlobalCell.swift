/// The storage of one global: its value as a 64-bit slot, and its type for import matching.
///
/// Cells are allocated by a ``WasmStore`` and never move, so an imported global is simply a pointer to the
/// exporter's cell and `global.set` in one instance is seen by every instance that imports it.
struct GlobalCell {
    /// The value, encoded like a frame slot (see `Docs/Interpreter.md`).
    var value: UInt64
    /// The value type.
    var valueType: WasmValueType
    /// Whether `global.set` may write the global.
    var isMutable: Bool
}
