/// An import: a two-level name and the type the module expects the host or another module to provide.
package struct WasmImport: Sendable, Hashable {
    /// What is imported, with its type.
    package enum Descriptor: Sendable, Hashable {
        /// A function whose signature is `types[typeIndex]`.
        case function(typeIndex: UInt32)
        /// A table.
        case table(WasmTableType)
        /// A linear memory.
        case memory(WasmMemoryType)
        /// A global.
        case global(WasmGlobalType)

        /// The kind of entity imported.
        package var kind: WasmExternalKind {
            switch self {
            case .function: .function
            case .table: .table
            case .memory: .memory
            case .global: .global
            }
        }
    }

    /// The module name, e.g. `wasi_snapshot_preview1`.
    package var module: String
    /// The field name within the module, e.g. `fd_write`.
    package var name: String
    /// What is imported.
    package var descriptor: Descriptor

    /// Creates an import.
    package init(module: String, name: String, descriptor: Descriptor) {
        self.module = module
        self.name = name
        self.descriptor = descriptor
    }
}
