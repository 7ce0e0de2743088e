import GrafosObserve
import GrafosStd
import Synchronization

/// The shared state of one ``JobCoordinator`` run and the attempt loop every lane executes.
///
/// Lanes (one per unit of concurrency) ask the run's ``JobSchedule`` what to do next — a chunk, a speculative
/// duplicate, a wait, or exit — and run each chunk they claim to its end: success, a final failure, or a hand-back
/// (no capacity; a worker that cannot be replaced). Retries wait their backoff on the run's clock in the lane.
/// Results go to lock-free slots, written only by the attempt that won its chunk.
final class JobRun<R: Sendable>: JobRunActivity, Sendable {
    /// How a lane's attempts get their worker and run.
    struct LaneDriver<Context: Sendable>: Sendable {
        /// Gets the worker for the next attempt (the current lease, replacing a dead one).
        var prepare: @Sendable () async throws -> Context
        /// Runs one attempt.
        var attempt: @Sendable (Chunk, Context) async throws -> R
        /// Called when `prepare` failed: true when the lane should stop and leave its chunks to other lanes.
        var retire: @Sendable (any Error) -> Bool
    }

    private struct Waiter {
        var continuation: CheckedContinuation<Void, Never>?
        var timed: Bool
        var woken = false
    }

    private struct Locked {
        var schedule: JobSchedule
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
        /// Moves on with every ``wakeAll()``, waiters or not. A lane told to wait notes it with the claim that said
        /// so and does not park if it moved since: the wake it would otherwise sleep through happened between the
        /// claim and the parking (a lost wake-up that once hung a job after a node fault).
        var wakeEpoch: UInt64 = 0
        /// ``wakeEpoch`` when ``JobRun/initialWork(for:)`` claimed every lane's first work.
        var initialEpoch: UInt64 = 0
    }

    /// What a lane does after a chunk.
    private enum LaneVerdict {
        /// Ask the schedule for more.
        case next
        /// Stop: the lane's worker is gone.
        case retire
        /// This, already claimed (with the chunk's saved retry state and the wake epoch of the claim).
        case claimed(JobSchedule.Work, JobSchedule.Progress, UInt64)
    }

    let chunks: [Chunk]
    let policy: RetryPolicy
    let clock: JobClock
    let failFast: Bool
    let results: ResultSlots<R>
    let sinks: [AsyncStream<JobEvent>.Continuation]
    let costs: ChunkCostModel
    private let hasSinks: Bool
    private let speculating: Bool
    /// Whether attempts need the clock read: to race stragglers, to keep deadlines, or to learn costs from
    /// durations (results that are not `TaskletResult`s carry no fuel).
    private let timesAttempts: Bool
    private let resultsCarryFuel: Bool
    private let retriesCounter: Counter
    private let speculativeCounter: Counter
    private let budget: RetryBudgetBucket?
    private let state: Mutex<Locked>
    private let retries = Atomic<Int>(0)
    private let replacements = Atomic<Int>(0)
    private let retired = Mutex<[(LeaseID, any Error)]>([])
    private let failures = Mutex<[JobError.Failure]>([])

    init(
        chunks: [Chunk],
        schedule: JobSchedule,
        policy: RetryPolicy,
        clock: JobClock,
        failFast: Bool,
        costs: ChunkCostModel,
        retriesCounter: Counter,
        speculativeCounter: Counter,
        sinks: [AsyncStream<JobEvent>.Continuation]
    ) {
        self.chunks = chunks
        self.policy = policy
        self.clock = clock
        self.failFast = failFast
        self.costs = costs
        self.retriesCounter = retriesCounter
        self.speculativeCounter = speculativeCounter
        self.sinks = sinks
        hasSinks = !sinks.isEmpty
        speculating = schedule.speculation != nil
        resultsCarryFuel = R.self == TaskletResult.self
        timesAttempts = speculating || policy.deadline != nil || !resultsCarryFuel
        budget = RetryBudgetBucket(policy.budget)
        results = ResultSlots(count: chunks.count)
        state = Mutex(Locked(schedule: schedule))
        if hasSinks {
            for (index, chunk) in chunks.enumerated() { emit(.queued(chunk: chunk.id, index: index)) }
        }
    }

    /// Publishes an event to every subscriber.
    func emit(_ event: JobEvent) {
        for sink in sinks { sink.yield(event) }
    }

    /// Counts a replaced worker and publishes it.
    func workerReplaced(old: LeaseID, new: LeaseID) {
        replacements.wrappingAdd(1, ordering: .relaxed)
        if hasSinks { emit(.workerReplaced(old: old, new: new)) }
    }

    /// Records a worker given up on and publishes it.
    func workerRetired(_ lease: LeaseID, reason: any Error) {
        retired.withLock { $0.append((lease, reason)) }
        if hasSinks { emit(.workerRetired(lease: lease, reason: reason)) }
    }

    /// Claims the first work of each lane, in the order given (biggest workers first), before any lane starts.
    func initialWork(for lanes: [JobSchedule.Lane]) -> [JobSchedule.Work] {
        let now = clock.elapsed()
        return state.withLock { state in
            state.initialEpoch = state.wakeEpoch
            return lanes.map { state.schedule.next(for: $0, now: now) }
        }
    }

    // MARK: Lanes

    /// Runs a lane until the schedule has nothing more for it, the run stops, or the task is cancelled.
    /// - Parameters:
    ///   - lane: The lane.
    ///   - first: Work claimed for it in ``initialWork(for:)``.
    ///   - alsoRetry: Errors to retry whatever the policy's classification says (still within its retries, budget
    ///     and deadline): an attempt whose worker lease died is retried, because the retry runs on a replacement.
    ///   - driver: How the lane's attempts get a worker and run.
    func runLane<Context: Sendable>(
        _ lane: JobSchedule.Lane,
        first: JobSchedule.Work?,
        alsoRetry: @escaping @Sendable (any Error) -> Bool = { _ in false },
        driver: LaneDriver<Context>
    ) async {
        let initialEpoch = state.withLock { $0.initialEpoch }
        var work = first.map { ($0, JobSchedule.Progress(), initialEpoch) }
        lanes: while !Task.isCancelled {
            let (current, progress, epoch) = work ?? claim(for: lane)
            work = nil
            let verdict: LaneVerdict
            switch current {
            case .exit:
                break lanes
            case .wait(let until):
                await wait(until: until, epoch: epoch)
                continue
            case .chunk(let index):
                verdict = await runChunk(index, lane, duplicate: false, progress, alsoRetry, driver)
            case .duplicate(let index):
                verdict = await runChunk(index, lane, duplicate: true, progress, alsoRetry, driver)
            }
            switch verdict {
            case .next: break
            case .retire: break lanes
            case .claimed(let next, let progress, let epoch): work = (next, progress, epoch)
            }
        }
        state.withLock { $0.schedule.laneExits() }
        wakeAll()
    }

    /// The lane's next work from the schedule, with the claimed chunk's saved retry state.
    private func claim(for lane: JobSchedule.Lane) -> (JobSchedule.Work, JobSchedule.Progress, UInt64) {
        let now = speculating ? clock.elapsed() : .zero
        return state.withLock { state in
            let (work, progress) = state.schedule.claim(for: lane, now: now)
            return (work, progress, state.wakeEpoch)
        }
    }

    /// Runs chunk `index` (or a duplicate of its straggling attempt) on `lane` until it ends or is handed back.
    private func runChunk<Context: Sendable>(
        _ index: Int,
        _ lane: JobSchedule.Lane,
        duplicate: Bool,
        _ saved: JobSchedule.Progress,
        _ alsoRetry: (any Error) -> Bool,
        _ driver: LaneDriver<Context>
    ) async -> LaneVerdict {
        let chunk = chunks[index]
        var isDuplicate = duplicate
        var progress = saved
        if let reason = progress.requeuedBy, let deadline = policy.deadline, let first = progress.firstAttempt,
            clock.elapsed() - first > deadline
        {
            // It waited for capacity past its deadline.
            fail(index, chunk, progress.number, .deadlineExceeded, reason)
            return .next
        }
        progress.requeuedBy = nil
        while true {
            let error: any Error
            var othersRunning = 0
            var endsSinceStart: UInt64 = 0
            do {
                let context = try await driver.prepare()
                if isDuplicate {
                    speculativeCounter.increment()
                    if hasSinks { emit(.speculated(chunk: chunk.id, index: index, attempt: progress.number)) }
                } else if hasSinks {
                    emit(.started(chunk: chunk.id, index: index, attempt: progress.number))
                }
                let start = timesAttempts ? clock.elapsed() : .zero
                if policy.deadline != nil && progress.firstAttempt == nil { progress.firstAttempt = start }
                let token = state.withLock { state in
                    state.schedule.beginAttempt(index, on: lane, now: start, duplicate: isDuplicate, progress: progress)
                }
                let outcome = await execute(chunk, index, progress.number, isDuplicate, token, context, driver)
                let end = timesAttempts ? clock.elapsed() : .zero
                switch outcome {
                case .success(let value):
                    let cost = cost(of: value, duration: end - start)
                    let cancelled = Task.isCancelled
                    // The lane's next claim is made in the same critical section as this attempt's end.
                    let (ending, idle, next, epoch) = state.withLock { state in
                        let ending = state.schedule.endAttempt(token, index: index, now: end, success: true, cost: cost)
                        let next = cancelled ? nil : state.schedule.claim(for: lane, now: end)
                        return (ending, state.schedule.activeCount == 0, next, state.wakeEpoch)
                    }
                    if case .won(let cancel, let measured, let raised) = ending {
                        results.store(value, at: index)
                        budget?.deposit()
                        if hasSinks { emit(.succeeded(chunk: chunk.id, index: index, attempts: progress.number)) }
                        for stop in cancel { stop() }
                        if measured || raised || idle { wakeAll() }
                    }
                    guard let next else { return .next }
                    return .claimed(next.0, next.1, epoch)
                case .failure(let failure):
                    let ending = state.withLock { state in
                        state.schedule.endAttempt(token, index: index, now: end, success: false)
                    }
                    guard case .failed(let others, let ends) = ending else { return .next }
                    if isDuplicate {
                        // The original attempt ended first and left the chunk to this one.
                        progress = state.withLock { $0.schedule.progress[index] ?? progress }
                        isDuplicate = false
                    }
                    error = failure
                    othersRunning = others
                    endsSinceStart = ends
                }
            } catch {
                // No worker for the attempt: leave the chunk to other lanes when there are any.
                if driver.retire(error) {
                    state.withLock { state in
                        if isDuplicate {
                            state.schedule.duplicateEnded()
                        } else {
                            state.schedule.requeue(index, progress, capacity: false)
                        }
                    }
                    wakeAll()
                    return .retire
                }
                if isDuplicate {
                    state.withLock { $0.schedule.duplicateEnded() }
                    return .next
                }
                if hasSinks { emit(.started(chunk: chunk.id, index: index, attempt: progress.number)) }
                let stillMine = state.withLock { $0.schedule.status[index] == .claimed }
                guard stillMine else { return .next }
                self.wakeAllIfPending()
                if let verdict = await handle(
                    error,
                    index,
                    chunk,
                    &progress,
                    othersRunning: 0,
                    endsSinceStart: 0,
                    alsoRetry
                ) {
                    return verdict
                }
                continue
            }
            if Task.isCancelled { return .next }
            wakeAllIfPending()
            if let verdict = await handle(
                error,
                index,
                chunk,
                &progress,
                othersRunning: othersRunning,
                endsSinceStart: endsSinceStart,
                alsoRetry
            ) {
                return verdict
            }
        }
    }

    /// Decides what a failed attempt leads to: a requeue, a final failure (both return a verdict), or a retry after
    /// its backoff (returns nil: run the next attempt).
    private func handle(
        _ error: any Error,
        _ index: Int,
        _ chunk: Chunk,
        _ progress: inout JobSchedule.Progress,
        othersRunning: Int,
        endsSinceStart: UInt64,
        _ alsoRetry: (any Error) -> Bool
    ) async -> LaneVerdict? {
        if Task.isCancelled { return .next }
        let classification = policy.classify(error)
        if progress.firstAttempt == nil && policy.deadline != nil { progress.firstAttempt = clock.elapsed() }
        if classification == .retryable, policy.waitsForCapacity, Self.isCapacity(error),
            othersRunning > 0 || endsSinceStart > 0
        {
            // Other attempts of this run hold the capacity: try again when one ends, without using a retry.
            if let deadline = policy.deadline, let first = progress.firstAttempt, clock.elapsed() - first > deadline {
                fail(index, chunk, progress.number, .deadlineExceeded, error)
                return .next
            }
            progress.requeuedBy = error
            state.withLock { $0.schedule.requeue(index, progress, capacity: true) }
            if hasSinks { emit(.requeued(chunk: chunk.id, index: index, attempt: progress.number, reason: error)) }
            return .next
        }
        guard classification == .retryable || alsoRetry(error) else {
            fail(index, chunk, progress.number, .deterministic, error)
            return .next
        }
        guard progress.number <= policy.maxRetries else {
            fail(index, chunk, progress.number, .retriesExhausted, error)
            return .next
        }
        if progress.jitter == nil { progress.jitter = JitterSource(seed: policy.seed, index: index) }
        let delay = policy.backoff.delay(
            forRetry: progress.number,
            previous: progress.previousDelay,
            using: &progress.jitter!
        )
        if let deadline = policy.deadline, let first = progress.firstAttempt,
            clock.elapsed() - first + delay > deadline
        {
            fail(index, chunk, progress.number, .deadlineExceeded, error)
            return .next
        }
        if let budget, !budget.withdraw() {
            fail(index, chunk, progress.number, .budgetExhausted, error)
            return .next
        }
        retries.wrappingAdd(1, ordering: .relaxed)
        retriesCounter.increment()
        if hasSinks {
            emit(.retried(chunk: chunk.id, index: index, attempt: progress.number, reason: error, delay: delay))
        }
        if delay > .zero {
            state.withLock { $0.schedule.laneWaits(timed: true) }
            let slept: Bool
            do {
                try await clock.sleep(for: delay)
                slept = true
            } catch {
                slept = false
            }
            state.withLock { $0.schedule.laneWakes(timed: true) }
            if !slept { return .next }
        }
        progress.previousDelay = delay
        progress.number += 1
        return nil
    }

    /// Runs one attempt — in its own task, with ``JobAttempt/current`` bound, when speculating, so that a winning
    /// duplicate can stop it (binding the task-local for every attempt would cost a third of the coordinator's
    /// per-chunk time).
    private func execute<Context: Sendable>(
        _ chunk: Chunk,
        _ index: Int,
        _ number: Int,
        _ duplicate: Bool,
        _ token: (Int, UInt64),
        _ context: Context,
        _ driver: LaneDriver<Context>
    ) async -> Result<R, any Error> {
        let info = JobAttempt(chunkID: chunk.id, index: index, number: number, isSpeculative: duplicate)
        guard speculating else {
            do {
                return .success(try await driver.attempt(chunk, context))
            } catch {
                return .failure(error)
            }
        }
        let task = Task { try await JobAttempt.$current.withValue(info) { try await driver.attempt(chunk, context) } }
        let attached = state.withLock { $0.schedule.setCancel({ task.cancel() }, token: token.0) }
        if !attached { task.cancel() }
        return await withTaskCancellationHandler {
            await task.result
        } onCancel: {
            task.cancel()
        }
    }

    private func fail(_ index: Int, _ chunk: Chunk, _ attempts: Int, _ reason: JobError.Reason, _ error: any Error) {
        let failure = JobError.Failure(
            index: index,
            chunkID: chunk.id,
            attempts: attempts,
            reason: reason,
            lastError: error
        )
        failures.withLock { $0.append(failure) }
        state.withLock { state in
            state.schedule.fail(index)
            if failFast { state.schedule.stop() }
        }
        if hasSinks { emit(.failed(failure)) }
        wakeAll()
    }

    /// What a successful attempt teaches about its kind: the fuel its tasklet consumed, or — for results that are
    /// not `TaskletResult`s — its duration in nanoseconds. Nothing for a `TaskletResult` without fuel.
    private func cost(of value: R, duration: Duration) -> Double? {
        guard resultsCarryFuel else { return Double(max(.zero, duration) / .nanoseconds(1)) }
        let fuel = withUnsafePointer(to: value) {
            $0.withMemoryRebound(to: TaskletResult.self, capacity: 1) { $0.pointee.fuelConsumed }
        }
        return fuel > 0 ? Double(fuel) : nil
    }

    /// Whether an error says the fabric had no free capacity for the attempt.
    static func isCapacity(_ error: any Error) -> Bool {
        (error as? FabricError)?.code == .insufficientCapacity
    }

    // MARK: Waiting

    /// Blocks the lane until another lane changes something it may care about, or until `deadline`.
    private func wait(until deadline: Duration?, epoch: UInt64) async {
        let registered = state.withLock { state -> Int? in
            // Woken since the claim that sent this lane here: look at the schedule again instead of sleeping.
            guard state.wakeEpoch == epoch else { return nil }
            state.nextWaiter &+= 1
            state.waiters[state.nextWaiter] = Waiter(timed: deadline != nil)
            state.schedule.laneWaits(timed: deadline != nil)
            return state.nextWaiter
        }
        guard let id = registered else { return }
        guard let deadline else { return await park(id) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.park(id) }
            group.addTask {
                let remaining = deadline - self.clock.elapsed()
                if remaining > .zero { try? await self.clock.sleep(for: remaining) }
                self.wake(id)
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func park(_ id: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    guard let waiter = state.waiters[id], !waiter.woken else {
                        state.waiters.removeValue(forKey: id)
                        return true
                    }
                    state.waiters[id]?.continuation = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            wake(id)
        }
    }

    private func wake(_ id: Int) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard var waiter = state.waiters[id], !waiter.woken else { return nil }
            waiter.woken = true
            state.schedule.laneWakes(timed: waiter.timed)
            guard let continuation = waiter.continuation else {
                state.waiters[id] = waiter
                return nil
            }
            state.waiters.removeValue(forKey: id)
            return continuation
        }
        continuation?.resume()
    }

    /// Wakes every waiting lane to look at the schedule again, in the order they began waiting (not the
    /// dictionary's per-process hash order, so that a seeded simulation replays exactly).
    private func wakeAll() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.wakeEpoch &+= 1
            guard !state.waiters.isEmpty else { return [] }
            var woken: [CheckedContinuation<Void, Never>] = []
            for id in state.waiters.keys.sorted() {
                guard var waiter = state.waiters[id], !waiter.woken else { continue }
                waiter.woken = true
                state.schedule.laneWakes(timed: waiter.timed)
                if let continuation = waiter.continuation {
                    woken.append(continuation)
                    state.waiters.removeValue(forKey: id)
                } else {
                    state.waiters[id] = waiter
                }
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    /// Wakes waiting lanes when chunks are pending (an attempt ended, so there may be room to start one).
    private func wakeAllIfPending() {
        // With no lane waiting now, the wake still moves the epoch: a lane between its claim and its parking sees it.
        if state.withLock({ $0.schedule.pendingCount > 0 }) { wakeAll() }
    }

    // MARK: Activity

    /// Whether every lane is blocked: in a wait, or in an attempt (see ``JobCoordinator/simulationActivity``).
    func activity() -> (runnable: Int, expectedSleepers: Int) {
        state.withLock { ($0.schedule.runnable, $0.schedule.inFlight + $0.schedule.clockWaits) }
    }

    /// The schedule's counters in words, for diagnosing a run that does not move.
    func diagnosis() -> String {
        state.withLock { state in
            let schedule = state.schedule
            return "\(schedule.pendingCount) chunks pending, \(schedule.activeCount) claimed, "
                + "\(schedule.inFlight) attempts in flight (limit \(schedule.limit)), \(schedule.runnable) lanes runnable, "
                + "\(schedule.clockWaits) lanes in a timed wait, \(state.waiters.count) lanes parked, "
                + "\(schedule.capacityRequeues) capacity requeues"
                + (schedule.stopped ? ", stopped" : "")
        }
    }

    // MARK: Summary

    /// How the run ended, once every lane has returned.
    func summary(cancelled: Bool) -> (JobSummary, [JobError.Failure], notStarted: Int) {
        let (pending, stopped, requeues, duplicates, kinds, observed) = state.withLock { state in
            (
                state.schedule.pendingChunks(), state.schedule.stopped, state.schedule.capacityRequeues,
                state.schedule.duplicates, state.schedule.kindNames, state.schedule.observed
            )
        }
        costs.merge(kinds, observed)
        var failed = failures.withLock { $0 }
        var notStarted = 0
        if cancelled || stopped {
            notStarted = pending.count
        } else if !pending.isEmpty {
            let lastRetirement = retired.withLock { $0.last }
            for index in pending {
                let chunk = chunks[index]
                let reason: any Error =
                    lastRetirement?.1
                    ?? FabricError(
                        .noMatchingNode,
                        "no worker meets the requirements of chunk \(chunk.id) (\(chunk.requirements)); "
                            + "lease workers that do, or relax the chunk's requirements"
                    )
                let failure = JobError.Failure(
                    index: index,
                    chunkID: chunk.id,
                    attempts: 0,
                    reason: .unplaceable,
                    lastError: reason
                )
                failed.append(failure)
                if hasSinks { emit(.failed(failure)) }
            }
        }
        failed.sort { $0.index < $1.index }
        let summary = JobSummary(
            total: chunks.count,
            succeeded: results.filledCount(),
            failed: failed.count,
            retries: retries.load(ordering: .relaxed),
            replacedWorkers: replacements.load(ordering: .relaxed),
            cancelled: cancelled,
            requeued: requeues,
            speculativeAttempts: duplicates,
            retiredWorkers: retired.withLock { $0.count }
        )
        return (summary, failed, notStarted)
    }
}

/// A run's activity counters, without its result type, for the simulation driver.
protocol JobRunActivity: AnyObject, Sendable {
    func activity() -> (runnable: Int, expectedSleepers: Int)
    func diagnosis() -> String
}

/// Jitter for one chunk: seeded from the policy's seed and the chunk's position, or the system's randomness.
struct JitterSource: RandomNumberGenerator {
    private var seeded: SeededRandomNumberGenerator?

    init(seed: UInt64?, index: Int) {
        seeded = seed.map { SeededRandomNumberGenerator(seed: $0 ^ Sharding.fmix64(UInt64(truncatingIfNeeded: index))) }
    }

    mutating func next() -> UInt64 {
        if seeded != nil { return seeded!.next() }
        var system = SystemRandomNumberGenerator()
        return system.next()
    }
}
