import Synchronization

@testable import GrafosStd

/// Tracks how many of something are in use at once and the most ever seen.
final class PeakCounter: Sendable {
    private let state = Mutex((current: 0, peak: 0))

    func enter(_ amount: Int = 1) {
        state.withLock {
            $0.current += amount
            $0.peak = max($0.peak, $0.current)
        }
    }

    func leave(_ amount: Int = 1) {
        state.withLock { $0.current -= amount }
    }

    var current: Int { state.withLock { $0.current } }
    var peak: Int { state.withLock { $0.peak } }
}

/// Yields until `condition` holds (bounded, so a broken test fails instead of hanging).
func waitUntil(_ condition: () -> Bool) async {
    for _ in 0..<100_000 where !condition() {
        await Task.yield()
    }
}

/// Runs blocking work (socket reads, handshakes) on its own thread, off Swift's small cooperative pool.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        startThread { continuation.resume(with: Result { try body() }) }
    }
}
