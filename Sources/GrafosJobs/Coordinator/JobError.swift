/// A job that did not finish every chunk: which chunks failed, after how many attempts, why, and the last error.
///
/// ```swift
/// do {
///     let out = try await coordinator.run(chunks, artifacts, exec: exec, aggregate: { $0 })
/// } catch let error as JobError {
///     for failure in error.failures {
///         print("\(failure.chunkID): \(failure.reason) after \(failure.attempts) attempts: \(failure.lastError)")
///     }
/// }
/// ```
public struct JobError: Error, CustomStringConvertible {
    /// Why a chunk was given up on.
    public enum Reason: String, Hashable, Sendable {
        /// The error was deterministic under the policy: another attempt would fail the same way.
        case deterministic
        /// Every retry the policy allows failed.
        case retriesExhausted
        /// The job's retry budget had no token left (see ``RetryBudget``).
        case budgetExhausted
        /// The next backoff would have ended past the policy's deadline for the chunk.
        case deadlineExceeded
        /// No worker meets the chunk's ``ChunkRequirements`` (or none that did is left).
        case unplaceable
    }

    /// One chunk that failed.
    public struct Failure: Sendable, CustomStringConvertible {
        /// The chunk's position in the job.
        public var index: Int
        /// The chunk's id.
        public var chunkID: String
        /// Attempts made, the first included.
        public var attempts: Int
        /// Why the coordinator gave up.
        public var reason: Reason
        /// The last attempt's error.
        public var lastError: any Error

        /// Creates a failure report.
        public init(index: Int, chunkID: String, attempts: Int, reason: Reason, lastError: any Error) {
            self.index = index
            self.chunkID = chunkID
            self.attempts = attempts
            self.reason = reason
            self.lastError = lastError
        }

        /// `chunk c7 (#7) failed after 4 attempts (retriesExhausted): disconnected: …`.
        public var description: String {
            "chunk \(chunkID) (#\(index)) failed after \(attempts) attempt\(attempts == 1 ? "" : "s") "
                + "(\(reason.rawValue)): \(lastError)"
        }
    }

    /// The failed chunks, in chunk order.
    public var failures: [Failure]
    /// Chunks that succeeded.
    public var succeeded: Int
    /// Chunks never started because the job stopped at its first failure (`failFast`).
    public var notStarted: Int
    /// Chunks in the job.
    public var total: Int

    /// Creates the error.
    public init(failures: [Failure], succeeded: Int, notStarted: Int, total: Int) {
        self.failures = failures
        self.succeeded = succeeded
        self.notStarted = notStarted
        self.total = total
    }

    /// The ids of the failed chunks, in chunk order.
    public var failedChunkIDs: [String] { failures.map(\.chunkID) }

    /// What failed and what to do next, with up to five failures listed.
    public var description: String {
        var text = "\(failures.count) of \(total) chunks failed (\(succeeded) succeeded"
        text += notStarted > 0 ? ", \(notStarted) not started)" : ")"
        for failure in failures.prefix(5) { text += "\n  " + failure.description }
        if failures.count > 5 { text += "\n  … and \(failures.count - 5) more" }
        if failures.contains(where: { $0.reason == .deterministic }) {
            text += "\nDeterministic failures are not retried: fix the tasklet or its input."
        }
        if failures.contains(where: { $0.reason == .unplaceable }) {
            text += "\nUnplaceable chunks need workers that meet their requirements: lease some, or relax them."
        }
        if failures.contains(where: { $0.reason != .deterministic && $0.reason != .unplaceable }) {
            text += "\nRetryable failures ran out of retries, budget or time: check the fabric, or relax the policy."
        }
        return text
    }
}
