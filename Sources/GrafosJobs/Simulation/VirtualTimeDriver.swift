import GrafosStd
import Synchronization

extension JobCoordinator {
    /// Runs `body` — jobs on this coordinator over a `SimulatedFabric` whose scripted tasklets sleep on `clock` —
    /// and moves `clock` to its next deadline exactly when every lane of the run in progress is blocked.
    ///
    /// Unlike a driver that advances as soon as anything sleeps, this one waits until no lane can make progress
    /// without the clock (``simulationActivity``: no runnable lane, and one sleeper per running attempt and per
    /// lane asleep in a backoff or a timed wait), so each attempt starts at the virtual instant it would start on a
    /// real fabric and makespans in virtual time are exact and reproducible. The assumption: a running attempt is
    /// either computing or asleep on `clock` (a scripted tasklet), never waiting on something else for long.
    ///
    /// - Parameters:
    ///   - clock: The fabric's and the coordinator's clock.
    ///   - body: Runs the jobs.
    /// - Returns: What `body` returns.
    package func simulate<T: Sendable>(
        on clock: ManualClock,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let finished = Atomic<Bool>(false)
        let task = Task {
            defer { finished.store(true, ordering: .releasing) }
            return try await body()
        }
        while !finished.load(ordering: .acquiring) {
            if isQuiescent(clock), await stillQuiescent(clock) {
                clock.advanceToNextDeadline()
            }
            await Task.yield()
        }
        return try await task.value
    }

    private func isQuiescent(_ clock: ManualClock) -> Bool {
        guard let before = simulationActivity, before.runnable == 0, before.expectedSleepers > 0 else { return false }
        let sleepers = clock.sleeperCount
        guard let after = simulationActivity else { return false }
        return before == after && sleepers == before.expectedSleepers
    }

    /// Yields a little and checks again, so that a lane on its way into a wait is not mistaken for a sleeper.
    private func stillQuiescent(_ clock: ManualClock) async -> Bool {
        for _ in 0..<3 {
            await Task.yield()
            if !isQuiescent(clock) { return false }
        }
        return true
    }
}
