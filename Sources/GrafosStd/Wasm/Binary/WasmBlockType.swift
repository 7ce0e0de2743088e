/// The type of a `block`, `loop` or `if`: nothing, one result, or a function type from the type section.
enum WasmBlockType: Sendable, Hashable {
    /// `[] -> []` (encoded `0x40`).
    case empty
    /// `[] -> [type]`.
    case value(WasmValueType)
    /// The function type `types[index]` (multi-value).
    case typeIndex(UInt32)
}
