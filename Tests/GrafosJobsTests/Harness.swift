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
        sim = SimulatedFabric(
            clock: clock,
            seed: seed,
            nodes: (0..<nodes).map { SimulatedFabric.Node(name: "n\($0)", cores: cores) },
            metrics: metrics
        )
        sim.onLaunch { launch in TaskletResult(output: launch.input) }
    }

    func coordinator(
        _ policy: RetryPolicy = .default,
        maxConcurrency: Int? = 4,
        failFast: Bool = false
    )
        -> JobCoordinator
    {
        JobCoordinator(
            policy: policy,
            clock: clock,
            maxConcurrency: maxConcurrency,
            failFast: failFast,
            metrics: metrics
        )
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
