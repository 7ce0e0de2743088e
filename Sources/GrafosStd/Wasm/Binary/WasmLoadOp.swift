/// A load instruction, stored as its opcode.
enum WasmLoadOp: UInt8, Sendable, Hashable, CaseIterable {
    case i32Load = 0x28
    case i64Load = 0x29
    case f32Load = 0x2A
    case f64Load = 0x2B
    case i32Load8S = 0x2C
    case i32Load8U = 0x2D
    case i32Load16S = 0x2E
    case i32Load16U = 0x2F
    case i64Load8S = 0x30
    case i64Load8U = 0x31
    case i64Load16S = 0x32
    case i64Load16U = 0x33
    case i64Load32S = 0x34
    case i64Load32U = 0x35

    /// The type of the loaded value pushed on the stack.
    var resultType: WasmValueType {
        switch self {
        case .i32Load, .i32Load8S, .i32Load8U, .i32Load16S, .i32Load16U: .i32
        case .i64Load, .i64Load8S, .i64Load8U, .i64Load16S, .i64Load16U, .i64Load32S, .i64Load32U: .i64
        case .f32Load: .f32
        case .f64Load: .f64
        }
    }

    /// The number of bytes read, as a power of two; the largest valid alignment hint.
    var naturalAlignment: UInt32 {
        switch self {
        case .i32Load8S, .i32Load8U, .i64Load8S, .i64Load8U: 0
        case .i32Load16S, .i32Load16U, .i64Load16S, .i64Load16U: 1
        case .i32Load, .f32Load, .i64Load32S, .i64Load32U: 2
        case .i64Load, .f64Load: 3
        }
    }
}
