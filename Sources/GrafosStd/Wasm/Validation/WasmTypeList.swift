/// A short list of value types — the parameters or results of a block — that needs no allocation for the
/// common cases of zero or one type.
enum WasmTypeList: Equatable {
    /// No types.
    case empty
    /// One type.
    case single(WasmValueType)
    /// Any number of types, from a function type.
    case list([WasmValueType])

    /// The number of types.
    @inline(__always)
    var count: Int {
        switch self {
        case .empty: 0
        case .single: 1
        case .list(let types): types.count
        }
    }

    /// The type at `index` (0-based, first type first); `index` must be below ``count``.
    @inline(__always)
    subscript(index: Int) -> WasmValueType {
        switch self {
        case .empty: preconditionFailure("index out of range")
        case .single(let type): type
        case .list(let types): types[index]
        }
    }

    /// Whether both lists hold the same types in the same order.
    static func == (lhs: WasmTypeList, rhs: WasmTypeList) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for index in 0..<lhs.count where lhs[index] != rhs[index] { return false }
        return true
    }

    /// The types, for diagnostics.
    var description: String {
        "[" + (0..<count).map { self[$0].description }.joined(separator: " ") + "]"
    }
}
