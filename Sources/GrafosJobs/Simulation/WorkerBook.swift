import GrafosLeaseKit
import GrafosStd
import Synchronization

/// The leases a ``ClusterSimulation``'s driver holds itself — the worker leases it hands the coordinator and the
/// artifacts lease — and the renew closure its `RenewalManager` calls, with the seeded renewal faults in front.
///
/// Leases are registered under small ids (workers `0..<n`, then fresh workers of a restarted job) and the artifacts
/// lease under ``artifactsID``. A worker the coordinator replaced leaves the book; when its node is unreachable it is
/// kept, unrenewed, among the ``stranded`` until the end (the fabric reclaims it at its expiry, or — if its node comes
/// back first — it is live again but nobody may use it).
final class WorkerBook: Sendable {
    /// The registration id of the artifacts lease.
    static let artifactsID: UInt64 = 1 << 62

    /// What renewal faults were injected.
    struct Counters: Sendable, Hashable {
        var calls = 0
        var injectedFailures = 0
        var lostRenewalFailures = 0
    }

    private struct State {
        var workers: [UInt64: CpuLease] = [:]
        var ids: [LeaseID: UInt64] = [:]
        var calls: [UInt64: Int] = [:]
        var lostFrom: [UInt64: FabricInstant] = [:]
        var artifacts: BlockLease?
        var stranded: [CpuLease] = []
        var nextID: UInt64 = 0
        var counters = Counters()
    }

    private let state = Mutex(State())
    private let faults: SimulationFaults
    private let clock: ManualClock
    private let lossHorizon: Duration

    /// - Parameters:
    ///   - faults: The fault model (renewal failures).
    ///   - clock: The virtual clock.
    ///   - lossHorizon: Workers whose renewals fail for good start failing within this time of the epoch.
    init(faults: SimulationFaults, clock: ManualClock, lossHorizon: Duration) {
        self.faults = faults
        self.clock = clock
        self.lossHorizon = lossHorizon
    }

    /// Adds worker leases and returns their ids.
    func add(_ leases: [CpuLease]) -> [UInt64] {
        state.withLock { state in
            leases.map { lease in
                let id = state.nextID
                state.nextID += 1
                state.workers[id] = lease
                state.ids[lease.id] = id
                if let from = faults.renewalsLost(id: id, within: lossHorizon) { state.lostFrom[id] = from }
                return id
            }
        }
    }

    /// Keeps the artifacts lease (renewed under ``artifactsID``).
    func setArtifacts(_ lease: BlockLease?) {
        state.withLock { $0.artifacts = lease }
    }

    /// Removes the worker holding `lease`, returning its id and lease, or nil when the book does not hold it.
    func remove(_ lease: LeaseID) -> (UInt64, CpuLease)? {
        state.withLock { state in
            guard let id = state.ids.removeValue(forKey: lease), let worker = state.workers.removeValue(forKey: id)
            else {
                return nil
            }
            return (id, worker)
        }
    }

    /// Keeps a replaced worker whose node is unreachable, unrenewed, until the end.
    func strand(_ lease: CpuLease) {
        state.withLock { $0.stranded.append(lease) }
    }

    /// Workers still held, in id order.
    var workers: [CpuLease] {
        state.withLock { state in state.workers.keys.sorted().compactMap { state.workers[$0] } }
    }

    /// Every lease the book holds (workers, stranded, artifacts), emptying it.
    func takeAll() -> (workers: [CpuLease], artifacts: BlockLease?) {
        state.withLock { state in
            let workers = state.workers.keys.sorted().compactMap { state.workers[$0] } + state.stranded
            let artifacts = state.artifacts
            state.workers = [:]
            state.ids = [:]
            state.stranded = []
            state.artifacts = nil
            return (workers, artifacts)
        }
    }

    /// Replaced workers kept because their node was unreachable.
    var strandedCount: Int { state.withLock { $0.stranded.count } }

    /// What was injected so far.
    var counters: Counters { state.withLock { $0.counters } }

    /// Renews the lease registered under `id` — the `RenewalManager`'s renew closure — unless a seeded fault fails
    /// the call first.
    /// - Throws: `FabricError.transient` for an injected failure; `unknownLease` for an id no longer held (the
    ///   manager then drops it); what the fabric's renewal throws.
    func renew(_ id: UInt64) async throws {
        let now = clock.now
        let (lease, call, lost) = state.withLock { state -> ((any RenewableLease)?, Int, Bool) in
            let lease: (any RenewableLease)? = id == Self.artifactsID ? state.artifacts : state.workers[id]
            let call = state.calls[id, default: 0]
            state.calls[id] = call + 1
            state.counters.calls += 1
            let lost = state.lostFrom[id].map { now >= $0 } ?? false
            if lost { state.counters.lostRenewalFailures += 1 }
            return (lease, call, lost)
        }
        guard let lease else {
            throw FabricError(.unknownLease, "lease \(id) is no longer held by the simulation")
        }
        if lost {
            throw FabricError(.transient, "injected: every renewal of worker \(id) fails from now on")
        }
        if faults.renewalFails(id: id, call: call) {
            state.withLock { $0.counters.injectedFailures += 1 }
            throw FabricError(.transient, "injected renewal failure of lease \(id)")
        }
        try await lease.renew()
    }
}
