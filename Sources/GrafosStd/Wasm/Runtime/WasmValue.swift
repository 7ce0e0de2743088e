/// A WebAssembly value as the host sees it: numbers as bit patterns, references as opaque handles.
///
/// Floats are carried as their IEEE 754 bits so that NaN payloads survive the trip; use ``float32(_:)`` and
/// ``float64(_:)`` to build them from Swift floats and ``floatValue``/``doubleValue`` to read them.
///
/// ```swift
/// let results = try instance.invoke("add", [.i32(2), .i32(40)])
/// print(results)  // [i32:42]
/// ```
package enum WasmValue: Hashable, Sendable, CustomStringConvertible {
    /// A 32-bit integer (its bit pattern; see ``int32(_:)``).
    case i32(UInt32)
    /// A 64-bit integer (its bit pattern; see ``int64(_:)``).
    case i64(UInt64)
    /// A 32-bit float, as its bit pattern.
    case f32(UInt32)
    /// A 64-bit float, as its bit pattern.
    case f64(UInt64)
    /// A function reference, or `nil` for `ref.null func`.
    case funcRef(WasmFunctionReference?)
    /// A host reference chosen by the host (any value below `UInt64.max`), or `nil` for `ref.null extern`.
    case externRef(UInt64?)

    /// A signed i32.
    package static func int32(_ value: Int32) -> WasmValue { .i32(UInt32(bitPattern: value)) }
    /// A signed i64.
    package static func int64(_ value: Int64) -> WasmValue { .i64(UInt64(bitPattern: value)) }
    /// An f32 from a Swift `Float`.
    package static func float32(_ value: Float) -> WasmValue { .f32(value.bitPattern) }
    /// An f64 from a Swift `Double`.
    package static func float64(_ value: Double) -> WasmValue { .f64(value.bitPattern) }

    /// The value's type.
    package var type: WasmValueType {
        switch self {
        case .i32: .i32
        case .i64: .i64
        case .f32: .f32
        case .f64: .f64
        case .funcRef: .funcRef
        case .externRef: .externRef
        }
    }

    /// The value of an `i32` as a signed integer.
    package var int32Value: Int32? {
        if case .i32(let bits) = self { return Int32(bitPattern: bits) }
        return nil
    }

    /// The value of an `i64` as a signed integer.
    package var int64Value: Int64? {
        if case .i64(let bits) = self { return Int64(bitPattern: bits) }
        return nil
    }

    /// The value of an `f32`.
    package var floatValue: Float? {
        if case .f32(let bits) = self { return Float(bitPattern: bits) }
        return nil
    }

    /// The value of an `f64`.
    package var doubleValue: Double? {
        if case .f64(let bits) = self { return Double(bitPattern: bits) }
        return nil
    }

    /// `TYPE:VALUE`, with integers signed and floats in Swift's shortest form (`f32:nan:0x7fc00000` for NaNs).
    package var description: String {
        switch self {
        case .i32(let bits): "i32:\(Int32(bitPattern: bits))"
        case .i64(let bits): "i64:\(Int64(bitPattern: bits))"
        case .f32(let bits):
            Float(bitPattern: bits).isNaN
                ? "f32:nan:0x\(String(bits, radix: 16))" : "f32:\(Float(bitPattern: bits))"
        case .f64(let bits):
            Double(bitPattern: bits).isNaN
                ? "f64:nan:0x\(String(bits, radix: 16))" : "f64:\(Double(bitPattern: bits))"
        case .funcRef(let reference): reference.map { "funcref:\($0)" } ?? "funcref:null"
        case .externRef(let payload): payload.map { "externref:\($0)" } ?? "externref:null"
        }
    }

    /// The zero value of `type` (null for references).
    package static func zero(_ type: WasmValueType) -> WasmValue {
        switch type {
        case .i32: .i32(0)
        case .i64, .v128: .i64(0)
        case .f32: .f32(0)
        case .f64: .f64(0)
        case .funcRef: .funcRef(nil)
        case .externRef: .externRef(nil)
        }
    }
}
