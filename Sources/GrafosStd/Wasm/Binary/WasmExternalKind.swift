/// The kind of entity an import or export refers to, stored as its binary encoding.
package enum WasmExternalKind: UInt8, Sendable, Hashable, CustomStringConvertible {
    /// A function.
    case function = 0
    /// A table.
    case table = 1
    /// A linear memory.
    case memory = 2
    /// A global.
    case global = 3

    /// `func`, `table`, `memory` or `global`, as in the text format.
    package var description: String {
        switch self {
        case .function: "func"
        case .table: "table"
        case .memory: "memory"
        case .global: "global"
        }
    }
}
