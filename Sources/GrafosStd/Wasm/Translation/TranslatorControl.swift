/// The translator's record of an enclosing `block`, `loop`, `if`/`else` or the function body.
struct TranslatorControl {
    /// The construct.
    enum Kind: UInt8 {
        case function
        case block
        case loop
        case `if`
        case `else`
    }

    /// The construct.
    var kind: Kind
    /// The operand stack height below the block's parameters.
    var height: Int
    /// How many values the block takes.
    var parameterCount: Int
    /// How many values the block leaves.
    var resultCount: Int
    /// The fuel region that starts at the block's label (the loop header, or after `end`).
    var labelRegion: Int
    /// For a loop, the code index of its header (branch target).
    var loopHeader: Int = 0
    /// Forward branches to patch when the label is bound: (instruction start, edge word index).
    var pendingBranches: [(instruction: Int, edge: Int)] = []
    /// For an `if`, the edge taken when the condition is false, to patch at `else` or `end`.
    var elseEdge: (instruction: Int, edge: Int)?
    /// For an `if`, the fuel region of the `else` arm.
    var elseRegion: Int = 0
    /// Whether the rest of the current arm is unreachable.
    var isUnreachable = false

    /// How many values a branch to this label carries.
    @inline(__always)
    var labelArity: Int { kind == .loop ? parameterCount : resultCount }
}
