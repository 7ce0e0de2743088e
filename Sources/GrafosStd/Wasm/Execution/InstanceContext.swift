/// The run-time index spaces of one instance, as the interpreter reads them: plain pointers, no references.
///
/// Allocated and owned by a ``WasmStore`` (one per instance, stable address for the store's life). Every
/// pointer is valid even when the module has no such entity: an instance without memory points at an empty
/// ``MemoryContext``, so handlers never test for `nil`.
struct InstanceContext {
    /// Every function, imported then defined, by index.
    var functions: UnsafeMutablePointer<UnsafeMutablePointer<FunctionRecord>>
    /// Every global's cell, imported then defined, by index. Imported globals point at the exporter's cell.
    var globals: UnsafeMutablePointer<UnsafeMutablePointer<GlobalCell>>
    /// Memory 0 (or an empty placeholder).
    var memory: UnsafeMutablePointer<MemoryContext>
    /// Every table, imported then defined, by index.
    var tables: UnsafeMutablePointer<UnsafeMutablePointer<TableContext>>
    /// The data segments: their bytes and length (length 0 once dropped).
    var dataSegments: UnsafeMutablePointer<SegmentState>
    /// The element segments: their resolved references and count (count 0 once dropped).
    var elementSegments: UnsafeMutablePointer<SegmentState>
}
