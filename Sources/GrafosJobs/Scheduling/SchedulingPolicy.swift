/// In what order a ``JobCoordinator`` starts chunks, and whether it races stragglers.
///
/// The default starts the heaviest chunks first — *longest processing time first*, by the cost the coordinator's
/// ``ChunkCostModel`` has learned for each chunk ``Chunk/kind`` — and does not speculate. Chunks of kinds with no
/// learned cost yet start before known ones (one of each, to learn them early); chunks of one kind keep their
/// order, so a job whose chunks all share a kind (the default) runs in chunk order.
///
/// ```swift
/// let coordinator = JobCoordinator(
///     policy: .default,
///     scheduling: SchedulingPolicy.default.withSpeculation(.default))   // LPT + one backup per straggler
/// let fifo = JobCoordinator(scheduling: .fifo)
/// ```
public struct SchedulingPolicy: Hashable, Sendable, CustomStringConvertible {
    /// Which pending chunk a free worker takes next.
    public enum Order: String, Hashable, Sendable {
        /// Chunk order.
        case fifo
        /// The highest learned cost first (LPT); chunks that need particular workers before those that do not.
        case longestFirst
    }

    /// Which pending chunk a free worker takes next; ``Order/longestFirst`` by default.
    public var order: Order
    /// When to start a speculative duplicate of a straggling attempt; nil (default) never does.
    public var speculation: SpeculationPolicy?

    /// Creates a policy.
    public init(order: Order = .longestFirst, speculation: SpeculationPolicy? = nil) {
        self.order = order
        self.speculation = speculation
    }

    /// Longest first, no speculation.
    public static let `default` = SchedulingPolicy()

    /// Chunk order, no speculation: the coordinator's behaviour before it learned costs.
    public static let fifo = SchedulingPolicy(order: .fifo)

    /// A copy that starts chunks in `order`.
    public func withOrder(_ order: Order) -> Self {
        var copy = self
        copy.order = order
        return copy
    }

    /// A copy that races stragglers as `speculation` says (nil: never).
    public func withSpeculation(_ speculation: SpeculationPolicy? = .default) -> Self {
        var copy = self
        copy.speculation = speculation
        return copy
    }

    /// `longestFirst, speculation after 2.0× p75`.
    public var description: String {
        order.rawValue + (speculation.map { ", \($0)" } ?? ", no speculation")
    }
}

/// When a straggling attempt gets a speculative duplicate.
///
/// An attempt that has run longer than ``multiplier`` × the ``quantile`` of the durations of its chunk kind's
/// successful attempts (in this run, once there are ``minimumSamples`` of them) is a straggler. The next worker with
/// nothing better to do starts one duplicate of it — on another lease (another worker, in
/// ``JobCoordinator/run(_:on:_:replacingWith:exec:aggregate:)``). The first result wins; the other attempt's task is
/// cancelled, which stops its tasklet and releases the lease it acquired. A chunk gets at most one duplicate; at
/// most ``maximumFraction`` of the run's lanes (at least one) run duplicates at once, and at most
/// ``maximumTotal`` are started per run when set. Duplicates are counted in `speculative_attempts_total` and
/// ``JobSummary/speculativeAttempts``.
///
/// The cap is on duplicates running at once (as Hadoop's `speculative-cap-running-tasks`), not a total: a node that
/// stays slow keeps getting its chunks raced, so it never sets the wall time, however long the job.
///
/// `exec` must tolerate running twice at once for one chunk: object writes to a `BlockLease` are idempotent when
/// the tasklet is deterministic.
///
/// ```swift
/// let speculation = SpeculationPolicy(multiplier: 1.5, quantile: 0.75, minimumSamples: 10)
/// ```
public struct SpeculationPolicy: Hashable, Sendable, CustomStringConvertible {
    /// k: how many times the quantile an attempt may run before it is duplicated; 2 by default.
    public var multiplier: Double
    /// Which quantile of a kind's durations is "normal"; 0.75 (p75) by default.
    public var quantile: Double
    /// Successful attempts of a kind needed before its attempts can be called stragglers; 5 by default.
    public var minimumSamples: Int
    /// The most duplicates running at once, as a fraction of the run's lanes (at least one); 0.1 by default.
    public var maximumFraction: Double
    /// The most duplicates started per run; nil (default) for no limit beyond ``maximumFraction``.
    public var maximumTotal: Int?

    /// Creates a policy.
    public init(
        multiplier: Double = 2,
        quantile: Double = 0.75,
        minimumSamples: Int = 5,
        maximumFraction: Double = 0.1,
        maximumTotal: Int? = nil
    ) {
        self.multiplier = max(1, multiplier)
        self.quantile = min(1, max(0, quantile))
        self.minimumSamples = max(1, minimumSamples)
        self.maximumFraction = min(1, max(0, maximumFraction))
        self.maximumTotal = maximumTotal.map { max(0, $0) }
    }

    /// 2× p75 after 5 samples, duplicates on at most 10% of the lanes at once.
    public static let `default` = SpeculationPolicy()

    /// The most duplicates a run of `lanes` lanes may run at once.
    public func maximumRunning(forLanes lanes: Int) -> Int {
        max(1, Int((Double(lanes) * maximumFraction).rounded(.down)))
    }

    /// `speculation after 2.0× p75 (5 samples), ≤ 10% of lanes at once`.
    public var description: String {
        "speculation after \(multiplier)× p\(Int((quantile * 100).rounded())) (\(minimumSamples) samples), "
            + "≤ \(Int((maximumFraction * 100).rounded()))% of lanes at once"
            + (maximumTotal.map { ", ≤ \($0) in all" } ?? "")
    }
}
