import GrafosObserve
import GrafosStd
import Synchronization

/// A pool of CPU leases kept warm — acquired ahead of need and renewed — so bursts of work start without waiting
/// for a lease round trip.
///
/// ``run()`` fills the pool to its size, renews every lease it owns before it runs low, refills what is taken or
/// lost, gives idle leases back after a quiet spell (down to a minimum), and releases everything when cancelled or
/// on ``shutdown()``. ``checkout()`` hands out an idle lease at once (or, when none is idle, acquires one directly);
/// ``checkin(_:)`` returns it. ``withLease(_:)`` does both around a body:
///
/// ```swift
/// let pool = WarmPool(configuration: .init(size: 16, cores: 2, ttl: .seconds(30)))
/// let keeper = Task { try await pool.run() }
/// await pool.ready()
/// let r = try await pool.withLease { lease in
///     try await lease.cpu().submit(taskletWasm).fuel(5_000_000).input(chunk.bytes).launch()
/// }
/// keeper.cancel()   // releases every lease
/// ```
public final class WarmPool: Sendable {
    /// How the pool behaves.
    public struct Configuration: Sendable {
        /// Leases to keep while there is demand.
        public var size: Int
        /// Leases to keep after ``idleShrinkAfter`` without demand.
        public var minimumSize: Int
        /// Cores per lease.
        public var cores: Int
        /// Each lease's TTL (and renewal extension).
        public var ttl: Duration
        /// Capabilities every lease's node must have.
        public var capabilities: Set<String>
        /// Renew a lease when less than this fraction of its TTL remains.
        public var renewBelow: Double
        /// Shrink to ``minimumSize`` after this long without a checkout; nil never shrinks.
        public var idleShrinkAfter: Duration?
        /// Wait this long before retrying a refill that failed (e.g. no capacity).
        public var retryInterval: Duration

        /// Creates a configuration.
        public init(
            size: Int,
            minimumSize: Int = 0,
            cores: Int = 1,
            ttl: Duration = .seconds(60),
            capabilities: Set<String> = [],
            renewBelow: Double = 0.5,
            idleShrinkAfter: Duration? = .seconds(60),
            retryInterval: Duration = .seconds(1)
        ) {
            self.size = size
            self.minimumSize = minimumSize
            self.cores = cores
            self.ttl = ttl
            self.capabilities = capabilities
            self.renewBelow = renewBelow
            self.idleShrinkAfter = idleShrinkAfter
            self.retryInterval = retryInterval
        }
    }

    private struct State {
        var machine: WarmPoolStateMachine
        var leases: [LeaseID: CpuLease] = [:]
        var closed = false
    }

    /// The configuration.
    public let configuration: Configuration
    private let fabric: any FabricProtocol
    private let clock: any FabricClock
    private let state: Mutex<State>
    private let changed = ChangeSignal()
    private let renewals: Counter
    private let renewalFailures: Counter

    /// Creates a pool; nothing is leased until ``run()``.
    /// - Parameters:
    ///   - configuration: Size, lease shape and timing.
    ///   - fabric: Where leases come from; ``Fabric/current`` by default.
    ///   - clock: The clock renewal and idle times are measured on; the fabric's clock by default.
    ///   - metrics: Where `lease_renewals_total` and `lease_renewal_failures_total` are counted.
    public init(
        configuration: Configuration,
        fabric: (any FabricProtocol)? = nil,
        clock: (any FabricClock)? = nil,
        metrics: MetricsRegistry = .default
    ) {
        let fabric = fabric ?? Fabric.current
        let clock = clock ?? fabric.clock
        self.configuration = configuration
        self.fabric = fabric
        self.clock = clock
        state = Mutex(
            State(
                machine: WarmPoolStateMachine(
                    size: configuration.size,
                    minimumSize: configuration.minimumSize,
                    idleShrinkAfter: configuration.idleShrinkAfter,
                    renewBelow: configuration.renewBelow,
                    now: clock.now
                )
            )
        )
        renewals = metrics.counter("lease_renewals_total", help: "Lease renewals that succeeded")
        renewalFailures = metrics.counter("lease_renewal_failures_total", help: "Lease renewals that failed")
    }

    /// Idle leases ready to hand out.
    public var available: Int { state.withLock { $0.machine.idle.count } }
    /// Leases checked out now.
    public var inUse: Int { state.withLock { $0.machine.inUse } }
    /// Leases the pool owns (idle and checked out).
    public var owned: Int { state.withLock { $0.leases.count } }

    /// Suspends until the pool holds its full target of idle leases (or is closed, or the task is cancelled).
    public func ready() async {
        while !Task.isCancelled {
            let seen = changed.generation
            let done = state.withLock { state in
                state.closed || (state.machine.acquiring == 0 && state.machine.idle.count >= state.machine.target)
            }
            if done { return }
            await changed.wait(after: seen)
        }
    }

    /// Hands out a lease: an idle one at once, or — when none is idle — a freshly acquired one.
    /// - Throws: ``FabricError`` when a fresh lease cannot be acquired; `invalidRequest` after ``shutdown()``.
    public func checkout() async throws -> CpuLease {
        let now = clock.now
        let taken = try state.withLock { state throws(FabricError) -> CpuLease? in
            guard !state.closed else { throw FabricError(.invalidRequest, "the warm pool was shut down") }
            state.machine.demand(now: now)
            guard let id = state.machine.idle.first, let lease = state.leases[id] else { return nil }
            state.machine.checkedOut(id)
            return lease
        }
        changed.signal()
        if let taken { return taken }
        let lease = try await acquire()
        let kept = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.leases[lease.id] = lease
            state.machine.added(lease.id, expiry: lease.expiry, ttl: lease.ttl, now: clock.now, fromRefill: false)
            state.machine.checkedOut(lease.id)
            return true
        }
        if !kept { throw FabricError(.invalidRequest, "the warm pool was shut down") }
        return lease
    }

    /// Returns a lease from ``checkout()``. The pool keeps it warm, or releases it when over its target.
    public func checkin(_ lease: CpuLease) async {
        let now = clock.now
        let keep = state.withLock { state -> Bool in
            guard !state.closed, state.machine.checkedIn(lease.id, now: now) else {
                state.leases.removeValue(forKey: lease.id)
                return false
            }
            return true
        }
        if !keep { await lease.release() }
        changed.signal()
    }

    /// Runs `body` with a lease from the pool and returns it afterwards, even when `body` throws.
    public func withLease<T: Sendable>(_ body: (CpuLease) async throws -> T) async throws -> T {
        let lease = try await checkout()
        do {
            let result = try await body(lease)
            await checkin(lease)
            return result
        } catch {
            await checkin(lease)
            throw error
        }
    }

    /// Keeps the pool warm until the task is cancelled, then releases every lease.
    public func run() async throws {
        await withTaskCancellationHandler {
            while !Task.isCancelled && !state.withLock({ $0.closed }) {
                let seen = changed.generation
                let plan = state.withLock { $0.machine.plan(now: clock.now) }
                if plan.acquire > 0 || !plan.renew.isEmpty || !plan.release.isEmpty {
                    await apply(plan)
                    continue
                }
                await sleep(until: plan.wakeAt, orChangeAfter: seen)
            }
        } onCancel: {
            changed.signal()
        }
        await shutdown()
    }

    /// Releases every lease the pool owns — idle and checked out — and refuses further checkouts.
    public func shutdown() async {
        let leases = state.withLock { state -> [CpuLease] in
            state.closed = true
            defer { state.leases = [:] }
            for id in state.leases.keys { state.machine.removed(id) }
            // In id order, so that a seeded simulation records the same history on every run.
            return state.leases.values.sorted { ($0.id.high, $0.id.low) < ($1.id.high, $1.id.low) }
        }
        for lease in leases { await lease.release() }
        changed.signal()
    }

    // MARK: Internals

    private func acquire() async throws -> CpuLease {
        var builder = CpuBuilder(on: fabric).cores(configuration.cores).lease(configuration.ttl)
        for capability in configuration.capabilities.sorted() { builder = builder.require(capability) }
        return try await builder.acquire()
    }

    private func apply(_ plan: WarmPoolStateMachine.Plan) async {
        for id in plan.release {
            let lease = state.withLock { state -> CpuLease? in
                state.machine.removed(id)
                return state.leases.removeValue(forKey: id)
            }
            await lease?.release()
        }
        for id in plan.renew {
            guard let lease = state.withLock({ $0.leases[id] }) else { continue }
            do {
                try await lease.renew()
                renewals.increment()
                state.withLock { $0.machine.renewed(id, expiry: lease.expiry) }
            } catch {
                renewalFailures.increment()
                state.withLock { state in
                    state.machine.removed(id)
                    state.leases.removeValue(forKey: id)
                }
            }
        }
        if plan.acquire > 0 {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<plan.acquire {
                    group.addTask { [self] in
                        do {
                            let lease = try await acquire()
                            let kept = state.withLock { state -> Bool in
                                guard !state.closed else { return false }
                                state.leases[lease.id] = lease
                                state.machine.added(
                                    lease.id,
                                    expiry: lease.expiry,
                                    ttl: lease.ttl,
                                    now: clock.now,
                                    fromRefill: true
                                )
                                return true
                            }
                            if !kept { await lease.release() }
                        } catch {
                            let now = clock.now
                            state.withLock {
                                $0.machine.acquireFailed(now: now, retryAfter: configuration.retryInterval)
                            }
                        }
                    }
                }
            }
        }
        changed.signal()
    }

    /// Sleeps until `deadline` or until something changes after generation `seen`.
    private func sleep(until deadline: FabricInstant?, orChangeAfter seen: UInt64) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [changed] in await changed.wait(after: seen) }
            if let deadline {
                group.addTask { [clock] in try? await clock.sleep(until: deadline, tolerance: nil) }
            }
            await group.next()
            group.cancelAll()
        }
    }
}
