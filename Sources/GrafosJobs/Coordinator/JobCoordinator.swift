import GrafosObserve
import GrafosStd
import Synchronization

/// Runs a job's chunks with bounded concurrency, retries failed attempts on new leases with backoff, and aggregates
/// exactly one result per chunk, in chunk order.
///
/// `exec` runs one attempt of one chunk. It may run again for the same chunk — after a retryable failure, on a new
/// lease it acquires itself — so it must be idempotent: object writes to a `BlockLease` are. Failures are
/// classified by the ``RetryPolicy``; retries wait their backoff on the coordinator's clock (a `ManualClock` in
/// tests). When every chunk has succeeded, `aggregate` receives the results in chunk order; otherwise the run throws
/// a ``JobError`` listing each failed chunk with its attempts and last error.
///
/// ```swift
/// let policy = RetryPolicy.default.withMaxRetries(3).withBackoff(.exponential(initialMs: 100, maxMs: 5000))
/// let coordinator = JobCoordinator(policy: policy)
/// let out = try await coordinator.run(chunks, artifacts,
///     exec: { chunk, store in                       // may run again for the same chunk: must be idempotent
///         let lease = try await CpuBuilder().cores(2).leaseSecs(120).acquire()
///         let r = try await lease.cpu().submit(taskletWasm).fuel(5_000_000).input(chunk.bytes).launch()
///         try await store.write(chunk.id, r.output)
///         return r
///     },
///     aggregate: { results in results })            // results in chunk order, exactly one per chunk
/// ```
///
/// Which chunk starts next is the ``SchedulingPolicy``'s call: by default the heaviest first, by the cost its
/// ``ChunkCostModel`` has learned for each chunk ``Chunk/kind`` (the fuel consumed), and — with
/// ``SchedulingPolicy/speculation`` — a straggling attempt gets one speculative duplicate on another lease. An
/// attempt that finds no free capacity while the run's other attempts hold it waits for one of them to end instead
/// of using a retry (``RetryPolicy/waitsForCapacity``). To skip launches whose output is already known, wrap the
/// launch in an ``ActionCache``.
///
/// Cancelling the task that runs a job stops launching new attempts, waits for the ones in flight (which see the
/// cancellation), releases every lease the coordinator took, and throws `CancellationError`. Follow a run with
/// ``events(bufferingNewest:)``; the coordinator records `retries_total` and `speculative_attempts_total` in its
/// registry (launch counts and failures are recorded by the fabric).
public final class JobCoordinator: Sendable {
    /// The retry policy.
    public let policy: RetryPolicy
    /// The clock backoff sleeps and deadlines are measured on.
    public let clock: any Clock<Duration>
    /// The most chunks in flight at once; nil for the default described at
    /// ``init(policy:clock:maxConcurrency:failFast:scheduling:costs:metrics:)``.
    public let maxConcurrency: Int?
    /// Whether a run stops starting chunks after the first chunk fails for good.
    public let failFast: Bool
    /// The order chunks start in, and whether stragglers get speculative duplicates.
    public let scheduling: SchedulingPolicy
    /// The learned cost of each chunk kind; runs read it to order chunks and add what they measure.
    public let costs: ChunkCostModel
    /// Where `retries_total` and `speculative_attempts_total` go.
    public let metrics: MetricsRegistry

    private let retriesCounter: Counter
    private let speculativeCounter: Counter
    private let subscribers = Mutex(Subscribers())
    private let currentRun = Mutex<(any JobRunActivity)?>(nil)

    private struct Subscribers {
        var next: UInt64 = 0
        var waiting: [UInt64: AsyncStream<JobEvent>.Continuation] = [:]
    }

    /// Creates a coordinator.
    ///
    /// ```swift
    /// let clock = ManualClock()
    /// let coordinator = JobCoordinator(policy: policy, clock: clock, metrics: MetricsRegistry())   // in a test
    /// ```
    /// - Parameters:
    ///   - policy: What to retry and how; ``RetryPolicy/default`` by default.
    ///   - clock: Where backoff sleeps happen; `ContinuousClock` by default, a `ManualClock` in tests.
    ///   - maxConcurrency: The most chunks in flight at once. By default: for ``run(_:_:exec:aggregate:)``, the free
    ///     cores of `Fabric.current` when the run starts (`freeCoreCount()`; the machine's cores for fabrics that
    ///     do not say) — when `exec` leases several cores, the attempts that find no capacity wait for others to
    ///     end, so the run settles at what the fabric admits; for ``run(_:on:_:replacingWith:exec:aggregate:)``,
    ///     one chunk per leased core of the workers.
    ///   - failFast: Stop starting new chunks after the first chunk fails for good (chunks in flight finish).
    ///   - scheduling: Chunk order and speculation; longest first without speculation by default.
    ///   - costs: The learned cost per chunk kind; a new, empty model by default. Share one to keep what runs learn.
    ///   - metrics: Where `retries_total` and `speculative_attempts_total` go; the process registry by default.
    public init(
        policy: RetryPolicy = .default,
        clock: any Clock<Duration> = ContinuousClock(),
        maxConcurrency: Int? = nil,
        failFast: Bool = false,
        scheduling: SchedulingPolicy = .default,
        costs: ChunkCostModel = ChunkCostModel(),
        metrics: MetricsRegistry = .default
    ) {
        self.policy = policy
        self.clock = clock
        self.maxConcurrency = maxConcurrency.map { max(1, $0) }
        self.failFast = failFast
        self.scheduling = scheduling
        self.costs = costs
        self.metrics = metrics
        retriesCounter = metrics.counter(StandardMetric.retriesTotal.name, help: StandardMetric.retriesTotal.help)
        speculativeCounter = metrics.counter(
            "speculative_attempts_total",
            help: "Speculative duplicates of straggling attempts started"
        )
    }

    // MARK: Events

    /// The events of the next run this coordinator starts, ending after its ``JobEvent/finished(_:)`` event.
    ///
    /// Subscribe before starting the run:
    /// ```swift
    /// let progress = coordinator.events()
    /// let bar = Task { for await event in progress { if case .succeeded = event { done += 1 } } }
    /// let out = try await coordinator.run(chunks, artifacts, exec: exec, aggregate: { $0 })
    /// await bar.value
    /// ```
    /// A run without subscribers publishes nothing and pays nothing for events.
    /// - Parameter limit: Keep only the newest `limit` undelivered events; unbounded by default.
    /// - Returns: A stream for one consumer.
    public func events(bufferingNewest limit: Int? = nil) -> AsyncStream<JobEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: JobEvent.self,
            bufferingPolicy: limit.map { .bufferingNewest(max(1, $0)) } ?? .unbounded
        )
        let key = subscribers.withLock { state -> UInt64 in
            state.next &+= 1
            state.waiting[state.next] = continuation
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.waiting.removeValue(forKey: key) }
        }
        return stream
    }

    // MARK: Running

    /// Runs every chunk through `exec` and aggregates the results in chunk order.
    ///
    /// - Parameters:
    ///   - chunks: The work; ids must be unique.
    ///   - store: Shared storage handed to every attempt, typically the artifacts `BlockLease`.
    ///   - exec: Runs one attempt of one chunk: lease, launch, store, return. Must be idempotent.
    ///   - aggregate: Combines the results, one per chunk in chunk order.
    /// - Returns: What `aggregate` returns.
    /// - Throws: ``JobError`` when any chunk failed for good; `CancellationError` when cancelled;
    ///   `FabricError.Code.invalidRequest` for duplicate chunk ids; what `aggregate` throws.
    public func run<Store: Sendable, R: Sendable, Output>(
        _ chunks: [Chunk],
        _ store: Store,
        exec: @escaping @Sendable (Chunk, Store) async throws -> R,
        aggregate: ([R]) async throws -> Output
    ) async throws -> Output {
        try Self.validate(chunks)
        var concurrency = maxConcurrency
        if concurrency == nil { concurrency = await Self.defaultConcurrency() }
        let count = min(chunks.count, concurrency ?? 1)
        let run = makeRun(
            R.self,
            chunks,
            JobSchedule(chunks: chunks, lanes: count, scheduling: scheduling, costs: costs)
        )
        let lanes = [JobSchedule.Lane](repeating: JobSchedule.Lane(group: -1, host: -1), count: count)
        let first = run.initialWork(for: lanes)
        let driver = JobRun<R>.LaneDriver<Void>(
            prepare: {},
            attempt: { chunk, _ in try await exec(chunk, store) },
            retire: { _ in false }
        )
        await withTaskGroup(of: Void.self) { group in
            for (lane, work) in zip(lanes, first) {
                group.addTask { await run.runLane(lane, first: work, driver: driver) }
            }
        }
        return try await aggregate(finish(run))
    }

    /// Runs every chunk through `exec`, without shared storage, and aggregates the results in chunk order.
    ///
    /// ```swift
    /// let sizes = try await coordinator.run(chunks, exec: { chunk in chunk.bytes.count }, aggregate: { $0 })
    /// ```
    /// - Parameters:
    ///   - chunks: The work; ids must be unique.
    ///   - exec: Runs one attempt of one chunk. Must be idempotent.
    ///   - aggregate: Combines the results, one per chunk in chunk order.
    /// - Returns: What `aggregate` returns.
    /// - Throws: As ``run(_:_:exec:aggregate:)``.
    public func run<R: Sendable, Output>(
        _ chunks: [Chunk],
        exec: @escaping @Sendable (Chunk) async throws -> R,
        aggregate: ([R]) async throws -> Output
    ) async throws -> Output {
        try await run(chunks, (), exec: { chunk, _ in try await exec(chunk) }, aggregate: aggregate)
    }

    /// Spreads the chunks over CPU leases already held, replacing a worker whose lease dies.
    ///
    /// Each worker runs as many chunks at once as it has cores (fewer when ``maxConcurrency`` is lower). When an
    /// attempt fails because its worker's lease expired, was released or its node dropped, the coordinator leases a
    /// replacement — by default like the old one: same fabric, cores and TTL — and the retry runs on it. Such an
    /// attempt is retried even when the policy classifies its error as deterministic (`leaseReleased`, say), within
    /// the policy's retries, budget and deadline. A worker whose lease's expiry has passed while no attempt used it
    /// is replaced before its next attempt instead. When no replacement can be had, the worker is given up on
    /// (``JobEvent/workerRetired(lease:reason:)``) and its chunks go to the other workers; only the last worker
    /// keeps trying. The caller's leases are never released; replacements are released when the run ends.
    ///
    /// Placement: a chunk runs only on workers whose lease meets its ``Chunk/requirements`` (cores and node
    /// capabilities) — a chunk no worker meets fails as ``JobError/Reason/unplaceable`` — and chunks that need
    /// particular workers go to them before chunks that do not. The first chunks are handed out biggest worker
    /// first (most cores, then most capabilities), so under ``SchedulingPolicy/Order/longestFirst`` the heaviest
    /// chunks start on the biggest workers. A speculative duplicate always runs on another worker than the
    /// attempt it races.
    ///
    /// ```swift
    /// let out = try await coordinator.run(chunks, on: workers, artifacts,
    ///     exec: { chunk, worker, store in
    ///         let r = try await worker.cpu().submit(taskletWasm).fuel(5_000_000).input(chunk.bytes).launch()
    ///         try await store.write(chunk.id, r.output)
    ///         return r
    ///     },
    ///     aggregate: { $0 })
    /// ```
    /// - Parameters:
    ///   - chunks: The work; ids must be unique.
    ///   - workers: Leases to run on; at least one.
    ///   - store: Shared storage handed to every attempt.
    ///   - replace: Leases a replacement for a dead worker; by default
    ///     `CpuBuilder(on: old.fabric).cores(old.cores).lease(old.ttl).acquire()`.
    ///   - exec: Runs one attempt of one chunk on a worker. Must be idempotent.
    ///   - aggregate: Combines the results, one per chunk in chunk order.
    /// - Returns: What `aggregate` returns.
    /// - Throws: As ``run(_:_:exec:aggregate:)``; `FabricError.Code.invalidRequest` without workers.
    public func run<Store: Sendable, R: Sendable, Output>(
        _ chunks: [Chunk],
        on workers: [CpuLease],
        _ store: Store,
        replacingWith replace: (@Sendable (CpuLease) async throws -> CpuLease)? = nil,
        exec: @escaping @Sendable (Chunk, CpuLease, Store) async throws -> R,
        aggregate: ([R]) async throws -> Output
    ) async throws -> Output {
        try Self.validate(chunks)
        guard !workers.isEmpty || chunks.isEmpty else {
            throw FabricError(.invalidRequest, "run(_:on:…) needs at least one worker lease to run chunks on")
        }
        let replace = replace ?? Self.likeForLike
        // Interleave lanes across workers (every worker's first core, then every second core, …), so a lower
        // maxConcurrency still spreads over all workers.
        var laneSlots: [Int] = []
        let deepest = workers.map { max(1, $0.cores) }.max() ?? 0
        for core in 0..<deepest {
            for (index, worker) in workers.enumerated() where max(1, worker.cores) > core { laneSlots.append(index) }
        }
        laneSlots = Array(laneSlots.prefix(min(chunks.count, maxConcurrency ?? laneSlots.count)))
        var hosts: [JobSchedule.Host] = []
        var hostIndex: [JobSchedule.Host: Int] = [:]
        let groupHosts = workers.map { worker -> Int in
            let host = JobSchedule.Host(cores: worker.cores, capabilities: worker.capabilities)
            if let known = hostIndex[host] { return known }
            hostIndex[host] = hosts.count
            hosts.append(host)
            return hosts.count - 1
        }
        let schedule = JobSchedule(
            chunks: chunks,
            lanes: laneSlots.count,
            hosts: hosts,
            groupHosts: groupHosts,
            scheduling: scheduling,
            costs: costs
        )
        let run = makeRun(R.self, chunks, schedule)
        // A worker that cannot be replaced is given up on while others with lanes remain usable.
        let usable = Mutex(Set(laneSlots))
        let slots = workers.enumerated().map { index, worker in
            WorkerSlot(
                lease: worker,
                replace: replace,
                mayAbandon: { [run] old, error in
                    let abandon = usable.withLock { usable -> Bool in
                        guard usable.contains(index), usable.count > 1 else { return false }
                        usable.remove(index)
                        return true
                    }
                    if abandon { run.workerRetired(old.id, reason: error) }
                    return abandon
                },
                onReplace: { [run] old, new in run.workerReplaced(old: old.id, new: new.id) }
            )
        }
        let lanes = laneSlots.map { JobSchedule.Lane(group: $0, host: groupHosts[$0]) }
        // Hand out the first chunks biggest worker first, so the heaviest chunks start on the biggest workers.
        let ranked = lanes.indices.sorted { a, b in
            let (x, y) = (workers[lanes[a].group], workers[lanes[b].group])
            return (x.cores, x.capabilities.count, -a) > (y.cores, y.capabilities.count, -b)
        }
        let claimed = run.initialWork(for: ranked.map { lanes[$0] })
        var first = [JobSchedule.Work?](repeating: nil, count: lanes.count)
        for (position, lane) in ranked.enumerated() { first[lane] = claimed[position] }
        let initial = first
        await withTaskGroup(of: Void.self) { group in
            for (position, lane) in lanes.enumerated() {
                let slot = slots[lane.group]
                let driver = JobRun<R>.LaneDriver<(CpuLease, UInt64)>(
                    prepare: { try await slot.current() },
                    attempt: { chunk, current in
                        do {
                            return try await exec(chunk, current.0, store)
                        } catch {
                            slot.reportFailure(error, generation: current.1)
                            throw error
                        }
                    },
                    retire: { _ in slot.isAbandoned }
                )
                group.addTask {
                    await run.runLane(lane, first: initial[position], alsoRetry: WorkerSlot.leaseIsDead, driver: driver)
                }
            }
        }
        for slot in slots { await slot.releaseOwned() }
        return try await aggregate(finish(run))
    }

    // MARK: Internals

    private func makeRun<R: Sendable>(_: R.Type, _ chunks: [Chunk], _ schedule: JobSchedule) -> JobRun<R> {
        let sinks = subscribers.withLock { state -> [AsyncStream<JobEvent>.Continuation] in
            defer { state.waiting = [:] }
            return state.waiting.sorted { $0.key < $1.key }.map(\.value)
        }
        let run = JobRun<R>(
            chunks: chunks,
            schedule: schedule,
            policy: policy,
            clock: JobClock(clock),
            failFast: failFast,
            costs: costs,
            retriesCounter: retriesCounter,
            speculativeCounter: speculativeCounter,
            sinks: sinks
        )
        currentRun.withLock { $0 = run }
        return run
    }

    /// Publishes the summary and returns the results, or throws why there are none.
    private func finish<R>(_ run: JobRun<R>) throws -> [R] {
        currentRun.withLock { current in
            if current === run { current = nil }
        }
        let results = run.results.collect()
        let cancelled = results == nil && Task.isCancelled
        let (summary, failures, notStarted) = run.summary(cancelled: cancelled)
        run.emit(.finished(summary))
        for sink in run.sinks { sink.finish() }
        if cancelled { throw CancellationError() }
        guard let results, failures.isEmpty else {
            throw JobError(
                failures: failures,
                succeeded: summary.succeeded,
                notStarted: notStarted,
                total: summary.total
            )
        }
        return results
    }

    /// Refuses duplicate chunk ids: they name artifacts, so two chunks would overwrite each other's.
    private static func validate(_ chunks: [Chunk]) throws {
        var seen = Set<String>(minimumCapacity: chunks.count)
        for chunk in chunks where !seen.insert(chunk.id).inserted {
            throw FabricError(
                .invalidRequest,
                "two chunks share the id '\(chunk.id)'; chunk ids name artifacts and must be unique within a job"
            )
        }
    }

    /// One chunk per free core of the current fabric, when it says; otherwise the machine's cores.
    static func defaultConcurrency() async -> Int {
        max(1, await Fabric.current.freeCoreCount() ?? LocalFabric.machineCores)
    }

    /// What the run in progress is doing, for a simulation that moves a `ManualClock` only when every lane is
    /// blocked: `runnable` lanes are neither waiting nor inside an attempt; `expectedSleepers` counts the attempts
    /// running plus the lanes asleep on the clock. When `runnable` is 0 and the clock's sleeper count equals
    /// `expectedSleepers` (each running attempt asleep in its scripted tasklet), nothing can happen until the clock
    /// moves. Nil between runs. See ``simulate(on:_:)``.
    package var simulationActivity: (runnable: Int, expectedSleepers: Int)? {
        currentRun.withLock { $0 }?.activity()
    }

    /// The run in progress's scheduling counters in words (pending, claimed, in flight, waiting lanes), or nil.
    package var runDiagnosis: String? {
        currentRun.withLock { $0 }?.diagnosis()
    }

    /// Leases a replacement like `old`: same fabric, cores and TTL.
    @Sendable
    static func likeForLike(_ old: CpuLease) async throws -> CpuLease {
        try await CpuBuilder(on: old.fabric).cores(old.cores).lease(old.ttl).acquire()
    }
}
