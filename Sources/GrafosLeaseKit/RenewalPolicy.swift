import GrafosStd

/// When and how a ``RenewalManager`` renews one lease, and when it gives up.
///
/// Thresholds are fractions of the lease's TTL, so one policy suits a 10-second lease and a 10-minute one. With the
/// default policy a 120-second lease is renewed once 60 seconds remain, retried every second while renewals fail,
/// and reported in ``RenewalSummary/pastDeadline`` once less than 12 seconds remain unrenewed: the holder should
/// stop starting work on it, because the fabric may reclaim it before the work ends.
///
/// ```swift
/// let eager = RenewalPolicy.default.withRenewBelow(0.75).withAttemptsPerTick(3)
/// renewals.register(lease, policy: eager)
///
/// var patient = RenewalPolicy()
/// patient.giveUpAfter = .seconds(30)      // stop trying after 30 s of failed renewals
/// ```
public struct RenewalPolicy: Hashable, Sendable {
    /// Renew once the remaining time falls to this fraction of the TTL or below; `0.5` by default.
    ///
    /// Clamped to `0...1`. At `1` a lease is renewed on every tick.
    public var renewBelow: Double
    /// The renewal deadline: once the remaining time falls to this fraction of the TTL without a successful
    /// renewal, the lease is listed in ``RenewalSummary/pastDeadline`` and its holder should stop using it;
    /// `0.1` by default.
    public var deadlineBelow: Double
    /// How many renewal calls one tick makes for the lease before reporting it failed; `2` by default.
    public var attemptsPerTick: Int
    /// How long to wait after a failed tick before trying this lease again; one second by default. Capped at a
    /// tenth of the lease's TTL, so a short lease is retried before it expires; the same gap separates two
    /// successful renewals (which matters only with `renewBelow` near 1).
    public var retryInterval: Duration
    /// Stop renewing once renewals have failed for this long (the lease is dropped from the manager and reported
    /// with ``RenewalFailure/gaveUp``); `nil` (the default) keeps trying until the lease expires.
    public var giveUpAfter: Duration?

    /// Creates a policy; every parameter defaults to the value documented on its property.
    public init(
        renewBelow: Double = 0.5,
        deadlineBelow: Double = 0.1,
        attemptsPerTick: Int = 2,
        retryInterval: Duration = .seconds(1),
        giveUpAfter: Duration? = nil
    ) {
        self.renewBelow = renewBelow
        self.deadlineBelow = deadlineBelow
        self.attemptsPerTick = attemptsPerTick
        self.retryInterval = retryInterval
        self.giveUpAfter = giveUpAfter
    }

    /// Renew at half the TTL, two calls per tick, retry every second, never give up before expiry.
    public static let `default` = RenewalPolicy()

    /// A copy that renews once the remaining time falls to `fraction` of the TTL.
    public func withRenewBelow(_ fraction: Double) -> Self {
        var copy = self
        copy.renewBelow = fraction
        return copy
    }

    /// A copy whose renewal deadline is at `fraction` of the TTL remaining.
    public func withDeadlineBelow(_ fraction: Double) -> Self {
        var copy = self
        copy.deadlineBelow = fraction
        return copy
    }

    /// A copy that makes up to `attempts` renewal calls per tick.
    public func withAttemptsPerTick(_ attempts: Int) -> Self {
        var copy = self
        copy.attemptsPerTick = attempts
        return copy
    }

    /// A copy that waits `interval` between failed ticks.
    public func withRetryInterval(_ interval: Duration) -> Self {
        var copy = self
        copy.retryInterval = interval
        return copy
    }

    /// A copy that gives up after renewals have failed for `duration`.
    public func withGiveUpAfter(_ duration: Duration?) -> Self {
        var copy = self
        copy.giveUpAfter = duration
        return copy
    }

    /// The instant at which a lease with `expiry` and `ttl` becomes due for renewal.
    func renewalTime(expiry: FabricInstant, ttl: Duration) -> FabricInstant {
        expiry.advanced(by: .zero - ttl * min(1, max(0, renewBelow)))
    }

    /// The instant after which a lease with `expiry` and `ttl`, unrenewed, should no longer be used.
    func deadline(expiry: FabricInstant, ttl: Duration) -> FabricInstant {
        expiry.advanced(by: .zero - ttl * min(1, max(0, deadlineBelow)))
    }
}
