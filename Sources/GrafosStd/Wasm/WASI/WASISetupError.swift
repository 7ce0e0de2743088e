/// A ``WASIContext`` could not be set up from its configuration: a bad preopen or file tree.
///
/// Raised before the tasklet runs, so a wrong `--dir` or a malformed tree fails the launch with a message instead
/// of a confusing errno inside the program.
package struct WASISetupError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, with the path involved and what to do.
    package var message: String

    /// Creates the error.
    package init(_ message: String) {
        self.message = message
    }

    package var description: String { message }
}
