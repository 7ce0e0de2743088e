/// Type-checks a function body or constant expression one instruction at a time.
///
/// This is the algorithm of the spec's validation appendix: an operand stack of value types (with an unknown
/// type for the polymorphic stack after an unconditional branch) and a control stack of ``WasmControlFrame``s.
/// It is a ``WasmInstructionVisitor``, so a translator can run in the same pass: wrap the validator, look at
/// ``operandTypes`` and ``controlFrames`` before calling ``visit(_:at:)``, then emit code. One validator can
/// check many functions in a row; its stacks keep their capacity between functions.
///
/// ```swift
/// var validator = WasmFunctionValidator(context: WasmModuleContext(module: module))
/// try validator.beginFunction(index: 0, typeIndex: function.typeIndex, locals: module.localDeclarations(of: function))
/// var reader = WasmInstructionReader(bytes: buffer, range: function.code)
/// try reader.forEach(&validator)
/// try validator.finish()
/// ```
struct WasmFunctionValidator {
    /// Implementation limits that keep validation linear in the size of the module, whatever its contents.
    enum Limits {
        /// The most parameters or results a function type may have (as in wasmparser).
        static let maxFunctionArity = 1_000
        /// The most values the operand stack of one function may hold.
        static let maxOperandStackHeight = 1 << 20
        /// Functions with at most this many locals get a flat table of local types; larger ones (up to the
        /// format's 2³² − 1) are looked up by binary search over their runs, so no input allocates per local.
        static let maxExpandedLocals = 4_096
    }

    /// The module's index spaces.
    let context: WasmModuleContext
    /// The operand stack; `nil` is the unknown type of unreachable code.
    private(set) var operandTypes: [WasmValueType?] = []
    /// The control stack; the function's own frame is first.
    private(set) var controlFrames: [WasmControlFrame] = []
    /// The function being validated, in the function index space (`nil` for a constant expression).
    private(set) var functionIndex: UInt32?
    /// Whether a constant expression is being validated (only constant instructions are allowed).
    private(set) var isConstantExpression = false
    /// The type of every local (parameters first) when there are at most ``Limits/maxExpandedLocals``;
    /// otherwise empty, and the runs below answer.
    private var expandedLocalTypes: [WasmValueType] = []
    /// The cumulative end index of each run of locals (parameters first).
    private var localRunEnds: [Int] = []
    /// The type of each run of locals.
    private var localRunTypes: [WasmValueType] = []
    /// The offset of the instruction being validated, for errors.
    var offset = 0

    /// Creates a validator for functions and constant expressions of the module described by `context`.
    init(context: WasmModuleContext) {
        self.context = context
    }

    /// Starts validating the body of a defined function.
    /// - Parameters:
    ///   - index: the function's index in the function index space (for errors).
    ///   - typeIndex: the function's type index.
    ///   - locals: the function's local declarations.
    ///   - offset: the byte offset of the body (for errors).
    /// - Throws: ``WasmValidationError`` when the type index is unknown or a local is a `v128`.
    mutating func beginFunction(
        index: UInt32,
        typeIndex: UInt32,
        locals: ArraySlice<WasmLocalDeclaration>,
        offset: Int = 0
    ) throws(WasmValidationError) {
        functionIndex = index
        isConstantExpression = false
        self.offset = offset
        guard Int(typeIndex) < context.types.count else {
            throw error(.unknownType, "function type \(typeIndex)")
        }
        let type = context.types[Int(typeIndex)]
        localRunEnds.removeAll(keepingCapacity: true)
        localRunTypes.removeAll(keepingCapacity: true)
        var end = 0
        for parameter in type.parameters {
            end &+= 1
            appendLocalRun(end: end, type: parameter)
        }
        for declaration in locals {
            guard declaration.type != .v128 else { throw error(.simdNotSupported, "v128 local") }
            end &+= Int(declaration.count)
            appendLocalRun(end: end, type: declaration.type)
        }
        expandedLocalTypes.removeAll(keepingCapacity: true)
        if end <= Limits.maxExpandedLocals {
            for run in 0..<localRunEnds.count {
                let start = run == 0 ? 0 : localRunEnds[run &- 1]
                for _ in start..<localRunEnds[run] { expandedLocalTypes.append(localRunTypes[run]) }
            }
        }
        reset(results: Self.typeList(type.results))
    }

    /// Starts validating a constant expression that must produce one value of `type`.
    /// - Parameter offset: the byte offset of the expression (for errors).
    mutating func beginConstantExpression(resultType type: WasmValueType, offset: Int) {
        functionIndex = nil
        isConstantExpression = true
        self.offset = offset
        localRunEnds.removeAll(keepingCapacity: true)
        localRunTypes.removeAll(keepingCapacity: true)
        expandedLocalTypes.removeAll(keepingCapacity: true)
        reset(results: .single(type))
    }

    /// Checks that the body or expression was complete: its final `end` closed the outermost frame.
    func finish() throws(WasmValidationError) {
        guard controlFrames.isEmpty else { throw error(.malformedCode, "missing end") }
    }

    private mutating func reset(results: WasmTypeList) {
        operandTypes.removeAll(keepingCapacity: true)
        controlFrames.removeAll(keepingCapacity: true)
        controlFrames.append(
            WasmControlFrame(kind: .function, parameters: .empty, results: results, height: 0, isUnreachable: false)
        )
    }

    private mutating func appendLocalRun(end: Int, type: WasmValueType) {
        if let last = localRunTypes.last, last == type {
            localRunEnds[localRunEnds.count &- 1] = end
        } else {
            localRunEnds.append(end)
            localRunTypes.append(type)
        }
    }

    /// The number of locals, parameters included.
    var localCount: Int { localRunEnds.last ?? 0 }

    /// The type of local `index` (parameters first).
    /// - Throws: "unknown local" when the index is out of range.
    @inline(__always)
    func localType(_ index: UInt32) throws(WasmValidationError) -> WasmValueType {
        let index = Int(index)
        if index < expandedLocalTypes.count { return expandedLocalTypes[index] }
        return try localTypeFromRuns(index)
    }

    /// ``localType(_:)`` for functions whose locals are not expanded.
    private func localTypeFromRuns(_ index: Int) throws(WasmValidationError) -> WasmValueType {
        guard index < localCount else { throw error(.unknownLocal, "local \(index), function has \(localCount)") }
        var low = 0
        var high = localRunEnds.count &- 1
        while low < high {
            let middle = (low &+ high) >> 1
            if localRunEnds[middle] > index { high = middle } else { low = middle &+ 1 }
        }
        return localRunTypes[low]
    }

    /// The types a branch to label `depth` carries.
    /// - Throws: "unknown label" when `depth` exceeds the enclosing blocks.
    func labelTypes(depth: UInt32) throws(WasmValidationError) -> WasmTypeList {
        guard Int(depth) < controlFrames.count else {
            throw error(.unknownLabel, "label \(depth), \(controlFrames.count) enclosing blocks")
        }
        return controlFrames[controlFrames.count &- 1 &- Int(depth)].labelTypes
    }

    /// The parameter and result types of a block type.
    /// - Throws: "unknown type" for a type index out of range, "SIMD not supported" for `v128`.
    func signature(of blockType: WasmBlockType) throws(WasmValidationError) -> (WasmTypeList, WasmTypeList) {
        switch blockType {
        case .empty:
            return (.empty, .empty)
        case .value(let type):
            guard type != .v128 else { throw error(.simdNotSupported, "v128 block result") }
            return (.empty, .single(type))
        case .typeIndex(let index):
            guard Int(index) < context.types.count else { throw error(.unknownType, "block type \(index)") }
            let type = context.types[Int(index)]
            return (Self.typeList(type.parameters), Self.typeList(type.results))
        }
    }

    /// A type list for `types`, avoiding the array for zero or one type.
    static func typeList(_ types: [WasmValueType]) -> WasmTypeList {
        switch types.count {
        case 0: .empty
        case 1: .single(types[0])
        default: .list(types)
        }
    }

    // MARK: - Errors

    /// An error at the current instruction.
    @inline(never)
    func error(_ reason: WasmValidationError.Reason, _ detail: String? = nil) -> WasmValidationError {
        WasmValidationError(reason, functionIndex: functionIndex, offset: offset, detail: detail)
    }

    @inline(never)
    func mismatch(expected: WasmValueType, found: WasmValueType?) -> WasmValidationError {
        error(.typeMismatch, "expected \(expected), found \(found.map(\.description) ?? "nothing")")
    }

    // MARK: - Operand stack

    /// Pushes a value of `type` (`nil`: unknown).
    @inline(__always)
    mutating func push(_ type: WasmValueType?) {
        operandTypes.append(type)
    }

    /// Pushes the values of `types`, first type first.
    ///
    /// The only way one instruction pushes many values; single pushes are bounded by the size of the code.
    /// - Throws: "implementation limit exceeded" beyond ``Limits/maxOperandStackHeight`` values.
    @inline(__always)
    mutating func push(_ types: WasmTypeList) throws(WasmValidationError) {
        guard operandTypes.count &+ types.count <= Limits.maxOperandStackHeight else {
            throw error(.implementationLimit, "more than \(Limits.maxOperandStackHeight) values on the operand stack")
        }
        for index in 0..<types.count { operandTypes.append(types[index]) }
    }

    /// Pops a value of any type; `nil` when the stack is polymorphic and empty.
    /// - Throws: "type mismatch" when the current block has no value to pop.
    @inline(__always)
    mutating func pop() throws(WasmValidationError) -> WasmValueType? {
        let frame = controlFrames.count &- 1
        if operandTypes.count == controlFrames[frame].height {
            if controlFrames[frame].isUnreachable { return nil }
            throw error(.typeMismatch, "expected a value, found an empty stack")
        }
        return operandTypes.removeLast()
    }

    /// Pops a value that must be of `expected` type (or unknown).
    @inline(__always)
    @discardableResult
    mutating func pop(_ expected: WasmValueType) throws(WasmValidationError) -> WasmValueType? {
        let frame = controlFrames.count &- 1
        if operandTypes.count == controlFrames[frame].height {
            if controlFrames[frame].isUnreachable { return nil }
            throw mismatch(expected: expected, found: nil)
        }
        let actual = operandTypes.removeLast()
        if let actual, actual != expected { throw mismatch(expected: expected, found: actual) }
        return actual
    }

    /// Pops values of `types`, last type first.
    @inline(__always)
    mutating func pop(_ types: WasmTypeList) throws(WasmValidationError) {
        var index = types.count
        while index > 0 {
            index &-= 1
            try pop(types[index])
        }
    }

    /// Checks that the top of the stack matches `types` without popping (as `br_table` does for each target).
    mutating func checkTop(_ types: WasmTypeList) throws(WasmValidationError) {
        let frame = controlFrames[controlFrames.count &- 1]
        let count = types.count
        for index in 0..<count {
            let position = operandTypes.count &- 1 &- index
            let expected = types[count &- 1 &- index]
            if position < frame.height {
                if frame.isUnreachable { continue }
                throw mismatch(expected: expected, found: nil)
            }
            if let actual = operandTypes[position], actual != expected {
                throw mismatch(expected: expected, found: actual)
            }
        }
    }

    // MARK: - Control stack

    /// Opens a block: pops its parameters, pushes a frame, and pushes the parameters again inside it.
    mutating func pushControl(
        _ kind: WasmControlFrame.Kind,
        parameters: WasmTypeList,
        results: WasmTypeList
    ) throws(WasmValidationError) {
        try pop(parameters)
        controlFrames.append(
            WasmControlFrame(
                kind: kind,
                parameters: parameters,
                results: results,
                height: operandTypes.count,
                isUnreachable: false
            )
        )
        try push(parameters)
    }

    /// Closes the innermost block: its results must be exactly what is left on its part of the stack.
    mutating func popControl() throws(WasmValidationError) -> WasmControlFrame {
        let frame = controlFrames[controlFrames.count &- 1]
        try pop(frame.results)
        guard operandTypes.count == frame.height else {
            throw error(
                .typeMismatch,
                "block leaves \(operandTypes.count &- frame.height) extra value(s) after its results \(frame.results.description)"
            )
        }
        controlFrames.removeLast()
        return frame
    }

    /// Marks the rest of the innermost block unreachable and empties its part of the stack.
    mutating func setUnreachable() {
        let frame = controlFrames.count &- 1
        operandTypes.removeSubrange(controlFrames[frame].height...)
        controlFrames[frame].isUnreachable = true
    }
}
