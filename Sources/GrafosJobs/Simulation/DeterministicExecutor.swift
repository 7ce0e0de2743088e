import GrafosStd
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a simulation's tasks one job at a time, in the order they become runnable, on one thread of its own, and
/// moves a ``ManualClock`` to its next deadline whenever nothing is runnable.
///
/// Every task of the simulation inherits the executor as its task-executor preference (task groups and `async let`
/// inherit it; an unstructured `Task {}` does not, so simulated code must not create one). With one thread and a
/// first-in, first-out queue, the interleaving of the tasks depends only on what they do, not on the machine's
/// scheduler: with a seeded ``SimulatedFabric`` the same seed replays the same run, event for event. And "nothing
/// can happen until the clock moves" is simply an empty queue, so virtual time needs no polling.
///
/// ```swift
/// let clock = ManualClock()
/// let (value, statistics) = try await DeterministicExecutor.run(clock: clock) { _ in
///     try await coordinator.run(chunks, on: workers, artifacts, exec: exec, aggregate: { $0.count })
/// }
/// ```
package final class DeterministicExecutor: TaskExecutor {
    /// What a run did.
    package struct Statistics: Sendable, Hashable {
        /// Jobs (task slices between suspensions) run.
        package var jobs = 0
        /// Times the clock was advanced because nothing was runnable.
        package var clockAdvances = 0
    }

    /// The simulation stopped without finishing: no task was runnable and no deadline was pending (a deadlock in
    /// the simulated system), or virtual time passed the run's limit (a livelock).
    package struct Stopped: Error, CustomStringConvertible {
        /// Why it stopped.
        package var reason: String
        /// The virtual time at which it stopped.
        package var at: FabricInstant

        package var description: String { "the simulation \(reason) at virtual time \(at)" }
    }

    private struct Queue {
        var jobs: [UnownedJob] = []
        var finished = false
    }

    private enum Stop: Sendable {
        case finished, stalled, timeLimit
    }

    private let queue = Mutex(Queue())
    private let clock: ManualClock
    private let loopThread = Atomic<UInt>(0)
    private let counters = Mutex(Statistics())

    private init(clock: ManualClock) {
        self.clock = clock
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.jobs.append(job) }
    }

    /// Whether the caller runs on this executor's thread (false for work that escaped to the global executor).
    package var isCurrent: Bool {
        Self.threadID() == loopThread.load(ordering: .relaxed)
    }

    /// Runs `body` and every task it starts on a new deterministic executor, advancing `clock` when nothing is
    /// runnable, and returns what `body` returns.
    ///
    /// - Parameters:
    ///   - clock: The virtual clock every simulated component sleeps on.
    ///   - timeLimit: Stop (throwing ``Stopped``) once virtual time passes this instant; nil for no limit.
    ///   - body: The simulation; it must end every task it starts (cancel background loops) before returning.
    /// - Returns: `body`'s value and what the executor did.
    /// - Throws: What `body` throws; ``Stopped`` when the simulation deadlocks or passes `timeLimit` (its tasks
    ///   are then left suspended).
    package static func run<T: Sendable>(
        clock: ManualClock,
        timeLimit: FabricInstant? = nil,
        _ body: @escaping @Sendable (DeterministicExecutor) async throws -> T
    ) async throws -> (value: T, statistics: Statistics) {
        let executor = DeterministicExecutor(clock: clock)
        let result = Mutex<Result<T, any Error>?>(nil)
        let task = Task(executorPreference: executor) {
            let outcome: Result<T, any Error>
            do {
                outcome = .success(try await body(executor))
            } catch {
                outcome = .failure(error)
            }
            result.withLock { $0 = outcome }
            executor.queue.withLock { $0.finished = true }
        }
        let stop = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Stop, Never>) in
                startThread { continuation.resume(returning: executor.loop(timeLimit: timeLimit)) }
            }
        } onCancel: {
            task.cancel()
        }
        let statistics = executor.counters.withLock { $0 }
        switch stop {
        case .finished:
            guard let outcome = result.withLock({ $0 }) else {
                throw Stopped(reason: "ended without a result", at: clock.now)
            }
            return (try outcome.get(), statistics)
        case .stalled:
            throw Stopped(reason: "deadlocked (nothing runnable, no deadline pending)", at: clock.now)
        case .timeLimit:
            throw Stopped(reason: "passed its virtual time limit", at: clock.now)
        }
    }

    /// Runs jobs in arrival order until the body finishes; advances the clock whenever the queue is empty.
    private func loop(timeLimit: FabricInstant?) -> Stop {
        loopThread.store(Self.threadID(), ordering: .relaxed)
        let executor = asUnownedTaskExecutor()
        var batch: [UnownedJob] = []
        batch.reserveCapacity(4096)
        var jobs = 0
        var advances = 0
        defer { counters.withLock { $0 = Statistics(jobs: jobs, clockAdvances: advances) } }
        while true {
            let finished = queue.withLock { queue -> Bool in
                swap(&queue.jobs, &batch)
                return queue.finished
            }
            if finished { return .finished }
            if batch.isEmpty {
                if let timeLimit, clock.now > timeLimit { return .timeLimit }
                if clock.advanceToNextDeadline() {
                    advances += 1
                    continue
                }
                // Something may have been enqueued from another thread (a cancellation) meanwhile.
                if queue.withLock({ $0.jobs.isEmpty && !$0.finished }) { return .stalled }
                continue
            }
            for job in batch {
                job.runSynchronously(on: executor)
            }
            jobs += batch.count
            batch.removeAll(keepingCapacity: true)
        }
    }

    private static func threadID() -> UInt {
        #if canImport(Darwin)
        UInt(bitPattern: OpaquePointer(pthread_self()))
        #else
        UInt(pthread_self())
        #endif
    }
}
