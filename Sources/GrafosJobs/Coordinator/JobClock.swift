/// The coordinator's clock with its type erased: elapsed time since the run began, and sleeping.
struct JobClock: Sendable {
    private let sleepFor: @Sendable (Duration) async throws -> Void
    private let elapsedSinceStart: @Sendable () -> Duration

    /// Wraps `clock`, starting the elapsed time now.
    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        sleepFor = { duration in try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil) }
        elapsedSinceStart = { origin.duration(to: clock.now) }
    }

    /// Time since the wrapper was made.
    func elapsed() -> Duration { elapsedSinceStart() }

    /// Sleeps for `duration` on the wrapped clock.
    /// - Throws: `CancellationError` when the task is cancelled first.
    func sleep(for duration: Duration) async throws { try await sleepFor(duration) }
}
