/// A constant expression: the initializer of a global, the offset of an active segment, or an element.
///
/// The expression's bytes stay in the module (``range``); when the expression is a single instruction followed
/// by `end` — the only shape a valid WebAssembly 2.0 constant expression can have — ``instruction`` holds it
/// decoded, ready for instantiation. The validator checks the general case from the bytes, so a malformed or
/// non-constant expression is reported with its offset.
package struct WasmConstExpression: Sendable, Hashable {
    /// A decoded single-instruction constant expression.
    package enum Instruction: Sendable, Hashable {
        /// `i32.const`.
        case i32Const(Int32)
        /// `i64.const`.
        case i64Const(Int64)
        /// `f32.const`, as its IEEE 754 bit pattern.
        case f32Const(UInt32)
        /// `f64.const`, as its IEEE 754 bit pattern.
        case f64Const(UInt64)
        /// `ref.null` of the given reference type.
        case refNull(WasmValueType)
        /// `ref.func` of the given function index.
        case refFunc(UInt32)
        /// `global.get` of the given global index.
        case globalGet(UInt32)
    }

    /// The bytes of the expression in the module, from its first instruction up to and including `end`.
    package var range: Range<Int>
    /// The expression's only instruction, when it has exactly one non-SIMD constant instruction before `end`.
    package var instruction: Instruction?

    /// Creates a constant expression.
    package init(range: Range<Int>, instruction: Instruction?) {
        self.range = range
        self.instruction = instruction
    }
}
