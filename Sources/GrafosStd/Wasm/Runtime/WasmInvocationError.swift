/// A call from the host into WebAssembly that could not be made as asked (nothing ran).
package struct WasmInvocationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong with the call.
    package enum Code: Sendable, Hashable {
        /// No export has the name given.
        case unknownExport
        /// The export is not a function (or not the kind asked for).
        case wrongExportKind
        /// The arguments do not match the function's parameters.
        case argumentMismatch
        /// A reference belongs to another store.
        case foreignReference
        /// A host function returned values that do not match its declared results.
        case hostResultMismatch
    }

    /// What was wrong.
    package var code: Code
    /// The details: which export, which argument, what was expected.
    package var message: String

    /// Creates an invocation error.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The details.
    package var description: String { message }
}
