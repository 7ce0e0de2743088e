import GrafosObserve
import GrafosStd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A build in virtual time on a `SimulatedFabric`, to compare scheduling policies by makespan (`grafos bench
/// scheduling`).
///
/// `nodes` nodes of `coresPerNode` cores are leased as workers (one lease per node, all its cores) and run `chunks`
/// chunks through ``JobCoordinator/run(_:on:_:replacingWith:exec:aggregate:)``. Each chunk is of one of `kinds`
/// kinds, drawn uniformly; kind *k* costs `lightest × (heaviest/lightest)^(k/(kinds−1))` of work (log-uniform: a
/// few heavy kinds dominate the total). A scripted tasklet reports its cost as fuel (one unit per nanosecond of work
/// on a normal node) and sleeps for cost ÷ speed (plus the chunk's index in nanoseconds, to break ties) on the
/// fabric's `ManualClock`; a `slowFraction` of the nodes run `slowFactor` times slower. The coordinator's clock is
/// the same `ManualClock`, moved by ``JobCoordinator/simulate(on:_:)`` only when every lane is blocked, so makespans
/// are exact virtual time and the same seed gives the same figures.
///
/// The lower bound is total work ÷ cores (at normal speed).
package struct SchedulingSimulation: Sendable {
    /// One scheduling policy to measure.
    package struct Mode: Sendable {
        package var name: String
        package var scheduling: SchedulingPolicy
        /// Whether the run starts from the cost model the earlier modes taught (otherwise from an empty one).
        package var warmCosts: Bool

        package init(name: String, scheduling: SchedulingPolicy, warmCosts: Bool) {
            self.name = name
            self.scheduling = scheduling
            self.warmCosts = warmCosts
        }
    }

    /// One mode's result.
    package struct Outcome: Sendable {
        package var name: String
        package var makespan: Duration
        package var speculativeAttempts: Int
        package var cancelledLaunches: Int
        package var seconds: Double

        package func ratio(to bound: Duration) -> Double { makespan / bound }
    }

    /// What a whole simulation measured.
    package struct Report: Sendable {
        package var simulation: SchedulingSimulation
        package var totalWork: Duration
        package var lowerBound: Duration
        package var heaviestChunk: Duration
        package var outcomes: [Outcome]
    }

    package var nodes = 1000
    package var coresPerNode = 2
    package var chunks = 40_000
    package var kinds = 64
    package var lightest: Duration = .milliseconds(100)
    package var heaviest: Duration = .seconds(10)
    package var slowFraction = 0.02
    package var slowFactor = 10.0
    package var seed: UInt64 = 42
    package var speculation = SpeculationPolicy.default

    package init() {}

    /// FIFO, LPT (costs learned in the FIFO run), LPT + speculation.
    package var standardModes: [Mode] {
        [
            Mode(name: "FIFO", scheduling: .fifo, warmCosts: false),
            Mode(name: "LPT", scheduling: .default, warmCosts: true),
            Mode(
                name: "LPT + speculation",
                scheduling: SchedulingPolicy.default.withSpeculation(speculation),
                warmCosts: true
            ),
        ]
    }

    /// The cost of one chunk of `kind`, in nanoseconds of work at normal speed.
    package func cost(ofKind kind: Int) -> Int64 {
        let low = Double(lightest / .nanoseconds(1))
        let high = Double(heaviest / .nanoseconds(1))
        let position = kinds > 1 ? Double(kind) / Double(kinds - 1) : 0
        return Int64(low * pow(high / low, position))
    }

    /// The job's chunks: kinds drawn from the seed; each chunk's input is its cost (8 bytes, little-endian).
    package func makeChunks() -> [Chunk] {
        var random = SeededRandomNumberGenerator(seed: seed)
        return (0..<chunks).map { index in
            let kind = Int.random(in: 0..<max(1, kinds), using: &random)
            let cost = UInt64(cost(ofKind: kind))
            return Chunk(
                id: "c\(index)",
                bytes: withUnsafeBytes(of: cost.littleEndian) { Array($0) }
                    + withUnsafeBytes(of: UInt64(index).littleEndian) { Array($0) },
                kind: "k\(kind)"
            )
        }
    }

    /// The slow nodes' names, drawn from the seed.
    package func slowNodes() -> Set<String> {
        var random = SeededRandomNumberGenerator(seed: seed ^ 0x5157_4E4F_4445_5321)
        let count = Int((Double(nodes) * slowFraction).rounded())
        return Set((0..<nodes).shuffled(using: &random).prefix(count).map { "n\($0)" })
    }

    /// Runs every mode in order on fresh fabrics (sharing one cost model) and reports their makespans.
    package func run(modes: [Mode]? = nil) async throws -> Report {
        let work = makeChunks()
        let slow = slowNodes()
        let total = work.reduce(Int64(0)) { $0 + Self.cost(of: $1) }
        let cores = nodes * coresPerNode
        let learned = ChunkCostModel()
        var outcomes: [Outcome] = []
        for mode in modes ?? standardModes {
            let costs = mode.warmCosts ? learned : ChunkCostModel()
            var outcome = try await measure(mode, work, slow, costs)
            outcome.name = mode.name
            outcomes.append(outcome)
            if !mode.warmCosts {
                for (kind, estimate) in costs.estimates { learned.record(kind: kind, cost: estimate) }
            }
        }
        return Report(
            simulation: self,
            totalWork: .nanoseconds(total),
            lowerBound: .nanoseconds(total / Int64(max(1, cores))),
            heaviestChunk: .nanoseconds(work.map(Self.cost(of:)).max() ?? 0),
            outcomes: outcomes
        )
    }

    private static func ordinal(_ input: [UInt8]) -> Int64 {
        var value: UInt64 = 0
        for (index, byte) in input.dropFirst(8).prefix(8).enumerated() { value |= UInt64(byte) << UInt64(index * 8) }
        return Int64(clamping: value)
    }

    private static func cost(of chunk: Chunk) -> Int64 {
        var value: UInt64 = 0
        for (index, byte) in chunk.bytes.prefix(8).enumerated() { value |= UInt64(byte) << UInt64(index * 8) }
        return Int64(clamping: value)
    }

    private func measure(
        _ mode: Mode,
        _ work: [Chunk],
        _ slow: Set<String>,
        _ costs: ChunkCostModel
    ) async throws
        -> Outcome
    {
        let clock = ManualClock()
        let metrics = MetricsRegistry()
        let fabric = SimulatedFabric(
            clock: clock,
            seed: seed,
            nodes: (0..<nodes).map { SimulatedFabric.Node(name: "n\($0)", cores: coresPerNode) },
            metrics: metrics,
            recordsHistory: false
        )
        let factor = slowFactor
        fabric.onLaunch { launch in
            let cost = Self.cost(of: Chunk(id: "", bytes: launch.input))
            let speed = slow.contains(launch.node) ? 1 / factor : 1
            // Plus the chunk's index in nanoseconds, so that two attempts never end at the same instant (lanes
            // freed at once would race for the next chunk, and the tie could go either way).
            let tie = Self.ordinal(launch.input)
            let duration = Duration.nanoseconds(Int64(Double(cost) / speed) + tie)
            try await clock.sleep(until: clock.now.advanced(by: duration))
            return TaskletResult(output: [], fuelConsumed: UInt64(cost))
        }
        var workers: [CpuLease] = []
        for index in 0..<nodes {
            workers.append(
                try await CpuBuilder(on: fabric).cores(coresPerNode).node("n\(index)").lease(.seconds(1_000_000))
                    .acquire()
            )
        }
        let leases = workers
        let coordinator = JobCoordinator(
            policy: RetryPolicy.default.withSeed(seed),
            clock: clock,
            scheduling: mode.scheduling,
            costs: costs,
            metrics: metrics
        )
        let started = ContinuousClock.now
        let start = clock.now
        let finished = try await coordinator.simulate(on: clock) {
            try await coordinator.run(
                work,
                on: leases,
                (),
                exec: { chunk, worker, _ in try await worker.cpu().submit([]).input(chunk.bytes).launch() },
                aggregate: { $0.count }
            )
        }
        let makespan = start.duration(to: clock.now)
        let seconds = ContinuousClock.now - started
        guard finished == work.count else { throw BenchmarkMismatch(expected: work.count, got: finished) }
        for worker in workers { await worker.release() }
        return Outcome(
            name: mode.name,
            makespan: makespan,
            speculativeAttempts: Int(metrics.value(of: "speculative_attempts_total") ?? 0),
            cancelledLaunches: Int(metrics.value(of: "tasklet_failures_total", labels: ["reason": "cancelled"]) ?? 0),
            seconds: Double(seconds.components.seconds) + Double(seconds.components.attoseconds) / 1e18
        )
    }
}
