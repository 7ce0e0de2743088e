/// A WebAssembly module that decodes but breaks the typing rules ("invalid" in the spec's terms).
///
/// The ``reason`` uses the wording of the WebAssembly reference interpreter (the texts the spec test suite
/// expects from `assert_invalid`); ``functionIndex`` and ``offset`` say where, when the problem is inside a
/// function body or at a known place in the binary, and ``detail`` says what was expected and found.
///
/// ```swift
/// do {
///     try module.validate()
/// } catch {
///     print(error)  // "type mismatch: expected i32, found f64 (function 3, byte offset 0x4c)"
/// }
/// ```
package struct WasmValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why validation failed, worded as in the WebAssembly specification's test suite.
    package enum Reason: String, Sendable, Hashable, CaseIterable {
        /// An operand, result or segment has the wrong type, or the stack has the wrong number of values.
        case typeMismatch = "type mismatch"
        /// A local index is out of range.
        case unknownLocal = "unknown local"
        /// A global index is out of range (in constant expressions, only imported globals are in range).
        case unknownGlobal = "unknown global"
        /// A function index is out of range.
        case unknownFunction = "unknown function"
        /// A table index is out of range.
        case unknownTable = "unknown table"
        /// A memory index is out of range, or a memory instruction is used without a memory.
        case unknownMemory = "unknown memory"
        /// A type index is out of range.
        case unknownType = "unknown type"
        /// A branch targets a label deeper than the enclosing blocks.
        case unknownLabel = "unknown label"
        /// An element segment index is out of range.
        case unknownElemSegment = "unknown elem segment"
        /// A data segment index is out of range.
        case unknownDataSegment = "unknown data segment"
        /// A load or store's alignment hint exceeds the access size.
        case alignmentTooLarge = "alignment must not be larger than natural"
        /// A memory's limits exceed 65536 pages.
        case memorySizeTooLarge = "memory size must be at most 65536 pages (4GiB)"
        /// A table's or memory's minimum exceeds its maximum.
        case sizeMinimumGreaterThanMaximum = "size minimum must not be greater than maximum"
        /// `global.set` targets an immutable global.
        case globalIsImmutable = "global is immutable"
        /// A constant expression uses a non-constant instruction or a mutable global.
        case constantExpressionRequired = "constant expression required"
        /// Two exports have the same name.
        case duplicateExportName = "duplicate export name"
        /// `ref.func` in a function body names a function not referenced outside function bodies.
        case undeclaredFunctionReference = "undeclared function reference"
        /// The module has more than one memory (WebAssembly 2.0 allows one).
        case multipleMemories = "multiple memories"
        /// The start function does not have type `[] -> []`.
        case startFunction = "start function"
        /// A typed `select` does not name exactly one type.
        case invalidResultArity = "invalid result arity"
        /// The module uses SIMD (`v128`), which this engine does not support yet.
        case simdNotSupported = "SIMD not supported"
        /// The module exceeds one of this engine's implementation limits (see ``WasmFunctionValidator/Limits``),
        /// which the spec allows engines to impose.
        case implementationLimit = "implementation limit exceeded"
        /// A function body could not be decoded during validation (the module was not produced by the decoder).
        case malformedCode = "malformed function body"
    }

    /// Why validation failed.
    package var reason: Reason
    /// The index of the function whose body is invalid, in the function index space.
    package var functionIndex: UInt32?
    /// The byte offset in the module of the offending instruction or definition, when known.
    package var offset: Int?
    /// What was expected and what was found.
    package var detail: String?

    /// Creates a validation error.
    /// - Parameters:
    ///   - reason: why validation failed.
    ///   - functionIndex: the function whose body is invalid, if any.
    ///   - offset: the byte offset of the problem, if known.
    ///   - detail: what was expected and found.
    package init(_ reason: Reason, functionIndex: UInt32? = nil, offset: Int? = nil, detail: String? = nil) {
        self.reason = reason
        self.functionIndex = functionIndex
        self.offset = offset
        self.detail = detail
    }

    /// The spec's wording, then the detail and the location.
    package var description: String {
        var text = reason.rawValue
        if let detail { text += ": \(detail)" }
        var location: [String] = []
        if let functionIndex { location.append("function \(functionIndex)") }
        if let offset { location.append("byte offset 0x\(String(offset, radix: 16))") }
        if !location.isEmpty { text += " (\(location.joined(separator: ", ")))" }
        return text
    }
}
