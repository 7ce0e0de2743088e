import GrafosStd

/// A tasklet that ran to completion but exited with a non-zero code: a deterministic failure, not retried by
/// default.
///
/// ```swift
/// let r = try await lease.cpu().submit(wasm).input(chunk.bytes).launch().requireSuccess()
/// ```
public struct TaskletExitError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The tasklet's exit code (never 0).
    public var exitCode: Int32
    /// The tasklet's log, for the error message.
    public var stderr: [UInt8]

    /// Creates the error.
    public init(exitCode: Int32, stderr: [UInt8] = []) {
        self.exitCode = exitCode
        self.stderr = stderr
    }

    /// `tasklet exited with code 2: <first log line>`.
    public var description: String {
        let log = String(decoding: stderr.prefix(200), as: UTF8.self).split(separator: "\n").first.map { ": \($0)" }
        return "tasklet exited with code \(exitCode)\(log ?? ""); fix the tasklet or its input, retrying will not help"
    }
}

extension TaskletResult {
    /// This result when the tasklet exited with 0.
    /// - Throws: ``TaskletExitError`` for any other exit code.
    @discardableResult
    public func requireSuccess() throws(TaskletExitError) -> TaskletResult {
        guard exitCode == 0 else { throw TaskletExitError(exitCode: exitCode, stderr: stderr) }
        return self
    }
}
