/// Why a module could not be compiled: it is malformed, invalid, or beyond what this engine supports.
package enum WasmCompileError: Error, Sendable, CustomStringConvertible {
    /// The bytes do not follow the binary format.
    case malformed(WasmDecodingError)
    /// The module breaks the validation rules.
    case invalid(WasmValidationError)
    /// The module is valid but exceeds a limit of this engine (for example a function needing more than
    /// 65,536 frame slots); the text says which.
    case implementationLimit(String)

    /// What was wrong, with the spec's wording first.
    package var description: String {
        switch self {
        case .malformed(let error): "malformed module: \(error)"
        case .invalid(let error): "invalid module: \(error)"
        case .implementationLimit(let text): "module exceeds an engine limit: \(text)"
        }
    }
}
