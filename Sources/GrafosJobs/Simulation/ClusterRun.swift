import GrafosLeaseKit
import GrafosObserve
import GrafosStd
import Synchronization

/// One run of a ``ClusterSimulation``: builds the cluster, runs the job (restarting the coordinator once), verifies
/// the artifacts, gives everything back and gathers what the invariants need.
///
/// Everything runs on the ``DeterministicExecutor``'s thread; the locks only satisfy `Sendable`.
final class ClusterRun: Sendable {
    let simulation: ClusterSimulation
    let faults: SimulationFaults
    let clock: ManualClock
    let executor: DeterministicExecutor
    let metrics = MetricsRegistry()
    let fabric: SimulatedFabric
    let nodeNames: [String]
    let book: WorkerBook
    let renewals: RenewalManager
    let pool: WarmPool
    let injector: FaultInjector
    let ledger: Mutex<ChunkLedger>
    let checker: Locked<LeaseHistoryChecker>
    private let restart = SimulationLatch()
    private let replacements = Mutex<(done: Int, failed: Int)>((0, 0))
    /// Renewal calls the renewal manager abandoned on its real-time timeout (must stay 0 for a deterministic run).
    let realTimeTimeouts = Mutex(0)

    init(simulation: ClusterSimulation, clock: ManualClock, executor: DeterministicExecutor) {
        self.simulation = simulation
        faults = simulation.faults
        self.clock = clock
        self.executor = executor
        let names = (0..<simulation.nodes).map { "n\($0)" }
        nodeNames = names
        let storageBlocks = simulation.chunks + 64
        fabric = SimulatedFabric(
            clock: clock,
            seed: simulation.seed,
            nodes: names.map { SimulatedFabric.Node(name: $0, cores: simulation.coresPerNode) },
            storage: storageBlocks * BlockStore.blockSize,
            metrics: metrics,
            recordsHistory: true,
            name: "sim"
        )
        let checker = Locked(
            LeaseHistoryChecker(
                nodes: names.map { ($0, simulation.coresPerNode) },
                storage: LocalFabric.storageNodeName,
                storageBlocks: storageBlocks
            )
        )
        self.checker = checker
        book = WorkerBook(faults: faults, clock: clock, lossHorizon: simulation.workerLeaseTTL * 2)
        renewals = RenewalManager(clock: clock, metrics: metrics) { [book] id in try await book.renew(id) }
        pool = WarmPool(
            configuration: WarmPool.Configuration(
                size: simulation.poolSize,
                minimumSize: simulation.poolSize,
                cores: simulation.coresPerNode,
                ttl: simulation.workerLeaseTTL,
                idleShrinkAfter: nil,
                retryInterval: .seconds(1)
            ),
            fabric: fabric,
            clock: clock,
            metrics: metrics
        )
        let fabric = fabric
        injector = FaultInjector(
            fabric: fabric,
            clock: clock,
            faults: faults,
            nodeNames: names,
            maximumAway: simulation.workerLeaseTTL * 2
        ) { node in
            let events = fabric.core.drainHistory()
            return checker.update { checker in
                checker.consume(events)
                return checker.held(onNode: node)
            }
        }
        ledger = Mutex(ChunkLedger(chunks: simulation.chunks, restartAt: Self.restartPoint(simulation)))
    }

    /// After how many recorded artifacts the first coordinator is cancelled: 30 … 70% of the job, from the seed.
    private static func restartPoint(_ simulation: ClusterSimulation) -> Int? {
        guard simulation.restartsCoordinator, simulation.chunks >= 2 else { return nil }
        let fraction = 0.3 + 0.4 * SimulationFaults.unit(simulation.faults.mix(0x5245_5354_4152_54, 0))
        return max(1, min(simulation.chunks - 1, Int(Double(simulation.chunks) * fraction)))
    }

    // MARK: The run

    /// Runs the whole simulation and returns what the report needs.
    func simulate() async throws -> ClusterSimulationOutcome {
        installTasklet()
        let artifacts = try await BlockBuilder(on: fabric).minBlocks(simulation.chunks + 64)
            .lease(simulation.artifactsLeaseTTL).acquire()
        book.setArtifacts(artifacts)
        // The artifacts lease holds the whole job's output: renew it early and often, so that even a run of injected
        // renewal failures cannot let it lapse.
        renewals.register(
            WorkerBook.artifactsID,
            expiry: artifacts.expiry,
            ttl: simulation.artifactsLeaseTTL,
            policy: RenewalPolicy.default.withRenewBelow(0.75).withAttemptsPerTick(3)
                .withRetryInterval(simulation.renewalCadence)
        )
        var workers: [CpuLease] = []
        workers.reserveCapacity(simulation.workerCount)
        for index in 0..<simulation.workerCount {
            workers.append(
                try await CpuBuilder(on: fabric).cores(simulation.coresPerNode).node(nodeNames[index])
                    .lease(simulation.workerLeaseTTL).acquire()
            )
        }
        register(workers)
        let chunks = (0..<simulation.chunks).map { index in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(16)
            SimulationFaults.append(UInt64(index), to: &bytes)
            return Chunk(id: "c\(index)", bytes: bytes)
        }
        var outcome = ClusterSimulationOutcome()
        try await withThrowingTaskGroup(of: Void.self) { background in
            // The renewal manager ticks on a fixed cadence (its `tick(now:)` entry point for callers with their
            // own event loop), so that its cost does not grow with every worker replaced.
            background.addTask { [renewals, clock, run = self, cadence = simulation.renewalCadence] in
                while !Task.isCancelled {
                    let summary = await renewals.tick(now: clock.now)
                    // The manager abandons a renewal call after a tenth of its TTL of *real* time. A simulated
                    // renewal answers in microseconds, so one abandoned here means real time leaked into the run.
                    let abandoned = summary.failed.filter { "\($0.error)".contains("did not answer within") }.count
                    if abandoned > 0 { run.realTimeTimeouts.withLock { $0 += abandoned } }
                    do {
                        try await clock.sleep(until: clock.now.advanced(by: cadence))
                    } catch {
                        return
                    }
                }
            }
            background.addTask { [pool] in try await pool.run() }
            await pool.ready()
            fabric.faults = FaultPlan(launchFailureRate: faults.transientLaunchRate)
            if faults.rate > 0 { background.addTask { [injector] in await injector.run() } }
            let start = clock.now
            outcome.phases.append(await runPhase(1, chunks, on: workers, artifacts: artifacts))
            if case .cancelled = outcome.phases[0] {
                outcome.phases.append(try await resume(chunks, artifacts: artifacts))
            }
            outcome.virtualTime = start.duration(to: clock.now)
            outcome.verification = await verify(artifacts)
            background.cancelAll()
            try await background.waitForAll()
        }
        fabric.faults = .none
        outcome.stranded = book.strandedCount
        // Give everything back, as a well-behaved driver does at the end of a job.
        let (held, kept) = book.takeAll()
        for lease in held { await lease.release() }
        await kept?.release()
        fabric.heal()
        drainHistory()
        outcome.gauges = (
            metrics.value(of: "cpu_leases_active") ?? -1, metrics.value(of: "block_leases_active") ?? -1
        )
        outcome.fabricActive = (fabric.activeCpuLeases, fabric.activeBlockLeases)
        outcome.checker = checker.value
        outcome.ledger = ledger.withLock { $0 }
        outcome.retries = Int(metrics.value(of: StandardMetric.retriesTotal.name) ?? 0)
        outcome.renewalsSucceeded = Int(metrics.value(of: StandardMetric.leaseRenewalsTotal.name) ?? 0)
        outcome.renewal = book.counters
        outcome.injected = injector.counters
        outcome.replacements = replacements.withLock { $0 }
        outcome.realTimeTimeouts = realTimeTimeouts.withLock { $0 }
        outcome.transientLaunchFailures = Int(
            metrics.value(of: "tasklet_failures_total", labels: ["reason": "transient"]) ?? 0
        )
        outcome.slowNodes = faults.slowNodes(count: simulation.nodes).filter { $0 }.count
        return outcome
    }

    /// Registers workers with the book and the renewal manager.
    private func register(_ workers: [CpuLease]) {
        for (id, worker) in zip(book.add(workers), workers) {
            renewals.register(id, expiry: worker.expiry, ttl: simulation.workerLeaseTTL)
        }
    }

    /// Runs `chunks` on a new coordinator; in phase 1, cancels it at the restart point.
    private func runPhase(
        _ phase: Int,
        _ chunks: [Chunk],
        on workers: [CpuLease],
        artifacts: BlockLease
    ) async -> ClusterSimulationOutcome.Phase {
        let coordinator = JobCoordinator(policy: simulation.policy, clock: clock, metrics: metrics)
        ledger.withLock { $0.begin(phase: phase, chunks: chunks.count, workers: workers.count) }
        let latch = phase == 1 && ledger.withLock({ $0.restartAt != nil }) ? restart : nil
        return await withTaskGroup(of: ClusterSimulationOutcome.Phase?.self) { group in
            group.addTask { [self] in
                do {
                    let count = try await coordinator.run(
                        chunks,
                        on: workers,
                        artifacts,
                        replacingWith: { old in try await self.replace(old) },
                        exec: { chunk, worker, store in try await self.exec(chunk, on: worker, store: store) },
                        aggregate: { results in self.ledger.withLock { $0.aggregate(results) } }
                    )
                    return .completed(count)
                } catch is CancellationError {
                    return .cancelled
                } catch let error as JobError {
                    return .failed(error.failures.count, String(describing: error))
                } catch {
                    return .failed(-1, String(describing: error))
                }
            }
            if let latch {
                group.addTask {
                    await latch.wait()
                    return nil
                }
            }
            var outcome = ClusterSimulationOutcome.Phase.cancelled
            while let next = await group.next() {
                if let next { outcome = next }
                group.cancelAll()
            }
            return outcome
        }
    }

    /// The restarted coordinator: lists the kept artifacts lease, counts what it finds as aggregated, and runs only
    /// the chunks missing from it, on the surviving workers topped up with fresh leases.
    private func resume(_ chunks: [Chunk], artifacts: BlockLease) async throws -> ClusterSimulationOutcome.Phase {
        drainHistory()
        // What the new coordinator knows is only what the kept lease holds.
        let keys = try await artifacts.list()
        var found = [Bool](repeating: false, count: chunks.count)
        var recovered: [Int] = []
        recovered.reserveCapacity(keys.count)
        for key in keys {
            guard key.hasPrefix("c"), let index = Int(key.dropFirst()), index >= 0, index < chunks.count,
                !found[index]
            else { continue }
            found[index] = true
            recovered.append(index)
        }
        ledger.withLock { $0.recover(recovered) }
        let remaining = found.indices.filter { !found[$0] }
        let now = clock.now
        var workers = book.workers.filter { worker in
            worker.expiry > now && !injector.isOffline(node: nodeIndex(worker.node))
        }
        var fresh: [CpuLease] = []
        while workers.count + fresh.count < simulation.workerCount,
            let lease = try? await CpuBuilder(on: fabric).cores(simulation.coresPerNode).lease(
                simulation.workerLeaseTTL
            )
            .acquire()
        {
            fresh.append(lease)
        }
        register(fresh)
        workers += fresh
        guard !workers.isEmpty else { return .failed(remaining.count, "no worker could be leased after the restart") }
        return await runPhase(2, remaining.map { chunks[$0] }, on: workers, artifacts: artifacts)
    }

    // MARK: Attempts

    /// The scripted tasklet: sleeps for the chunk's work (longer on slow nodes and for slow attempts), expires its
    /// own lease part-way through when the fault model says so, and outputs the chunk's artifact.
    private func installTasklet() {
        let slow = faults.slowNodes(count: simulation.nodes)
        let faults = faults
        let clock = clock
        fabric.onLaunch { [weak self] launch in
            guard let self else { throw FabricError(.cancelled, "the simulation has ended") }
            guard let index = SimulationFaults.read(launch.input, at: 0).map({ Int($0) }),
                let attempt = SimulationFaults.read(launch.input, at: 8).map({ Int($0) }),
                index < self.simulation.chunks
            else {
                throw FabricError(.invalidRequest, "the simulated tasklet takes a chunk index and an attempt number")
            }
            var work = faults.work(ofChunk: index)
            let node = ClusterRun.nodeIndex(launch.node)
            if node >= 0 && node < slow.count && slow[node] { work *= SimulationFaults.slowNodeFactor }
            let plan = faults.attempt(attempt, ofChunk: index)
            if plan.slow {
                work *= SimulationFaults.slowAttemptFactor
                self.ledger.withLock { $0.slowAttempts += 1 }
            }
            let start = clock.now
            if let fraction = plan.expiresAt {
                try await clock.sleep(until: start.advanced(by: .nanoseconds(Int64(Double(work) * fraction))))
                if self.fabric.expire(lease: launch.lease) { self.ledger.withLock { $0.forcedExpiries += 1 } }
            }
            try await clock.sleep(until: start.advanced(by: .nanoseconds(work)))
            return TaskletResult(output: faults.artifact(ofChunk: index), fuelConsumed: UInt64(work))
        }
    }

    /// One attempt of one chunk: launch on the worker, store the artifact, return the chunk's index.
    private func exec(_ chunk: Chunk, on worker: CpuLease, store: BlockLease) async throws -> Int {
        guard let raw = SimulationFaults.read(chunk.bytes, at: 0), raw < UInt64(simulation.chunks) else {
            throw FabricError(.invalidRequest, "chunk \(chunk.id) does not name a chunk of this simulation")
        }
        let index = Int(raw)
        let onThread = executor.isCurrent
        let (attempt, drain) = ledger.withLock { $0.beginAttempt(index, onThread: onThread) }
        if drain { drainHistory() }
        var input = chunk.bytes
        SimulationFaults.append(UInt64(attempt), to: &input)
        do {
            let result = try await worker.cpu().submit([]).input(input).launch()
            let stored = try await store.write(chunk.id, result.output)
            let restartNow = ledger.withLock { $0.endAttempt(index, stored: stored, error: nil, at: clock.now) }
            if restartNow { restart.fire() }
            return index
        } catch {
            _ = ledger.withLock { $0.endAttempt(index, stored: nil, error: error, at: clock.now) }
            throw error
        }
    }

    /// Replaces a dead worker from the warm pool. A worker of the book is no longer renewed; when its node is away
    /// it is kept (it may come back from the dead) until the end, otherwise released.
    private func replace(_ old: CpuLease) async throws -> CpuLease {
        drainHistory()
        checker.update { $0.markReplaced(old.id) }
        if let (id, worker) = book.remove(old.id) {
            renewals.unregister(id)
            if injector.isOffline(node: nodeIndex(worker.node)) {
                book.strand(worker)
            } else {
                await worker.release()
            }
        }
        do {
            let lease = try await pool.checkout()
            replacements.withLock { $0.done += 1 }
            return lease
        } catch {
            replacements.withLock { $0.failed += 1 }
            throw error
        }
    }

    // MARK: Verification

    /// Reads every artifact back and checks its digest and payload; digests the job's output in chunk order.
    private func verify(_ artifacts: BlockLease) async -> ClusterSimulationOutcome.Verification {
        var verification = ClusterSimulationOutcome.Verification()
        var output = SHA256()
        for index in 0..<simulation.chunks {
            guard let bytes = try? await artifacts.read("c\(index)") else {
                verification.unreadable += 1
                continue
            }
            verification.read += 1
            let payload = Array(bytes.prefix(16))
            guard bytes.count == 48, Array(bytes[16...]) == SHA256.hash(payload).bytes else {
                verification.digestMismatches += 1
                continue
            }
            if payload != faults.payload(ofChunk: index) { verification.wrongPayloads += 1 }
            output.update(bytes[16...])
        }
        verification.outputDigest = output.finalize()
        return verification
    }

    // MARK: Support

    /// Moves the fabric's recorded events into the checker.
    func drainHistory() {
        let events = fabric.core.drainHistory()
        if !events.isEmpty { checker.update { $0.consume(events) } }
    }

    /// The index in `n<index>`, or -1.
    static func nodeIndex(_ name: String) -> Int {
        var value = 0
        var digits = 0
        for byte in name.utf8.dropFirst() {
            guard byte >= 48 && byte <= 57, digits < 18 else { return -1 }
            value = value * 10 + Int(byte - 48)
            digits += 1
        }
        return digits > 0 && name.utf8.first == 110 ? value : -1
    }

    private func nodeIndex(_ name: String) -> Int { Self.nodeIndex(name) }
}

/// A one-shot signal a task can wait for (cancellably).
final class SimulationLatch: Sendable {
    private struct State {
        var fired = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Fires the latch, waking the waiter.
    func fire() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.fired = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Suspends until the latch fires or the task is cancelled.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.fired || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
