import Synchronization

/// A clock that moves only when you advance it: virtual time for deterministic tests and simulation.
///
/// `ManualClock` conforms to Swift's `Clock`, so anything that takes a clock — ``SimulatedFabric``,
/// ``LocalFabric``, the jobs coordinator's backoff, the renewal loop — runs on virtual time with it.
/// Sleepers wake in deadline order when ``advance(by:)`` passes their deadline; ties wake in the order they
/// went to sleep. Nothing ever sleeps for real.
///
/// ```swift
/// let clock = ManualClock()
/// let fabric = SimulatedFabric(clock: clock, seed: 42, nodes: [SimulatedFabric.Node(name: "s0", cores: 4)])
/// let lease = try await CpuBuilder(on: fabric).cores(2).leaseSecs(10).acquire()
/// clock.advance(by: .seconds(11))
/// // The fabric reclaimed the lease at t+10s; using it now throws FabricError.leaseExpired.
/// ```
public final class ManualClock: FabricClock {
    private enum Waiter {
        case sleeper(CheckedContinuation<Void, any Error>)
        case timer(@Sendable () -> Void)
    }

    private struct Entry {
        var deadline: FabricInstant
        var sequence: UInt64
        var waiter: Waiter
    }

    private struct State {
        var now: FabricInstant
        var entries: [UInt64: Entry] = [:]
        var queue = MinHeap<DeadlineKey>()
        var nextSequence: UInt64 = 0
        var sleeperCount = 0
        var sleeperWatchers: [(id: UInt64, count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private enum Outcome {
        case cancelled, due, waiting
    }

    private let state: Mutex<State>

    /// Creates a clock that reads `now` until it is advanced.
    /// - Parameter now: The starting time; the epoch by default.
    public init(now: FabricInstant = .zero) {
        state = Mutex(State(now: now))
    }

    /// The current virtual time.
    public var now: FabricInstant {
        state.withLock { $0.now }
    }

    /// One nanosecond.
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// How many tasks are sleeping on this clock right now.
    public var sleeperCount: Int {
        state.withLock { $0.sleeperCount }
    }

    /// The earliest deadline anyone (a sleeper or a timer) is waiting for, if any.
    public var nextDeadline: FabricInstant? {
        state.withLock { state in
            while let top = state.queue.peek {
                if state.entries[top.sequence] != nil { return top.deadline }
                _ = state.queue.pop()
            }
            return nil
        }
    }

    /// Suspends until `deadline`, which only ``advance(by:)`` or ``advance(to:)`` can bring.
    /// - Throws: `CancellationError` when the task is cancelled while sleeping.
    public func sleep(until deadline: FabricInstant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let sequence = state.withLock { state -> UInt64 in
            state.nextSequence &+= 1
            return state.nextSequence
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Outcome in
                    if Task.isCancelled { return .cancelled }
                    if deadline <= state.now { return .due }
                    state.entries[sequence] = Entry(
                        deadline: deadline,
                        sequence: sequence,
                        waiter: .sleeper(continuation)
                    )
                    state.queue.push(DeadlineKey(deadline: deadline, sequence: sequence))
                    state.sleeperCount += 1
                    return .waiting
                }
                switch outcome {
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .due: continuation.resume()
                case .waiting: notifySleeperWatchers()
                }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard case .sleeper(let continuation) = state.entries.removeValue(forKey: sequence)?.waiter else {
                    return nil
                }
                state.sleeperCount -= 1
                return continuation
            }
            cancelled?.resume(throwing: CancellationError())
        }
    }

    /// Runs `action` when the clock is advanced to or past `deadline` (synchronously, inside `advance`).
    public func schedule(at deadline: FabricInstant, _ action: @escaping @Sendable () -> Void) -> FabricTimer {
        let (sequence, runNow) = state.withLock { state -> (UInt64, Bool) in
            state.nextSequence &+= 1
            let sequence = state.nextSequence
            if deadline <= state.now { return (sequence, true) }
            state.entries[sequence] = Entry(deadline: deadline, sequence: sequence, waiter: .timer(action))
            state.queue.push(DeadlineKey(deadline: deadline, sequence: sequence))
            return (sequence, false)
        }
        if runNow { action() }
        return FabricTimer { [weak self] in
            _ = self?.state.withLock { $0.entries.removeValue(forKey: sequence) }
        }
    }

    /// Moves time forward by `duration`, waking every sleeper and running every timer whose deadline it passes,
    /// in deadline order.
    /// - Parameter duration: How far to move; zero or negative durations move nothing but still wake anything
    ///   already due.
    public func advance(by duration: Duration) {
        advance(to: now.advanced(by: max(duration, .zero)))
    }

    /// Moves time forward to `instant` (never backward), waking sleepers and running timers in deadline order.
    public func advance(to instant: FabricInstant) {
        while true {
            let due = state.withLock { state -> Entry? in
                while let top = state.queue.peek, top.deadline <= instant {
                    _ = state.queue.pop()
                    guard let entry = state.entries.removeValue(forKey: top.sequence) else { continue }
                    if entry.deadline > state.now { state.now = entry.deadline }
                    if case .sleeper = entry.waiter { state.sleeperCount -= 1 }
                    return entry
                }
                if instant > state.now { state.now = instant }
                return nil
            }
            guard let due else { return }
            switch due.waiter {
            case .sleeper(let continuation): continuation.resume()
            case .timer(let action): action()
            }
        }
    }

    /// Advances to the earliest pending deadline, if there is one.
    /// - Returns: Whether anything was pending.
    @discardableResult
    public func advanceToNextDeadline() -> Bool {
        guard let next = nextDeadline else { return false }
        advance(to: next)
        return true
    }

    /// Suspends until at least `count` tasks are sleeping on this clock, or the task is cancelled.
    ///
    /// Tests use it to know that the code under test has reached its sleep before advancing time:
    /// ```swift
    /// async let result = coordinator.run(chunks, store, exec: exec, aggregate: { $0 })
    /// await clock.waitForSleepers(1)     // the first backoff is pending
    /// clock.advance(by: .seconds(5))
    /// ```
    public func waitForSleepers(_ count: Int = 1) async {
        let id = state.withLock { state -> UInt64 in
            state.nextSequence &+= 1
            return state.nextSequence
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.sleeperCount >= count || Task.isCancelled { return true }
                    state.sleeperWatchers.append((id, count, continuation))
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let watcher = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let index = state.sleeperWatchers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleeperWatchers.remove(at: index).continuation
            }
            watcher?.resume()
        }
    }

    private func notifySleeperWatchers() {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var ready: [CheckedContinuation<Void, Never>] = []
            state.sleeperWatchers.removeAll { watcher in
                guard state.sleeperCount >= watcher.count else { return false }
                ready.append(watcher.continuation)
                return true
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }
}

/// A deadline ordered by time, then by the order it was scheduled.
package struct DeadlineKey: Comparable, Sendable {
    package var deadline: FabricInstant
    package var sequence: UInt64

    package init(deadline: FabricInstant, sequence: UInt64) {
        self.deadline = deadline
        self.sequence = sequence
    }

    package static func < (lhs: DeadlineKey, rhs: DeadlineKey) -> Bool {
        (lhs.deadline, lhs.sequence) < (rhs.deadline, rhs.sequence)
    }
}
