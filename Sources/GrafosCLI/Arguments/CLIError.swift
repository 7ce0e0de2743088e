/// A command-line failure: bad usage (exit 2) or a failed operation (exit 1).
package enum CLIError: Error, CustomStringConvertible {
    /// The arguments were wrong; the message says which and how to fix them.
    case usage(String)
    /// The command ran and failed; the message says what happened.
    case failure(String)

    /// The process exit status: 2 for usage errors, 1 for failures.
    package var exitCode: Int32 {
        switch self {
        case .usage: 2
        case .failure: 1
        }
    }

    package var description: String {
        switch self {
        case .usage(let message): message
        case .failure(let message): message
        }
    }
}
