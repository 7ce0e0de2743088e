/// One command that did not behave as its script expects.
package struct WasmSpecFailure: Sendable, Hashable, CustomStringConvertible {
    /// The script (`i32.wast`).
    package var file: String
    /// The line of the command in the script.
    package var line: Int
    /// The command type.
    package var command: String
    /// What was expected and what happened.
    package var message: String

    /// `file:line: command: message`.
    package var description: String { "\(file):\(line): \(command): \(message)" }
}
