import GrafosStd
import Synchronization

/// Runs `body` while moving `clock` to its next deadline whenever something sleeps on it, until `body` returns.
///
/// Time moves only while some task sleeps on the clock, one deadline at a time, so backoffs and scripted launch
/// delays elapse in virtual time without any real sleep.
func drivingClock<T: Sendable>(
    _ clock: ManualClock,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let done = DoneFlag()
    let sentinel = FabricInstant(nanoseconds: .max)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            done.set()
            // Wake the driver if it waits for a sleeper that will never come.
            let poke = Task { try? await clock.sleep(until: sentinel) }
            defer { poke.cancel() }
            await clock.waitForSleepers(1)
            return try result.get()
        }
        group.addTask {
            while true {
                await clock.waitForSleepers(1)
                if done.isSet { return nil }
                guard let next = clock.nextDeadline, next < sentinel else { continue }
                clock.advance(to: next)
                await Task.yield()
            }
        }
        var value: T?
        while let next = try await group.next() {
            if let next { value = next }
        }
        return value!
    }
}

/// A flag set once from any task.
private final class DoneFlag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }

    var isSet: Bool { value.withLock { $0 } }
}
