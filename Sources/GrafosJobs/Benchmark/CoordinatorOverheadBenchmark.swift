import GrafosObserve
import GrafosStd

/// Measures what the coordinator itself costs per chunk (`grafos bench jobs`).
///
/// Two runs over `chunks` chunks with a fresh registry each:
/// - *instant*: `exec` returns a scripted `TaskletResult` at once, so the time is the coordinator's alone —
///   claiming the chunk, calling `exec`, storing the result, aggregating in order; 64 chunks in flight.
/// - *simulated*: the same chunks launched on 8 two-core `SimulatedFabric` worker leases with a scripted instant
///   tasklet, through ``JobCoordinator/run(_:on:_:replacingWith:exec:aggregate:)`` — adding the fabric's per-launch
///   bookkeeping (lease checks, core gates, metrics, history).
///
/// - Parameter chunks: How many chunks per run (100,000 for the published figure).
/// - Returns: Chunks per second of each run, and the instant run's wall time.
/// - Throws: When a run does not return exactly one result per chunk.
package func runCoordinatorOverheadBenchmark(
    chunks: Int
) async throws -> (chunksPerSecond: Double, seconds: Double, simulatedChunksPerSecond: Double) {
    let count = max(1, chunks)
    let work = (0..<count).map { Chunk(id: "c\($0)", bytes: [UInt8(truncatingIfNeeded: $0)]) }
    let clock = ManualClock()
    let metrics = MetricsRegistry()
    let fabric = SimulatedFabric(
        clock: clock,
        seed: 1,
        nodes: (0..<8).map { SimulatedFabric.Node(name: "b\($0)", cores: 2) },
        metrics: metrics
    )
    fabric.onLaunch { launch in TaskletResult(output: launch.input) }
    let artifacts = try await BlockBuilder(on: fabric).minBlocks(16).leaseSecs(3600).acquire()

    let instant = JobCoordinator(policy: .default, clock: clock, maxConcurrency: 64, metrics: metrics)
    let started = ContinuousClock.now
    let outputs = try await instant.run(
        work,
        artifacts,
        exec: { chunk, _ in TaskletResult(output: chunk.bytes) },
        aggregate: { $0.count }
    )
    let instantSeconds = elapsedSeconds(since: started)
    guard outputs == count else { throw BenchmarkMismatch(expected: count, got: outputs) }

    var workers: [CpuLease] = []
    for _ in 0..<8 { workers.append(try await CpuBuilder(on: fabric).cores(2).leaseSecs(3600).acquire()) }
    let simulated = JobCoordinator(policy: .default, clock: clock, metrics: metrics)
    let simulatedStart = ContinuousClock.now
    let launched = try await simulated.run(
        work,
        on: workers,
        artifacts,
        exec: { chunk, worker, _ in try await worker.cpu().submit([]).input(chunk.bytes).launch() },
        aggregate: { $0.count }
    )
    let simulatedSeconds = elapsedSeconds(since: simulatedStart)
    guard launched == count else { throw BenchmarkMismatch(expected: count, got: launched) }
    for worker in workers { await worker.release() }
    await artifacts.release()
    return (Double(count) / instantSeconds, instantSeconds, Double(count) / simulatedSeconds)
}

private func elapsedSeconds(since start: ContinuousClock.Instant) -> Double {
    let (whole, attoseconds) = (ContinuousClock.now - start).components
    return max(1e-9, Double(whole) + Double(attoseconds) / 1e18)
}

/// A benchmark run that did not return one result per chunk.
struct BenchmarkMismatch: Error, CustomStringConvertible {
    var expected: Int
    var got: Int

    var description: String { "the benchmark expected \(expected) results but got \(got)" }
}
