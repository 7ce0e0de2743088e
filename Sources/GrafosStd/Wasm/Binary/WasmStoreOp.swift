/// A store instruction, stored as its opcode.
enum WasmStoreOp: UInt8, Sendable, Hashable, CaseIterable {
    case i32Store = 0x36
    case i64Store = 0x37
    case f32Store = 0x38
    case f64Store = 0x39
    case i32Store8 = 0x3A
    case i32Store16 = 0x3B
    case i64Store8 = 0x3C
    case i64Store16 = 0x3D
    case i64Store32 = 0x3E

    /// The type of the value popped and stored.
    var valueType: WasmValueType {
        switch self {
        case .i32Store, .i32Store8, .i32Store16: .i32
        case .i64Store, .i64Store8, .i64Store16, .i64Store32: .i64
        case .f32Store: .f32
        case .f64Store: .f64
        }
    }

    /// The number of bytes written, as a power of two; the largest valid alignment hint.
    var naturalAlignment: UInt32 {
        switch self {
        case .i32Store8, .i64Store8: 0
        case .i32Store16, .i64Store16: 1
        case .i32Store, .f32Store, .i64Store32: 2
        case .i64Store, .f64Store: 3
        }
    }
}
