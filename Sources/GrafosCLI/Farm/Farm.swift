import GrafosJobs
import GrafosLeaseKit
import GrafosObserve
import GrafosStd
import Synchronization

extension TaskletAction {
    /// The action with `maxOutput` set (part of the cache key, as any limit is).
    fileprivate func maxOutputLimit(_ bytes: Int) -> Self {
        var limits = self.limits
        limits.maxOutput = bytes
        return self.limits(limits)
    }
}

/// One chunk of farm work: which tasklet to run on which input.
package struct FarmTask: Sendable {
    /// The chunk (its id names the output object; its bytes are the tasklet's input).
    package var chunk: Chunk
    /// The tasklet.
    package var module: [UInt8]
    /// Its arguments.
    package var arguments: [String] = []
    /// Its fuel.
    package var fuel: UInt64?
    /// SHA-256 of the chunk's bytes when known (a cached run then does not hash the same input once per tasklet).
    package var inputDigest: Digest?

    package init(
        chunk: Chunk,
        module: [UInt8],
        arguments: [String] = [],
        fuel: UInt64?,
        inputDigest: Digest? = nil
    ) {
        self.chunk = chunk
        self.module = module
        self.arguments = arguments
        self.fuel = fuel
        self.inputDigest = inputDigest
    }
}

/// How a farm run leases and dispatches.
package struct FarmSettings: Sendable {
    package var workers = 50
    package var cores = 2
    package var ttl: Duration = .seconds(120)
    package var policy = RetryPolicy.default.withMaxRetries(3).withBackoff(.exponential(initialMs: 100, maxMs: 5000))
    package var maxOutput = 16 << 20
    package var faults = 0
    package var seed: UInt64 = 42
    package var showProgress = true
    /// Serve repeated launches from this content-addressed cache (`grafos demo --cache DIR`).
    package var cache: ActionCache?

    package init() {}
}

/// What a farm run did.
package struct FarmOutcome: Sendable {
    /// The result of each chunk that succeeded, by chunk id.
    package var results: [String: TaskletResult] = [:]
    /// The chunks that failed after retries.
    package var failures: [JobError.Failure] = []
    /// Attempts retried.
    package var retries = 0
    /// Worker leases replaced because they died.
    package var replacements = 0
    /// Faults injected.
    package var faultsInjected = 0
    /// How long each successful attempt took.
    package var durations: [Duration] = []
    /// Wall time of the dispatch.
    package var wall: Duration = .zero
}

/// The recipe's machinery: workers leased up front, chunks dispatched through `JobCoordinator` with retries,
/// leases renewed by `RenewalManager`, faults injected on request, everything traced and measured, and every lease
/// given back at the end.
package final class Farm: Sendable {
    package let fabric: any FabricProtocol
    package let settings: FarmSettings
    package let metrics: MetricsRegistry
    package let trace: TraceRecorder?
    private let renewals: RenewalManager
    private let held = Mutex<[LeaseID: CpuLease]>([:])
    private let registrations = Mutex<[LeaseID: UInt64]>([:])
    private let current = Mutex<[LeaseID: CpuLease]>([:])
    /// The coordinator of the run in progress, for ``diagnosis``.
    private let running = Mutex<JobCoordinator?>(nil)
    /// Renews every adopted lease from ``leaseWorkers()`` to ``releaseWorkers()``.
    private let keeper = Mutex<Task<Void, Never>?>(nil)

    package init(fabric: any FabricProtocol, settings: FarmSettings, metrics: MetricsRegistry, trace: TraceRecorder?) {
        self.fabric = fabric
        self.settings = settings
        self.metrics = metrics
        self.trace = trace
        renewals = RenewalManager(clock: MonotonicClock(), metrics: metrics)
    }

    /// Leases the workers one after another, as the recipe does, and returns how long that took.
    package func leaseWorkers() async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        var workers: [CpuLease] = []
        for _ in 0..<settings.workers {
            workers.append(try await CpuBuilder(on: fabric).cores(settings.cores).lease(settings.ttl).acquire())
        }
        let elapsed = start.duration(to: clock.now)
        for worker in workers { adopt(worker) }
        keeper.withLock { keeper in
            guard keeper == nil else { return }
            keeper = Task { [renewals] in try? await renewals.run() }
        }
        return elapsed
    }

    /// Renews `lease` (an artifact store, say) with the workers until ``releaseWorkers()``.
    package func keepAlive(_ lease: some RenewableLease) {
        _ = renewals.register(lease)
    }

    /// What the run in progress is doing, in words (for a watchdog), or nil between runs.
    package var diagnosis: String? {
        running.withLock { $0 }?.runDiagnosis
    }

    /// The workers leased now.
    package var workers: [CpuLease] {
        current.withLock { Array($0.values) }.sorted { ($0.node, $0.id.description) < ($1.node, $1.id.description) }
    }

    /// Runs `tasks` over the workers, storing each output in `store` under its chunk id.
    package func run(_ tasks: [FarmTask], store: BlockLease) async -> FarmOutcome {
        let byID = Dictionary(uniqueKeysWithValues: tasks.map { ($0.chunk.id, $0) })
        // One action per distinct module (each module is hashed once); chunks only change the input. Modules are
        // told apart by `==`, which is immediate for the copies of one array that tasks share (a dictionary keyed
        // by the module would hash every byte of it for every chunk: two thirds of a cached run's time).
        var actions: [String: TaskletAction] = [:]
        if settings.cache != nil {
            var distinct: [(module: [UInt8], action: TaskletAction)] = []
            for task in tasks {
                let action: TaskletAction
                if let known = distinct.first(where: { $0.module == task.module }) {
                    action = known.action
                } else {
                    action = TaskletAction(module: task.module).maxOutputLimit(settings.maxOutput)
                    distinct.append((task.module, action))
                }
                actions[task.chunk.id] = action
            }
        }
        let baseActions = actions
        let coordinator = JobCoordinator(policy: settings.policy, metrics: metrics)
        running.withLock { $0 = coordinator }
        defer { running.withLock { $0 = nil } }
        let progress = ProgressLine(total: tasks.count, enabled: settings.showProgress)
        let collected = Locked(FarmOutcome())
        let attempts = Locked<[String: Int]>([:])
        let events = coordinator.events()
        let watcher = Task {
            for await event in events {
                switch event {
                case .started: progress.started()
                case .retried:
                    progress.retried()
                    collected.update { $0.retries += 1 }
                case .succeeded: progress.finished(success: true)
                case .failed: progress.finished(success: false)
                case .workerReplaced: collected.update { $0.replacements += 1 }
                default: break
                }
            }
        }
        let faults = Locked(FaultSchedule(total: tasks.count, faults: settings.faults, seed: settings.seed))
        let clock = ContinuousClock()
        let start = clock.now
        let settings = self.settings
        let trace = self.trace
        let metrics = self.metrics
        do {
            _ = try await coordinator.run(
                tasks.map(\.chunk),
                on: workers,
                store,
                replacingWith: { [self] dead in
                    // Give the dead lease back first (a lease on an unreachable node can still be released), so its
                    // cores are free again when its node returns.
                    current.withLock { _ = $0.removeValue(forKey: dead.id) }
                    if let registration = registrations.withLock({ $0.removeValue(forKey: dead.id) }) {
                        renewals.unregister(registration)
                    }
                    await dead.release()
                    let lease = try await CpuBuilder(on: fabric).cores(settings.cores).lease(settings.ttl).acquire()
                    adopt(lease)
                    return lease
                },
                exec: { chunk, worker, store in
                    guard let task = byID[chunk.id] else {
                        throw FabricError(.invalidRequest, "unknown chunk \(chunk.id)")
                    }
                    let attempt = attempts.update { state -> Int in
                        state[chunk.id, default: 0] += 1
                        return state[chunk.id]!
                    }
                    let began = trace?.elapsed ?? .zero
                    let started = clock.now
                    var submission = worker.cpu().submit(task.module).input(chunk.bytes).arguments(task.arguments)
                        .maxOutput(settings.maxOutput)
                    submission = task.fuel.map { submission.fuel($0) } ?? submission.unlimitedFuel()
                    do {
                        let result: TaskletResult
                        if let cache = settings.cache, let base = baseActions[chunk.id] {
                            let withInput = task.inputDigest.map { base.input(chunk.bytes, digest: $0) }
                            let action = (withInput ?? base.input(chunk.bytes)).fuel(task.fuel)
                                .arguments(task.arguments)
                            let configured = submission
                            result = try await cache.result(for: action) { _ in try await configured.launch() }
                        } else {
                            result = try await submission.launch()
                        }
                        try await store.write(chunk.id, result.output)
                        let took = started.duration(to: clock.now)
                        collected.update {
                            $0.results[chunk.id] = result
                            $0.durations.append(took)
                        }
                        Self.record(
                            trace,
                            metrics,
                            worker,
                            chunk.id,
                            attempt,
                            "exit \(result.exitCode)",
                            began,
                            result.fuelConsumed
                        )
                        self.injectFaults(faults, into: collected)
                        return result
                    } catch {
                        Self.record(trace, metrics, worker, chunk.id, attempt, Self.outcome(error), began, nil)
                        throw error
                    }
                },
                aggregate: { _ in () }
            )
        } catch let error as JobError {
            collected.update { $0.failures = error.failures }
        } catch {
            collected.update {
                $0.failures = [
                    JobError.Failure(index: -1, chunkID: "*", attempts: 0, reason: .deterministic, lastError: error)
                ]
            }
        }
        let wall = start.duration(to: clock.now)
        progress.finish()
        watcher.cancel()
        collected.update { $0.wall = wall }
        return collected.value
    }

    /// Releases every worker lease this farm ever held (replaced ones included).
    package func releaseWorkers() async {
        let all = held.withLock { state -> [CpuLease] in
            defer { state = [:] }
            return Array(state.values)
        }
        current.withLock { $0 = [:] }
        if let task = keeper.withLock({ $0.take() }) {
            task.cancel()
            await task.value
        }
        for lease in all { await lease.release() }
    }

    private func adopt(_ lease: CpuLease) {
        held.withLock { $0[lease.id] = lease }
        current.withLock { $0[lease.id] = lease }
        let registration = renewals.register(lease)
        registrations.withLock { $0[lease.id] = registration }
    }

    /// When the injected faults fire: spread evenly over the job by completed chunks, victims drawn from a seed, so
    /// a run with the same seed and sizes injects the same faults at the same points.
    struct FaultSchedule: Sendable {
        var completed = 0
        var thresholds: [Int]
        var random: SeededRandomNumberGenerator

        init(total: Int, faults: Int, seed: UInt64) {
            thresholds = (0..<faults).map { ($0 + 1) * total / (faults + 1) }
            random = SeededRandomNumberGenerator(seed: seed)
        }
    }

    /// After a chunk completes: fires the faults now due — alternately expiring a worker's lease and dropping a
    /// worker's node for 100 ms (`LocalFabric` only).
    private func injectFaults(_ schedule: Locked<FaultSchedule>, into outcome: Locked<FarmOutcome>) {
        guard settings.faults > 0, let local = fabric as? LocalFabric else { return }
        let candidates = workers
        let due = schedule.update { state -> [(index: Int, victim: Int)] in
            state.completed += 1
            var due: [(Int, Int)] = []
            while let next = state.thresholds.first, next <= state.completed {
                state.thresholds.removeFirst()
                let index = settings.faults - state.thresholds.count - 1
                due.append((index, candidates.isEmpty ? 0 : Int.random(in: 0..<candidates.count, using: &state.random)))
            }
            return due
        }
        for (index, victim) in due where !candidates.isEmpty {
            let lease = candidates[victim]
            if index % 2 == 0 {
                local.core.forceExpire(lease.id)
            } else {
                local.core.setOnline(false, node: lease.node)
                let node = lease.node
                Task {
                    try? await Task.sleep(for: .milliseconds(100))
                    local.core.setOnline(true, node: node)
                }
            }
            outcome.update { $0.faultsInjected += 1 }
        }
    }

    private static func outcome(_ error: any Error) -> String {
        if let fabric = error as? FabricError { return fabric.code.name }
        if let tasklet = error as? TaskletError { return tasklet.code.name }
        return "error"
    }

    private static func record(
        _ trace: TraceRecorder?,
        _ metrics: MetricsRegistry,
        _ worker: CpuLease,
        _ chunk: String,
        _ attempt: Int,
        _ outcome: String,
        _ began: Duration,
        _ fuel: UInt64?
    ) {
        guard let trace else { return }
        let track = trace.track(named: "worker \(worker.node) · \(String(worker.id.description.prefix(8)))")
        var arguments = [
            "chunk": chunk, "attempt": String(attempt), "outcome": outcome, "lease": worker.id.description,
        ]
        if let fuel { arguments["fuel"] = String(fuel) }
        let ended = trace.elapsed
        trace.slice(on: track, name: chunk, start: began, end: ended, args: arguments)
        trace.counter("cpu_leases_active", at: ended, value: metrics.value(of: "cpu_leases_active") ?? 0)
    }
}
