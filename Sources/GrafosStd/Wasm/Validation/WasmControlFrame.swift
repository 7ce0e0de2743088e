/// An entry of the validator's control stack: an enclosing block, loop, if/else or the function itself.
///
/// A translator running in the same pass keeps its own per-frame data (branch fix-ups, result registers) in a
/// parallel stack indexed like ``WasmFunctionValidator/controlFrames``.
struct WasmControlFrame {
    /// The construct that opened the frame.
    enum Kind: UInt8 {
        /// The function body (or a constant expression), closed by the final `end`.
        case function
        /// `block`.
        case block
        /// `loop`; branches to it go back to its start and take its parameters.
        case loop
        /// `if` before any `else`.
        case `if`
        /// The `else` arm of an `if`.
        case `else`
    }

    /// The construct that opened the frame.
    var kind: Kind
    /// The types the block takes from the stack.
    var parameters: WasmTypeList
    /// The types the block leaves on the stack.
    var results: WasmTypeList
    /// The operand stack height at the start of the block, below its parameters.
    var height: Int
    /// Whether the rest of the block is unreachable (after `br`, `return`, `unreachable`…), making the stack
    /// polymorphic.
    var isUnreachable: Bool

    /// The types a branch to this frame carries: the parameters for a loop, the results otherwise.
    @inline(__always)
    var labelTypes: WasmTypeList { kind == .loop ? parameters : results }
}
