import Synchronization

/// The learned cost of each chunk kind, which ``SchedulingPolicy/Order/longestFirst`` orders chunks by.
///
/// A chunk's cost is the fuel its tasklet consumed — when `exec` returns a `TaskletResult` with fuel — which is the
/// same on every machine, so it predicts the work of the next chunk of that kind exactly when a kind's chunks do the
/// same work. Results of other types teach the attempt's duration in nanoseconds instead (do not mix the two in one
/// kind); a `TaskletResult` without fuel teaches nothing. The estimate is the mean of everything recorded.
///
/// A coordinator keeps one model across its runs; share a model between coordinators, or seed it with costs known
/// ahead of time:
///
/// ```swift
/// let costs = ChunkCostModel()
/// costs.record(kind: "link", cost: 40_000_000_000)          // fuel
/// let coordinator = JobCoordinator(costs: costs)
/// ```
public final class ChunkCostModel: Sendable {
    /// A kind's running total.
    package struct Tally: Hashable, Sendable {
        package var sum: Double = 0
        package var count: Int = 0

        package var mean: Double? { count > 0 ? sum / Double(count) : nil }
    }

    private let tallies = Mutex<[String: Tally]>([:])

    /// Creates an empty model.
    public init() {}

    /// Records that a chunk of `kind` cost `cost` (fuel, or nanoseconds).
    public func record(kind: String, cost: Double) {
        guard cost.isFinite, cost >= 0 else { return }
        tallies.withLock { tallies in
            tallies[kind, default: Tally()].sum += cost
            tallies[kind, default: Tally()].count += 1
        }
    }

    /// The mean recorded cost of `kind`, or nil when nothing was recorded.
    public func estimate(kind: String) -> Double? {
        tallies.withLock { $0[kind]?.mean }
    }

    /// Every kind with a recorded cost and its estimate.
    public var estimates: [String: Double] {
        tallies.withLock { $0.compactMapValues(\.mean) }
    }

    /// Forgets everything.
    public func reset() {
        tallies.withLock { $0 = [:] }
    }

    /// The tallies of `kinds`, for a run to start from.
    package func snapshot(_ kinds: [String]) -> [Tally] {
        tallies.withLock { tallies in kinds.map { tallies[$0] ?? Tally() } }
    }

    /// Adds a run's observations.
    package func merge(_ kinds: [String], _ observed: [Tally]) {
        tallies.withLock { tallies in
            for (kind, tally) in zip(kinds, observed) where tally.count > 0 {
                tallies[kind, default: Tally()].sum += tally.sum
                tallies[kind, default: Tally()].count += tally.count
            }
        }
    }
}
