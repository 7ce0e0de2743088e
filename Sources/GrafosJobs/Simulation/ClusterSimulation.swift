import GrafosObserve
import GrafosStd

/// A deterministic simulation of a whole cluster running one job under seeded faults (`grafos sim`): the real
/// ``JobCoordinator``, `RenewalManager` and `WarmPool` on a ``SimulatedFabric``, in virtual time, on one thread.
///
/// The job has `chunks` chunks of 0.5 … 1.5 s of virtual work each. `nodes` nodes of `coresPerNode` cores: one worker
/// lease per node on all but a tenth of them (those are spare capacity), kept alive by a `RenewalManager`; a
/// `WarmPool` keeps spare leases warm and replaces dead workers; every chunk's artifact (16 payload bytes and their
/// SHA-256 digest) goes into one block lease. The faults — disconnects and returns, mid-tasklet expiries, slow nodes
/// and attempts, transient failures, renewal failures, capacity exhaustion — are described at ``SimulationFaults``;
/// in addition, the coordinator is restarted once (cancelled when 30 … 70% of the artifacts are recorded; a new one
/// lists the kept artifacts lease and runs only the chunks missing from it).
///
/// After the run, every lease is given back and the invariants are checked: each chunk aggregated exactly once; no
/// lease held by two holders (from the fabric's whole history); no lease left (gauges at 0); retries within the
/// policy; every artifact readable and matching its digest. ``ClusterSimulationReport`` holds the verdicts and
/// a digest of the whole run: the same seed replays the same run, event for event.
///
/// ```swift
/// var simulation = ClusterSimulation()
/// simulation.nodes = 200
/// simulation.chunks = 20_000
/// simulation.seed = 7
/// let report = try await simulation.run()
/// print(report.text)                        // PASS/FAIL per invariant, and a replay command on failure
/// ```
package struct ClusterSimulation: Sendable, Hashable {
    /// Nodes in the cluster (at least 2).
    package var nodes = 10_000
    /// Cores per node.
    package var coresPerNode = 2
    /// Chunks in the job (at least 1).
    package var chunks = 1_000_000
    /// The seed every fault, lease id and backoff derives from.
    package var seed: UInt64 = 1
    /// The overall fault rate (see ``SimulationFaults``), `0 ... 0.5`.
    package var faultRate = 0.02
    /// Whether the coordinator is restarted part-way through the job.
    package var restartsCoordinator = true
    /// The TTL of worker leases (renewed at half of it); nil for ``workerLeaseTTL``'s default.
    package var workerTTL: Duration?
    /// The retry policy's retries per chunk.
    package var maxRetries = 8

    package init() {}

    /// The fault model for this seed and rate.
    package var faults: SimulationFaults { SimulationFaults(seed: seed, rate: faultRate) }

    /// Nodes left without a worker, as spare capacity: a tenth, at least one.
    package var spareNodes: Int { max(1, nodes / 10) }

    /// Worker leases the job starts with.
    package var workerCount: Int { max(1, nodes - spareNodes) }

    /// Leases the warm pool keeps: a quarter of the spare nodes, 1 … 100.
    package var poolSize: Int { min(100, max(1, spareNodes / 4)) }

    /// The TTL of worker leases: ``workerTTL`` if set, else half the expected virtual duration of the job
    /// (chunks × 1 s ÷ lanes) in whole seconds, 4 … 30 s — so that even a small job sees leases renewed.
    package var workerLeaseTTL: Duration {
        if let workerTTL { return workerTTL }
        let expected = Double(chunks) / Double(workerCount * coresPerNode)
        return .seconds(Int64(min(30, max(4, (expected / 2).rounded()))))
    }

    /// The TTL of the artifacts lease: twice the workers'.
    package var artifactsLeaseTTL: Duration { workerLeaseTTL * 2 }

    /// How often the renewal manager ticks: an eighth of the worker TTL, at most one second.
    package var renewalCadence: Duration { min(.seconds(1), workerLeaseTTL / 8) }

    /// The retry policy both coordinators run with.
    package var policy: RetryPolicy {
        RetryPolicy.default
            .withMaxRetries(maxRetries)
            .withBackoff(.exponential(initialMs: 100, maxMs: 5000))
            .withBudget(RetryBudget(capacity: 1000, refillPerSuccess: 0.5))
            .withSeed(seed)
    }

    /// A command line that replays this simulation.
    package var replayCommand: String {
        var command = "grafos sim --nodes \(nodes) --chunks \(chunks) --seed \(seed) --fault-rate \(faultRate)"
        if coresPerNode != 2 { command += " --cores \(coresPerNode)" }
        if !restartsCoordinator { command += " --no-restart" }
        return command
    }

    /// Checks the configuration.
    /// - Throws: `FabricError.Code.invalidRequest` naming the first bad setting.
    package func validate() throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw FabricError(.invalidRequest, message) }
        }
        try check(nodes >= 2 && nodes <= 1_000_000, "a simulation needs 2 … 1,000,000 nodes, not \(nodes)")
        try check(coresPerNode >= 1 && coresPerNode <= 1024, "nodes need 1 … 1024 cores, not \(coresPerNode)")
        try check(chunks >= 1 && chunks <= 100_000_000, "a simulation needs 1 … 100,000,000 chunks, not \(chunks)")
        try check(faultRate >= 0 && faultRate <= 0.5, "the fault rate must be within 0 … 0.5, not \(faultRate)")
        try check(maxRetries >= 0 && maxRetries <= 200, "maxRetries must be within 0 … 200, not \(maxRetries)")
        try check(workerLeaseTTL >= .seconds(2), "worker leases need a TTL of at least 2 s, not \(workerLeaseTTL)")
    }

    /// Runs the simulation on its own thread and checks its invariants.
    ///
    /// - Returns: The verdicts, counters and digests; a failed invariant does not throw.
    /// - Throws: `FabricError.Code.invalidRequest` for a bad configuration; ``DeterministicExecutor/Stopped`` when
    ///   the simulated system deadlocks or runs past a generous virtual-time limit.
    package func run() async throws -> ClusterSimulationReport {
        try validate()
        let started = ContinuousClock.now
        let clock = ManualClock()
        let lanes = Double(workerCount * coresPerNode)
        let expected = Double(chunks) / lanes * 2 + 3600
        let limit = FabricInstant.zero.advanced(by: .seconds(Int64(min(expected * 20, 1e9))))
        let (outcome, statistics) = try await DeterministicExecutor.run(clock: clock, timeLimit: limit) { executor in
            let run = ClusterRun(simulation: self, clock: clock, executor: executor)
            return try await run.simulate()
        }
        let elapsed = ContinuousClock.now - started
        var report = ClusterSimulationReport(simulation: self, outcome: outcome)
        report.wallSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        report.executorJobs = statistics.jobs
        report.clockAdvances = statistics.clockAdvances
        return report
    }
}
