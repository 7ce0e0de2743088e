/// A token bucket that caps retries across a whole job, so a failing fabric cannot cause a retry storm.
///
/// Each ``JobCoordinator`` run starts with a full bucket of ``capacity`` tokens. A retry takes one token; a chunk
/// that succeeds puts ``refillPerSuccess`` back (never above the capacity). While the fabric is healthy the bucket
/// stays nearly full; when everything fails, the job makes at most `capacity` retries (plus the refills its few
/// successes earn) and then fails the remaining chunks with ``JobError/Reason/budgetExhausted`` instead of
/// hammering the fabric. The defaults sustain a failure rate of one attempt in three indefinitely.
///
/// ```swift
/// let strict = RetryPolicy.default.withBudget(RetryBudget(capacity: 10, refillPerSuccess: 0.1))
/// let unbounded = RetryPolicy.default.withBudget(.unlimited)
/// ```
public struct RetryBudget: Hashable, Sendable, CustomStringConvertible {
    /// The bucket's size and starting level, in retries.
    public var capacity: Double
    /// Tokens a successful chunk returns to the bucket.
    public var refillPerSuccess: Double

    /// Creates a budget.
    /// - Parameters:
    ///   - capacity: The burst of retries allowed; the bucket starts full.
    ///   - refillPerSuccess: Tokens each successful chunk returns.
    public init(capacity: Double = 100, refillPerSuccess: Double = 0.5) {
        self.capacity = max(0, capacity)
        self.refillPerSuccess = max(0, refillPerSuccess)
    }

    /// 100 retries of burst, half a retry earned back per success.
    public static let `default` = RetryBudget()

    /// No limit beyond each chunk's ``RetryPolicy/maxRetries``.
    public static let unlimited = RetryBudget(capacity: .infinity, refillPerSuccess: 0)

    /// Whether the budget never refuses a retry.
    public var isUnlimited: Bool { capacity == .infinity }

    /// `budget 100 (+0.5 per success)` or `unlimited budget`.
    public var description: String {
        isUnlimited ? "unlimited budget" : "budget \(capacity) (+\(refillPerSuccess) per success)"
    }
}
