import GrafosObserve
import GrafosStd
import Synchronization

/// Keeps leases alive: renews each registered lease when its remaining time falls below its policy's threshold,
/// and reports what it renewed, what failed, what expired and what is past its renewal deadline.
///
/// Register leases by id with a renew closure (the recipe's shape), or register lease handles directly, which the
/// manager renews itself and holds weakly (dropping a lease still releases it). Drive it by calling
/// ``tick(now:)`` from your own event loop, or let ``run(onTick:)`` tick whenever something is due.
///
/// A renewal call that has not answered within a tenth of its lease's TTL (at least 50 ms of real time) is
/// abandoned — cancelled and reported as a `transient` failure, then retried — so one stalled node cannot hold up
/// a tick, and with it the renewal of every other lease. Renew closures should honour cancellation.
///
/// ```swift
/// let renewals = RenewalManager { id in try await workers[Int(id)].renew() }
/// for (i, w) in workers.enumerated() { renewals.register(UInt64(i), expiry: w.expiry, policy: .default) }
///
/// // In your event loop:
/// let summary = await renewals.tick(now: MonotonicClock().now)
/// for failure in summary.failed { log("renewal of worker \(failure.id) failed: \(failure.error)") }
///
/// // Or in the background, until the task is cancelled:
/// let loop = Task { try await renewals.run { summary in if !summary.isQuiet { log("\(summary)") } } }
/// ```
///
/// Tests pass a `ManualClock` and their own registry:
/// ```swift
/// let renewals = RenewalManager(clock: clock, metrics: MetricsRegistry())
/// renewals.register(lease, policy: .default)
/// clock.advance(by: .seconds(6))                               // a 10 s lease now has 4 s left
/// let summary = await renewals.tick(now: clock.now)            // summary.renewed contains the lease's id
/// ```
///
/// Metrics: `lease_renewals_total` counts renewal calls that succeeded and `lease_renewal_failures_total` calls
/// that failed.
public final class RenewalManager: Sendable {
    /// The clock registrations without a TTL are measured on, and the one ``run(onTick:)`` ticks on.
    public let clock: any FabricClock
    /// Where renewal metrics are recorded.
    public let metrics: MetricsRegistry

    private let renewByID: (@Sendable (UInt64) async throws -> Void)?
    private let machine = Mutex(RenewalStateMachine())
    private let changes = ChangeSignal()
    private let renewals: Counter
    private let failures: Counter

    /// The most renewal calls one tick makes at the same time.
    public static let maximumConcurrentRenewals = 32

    /// Creates a manager that renews id registrations by calling `renew`.
    ///
    /// After a successful call the manager takes the lease to last its TTL from the tick's `now`.
    /// - Parameters:
    ///   - clock: The clock lease expiries are on; `MonotonicClock` (the clock of `LocalFabric`) by default.
    ///   - metrics: Where `lease_renewals_total` and `lease_renewal_failures_total` go.
    ///   - renew: Renews the lease registered under an id; throw to report failure.
    public init(
        clock: any FabricClock = MonotonicClock(),
        metrics: MetricsRegistry = .default,
        renew: @escaping @Sendable (UInt64) async throws -> Void
    ) {
        self.clock = clock
        self.metrics = metrics
        renewByID = renew
        (renewals, failures) = Self.counters(metrics)
    }

    /// Creates a manager for lease handles only (``register(_:as:policy:)``).
    /// - Parameters:
    ///   - clock: The clock lease expiries are on; `MonotonicClock` by default.
    ///   - metrics: Where renewal metrics go.
    public init(clock: any FabricClock = MonotonicClock(), metrics: MetricsRegistry = .default) {
        self.clock = clock
        self.metrics = metrics
        renewByID = nil
        (renewals, failures) = Self.counters(metrics)
    }

    private static func counters(_ metrics: MetricsRegistry) -> (Counter, Counter) {
        (
            metrics.counter(StandardMetric.leaseRenewalsTotal.name, help: StandardMetric.leaseRenewalsTotal.help),
            metrics.counter(
                StandardMetric.leaseRenewalFailuresTotal.name,
                help: StandardMetric.leaseRenewalFailuresTotal.help
            )
        )
    }

    // MARK: Registration

    /// Registers a lease by id, to be renewed through the manager's renew closure. Registering an id again
    /// replaces the earlier registration.
    /// - Parameters:
    ///   - id: Your name for the lease, passed back to the renew closure.
    ///   - expiry: When the lease ends unless renewed, on ``clock``.
    ///   - ttl: How far one renewal extends it; by default the time from now (on ``clock``) to `expiry`, which is
    ///     right for a lease registered just after it was acquired or renewed.
    ///   - policy: When to renew and when to give up.
    public func register(
        _ id: UInt64,
        expiry: FabricInstant,
        ttl: Duration? = nil,
        policy: RenewalPolicy = .default
    ) {
        let ttl = ttl ?? clock.now.duration(to: expiry)
        machine.withLock { $0.register(id, expiry: expiry, ttl: ttl, policy: policy, handle: nil) }
        changes.signal()
    }

    /// Registers a lease handle, which the manager renews itself (`lease.renew()`) and holds weakly.
    /// - Parameters:
    ///   - lease: A `CpuLease` or `BlockLease`; when its last reference goes, the manager forgets it.
    ///   - id: The id to report it under; by default a fresh one from 2^63 upward.
    ///   - policy: When to renew and when to give up.
    /// - Returns: The id the lease is registered under.
    @discardableResult
    public func register(
        _ lease: some RenewableLease,
        as id: UInt64? = nil,
        policy: RenewalPolicy = .default
    ) -> UInt64 {
        let id = machine.withLock { state -> UInt64 in
            let id = id ?? state.allocateID()
            state.register(id, expiry: lease.expiry, ttl: lease.ttl, policy: policy, handle: lease)
            return id
        }
        changes.signal()
        return id
    }

    /// Stops renewing the lease registered under `id`.
    /// - Returns: Whether it was registered.
    @discardableResult
    public func unregister(_ id: UInt64) -> Bool {
        let removed = machine.withLock { $0.unregister(id) }
        if removed { changes.signal() }
        return removed
    }

    /// The registered ids, sorted.
    public var registeredIDs: [UInt64] {
        machine.withLock { $0.ids }
    }

    /// The expiry the manager knows for `id`, or nil when it is not registered.
    public func expiry(of id: UInt64) -> FabricInstant? {
        machine.withLock { $0.registration(id)?.expiry }
    }

    // MARK: Ticking

    /// Renews every registered lease that is due at `now` and reports what happened.
    ///
    /// Leases that reached their expiry are dropped and listed in ``RenewalSummary/expired``; a lease whose
    /// renewal is already in flight (from a concurrent tick) is skipped.
    /// - Parameter now: The current time on the clock the expiries are on.
    /// - Returns: Renewed, failed, expired, past-deadline and dropped leases, and when the next tick is due.
    public func tick(now: FabricInstant) async -> RenewalSummary {
        let tick = machine.withLock { $0.beginTick(now: now) }
        let outcomes = await renew(tick.due, now: now)
        return machine.withLock { state -> RenewalSummary in
            var summary = RenewalSummary(now: now, expired: tick.expired, dropped: tick.dropped)
            for (due, outcome) in outcomes {
                switch state.finish(due, outcome: outcome, now: now) {
                case .renewed(let id): summary.renewed.append(id)
                case .failed(let failure): summary.failed.append(failure)
                case .stale: break
                }
            }
            summary.renewed.sort()
            summary.failed.sort { $0.id < $1.id }
            summary.pastDeadline = state.pastDeadline(now: now)
            summary.nextDue = state.nextDue(after: now)
            return summary
        }
    }

    /// Ticks whenever something is due, on the manager's ``clock``, until the task is cancelled.
    ///
    /// Registering or unregistering a lease wakes the loop, so a new lease's schedule is honoured at once.
    /// - Parameter onTick: Called with every tick's summary; throw to stop the loop.
    /// - Throws: What `onTick` throws. Cancellation ends the loop normally.
    public func run(onTick: @escaping @Sendable (RenewalSummary) async throws -> Void = { _ in }) async throws {
        try await run(clock: clock, onTick: onTick)
    }

    /// Ticks whenever something is due, on `clock`, until the task is cancelled.
    ///
    /// ```swift
    /// let loop = Task { try await renewals.run(clock: clock) { summary in print(summary) } }
    /// // …
    /// loop.cancel()
    /// ```
    /// - Parameters:
    ///   - clock: The clock to read `now` from and sleep on; use the one the lease expiries are on.
    ///   - onTick: Called with every tick's summary; throw to stop the loop.
    /// - Throws: What `onTick` throws. Cancellation ends the loop normally.
    public func run(
        clock: some FabricClock,
        onTick: @escaping @Sendable (RenewalSummary) async throws -> Void = { _ in }
    ) async throws {
        while !Task.isCancelled {
            let seen = changes.generation
            let summary = await tick(now: clock.now)
            try await onTick(summary)
            if Task.isCancelled { return }
            let changes = self.changes
            await withTaskGroup(of: Void.self) { group in
                if let due = summary.nextDue {
                    group.addTask { try? await clock.sleep(until: due, tolerance: nil) }
                }
                group.addTask { await changes.wait(after: seen) }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// Performs the due renewals, at most ``maximumConcurrentRenewals`` at a time.
    private func renew(
        _ due: [RenewalStateMachine.Due],
        now: FabricInstant
    ) async -> [(RenewalStateMachine.Due, RenewalStateMachine.Outcome)] {
        if due.isEmpty { return [] }
        return await withTaskGroup(
            of: (RenewalStateMachine.Due, RenewalStateMachine.Outcome).self
        ) { group in
            var results: [(RenewalStateMachine.Due, RenewalStateMachine.Outcome)] = []
            results.reserveCapacity(due.count)
            var pending = due.makeIterator()
            for _ in 0..<Self.maximumConcurrentRenewals {
                guard let next = pending.next() else { break }
                group.addTask { (next, await self.renewOne(next, now: now)) }
            }
            while let result = await group.next() {
                results.append(result)
                if let next = pending.next() {
                    group.addTask { (next, await self.renewOne(next, now: now)) }
                }
            }
            return results
        }
    }

    /// Renews one lease, up to its policy's attempts per tick.
    private func renewOne(_ due: RenewalStateMachine.Due, now: FabricInstant) async -> RenewalStateMachine.Outcome {
        var lastError: any Error = CancellationError()
        var attempts = 0
        while attempts < due.attempts {
            attempts += 1
            do {
                let expiry: FabricInstant
                if let lease = due.lease {
                    try await Self.bounded(by: Self.attemptTimeout(ttl: due.ttl), lease: due.id) {
                        try await lease.renew()
                    }
                    expiry = lease.expiry
                } else if let renewByID {
                    try await Self.bounded(by: Self.attemptTimeout(ttl: due.ttl), lease: due.id) {
                        try await renewByID(due.id)
                    }
                    expiry = now.advanced(by: due.ttl)
                } else {
                    throw FabricError(
                        .invalidRequest,
                        "lease \(due.id) was registered by id, but this RenewalManager has no renew closure; "
                            + "create it with RenewalManager { id in … } or register the lease handle"
                    )
                }
                renewals.increment()
                return .renewed(expiry)
            } catch {
                failures.increment()
                lastError = error
                if RenewalStateMachine.leaseIsGone(error) || Task.isCancelled { break }
            }
        }
        return .failed(lastError, attempts: attempts)
    }

    /// How long one renewal call may take before it is abandoned: a tenth of the TTL, at least 50 ms.
    static func attemptTimeout(ttl: Duration) -> Duration {
        max(ttl / 10, .milliseconds(50))
    }

    /// Runs `body`, abandoning it (cancelled, and reported as a `transient` failure) once `timeout` of real time
    /// has passed: a node that stalls (a paused process, a black-holed connection) would otherwise hold up the tick,
    /// and with it the renewal of every other lease. Real time, not the manager's clock, because the wait is for a
    /// network round trip; a simulated fabric answers at once.
    static func bounded(
        by timeout: Duration,
        lease id: UInt64,
        _ body: @escaping @Sendable () async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            defer { group.cancelAll() }
            guard let finished = try await group.next(), finished else {
                if Task.isCancelled { throw CancellationError() }
                throw FabricError(.transient, "the renewal of lease \(id) did not answer within \(timeout); abandoned")
            }
        }
    }
}
