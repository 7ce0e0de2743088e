import GrafosJobs
import GrafosObserve
import GrafosStd
import Synchronization

/// A simulated fabric with an echo tasklet, a manual clock and a private registry.
struct Harness {
    let clock = ManualClock()
    let metrics = MetricsRegistry()
    let sim: SimulatedFabric

    init(nodes: Int = 4, cores: Int = 2, seed: UInt64 = 42) {
        self.init(nodes: (0..<nodes).map { SimulatedFabric.Node(name: "n\($0)", cores: cores) }, seed: seed)
    }

    init(nodes: [SimulatedFabric.Node], seed: UInt64 = 42) {
        sim = SimulatedFabric(clock: clock, seed: seed, nodes: nodes, metrics: metrics)
        sim.onLaunch { launch in TaskletResult(output: launch.input) }
    }

    func coordinator(
        _ policy: RetryPolicy = .default,
        maxConcurrency: Int? = 4,
        failFast: Bool = false,
        scheduling: SchedulingPolicy = .default,
        costs: ChunkCostModel = ChunkCostModel()
    )
        -> JobCoordinator
    {
        JobCoordinator(
            policy: policy,
            clock: clock,
            maxConcurrency: maxConcurrency,
            failFast: failFast,
            scheduling: scheduling,
            costs: costs,
            metrics: metrics
        )
    }

    /// A scripted tasklet that sleeps on the clock for the work its input names (8 bytes, little-endian
    /// nanoseconds), `slowdown` times longer on the nodes listed, and reports that work as its fuel.
    func scriptWork(slowdown: Double = 1, on slowNodes: Set<String> = []) {
        let clock = self.clock
        sim.onLaunch { launch in
            let work = workNanoseconds(launch.input)
            let factor = slowNodes.contains(launch.node) ? slowdown : 1
            try await clock.sleep(until: clock.now.advanced(by: .nanoseconds(Int64(Double(work) * factor))))
            return TaskletResult(output: launch.input, fuelConsumed: UInt64(work))
        }
    }

    /// Leases one worker per node named, with all of `cores` cores.
    func workers(_ nodes: [(String, Int)], ttl: Duration = .seconds(100_000)) async throws -> [CpuLease] {
        var leases: [CpuLease] = []
        for (node, cores) in nodes {
            leases.append(try await CpuBuilder(on: sim).cores(cores).node(node).lease(ttl).acquire())
        }
        return leases
    }

    /// Launches that failed with `reason` (`cancelled` for stopped speculation losers).
    func failedLaunches(_ code: FabricError.Code) -> Int {
        sim.history.filter { if case .failed(_, code, _) = $0 { true } else { false } }.count
    }

    func artifacts() async throws -> BlockLease {
        try await BlockBuilder(on: sim).minBlocks(4096).leaseSecs(3600).acquire()
    }

    /// An exec that leases one core, launches the chunk's bytes and stores the output under the chunk's id.
    var exec: @Sendable (Chunk, BlockLease) async throws -> TaskletResult {
        let sim = self.sim
        return { chunk, store in
            let lease = try await CpuBuilder(on: sim).cores(1).leaseSecs(120).acquire()
            let r = try await lease.cpu().submit([]).input(chunk.bytes).launch()
            try await store.write(chunk.id, r.output)
            return r
        }
    }

    /// How many launches began, and on how many distinct leases.
    var launches: (count: Int, leases: Int) {
        var leases: Set<LeaseID> = []
        var count = 0
        for case .launched(let id, _) in sim.history {
            count += 1
            leases.insert(id)
        }
        return (count, leases.count)
    }

    /// How many launches finished with a result.
    var finishedLaunches: Int {
        sim.history.filter { if case .finished = $0 { true } else { false } }.count
    }

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        metrics.value(of: name, labels: labels) ?? 0
    }
}

/// Collects every event of a coordinator's next run.
func collectEvents(_ coordinator: JobCoordinator) -> Task<[JobEvent], Never> {
    let stream = coordinator.events()
    return Task {
        var all: [JobEvent] = []
        for await event in stream { all.append(event) }
        return all
    }
}

func chunks(_ count: Int, prefix: String = "c") -> [Chunk] {
    (0..<count).map { index in
        Chunk(id: "\(prefix)\(index)", bytes: withUnsafeBytes(of: UInt32(index).littleEndian) { Array($0) })
    }
}

/// A thread-safe list for recording from concurrent closures.
final class Recorder<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])

    func append(_ item: Element) { items.withLock { $0.append(item) } }

    var all: [Element] { items.withLock { $0 } }
}

/// A chunk whose input names `work` of virtual time for ``Harness/scriptWork(slowdown:on:)``.
func workChunk(_ id: String, _ work: Duration, kind: String = "", requirements: ChunkRequirements = .none) -> Chunk {
    let nanos = UInt64(work / .nanoseconds(1))
    return Chunk(
        id: id,
        bytes: withUnsafeBytes(of: nanos.littleEndian) { Array($0) },
        kind: kind,
        requirements: requirements
    )
}

/// The work a ``workChunk(_:_:kind:requirements:)`` input names, in nanoseconds.
func workNanoseconds(_ input: [UInt8]) -> UInt64 {
    var value: UInt64 = 0
    for (index, byte) in input.prefix(8).enumerated() { value |= UInt64(byte) << UInt64(index * 8) }
    return value
}

/// The summary a run's event stream ended with.
func finishedSummary(_ events: [JobEvent]) -> JobSummary? {
    if case .finished(let summary)? = events.last { return summary }
    return nil
}
