/// A WebAssembly 2.0 value type, stored as its binary encoding.
package enum WasmValueType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// 32-bit integer.
    case i32 = 0x7F
    /// 64-bit integer.
    case i64 = 0x7E
    /// 32-bit IEEE 754 float.
    case f32 = 0x7D
    /// 64-bit IEEE 754 float.
    case f64 = 0x7C
    /// 128-bit vector (SIMD); decoded, but rejected by the validator for now.
    case v128 = 0x7B
    /// A nullable reference to a function.
    case funcRef = 0x70
    /// A nullable reference to a host object.
    case externRef = 0x6F

    /// Whether this is `funcref` or `externref`.
    @inline(__always)
    package var isReference: Bool { self == .funcRef || self == .externRef }

    /// Whether this is one of the four number types.
    @inline(__always)
    package var isNumber: Bool { rawValue >= 0x7C }

    /// The text-format name (`i32`, `funcref`, …).
    package var description: String {
        switch self {
        case .i32: "i32"
        case .i64: "i64"
        case .f32: "f32"
        case .f64: "f64"
        case .v128: "v128"
        case .funcRef: "funcref"
        case .externRef: "externref"
        }
    }
}
