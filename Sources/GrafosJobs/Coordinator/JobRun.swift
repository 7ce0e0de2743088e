import GrafosObserve
import GrafosStd
import Synchronization

/// The shared state of one ``JobCoordinator`` run and the retry loop every runner executes.
///
/// Runners (one per unit of concurrency) claim chunk indices from an atomic counter and run each claimed chunk to
/// its end — success or a final failure — retrying on the run's clock in between. Results go to lock-free slots;
/// failures to a locked list. Nothing is allocated per chunk on the success path.
final class JobRun<R: Sendable>: Sendable {
    let chunks: [Chunk]
    let policy: RetryPolicy
    let clock: JobClock
    let failFast: Bool
    let results: ResultSlots<R>
    let sinks: [AsyncStream<JobEvent>.Continuation]
    private let hasSinks: Bool
    private let retriesCounter: Counter
    private let budget: RetryBudgetBucket?
    private let next = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let retries = Atomic<Int>(0)
    private let replacements = Atomic<Int>(0)
    private let failures = Mutex<[JobError.Failure]>([])

    init(
        chunks: [Chunk],
        policy: RetryPolicy,
        clock: JobClock,
        failFast: Bool,
        retriesCounter: Counter,
        sinks: [AsyncStream<JobEvent>.Continuation]
    ) {
        self.chunks = chunks
        self.policy = policy
        self.clock = clock
        self.failFast = failFast
        self.retriesCounter = retriesCounter
        self.sinks = sinks
        hasSinks = !sinks.isEmpty
        budget = RetryBudgetBucket(policy.budget)
        results = ResultSlots(count: chunks.count)
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

    /// Claims and runs chunks until none are left, the run stops at a failure, or the task is cancelled.
    /// - Parameters:
    ///   - alsoRetry: Errors to retry whatever the policy's classification says (still within its retries, budget
    ///     and deadline): ``JobCoordinator/run(_:on:_:replacingWith:exec:aggregate:)`` retries an attempt whose
    ///     worker lease died, because the retry runs on a replacement.
    ///   - attempt: Runs one attempt of one chunk.
    func drain(alsoRetry: (any Error) -> Bool = { _ in false }, _ attempt: (Chunk) async throws -> R) async {
        let count = chunks.count
        while !Task.isCancelled && !stopped.load(ordering: .relaxed) {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < count else { return }
            await process(index, alsoRetry, attempt)
        }
    }

    /// Runs one chunk's attempts.
    private func process(
        _ index: Int,
        _ alsoRetry: (any Error) -> Bool,
        _ attempt: (Chunk) async throws -> R
    ) async {
        let chunk = chunks[index]
        var number = 1
        let firstAttempt = policy.deadline == nil ? Duration.zero : clock.elapsed()
        var previousDelay: Duration?
        var jitter: JitterSource?
        while true {
            if hasSinks { emit(.started(chunk: chunk.id, index: index, attempt: number)) }
            do {
                let result = try await attempt(chunk)
                results.store(result, at: index)
                budget?.deposit()
                if hasSinks { emit(.succeeded(chunk: chunk.id, index: index, attempts: number)) }
                return
            } catch {
                if Task.isCancelled { return }
                guard policy.classify(error) == .retryable || alsoRetry(error) else {
                    return fail(index, chunk, number, .deterministic, error)
                }
                guard number <= policy.maxRetries else {
                    return fail(index, chunk, number, .retriesExhausted, error)
                }
                if jitter == nil { jitter = JitterSource(seed: policy.seed, index: index) }
                let delay = policy.backoff.delay(forRetry: number, previous: previousDelay, using: &jitter!)
                if let deadline = policy.deadline, clock.elapsed() - firstAttempt + delay > deadline {
                    return fail(index, chunk, number, .deadlineExceeded, error)
                }
                if let budget, !budget.withdraw() {
                    return fail(index, chunk, number, .budgetExhausted, error)
                }
                retries.wrappingAdd(1, ordering: .relaxed)
                retriesCounter.increment()
                if hasSinks {
                    emit(.retried(chunk: chunk.id, index: index, attempt: number, reason: error, delay: delay))
                }
                if delay > .zero {
                    do {
                        try await clock.sleep(for: delay)
                    } catch {
                        return
                    }
                }
                previousDelay = delay
                number += 1
            }
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
        if failFast { stopped.store(true, ordering: .relaxed) }
        if hasSinks { emit(.failed(failure)) }
    }

    /// How the run ended, once every runner has returned.
    func summary(cancelled: Bool) -> (JobSummary, [JobError.Failure], notStarted: Int) {
        let failed = failures.withLock { $0 }.sorted { $0.index < $1.index }
        let claimed = min(chunks.count, next.load(ordering: .relaxed))
        let summary = JobSummary(
            total: chunks.count,
            succeeded: results.filledCount(),
            failed: failed.count,
            retries: retries.load(ordering: .relaxed),
            replacedWorkers: replacements.load(ordering: .relaxed),
            cancelled: cancelled
        )
        return (summary, failed, chunks.count - claimed)
    }
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
