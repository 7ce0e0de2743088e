import GrafosStd
import Synchronization

/// Runs `body` while moving `clock` to its next deadline whenever something sleeps on it, until `body` returns.
///
/// Time moves only while some task sleeps on the clock, one deadline at a time, so backoffs and scripted launch
/// delays elapse in virtual time without any real sleep. Time moves as soon as *one* task sleeps, though, even while
/// others are still running towards their own sleeps: with several tasks in flight, which task's deadline comes
/// first depends on thread scheduling. Assert only what holds for every interleaving under this driver; to assert
/// an order or an instant across concurrent tasks, step the clock by hand (`waitForSleepers(n)`, then `advance`).
func drivingClock<T: Sendable>(
    _ clock: ManualClock,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let done = DoneFlag()
    let sentinel = FabricInstant(nanoseconds: .max)
    async let driver: Void = drive(clock, until: done, sentinel: sentinel)
    let result: Result<T, any Error>
    do { result = .success(try await body()) } catch { result = .failure(error) }
    done.set()
    // The driver may wait for a sleeper that will never come: give it one, and keep it asleep until the driver has
    // returned. (Cancelling it earlier could leave the driver in `waitForSleepers` for good: `ManualClock` watchers
    // cannot be cancelled.)
    let poke = Task { try? await clock.sleep(until: sentinel) }
    await driver
    poke.cancel()
    return try result.get()
}

/// Advances `clock` to its next deadline whenever a task sleeps on it, until `done` is set.
private func drive(_ clock: ManualClock, until done: DoneFlag, sentinel: FabricInstant) async {
    while true {
        await clock.waitForSleepers(1)
        if done.isSet { return }
        if let next = clock.nextDeadline, next < sentinel, !done.isSet { clock.advance(to: next) }
        await Task.yield()
    }
}

/// A flag set once from any task.
private final class DoneFlag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }

    var isSet: Bool { value.withLock { $0 } }
}
