import GrafosStd

/// Which failures a ``JobCoordinator`` retries, how often, after what backoff, and within what limits.
///
/// A failed attempt is retried — by calling the chunk's `exec` again, which acquires a *new* lease — when its
/// error is retryable, the chunk has retries left, the retry budget has a token, and the backoff would end within
/// the policy's deadline. By default the retryable errors are the `FabricError` codes that can succeed on
/// another lease or a little later: `disconnected`, `leaseExpired`, `insufficientCapacity`, `transient` and
/// `timeout`. Everything else is deterministic and fails the chunk at once: traps, invalid modules, non-zero exits
/// (``TaskletExitError``), `outputTooLarge`, and any error type the policy does not know.
///
/// `insufficientCapacity` while other attempts of the same run are running is not a failure of the chunk but of
/// the run's concurrency (say, `exec` leases 2 cores and the run has a lane per free core): by default
/// (``waitsForCapacity``) the chunk goes back to the queue and starts again when one of those attempts ends,
/// without using a retry or the budget.
///
/// ```swift
/// let policy = RetryPolicy.default
///     .withMaxRetries(3)
///     .withBackoff(.exponential(initialMs: 100, maxMs: 5000))     // full jitter
///     .withDeadline(.seconds(60))                                  // across all attempts of one chunk
///     .withSeed(42)                                                // reproducible jitter
///     .withClassifier { error in                                   // overrides, nil falls back to the defaults
///         (error as? TaskletExitError)?.exitCode == 75 ? .retryable : nil   // EX_TEMPFAIL
///     }
/// ```
public struct RetryPolicy: Sendable, CustomStringConvertible {
    /// Whether an error is worth another attempt.
    public enum ErrorClass: String, Hashable, Sendable {
        /// Another attempt (on a new lease, later) may succeed.
        case retryable
        /// Another attempt would fail the same way.
        case deterministic
    }

    /// Retries per chunk after its first attempt; `3` by default, so at most 4 attempts.
    public var maxRetries: Int
    /// The delay before each retry; exponential 100 ms … 5 s with full jitter by default.
    public var backoff: Backoff
    /// The most time one chunk may take across all its attempts and backoffs, measured on the coordinator's clock
    /// from its first attempt; a retry whose backoff would end later is not made. `nil` (default) for no limit.
    public var deadline: Duration?
    /// The job-wide retry budget.
    public var budget: RetryBudget
    /// The `FabricError` codes that are retryable.
    public var retryableCodes: Set<FabricError.Code>
    /// Overrides the classification: return a class to decide, nil to fall back to ``retryableCodes``.
    public var classifier: (@Sendable (any Error) -> ErrorClass?)?
    /// Seeds the jitter, per chunk, so that delays are reproducible; nil (default) draws from the system.
    public var seed: UInt64?
    /// Whether an attempt that failed with `insufficientCapacity` while other attempts of the same run were running
    /// waits for one of them to end and then starts again — without using a retry or the budget, and with the
    /// run's concurrency lowered to what the fabric admits — instead of being retried after a backoff. Still
    /// bounded by ``deadline``. True by default; only applies while `insufficientCapacity` is retryable.
    public var waitsForCapacity: Bool

    /// The codes retried by default: those for which `FabricError.Code.isRetryable` is true.
    public static let defaultRetryableCodes: Set<FabricError.Code> = [
        .disconnected, .leaseExpired, .insufficientCapacity, .transient, .timeout,
    ]

    /// Creates a policy; every parameter defaults to the value documented on its property.
    public init(
        maxRetries: Int = 3,
        backoff: Backoff = .exponential(initialMs: 100, maxMs: 5000),
        deadline: Duration? = nil,
        budget: RetryBudget = .default,
        retryableCodes: Set<FabricError.Code> = RetryPolicy.defaultRetryableCodes,
        classifier: (@Sendable (any Error) -> ErrorClass?)? = nil,
        seed: UInt64? = nil,
        waitsForCapacity: Bool = true
    ) {
        self.maxRetries = max(0, maxRetries)
        self.backoff = backoff
        self.deadline = deadline
        self.budget = budget
        self.retryableCodes = retryableCodes
        self.classifier = classifier
        self.seed = seed
        self.waitsForCapacity = waitsForCapacity
    }

    /// Three retries, exponential backoff 100 ms … 5 s with full jitter, the default budget, no deadline.
    public static let `default` = RetryPolicy()

    /// No retries: every failure fails its chunk.
    public static let none = RetryPolicy(maxRetries: 0)

    /// A copy that retries each chunk up to `retries` times.
    public func withMaxRetries(_ retries: Int) -> Self {
        var copy = self
        copy.maxRetries = max(0, retries)
        return copy
    }

    /// A copy with another backoff.
    public func withBackoff(_ backoff: Backoff) -> Self {
        var copy = self
        copy.backoff = backoff
        return copy
    }

    /// A copy that gives each chunk at most `deadline` across all its attempts (nil: no limit).
    public func withDeadline(_ deadline: Duration?) -> Self {
        var copy = self
        copy.deadline = deadline
        return copy
    }

    /// A copy with another job-wide retry budget.
    public func withBudget(_ budget: RetryBudget) -> Self {
        var copy = self
        copy.budget = budget
        return copy
    }

    /// A copy that also retries `FabricError`s with `code`.
    public func retrying(_ code: FabricError.Code) -> Self {
        var copy = self
        copy.retryableCodes.insert(code)
        return copy
    }

    /// A copy that no longer retries `FabricError`s with `code`.
    public func notRetrying(_ code: FabricError.Code) -> Self {
        var copy = self
        copy.retryableCodes.remove(code)
        return copy
    }

    /// A copy whose classification `classifier` overrides; return nil from it to keep the default answer.
    public func withClassifier(_ classifier: @escaping @Sendable (any Error) -> ErrorClass?) -> Self {
        var copy = self
        copy.classifier = classifier
        return copy
    }

    /// A copy whose jitter is drawn from a generator seeded with `seed` (per chunk, so the delays do not depend
    /// on how chunks interleave).
    public func withSeed(_ seed: UInt64?) -> Self {
        var copy = self
        copy.seed = seed
        return copy
    }

    /// A copy that does (true, the default) or does not wait for capacity held by the run's own attempts instead
    /// of retrying; see ``waitsForCapacity``.
    public func withCapacityWaits(_ waits: Bool) -> Self {
        var copy = self
        copy.waitsForCapacity = waits
        return copy
    }

    /// Whether `error` is worth retrying under this policy.
    public func classify(_ error: any Error) -> ErrorClass {
        if let decided = classifier?(error) { return decided }
        if let error = error as? FabricError, retryableCodes.contains(error.code) { return .retryable }
        return .deterministic
    }

    /// `retry up to 3×, exponential …, budget …`.
    public var description: String {
        var text = "retry up to \(maxRetries)×, \(backoff), \(budget)"
        if let deadline { text += ", deadline \(deadline)" }
        return text
    }
}
