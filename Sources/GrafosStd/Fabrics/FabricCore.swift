import GrafosObserve
import Synchronization

/// The engine room of the in-process fabrics: a ``LeaseTable`` behind a mutex, driven by a ``FabricClock``,
/// with block stores, per-lease core gates, launch interrupts, metrics, an optional event history, and a reaper
/// timer that reclaims expired leases without any call from their holders.
///
/// ``LocalFabric`` and ``SimulatedFabric`` differ only in what they put around it (real or virtual time, system or
/// seeded randomness, the engine or scripted launches, fault injection).
package final class FabricCore: Sendable {
    /// The storage attached to a block lease.
    package final class StoreBox: Sendable {
        package let store: Mutex<BlockStore>

        init(blocks: Int) {
            store = Mutex(BlockStore(blockCount: blocks))
        }
    }

    private struct State: Sendable {
        var table: LeaseTable
        var random: RandomSource
        /// Launches running per lease, in the order they began (so they are stopped in a reproducible order).
        var inflight: [LeaseID: [LaunchInterrupt]] = [:]
        var pendingEndings: [(LeaseTable.Record, FabricError)] = []
        var history: [FabricEvent]?
        var reaperDeadline: FabricInstant?
        var reaperTimer: FabricTimer?
        var reaperGeneration: UInt64 = 0
    }

    /// System randomness for unguessable ids, or a seeded stream for reproducible simulations.
    private struct RandomSource: RandomNumberGenerator, Sendable {
        var seeded: SeededRandomNumberGenerator?

        mutating func next() -> UInt64 {
            if seeded != nil { return seeded!.next() }
            var system = SystemRandomNumberGenerator()
            return system.next()
        }
    }

    package let clock: any FabricClock
    package let metrics: MetricsRegistry
    private let state: Mutex<State>
    private let cpuGauge: Gauge
    private let blockGauge: Gauge
    private let expiredCounter: Counter
    private let launches: TaskletMetrics
    private let artifactBytes: Counter
    private let persistence: (any BlockPersistence)?

    /// Creates a core.
    /// - Parameters:
    ///   - nodes: The CPU nodes.
    ///   - storageName: The node name of block leases.
    ///   - storageBlocks: Blocks in the storage pool.
    ///   - clock: Lease time.
    ///   - metrics: Where gauges and counters go.
    ///   - seed: A seed for reproducible ids and placement, or nil for system randomness.
    ///   - recordsHistory: Whether to keep a ``FabricEvent`` log.
    package init(
        nodes: [(name: String, cores: Int, capabilities: Set<String>)],
        storageName: String,
        storageBlocks: Int,
        clock: any FabricClock,
        metrics: MetricsRegistry,
        seed: UInt64?,
        recordsHistory: Bool,
        persistence: (any BlockPersistence)? = nil
    ) {
        self.clock = clock
        self.metrics = metrics
        self.persistence = persistence
        state = Mutex(
            State(
                table: LeaseTable(nodes: nodes, storageName: storageName, storageBlocks: storageBlocks),
                random: RandomSource(seeded: seed.map { SeededRandomNumberGenerator(seed: $0) }),
                history: recordsHistory ? [] : nil
            )
        )
        cpuGauge = metrics.gauge("cpu_leases_active", help: "CPU leases currently held")
        blockGauge = metrics.gauge("block_leases_active", help: "Block storage leases currently held")
        expiredCounter = metrics.counter(
            "leases_expired_total",
            help: "Leases the fabric reclaimed because their TTL passed without a renewal"
        )
        launches = TaskletMetrics(metrics)
        artifactBytes = metrics.counter("artifact_bytes_written", help: "Bytes newly stored in block leases")
        if let persistence { restore(from: persistence) }
    }

    /// Re-creates the block leases a previous process left in `persistence`, with their contents.
    private func restore(from persistence: any BlockPersistence) {
        let now = clock.now
        for (var grant, remaining, contents) in persistence.restore() {
            grant.expiry = now.advanced(by: remaining)
            let box = StoreBox(blocks: grant.blocks)
            box.store.withLock { store in
                for operation in contents { _ = try? store.apply(operation) }
            }
            let restored = state.withLock { state -> Bool in
                do throws(FabricError) {
                    try state.table.restoreBlock(grant, attachment: box)
                    return true
                } catch {
                    return false
                }
            }
            if restored {
                blockGauge.increment()
                scheduleReaper(for: grant.expiry)
            } else {
                persistence.ended(grant.credential.id)
            }
        }
    }

    deinit {
        // Leases still held when the fabric goes away no longer count as active.
        let (cpu, block, timer) = state.withLock {
            ($0.table.activeCpuLeases, $0.table.activeBlockLeases, $0.reaperTimer)
        }
        timer?.cancel()
        cpuGauge.decrement(by: Double(cpu))
        blockGauge.decrement(by: Double(block))
    }

    // MARK: Leases

    package func acquireCpu(_ request: CpuLeaseRequest) throws(FabricError) -> LeaseGrant {
        let grant = try mutate { state, now throws(FabricError) in
            let credential = LeaseCredential(
                id: .random(using: &state.random),
                token: .random(using: &state.random)
            )
            let gate = AsyncSemaphore(permits: request.cores)
            do throws(FabricError) {
                let grant = try state.table.acquireCpu(request, credential: credential, now: now, attachment: gate)
                state.history?.append(
                    .acquired(grant.credential.id, .cpu, node: grant.node, amount: grant.cores, expiry: grant.expiry)
                )
                return grant
            } catch {
                state.history?.append(.refused(error.code))
                throw error
            }
        }
        cpuGauge.increment()
        scheduleReaper(for: grant.expiry)
        return grant
    }

    package func acquireBlock(_ request: BlockLeaseRequest) throws(FabricError) -> LeaseGrant {
        let grant = try mutate { state, now throws(FabricError) in
            let credential = LeaseCredential(
                id: .random(using: &state.random),
                token: .random(using: &state.random)
            )
            do throws(FabricError) {
                let grant = try state.table.acquireBlock(
                    request,
                    credential: credential,
                    now: now,
                    attachment: StoreBox(blocks: request.blocks)
                )
                state.history?.append(
                    .acquired(grant.credential.id, .block, node: grant.node, amount: grant.blocks, expiry: grant.expiry)
                )
                return grant
            } catch {
                state.history?.append(.refused(error.code))
                throw error
            }
        }
        blockGauge.increment()
        scheduleReaper(for: grant.expiry)
        if let persistence {
            do throws(FabricError) {
                try persistence.created(grant, expiresIn: clock.now.duration(to: grant.expiry))
            } catch {
                try? release(grant.credential)
                throw FabricError(.storageFull, "the node could not make the lease durable: \(error.message)")
            }
        }
        return grant
    }

    package func renew(_ credential: LeaseCredential, for duration: Duration) throws(FabricError) -> FabricInstant {
        let (expiry, grant) = try mutate { state, now throws(FabricError) in
            let expiry = try state.table.renew(credential, for: duration, now: now)
            state.history?.append(.renewed(credential.id, expiry: expiry))
            return (expiry, state.table.leases[credential.id]?.grant)
        }
        scheduleReaper(for: expiry)
        if let persistence, let grant, grant.kind == .block {
            try persistence.renewed(grant, expiresIn: clock.now.duration(to: expiry))
        }
        return expiry
    }

    package func release(_ credential: LeaseCredential) throws(FabricError) {
        try mutate { state, _ throws(FabricError) in
            let record = try state.table.release(credential)
            state.history?.append(.released(credential.id))
            state.pendingEndings.append(
                (record, FabricError(.leaseReleased, "lease \(credential.id) was released", lease: credential.id))
            )
        }
    }

    /// Ends a lease as expired now (fault injection). Returns whether it was live.
    @discardableResult
    package func forceExpire(_ id: LeaseID) -> Bool {
        (try? mutate { state, now throws(FabricError) in
            guard let record = state.table.forceExpire(id, now: now) else { return false }
            state.history?.append(.expired(id, at: now))
            state.pendingEndings.append((record, Self.expiredError(id, at: now)))
            return true
        }) ?? false
    }

    /// Reclaims every lease whose expiry has passed. Every other entry point does this first, too.
    package func sweep() {
        try? mutate { _, _ throws(FabricError) in }
    }

    /// Live CPU leases, after reclaiming expired ones.
    package var activeCpuLeases: Int {
        (try? mutate { state, _ throws(FabricError) in state.table.activeCpuLeases }) ?? 0
    }

    /// Live block leases, after reclaiming expired ones.
    package var activeBlockLeases: Int {
        (try? mutate { state, _ throws(FabricError) in state.table.activeBlockLeases }) ?? 0
    }

    /// Free cores per node, after reclaiming expired leases.
    package var freeCores: [String: Int] {
        (try? mutate { state, _ throws(FabricError) in
            Dictionary(uniqueKeysWithValues: state.table.nodes.map { ($0.name, $0.freeCores) })
        }) ?? [:]
    }

    /// Storage blocks not leased, after reclaiming expired leases.
    package var freeStorageBlocks: Int {
        (try? mutate { state, _ throws(FabricError) in state.table.storageFreeBlocks }) ?? 0
    }

    /// The event log, if kept.
    package var history: [FabricEvent] {
        state.withLock { $0.history ?? [] }
    }

    /// Takes the events recorded so far and empties the log (if kept), so a long simulation can check its history
    /// as it goes in bounded memory.
    package func drainHistory() -> [FabricEvent] {
        state.withLock { state in
            guard let events = state.history else { return [] }
            state.history = []
            return events
        }
    }

    /// Draws from the core's random source (seeded in simulations).
    package func random(in range: Range<Double>) -> Double {
        state.withLock { Double.random(in: range, using: &$0.random) }
    }

    // MARK: Nodes

    /// Names of the nodes, in configuration order.
    package var nodeNames: [String] {
        state.withLock { $0.table.nodes.map(\.name) }
    }

    /// Marks a node unreachable (stopping its launches with `disconnected`) or reachable again.
    /// - Returns: false when there is no such node.
    @discardableResult
    package func setOnline(_ online: Bool, node name: String) -> Bool {
        (try? mutate { state, now throws(FabricError) in
            guard let index = state.table.nodeIndex(named: name) else { return false }
            guard state.table.nodes[index].online != online else { return true }
            state.table.setOnline(online, node: index)
            state.history?.append(online ? .nodeReconnected(name, at: now) : .nodeDisconnected(name, at: now))
            if !online {
                let error = FabricError(.disconnected, "node \(name) disconnected; retry on another node", node: name)
                for id in state.table.leases(onNode: index) {
                    for interrupt in state.inflight[id] ?? [] { interrupt.fire(error) }
                }
            }
            return true
        }) ?? false
    }

    // MARK: Storage

    package func perform(
        _ operation: BlockOperation,
        on credential: LeaseCredential
    ) throws(FabricError)
        -> BlockOperationResult
    {
        let box = try mutate { state, _ throws(FabricError) in
            try state.table.check(credential, kind: .block).attachment as! StoreBox
        }
        let result = try box.store.withLock { store throws(FabricError) in
            guard let persistence else { return try store.apply(operation) }
            return try Self.applyDurably(operation, to: &store, lease: credential.id, persistence: persistence)
        }
        switch result {
        case .stored(let bytes), .digest(_, let bytes):
            if bytes > 0 { artifactBytes.increment(by: UInt64(bytes)) }
        default: break
        }
        return result
    }

    /// Applies a mutation in memory, makes it durable, and undoes it in memory if that fails.
    private static func applyDurably(
        _ operation: BlockOperation,
        to store: inout BlockStore,
        lease: LeaseID,
        persistence: any BlockPersistence
    ) throws(FabricError) -> BlockOperationResult {
        let undo: (inout BlockStore) -> Void
        switch operation {
        case .writeObject(let key, _), .removeObject(let key):
            let previous = store.object(key)
            undo = { store in
                if let previous {
                    _ = try? store.apply(.writeObject(key, previous))
                } else {
                    _ = try? store.apply(.removeObject(key))
                }
            }
        case .put(let bytes):
            let digest = SHA256.hash(bytes)
            let existed = store.hasContent(digest)
            undo = { store in if !existed { store.removeContent(digest) } }
        case .writeBlock(let index, _):
            let previous = store.rawBlock(index)
            undo = { store in
                if let previous {
                    _ = try? store.apply(.writeBlock(index, previous))
                } else {
                    store.clearRawBlock(index)
                }
            }
        case .readBlock, .readObject, .listObjects, .get, .usage:
            return try store.apply(operation)
        }
        let result = try store.apply(operation)
        do throws(FabricError) {
            try persistence.persist(operation, result: result, lease: lease)
        } catch {
            undo(&store)
            throw error
        }
        return result
    }

    // MARK: Launches

    /// Runs a real tasklet as a launch on a CPU lease: the WebAssembly runtime, with the request's artifacts lease
    /// (a block lease of this fabric) mounted, stopped when the lease ends.
    /// - Parameter prepare: Runs inside the launch, on a live lease with a core held, before the tasklet starts
    ///   (simulated faults and delays hook in here); receives the node's name.
    package func launchTasklet(
        _ request: TaskletRequest,
        on credential: LeaseCredential,
        runtime: TaskletRuntime,
        prepare: ((String) async throws -> Void)? = nil
    ) async throws -> TaskletResult {
        var runtime = runtime
        if let artifacts = request.artifacts {
            // Fail fast on a bad artifacts lease, before any tasklet code runs.
            _ = try perform(.usage, on: artifacts)
            let store = BlockLeaseObjectStore(core: self, credential: artifacts)
            runtime.objectStore = { store }
        }
        let configured = runtime
        return try await withLaunch(on: credential, limits: request.limits) { interrupt, node in
            try await prepare?(node)
            return try await configured.launch(request, interrupt: interrupt)
        }
    }

    /// Runs `body` as a launch on a CPU lease: checks the lease, takes one of its cores, records metrics and
    /// history, and makes the launch stoppable through the interrupt it passes to `body`.
    package func withLaunch(
        on credential: LeaseCredential,
        limits: TaskletLimits,
        _ body: (LaunchInterrupt, _ node: String) async throws -> TaskletResult
    ) async throws -> TaskletResult {
        let interrupt = LaunchInterrupt()
        let (gate, node) = try mutate { state, now throws(FabricError) in
            let record = try state.table.check(credential, kind: .cpu)
            state.inflight[credential.id, default: []].append(interrupt)
            state.history?.append(.launched(credential.id, at: now))
            return (record.attachment as! AsyncSemaphore, record.grant.node)
        }
        defer {
            state.withLock { state in
                state.inflight[credential.id]?.removeAll { $0 === interrupt }
                if state.inflight[credential.id]?.isEmpty == true { state.inflight.removeValue(forKey: credential.id) }
            }
        }
        launches.started()
        let start = clock.now
        do {
            do {
                try await gate.acquire()
            } catch {
                throw FabricError(.cancelled, "the launch was cancelled while waiting for a core", lease: credential.id)
            }
            defer { gate.release() }
            if let reason = interrupt.reason { throw reason }
            let result = try await body(interrupt, node)
            guard result.output.count <= limits.maxOutput else {
                throw FabricError(
                    .outputTooLarge,
                    "the tasklet wrote \(result.output.count) output bytes, over its maxOutput of \(limits.maxOutput); "
                        + "raise maxOutput or write large outputs to block storage",
                    lease: credential.id
                )
            }
            let end = clock.now
            launches.finished(result, after: start.duration(to: end))
            state.withLock { $0.history?.append(.finished(credential.id, exitCode: result.exitCode, at: end)) }
            return result
        } catch {
            let end = clock.now
            let reason = launches.failed(error, after: start.duration(to: end))
            let code = (error as? FabricError)?.code ?? FabricError.Code(reason)
            state.withLock { $0.history?.append(.failed(credential.id, code, at: end)) }
            throw error
        }
    }

    /// A short label for a failed launch: the fabric error's code, or the error type's name.
    package static func failureReason(_ error: any Error) -> String {
        if let fabricError = error as? FabricError { return fabricError.code.name }
        if error is CancellationError { return "cancelled" }
        if let labelled = error as? any FailureLabelled { return labelled.failureLabel }
        return String(describing: type(of: error))
    }

    // MARK: Internals

    private static func expiredError(_ id: LeaseID, at instant: FabricInstant) -> FabricError {
        FabricError(
            .leaseExpired,
            "lease \(id) expired at \(instant) and was reclaimed; renew earlier or lease for longer",
            lease: id
        )
    }

    /// Runs `body` under the lock after reclaiming expired leases, then settles gauges and interrupts for every
    /// lease that ended.
    private func mutate<T: Sendable>(
        _ body: (inout State, FabricInstant) throws(FabricError) -> T
    ) throws(FabricError) -> T {
        let now = clock.now
        var endings: [(LeaseTable.Record, FabricError)] = []
        var interrupts: [(LaunchInterrupt, FabricError)] = []
        var expired = 0
        let outcome: Result<T, FabricError> = state.withLock { state in
            for record in state.table.sweep(now: now) {
                expired += 1
                let id = record.grant.credential.id
                state.history?.append(.expired(id, at: record.grant.expiry))
                state.pendingEndings.append((record, Self.expiredError(id, at: record.grant.expiry)))
            }
            let outcome: Result<T, FabricError>
            do throws(FabricError) {
                outcome = .success(try body(&state, now))
            } catch {
                outcome = .failure(error)
            }
            endings = state.pendingEndings
            state.pendingEndings = []
            for (record, error) in endings {
                for interrupt in state.inflight.removeValue(forKey: record.grant.credential.id) ?? [] {
                    interrupts.append((interrupt, error))
                }
            }
            return outcome
        }
        for (record, _) in endings {
            if record.grant.kind == .cpu {
                cpuGauge.decrement()
            } else {
                blockGauge.decrement()
                persistence?.ended(record.grant.credential.id)
            }
        }
        for (interrupt, error) in interrupts { interrupt.fire(error) }
        if expired > 0 { expiredCounter.increment(by: UInt64(expired)) }
        return try outcome.get()
    }

    /// Makes sure the reaper wakes by `expiry`.
    private func scheduleReaper(for expiry: FabricInstant) {
        let plan = state.withLock { state -> (UInt64, FabricTimer?)? in
            if let current = state.reaperDeadline, current <= expiry { return nil }
            state.reaperGeneration &+= 1
            state.reaperDeadline = expiry
            let old = state.reaperTimer
            state.reaperTimer = nil
            return (state.reaperGeneration, old)
        }
        guard let (generation, old) = plan else { return }
        old?.cancel()
        let timer = clock.schedule(at: expiry) { [weak self] in self?.reaperFired(generation) }
        let stale = state.withLock { state -> Bool in
            guard state.reaperGeneration == generation, state.reaperDeadline != nil else { return true }
            state.reaperTimer = timer
            return false
        }
        if stale { timer.cancel() }
    }

    private func reaperFired(_ generation: UInt64) {
        state.withLock { state in
            if state.reaperGeneration == generation {
                state.reaperDeadline = nil
                state.reaperTimer = nil
            }
        }
        sweep()
        if let next = state.withLock({ $0.table.nextExpiry }) { scheduleReaper(for: next) }
    }
}

/// An error that names its own short failure label for `tasklet_failures_total{reason}` (e.g. `"trap"`).
package protocol FailureLabelled: Error {
    var failureLabel: String { get }
}
