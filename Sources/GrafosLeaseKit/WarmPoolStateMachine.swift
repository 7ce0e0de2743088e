import GrafosStd

/// The decisions of a ``WarmPool``, without leases, clocks or tasks: which leases to renew, which idle ones to give
/// back, how many to acquire, and when to look again.
///
/// Leases are known by id with their expiry and TTL; the pool applies the plan and reports back.
package struct WarmPoolStateMachine: Sendable {
    /// One lease the pool owns.
    package struct Entry: Sendable, Equatable {
        package var id: LeaseID
        package var expiry: FabricInstant
        package var ttl: Duration
        /// When it was last checked in (or acquired), while idle.
        package var idleSince: FabricInstant?
    }

    /// What to do now.
    package struct Plan: Sendable, Equatable {
        /// Leases to renew.
        package var renew: [LeaseID] = []
        /// Idle leases to release (shrinking, or past their deadline).
        package var release: [LeaseID] = []
        /// How many new leases to acquire.
        package var acquire = 0
        /// When to plan again at the latest.
        package var wakeAt: FabricInstant?
    }

    package let size: Int
    package let minimumSize: Int
    package let idleShrinkAfter: Duration?
    package let renewBelow: Double
    /// The number of leases the pool aims to own: `size` while in demand, `minimumSize` after a quiet spell.
    package private(set) var target: Int
    package private(set) var entries: [LeaseID: Entry] = [:]
    package private(set) var acquiring = 0
    private var retryAcquireAt: FabricInstant?
    private var lastDemand: FabricInstant

    package init(size: Int, minimumSize: Int, idleShrinkAfter: Duration?, renewBelow: Double, now: FabricInstant) {
        self.size = max(0, size)
        self.minimumSize = min(max(0, minimumSize), max(0, size))
        self.idleShrinkAfter = idleShrinkAfter
        self.renewBelow = min(max(renewBelow, 0.01), 0.99)
        target = max(0, size)
        lastDemand = now
    }

    /// Leases idle now.
    package var idle: [LeaseID] { entries.values.filter { $0.idleSince != nil }.map(\.id).sorted(by: Self.order) }
    /// Leases checked out now.
    package var inUse: Int { entries.values.filter { $0.idleSince == nil }.count }

    private static func order(_ a: LeaseID, _ b: LeaseID) -> Bool { (a.high, a.low) < (b.high, b.low) }

    /// A new lease joined the pool, idle.
    package mutating func added(
        _ id: LeaseID,
        expiry: FabricInstant,
        ttl: Duration,
        now: FabricInstant,
        fromRefill: Bool
    ) {
        if fromRefill { acquiring = max(0, acquiring - 1) }
        entries[id] = Entry(id: id, expiry: expiry, ttl: ttl, idleSince: now)
    }

    /// A refill acquisition failed; try again after `delay`.
    package mutating func acquireFailed(now: FabricInstant, retryAfter delay: Duration) {
        acquiring = max(0, acquiring - 1)
        retryAcquireAt = now.advanced(by: delay)
    }

    /// Someone wants a lease: demand restores the full target.
    package mutating func demand(now: FabricInstant) {
        lastDemand = now
        target = size
    }

    /// An idle lease was handed out.
    package mutating func checkedOut(_ id: LeaseID) {
        entries[id]?.idleSince = nil
    }

    /// A lease came back; returns whether the pool keeps it (false: release it, the pool is over target).
    package mutating func checkedIn(_ id: LeaseID, now: FabricInstant) -> Bool {
        guard entries[id] != nil else { return false }
        if entries.count > target {
            entries.removeValue(forKey: id)
            return false
        }
        entries[id]?.idleSince = now
        return true
    }

    /// A lease was renewed.
    package mutating func renewed(_ id: LeaseID, expiry: FabricInstant) {
        entries[id]?.expiry = expiry
    }

    /// A lease left the pool (released, expired, or its renewal failed).
    package mutating func removed(_ id: LeaseID) {
        entries.removeValue(forKey: id)
    }

    /// Decides what to do at `now`, counting planned acquisitions as under way.
    package mutating func plan(now: FabricInstant) -> Plan {
        var plan = Plan()
        var wake: [FabricInstant] = []
        if let idleShrinkAfter, target > minimumSize {
            let quietUntil = lastDemand.advanced(by: idleShrinkAfter)
            if now >= quietUntil { target = minimumSize } else { wake.append(quietUntil) }
        }
        // Renew every lease (idle or out) whose remaining time fell below its threshold.
        for entry in entries.values {
            let due = entry.expiry.advanced(by: .zero - entry.ttl * renewBelow)
            if now >= due { plan.renew.append(entry.id) } else { wake.append(due) }
        }
        // Shrink: give back idle leases beyond the target, longest idle first.
        var excess = entries.count + acquiring - target
        if excess > 0 {
            let idleEntries = entries.values.filter { $0.idleSince != nil }
                .sorted { ($0.idleSince!, $0.id.high, $0.id.low) < ($1.idleSince!, $1.id.high, $1.id.low) }
            for entry in idleEntries where excess > 0 {
                plan.release.append(entry.id)
                excess -= 1
            }
        }
        // Refill up to the target, unless a failed acquisition asked us to wait.
        let missing = target - entries.count - acquiring + plan.release.count
        if missing > 0 {
            if let retry = retryAcquireAt, now < retry {
                wake.append(retry)
            } else {
                retryAcquireAt = nil
                plan.acquire = missing
                acquiring += missing
            }
        }
        plan.renew.sort(by: Self.order)
        plan.wakeAt = wake.min()
        return plan
    }
}
