/// An export: a name under which the module makes one of its entities available.
package struct WasmExport: Sendable, Hashable {
    /// The export's name, unique within the module once validated.
    package var name: String
    /// The kind of entity exported.
    package var kind: WasmExternalKind
    /// The index of the entity in its index space (imports first, then definitions).
    package var index: UInt32

    /// Creates an export.
    package init(name: String, kind: WasmExternalKind, index: UInt32) {
        self.name = name
        self.kind = kind
        self.index = index
    }
}
