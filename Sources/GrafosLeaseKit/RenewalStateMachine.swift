import GrafosStd

/// The bookkeeping of a ``RenewalManager`` as a pure value: which leases are registered, which are due, what a
/// finished renewal changes. No concurrency and no clock: every method takes `now`, so it is unit-testable alone.
///
/// A tick runs in two steps: ``beginTick(now:)`` removes expired and dropped registrations and marks the due ones
/// in flight; after the renewal calls, ``finish(_:outcome:now:)`` records each result. A registration replaced or
/// removed while its renewal is in flight is left alone when the stale result arrives (its generation differs).
package struct RenewalStateMachine: Sendable {
    /// A weak reference to a registered lease handle.
    package struct WeakLease: Sendable {
        package weak var lease: (any RenewableLease)?

        package init(_ lease: any RenewableLease) {
            self.lease = lease
        }
    }

    /// One registered lease.
    package struct Registration: Sendable {
        package var id: UInt64
        package var expiry: FabricInstant
        package var ttl: Duration
        package var policy: RenewalPolicy
        package var handle: WeakLease?
        package var generation: UInt64
        package var inFlight = false
        /// No attempt before this (set after every attempt, successful or not).
        package var notBefore: FabricInstant?
        /// When the current run of failures began.
        package var failingSince: FabricInstant?
    }

    /// A renewal to perform now.
    package struct Due: Sendable {
        package var id: UInt64
        package var generation: UInt64
        /// The handle to renew, or nil to call the manager's renew closure.
        package var lease: (any RenewableLease)?
        package var ttl: Duration
        package var attempts: Int
    }

    /// What a tick must do.
    package struct Tick: Sendable {
        package var due: [Due] = []
        package var expired: [UInt64] = []
        package var dropped: [UInt64] = []
    }

    /// How a renewal ended.
    package enum Outcome: Sendable {
        /// Renewed until this expiry.
        case renewed(FabricInstant)
        /// Failed after `attempts` calls, the last with `error`.
        case failed(any Error, attempts: Int)
    }

    /// What recording an outcome means for the summary.
    package enum Settled: Sendable {
        case renewed(UInt64)
        case failed(RenewalFailure)
        /// The registration changed while the renewal was in flight; nothing to report.
        case stale
    }

    /// Ids handed out by ``allocateID()`` start here, far from small ids callers choose themselves.
    package static let firstAutomaticID: UInt64 = 1 << 63

    private var registrations: [UInt64: Registration] = [:]
    private var nextGeneration: UInt64 = 0
    private var nextAutomaticID = firstAutomaticID

    package init() {}

    /// Registered ids, sorted.
    package var ids: [UInt64] { registrations.keys.sorted() }

    /// The registration for `id`.
    package func registration(_ id: UInt64) -> Registration? { registrations[id] }

    /// An id not registered yet, for leases registered by handle.
    package mutating func allocateID() -> UInt64 {
        while registrations[nextAutomaticID] != nil { nextAutomaticID &+= 1 }
        defer { nextAutomaticID &+= 1 }
        return nextAutomaticID
    }

    /// Registers (or replaces) a lease.
    package mutating func register(
        _ id: UInt64,
        expiry: FabricInstant,
        ttl: Duration,
        policy: RenewalPolicy,
        handle: (any RenewableLease)?
    ) {
        nextGeneration &+= 1
        registrations[id] = Registration(
            id: id,
            expiry: expiry,
            ttl: max(ttl, .nanoseconds(1)),
            policy: policy,
            handle: handle.map(WeakLease.init),
            generation: nextGeneration
        )
    }

    /// Removes a registration. - Returns: whether it was registered.
    @discardableResult
    package mutating func unregister(_ id: UInt64) -> Bool {
        registrations.removeValue(forKey: id) != nil
    }

    /// Removes expired and dropped registrations and marks the due ones in flight.
    package mutating func beginTick(now: FabricInstant) -> Tick {
        var tick = Tick()
        for id in registrations.keys.sorted() {
            guard var entry = registrations[id], !entry.inFlight else { continue }
            var lease: (any RenewableLease)?
            if let handle = entry.handle {
                guard let live = handle.lease else {
                    registrations[id] = nil
                    tick.dropped.append(id)
                    continue
                }
                entry.expiry = max(entry.expiry, live.expiry)
                lease = live
            }
            if entry.expiry <= now {
                registrations[id] = nil
                tick.expired.append(id)
                continue
            }
            if now >= renewalTime(entry) {
                entry.inFlight = true
                tick.due.append(
                    Due(
                        id: id,
                        generation: entry.generation,
                        lease: lease,
                        ttl: entry.ttl,
                        attempts: max(1, entry.policy.attemptsPerTick)
                    )
                )
            }
            registrations[id] = entry
        }
        return tick
    }

    /// Records how the renewal of `due` ended.
    package mutating func finish(_ due: Due, outcome: Outcome, now: FabricInstant) -> Settled {
        guard var entry = registrations[due.id], entry.generation == due.generation else { return .stale }
        entry.inFlight = false
        // The next call for this lease waits the retry interval — but never more than a tenth of the TTL, so that a
        // 1-second lease is renewed (and retried) in time; after a success the same gap keeps `renewBelow: 1` from
        // renewing in a tight loop.
        entry.notBefore = now.advanced(by: max(min(entry.policy.retryInterval, entry.ttl / 10), .milliseconds(1)))
        switch outcome {
        case .renewed(let expiry):
            entry.expiry = max(entry.expiry, expiry)
            entry.failingSince = nil
            registrations[due.id] = entry
            return .renewed(due.id)
        case .failed(let error, let attempts):
            let since = entry.failingSince ?? now
            entry.failingSince = since
            var gaveUp = Self.leaseIsGone(error)
            if let limit = entry.policy.giveUpAfter, since.duration(to: now) >= limit { gaveUp = true }
            registrations[due.id] = gaveUp ? nil : entry
            return .failed(RenewalFailure(id: due.id, error: error, attempts: attempts, gaveUp: gaveUp))
        }
    }

    /// Registrations past their renewal deadline at `now`, sorted.
    package func pastDeadline(now: FabricInstant) -> [UInt64] {
        registrations.values.filter { entry in
            now >= entry.policy.deadline(expiry: entry.expiry, ttl: entry.ttl)
        }.map(\.id).sorted()
    }

    /// The earliest instant at which a tick has something to do: a renewal (possibly already due, then at or
    /// before `now`), or a deadline or expiry after `now`. Renewals in flight are not counted.
    package func nextDue(after now: FabricInstant) -> FabricInstant? {
        var next: FabricInstant?
        func consider(_ instant: FabricInstant) {
            if next.map({ instant < $0 }) ?? true { next = instant }
        }
        for entry in registrations.values where !entry.inFlight {
            consider(renewalTime(entry))
            let deadline = entry.policy.deadline(expiry: entry.expiry, ttl: entry.ttl)
            if deadline > now { consider(deadline) }
            consider(entry.expiry)
        }
        return next
    }

    /// When `entry` is next due for a renewal call.
    private func renewalTime(_ entry: Registration) -> FabricInstant {
        let due = entry.policy.renewalTime(expiry: entry.expiry, ttl: entry.ttl)
        guard let notBefore = entry.notBefore else { return due }
        return max(due, notBefore)
    }

    /// Whether a renewal error means the lease can never be renewed again.
    package static func leaseIsGone(_ error: any Error) -> Bool {
        guard let error = error as? FabricError else { return false }
        return error.code == .leaseExpired || error.code == .leaseReleased || error.code == .unknownLease
            || error.code == .notHolder || error.code == .invalidRequest
    }
}
