import GrafosStd

/// What one ``RenewalManager/tick(now:)`` did: which leases it renewed, which renewals failed, which leases expired,
/// which are past their renewal deadline, and when the next tick is due.
///
/// Every list is sorted by registration id.
///
/// ```swift
/// let summary = await renewals.tick(now: clock.now)
/// for failure in summary.failed { print("lease \(failure.id): \(failure.error)") }
/// for id in summary.pastDeadline { workers[Int(id)].stopTakingWork() }   // it may be reclaimed any moment
/// ```
public struct RenewalSummary: Sendable, CustomStringConvertible {
    /// The time the tick ran at.
    public var now: FabricInstant
    /// Leases renewed by this tick.
    public var renewed: [UInt64]
    /// Leases whose renewal failed in this tick, with the last error.
    public var failed: [RenewalFailure]
    /// Leases that reached their expiry unrenewed; the manager no longer tracks them.
    public var expired: [UInt64]
    /// Leases still unrenewed past their policy's deadline (``RenewalPolicy/deadlineBelow``): their holders should
    /// stop using them. Listed on every tick until they are renewed, expire or are unregistered.
    public var pastDeadline: [UInt64]
    /// Registrations whose lease handle was dropped; the manager no longer tracks them.
    public var dropped: [UInt64]
    /// When something is next due (a renewal, a retry, a deadline or an expiry); `nil` when nothing is registered.
    public var nextDue: FabricInstant?

    /// Creates a summary.
    public init(
        now: FabricInstant,
        renewed: [UInt64] = [],
        failed: [RenewalFailure] = [],
        expired: [UInt64] = [],
        pastDeadline: [UInt64] = [],
        dropped: [UInt64] = [],
        nextDue: FabricInstant? = nil
    ) {
        self.now = now
        self.renewed = renewed
        self.failed = failed
        self.expired = expired
        self.pastDeadline = pastDeadline
        self.dropped = dropped
        self.nextDue = nextDue
    }

    /// The ids of ``failed``.
    public var failedIDs: [UInt64] { failed.map(\.id) }

    /// Whether the tick did nothing worth reporting.
    public var isQuiet: Bool {
        renewed.isEmpty && failed.isEmpty && expired.isEmpty && pastDeadline.isEmpty && dropped.isEmpty
    }

    /// `renewal tick at t+5.000s: 3 renewed, 1 failed, 0 expired, 1 past deadline; next due t+10.000s`.
    public var description: String {
        "renewal tick at \(now): \(renewed.count) renewed, \(failed.count) failed, \(expired.count) expired, "
            + "\(pastDeadline.count) past deadline; next due \(nextDue.map { "\($0)" } ?? "never")"
    }
}

/// A renewal that failed: which lease, why, and whether the manager gave up on it.
public struct RenewalFailure: Sendable, CustomStringConvertible {
    /// The registration id.
    public var id: UInt64
    /// The last error the renewal threw.
    public var error: any Error
    /// Renewal calls made for it in this tick.
    public var attempts: Int
    /// Whether the manager stopped renewing the lease: the error says the lease is gone (`leaseExpired`,
    /// `leaseReleased`, `unknownLease`, `notHolder`, `invalidRequest`), or renewals kept failing for longer than
    /// ``RenewalPolicy/giveUpAfter``. Otherwise the manager tries again after ``RenewalPolicy/retryInterval``.
    public var gaveUp: Bool

    /// Creates a failure report.
    public init(id: UInt64, error: any Error, attempts: Int, gaveUp: Bool) {
        self.id = id
        self.error = error
        self.attempts = attempts
        self.gaveUp = gaveUp
    }

    /// `lease 3: disconnected: … (2 attempts, will retry)`.
    public var description: String {
        "lease \(id): \(error) (\(attempts) attempt\(attempts == 1 ? "" : "s"), \(gaveUp ? "gave up" : "will retry"))"
    }
}
