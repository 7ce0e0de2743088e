import GrafosStd
import Synchronization

/// One worker of ``JobCoordinator/run(_:on:_:replacingWith:exec:aggregate:)``: the lease it runs on now, replaced
/// by a fresh one when an attempt reports that the lease died.
///
/// Several runners may share a slot (one per leased core). The first to need a replacement acquires it; the others
/// wait and then use it. Leases the coordinator acquired are released when replaced and when the run ends; the
/// caller's own leases are never released.
///
/// When a replacement cannot be acquired and `mayAbandon` agrees (other workers are still usable), the slot is
/// abandoned: every later ``current()`` throws at once, and its runners stop and leave their chunks to the other
/// workers instead of failing them.
final class WorkerSlot: Sendable {
    private struct State {
        var lease: CpuLease
        var generation: UInt64 = 0
        var dead = false
        var owned = false
        var abandoned: (any Error)?
    }

    private let state: Mutex<State>
    private let gate = AsyncSemaphore(permits: 1)
    private let replace: @Sendable (CpuLease) async throws -> CpuLease
    private let onReplace: @Sendable (CpuLease, CpuLease) -> Void
    private let mayAbandon: @Sendable (CpuLease, any Error) -> Bool

    init(
        lease: CpuLease,
        replace: @escaping @Sendable (CpuLease) async throws -> CpuLease,
        mayAbandon: @escaping @Sendable (CpuLease, any Error) -> Bool = { _, _ in false },
        onReplace: @escaping @Sendable (CpuLease, CpuLease) -> Void
    ) {
        state = Mutex(State(lease: lease))
        self.replace = replace
        self.mayAbandon = mayAbandon
        self.onReplace = onReplace
    }

    /// The worker's shape now.
    var lease: CpuLease { state.withLock { $0.lease } }

    /// Whether the slot gave up on its worker.
    var isAbandoned: Bool { state.withLock { $0.abandoned != nil } }

    /// The lease to run the next attempt on, replacing a dead one first.
    /// - Returns: The lease and its generation, to pass back to ``reportFailure(_:generation:)``.
    /// - Throws: What acquiring a replacement throws (also, once abandoned, on every later call), or
    ///   `CancellationError`.
    func current() async throws -> (CpuLease, UInt64) {
        if let live = state.withLock({ $0.dead ? nil : ($0.lease, $0.generation) }) {
            guard live.0.expiry <= live.0.fabric.clock.now else { return live }
            // Its TTL ran out while no attempt used it (renewals failed meanwhile): replace it now, instead of
            // spending an attempt — and a retry of whichever chunk comes next — on finding out.
            state.withLock { state in
                if state.generation == live.1 { state.dead = true }
            }
        }
        try await gate.acquire()
        defer { gate.release() }
        let (old, generation, dead, owned, abandoned) = state.withLock {
            ($0.lease, $0.generation, $0.dead, $0.owned, $0.abandoned)
        }
        if let abandoned { throw abandoned }
        guard dead else { return (old, generation) }
        let new: CpuLease
        do {
            new = try await replace(old)
        } catch {
            if mayAbandon(old, error) { state.withLock { $0.abandoned = error } }
            throw error
        }
        let next = state.withLock { state -> UInt64 in
            state.lease = new
            state.generation &+= 1
            state.dead = false
            state.owned = true
            return state.generation
        }
        onReplace(old, new)
        if owned { await old.release() }
        return (new, next)
    }

    /// Marks the lease of `generation` dead when `error` says it is gone or unreachable.
    func reportFailure(_ error: any Error, generation: UInt64) {
        guard Self.leaseIsDead(error) else { return }
        state.withLock { state in
            if state.generation == generation { state.dead = true }
        }
    }

    /// Releases the current lease if the coordinator acquired it.
    func releaseOwned() async {
        let (lease, owned) = state.withLock { ($0.lease, $0.owned) }
        if owned { await lease.release() }
    }

    /// Whether an attempt's error means its lease can no longer run work.
    static func leaseIsDead(_ error: any Error) -> Bool {
        guard let error = error as? FabricError else { return false }
        return error.code == .leaseExpired || error.code == .leaseReleased || error.code == .unknownLease
            || error.code == .notHolder || error.code == .disconnected
    }
}
