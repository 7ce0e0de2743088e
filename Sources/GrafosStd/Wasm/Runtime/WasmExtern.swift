/// An entity of a store that can be exported and imported: a function, table, memory or global.
package enum WasmExtern {
    /// A function (wasm or host).
    case function(WasmFunctionHandle)
    /// A table.
    case table(WasmTableHandle)
    /// A linear memory.
    case memory(WasmMemoryHandle)
    /// A global.
    case global(WasmGlobalHandle)

    /// The kind of entity.
    package var kind: WasmExternalKind {
        switch self {
        case .function: .function
        case .table: .table
        case .memory: .memory
        case .global: .global
        }
    }

    /// The store that owns the entity.
    var store: WasmStore {
        switch self {
        case .function(let handle): handle.store
        case .table(let handle): handle.store
        case .memory(let handle): handle.store
        case .global(let handle): handle.store
        }
    }
}
