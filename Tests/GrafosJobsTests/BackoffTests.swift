import GrafosJobs
import GrafosStd
import Testing

@Suite struct BackoffTests {
    @Test func exponentialBackoffWithoutJitterDoublesUpToTheMaximum() {
        let backoff = Backoff.exponential(initialMs: 100, maxMs: 5000, jitter: .none)
        var random = SeededRandomNumberGenerator(seed: 1)
        let delays = (1...8).map { backoff.delay(forRetry: $0, using: &random) }
        #expect(
            delays == [100, 200, 400, 800, 1600, 3200, 5000, 5000].map { Duration.milliseconds($0) }
        )
        #expect(backoff.ceiling(forRetry: 1000) == .milliseconds(5000))
    }

    @Test func fullJitterStaysBelowTheCeilingAndIsReproducibleWithASeed() {
        let backoff = Backoff.exponential(initialMs: 100, maxMs: 5000)
        #expect(backoff.jitter == .full)
        var first = SeededRandomNumberGenerator(seed: 7)
        var second = SeededRandomNumberGenerator(seed: 7)
        var seen: Set<Duration> = []
        for retry in 1...200 {
            let delay = backoff.delay(forRetry: retry % 8 + 1, using: &first)
            #expect(delay >= .zero && delay <= backoff.ceiling(forRetry: retry % 8 + 1))
            #expect(delay == backoff.delay(forRetry: retry % 8 + 1, using: &second))
            seen.insert(delay)
        }
        #expect(seen.count > 150)
    }

    @Test func seededFullJitterGivesPinnedDelays() {
        // Pins the jitter algorithm: a change that moves these numbers changes every seeded simulation.
        let backoff = Backoff.exponential(initialMs: 100, maxMs: 5000)
        var random = SeededRandomNumberGenerator(seed: 42)
        let delays = (1...4).map { backoff.delay(forRetry: $0, using: &random).components }
        #expect(delays.map { $0.seconds * 1_000_000_000 + $0.attoseconds / 1_000_000_000 } == PinnedJitter.seed42)
    }

    @Test func equalJitterStaysBetweenHalfTheCeilingAndTheCeiling() {
        let backoff = Backoff.exponential(initialMs: 100, maxMs: 5000, jitter: .equal)
        var random = SeededRandomNumberGenerator(seed: 3)
        for retry in 1...10 {
            let ceiling = backoff.ceiling(forRetry: retry)
            let delay = backoff.delay(forRetry: retry, using: &random)
            #expect(delay >= ceiling / 2 && delay <= ceiling)
        }
    }

    @Test func decorrelatedJitterStaysBetweenTheInitialDelayAndThreeTimesThePrevious() {
        let backoff = Backoff.decorrelated(initialMs: 100, maxMs: 5000)
        var random = SeededRandomNumberGenerator(seed: 9)
        var previous: Duration?
        for retry in 1...30 {
            let delay = backoff.delay(forRetry: retry, previous: previous, using: &random)
            let high = min(.milliseconds(5000), max(.milliseconds(100), (previous ?? .milliseconds(100)) * 3))
            #expect(delay >= .milliseconds(100) && delay <= high)
            previous = delay
        }
    }

    @Test func constantBackoffWaitsTheSameEveryTime() {
        let backoff = Backoff.constant(ms: 250)
        var random = SeededRandomNumberGenerator(seed: 1)
        #expect(
            (1...5).map { backoff.delay(forRetry: $0, using: &random) }
                == Array(repeating: .milliseconds(250), count: 5)
        )
        #expect(Backoff.none.delay(forRetry: 3, using: &random) == .zero)
    }
}

enum PinnedJitter {
    static let seed42: [Int64] = [8_386_297, 75_796_050, 272_017_365, 739_754_357]
}
