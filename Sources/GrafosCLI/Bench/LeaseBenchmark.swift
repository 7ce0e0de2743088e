import GrafosObserve
import GrafosStd

/// Measures how fast a coordinator leases the recipe's 100 cores on the embedded fabric.
package struct LeaseBenchmark {
    /// Nodes in the fabric.
    package var nodes: Int
    /// Cores per lease (and per node).
    package var cores: Int
    /// Leases per round.
    package var leases: Int
    /// Rounds measured (after one warm-up round).
    package var rounds: Int
    /// Lease from these `grafos node` endpoints with this secret instead of an in-process fabric.
    package var remote: (endpoints: [String], secret: [UInt8])?

    package init(nodes: Int, cores: Int, leases: Int, rounds: Int) {
        self.nodes = nodes
        self.cores = cores
        self.leases = leases
        self.rounds = rounds
    }

    /// The figures of one run.
    package struct Result {
        package var configuration: LeaseBenchmark
        /// Time to acquire all leases one after another, per round.
        package var sequentialRounds: [Duration]
        /// Per-lease acquire latency over all sequential rounds.
        package var perLease: [Duration]
        /// Time to acquire all leases from concurrent tasks, per round.
        package var concurrentRounds: [Duration]
        /// Time to release all leases, per round.
        package var releaseRounds: [Duration]
        /// `cpu_leases_active` read after the final teardown.
        package var activeAfterTeardown: Double
        /// Launches per second of a trivial tasklet, one at a time and 32 in flight on one lease per node.
        package var launchesPerSecond: (sequential: Double, concurrent: Double) = (0, 0)

        package var report: String {
            let c = configuration
            let total = c.leases * c.cores
            let target: Duration = c.remote == nil ? .milliseconds(2) : .milliseconds(20)
            let fabric =
                c.remote.map { "\($0.endpoints.count) remote node\($0.endpoints.count == 1 ? "" : "s") over TCP" }
                ?? "a \(c.nodes)-node LocalFabric"
            return """
                grafos bench leases — \(c.leases) leases × \(c.cores) cores (\(total) cores) on \(fabric), \(c.rounds) rounds

                  all \(total) cores leased, sequential   best \(format(sequentialRounds.min()!))   median \(format(percentile(sequentialRounds, 0.5)))   p99 \(format(percentile(sequentialRounds, 0.99)))
                  all \(total) cores leased, concurrent   best \(format(concurrentRounds.min()!))   median \(format(percentile(concurrentRounds, 0.5)))   p99 \(format(percentile(concurrentRounds, 0.99)))
                  per-lease acquire latency        p50 \(format(percentile(perLease, 0.5)))   p99 \(format(percentile(perLease, 0.99)))   max \(format(perLease.max()!))
                  release all \(c.leases) leases           median \(format(percentile(releaseRounds, 0.5)))
                  target: all cores in under \(format(target)) → median sequential is \(ratio(percentile(sequentialRounds, 0.5), target)) of the target
                  trivial tasklet launches         \(Int(launchesPerSecond.sequential))/s one at a time, \(Int(launchesPerSecond.concurrent))/s with 32 in flight
                  cpu_leases_active after teardown: \(Int(activeAfterTeardown))

                """
        }

        package var json: String {
            func ms(_ duration: Duration) -> String { String(duration.milliseconds) }
            return "{\"benchmark\":\"leases\",\"fabric\":\"\(configuration.remote == nil ? "local" : "tcp")\","
                + "\"nodes\":\(configuration.remote?.endpoints.count ?? configuration.nodes),\"cores\":\(configuration.cores),"
                + "\"leases\":\(configuration.leases),\"rounds\":\(configuration.rounds),"
                + "\"sequential_best_ms\":\(ms(sequentialRounds.min()!)),"
                + "\"sequential_median_ms\":\(ms(percentile(sequentialRounds, 0.5))),"
                + "\"concurrent_median_ms\":\(ms(percentile(concurrentRounds, 0.5))),"
                + "\"per_lease_p50_ms\":\(ms(percentile(perLease, 0.5))),"
                + "\"per_lease_p99_ms\":\(ms(percentile(perLease, 0.99))),"
                + "\"release_median_ms\":\(ms(percentile(releaseRounds, 0.5))),"
                + "\"launches_per_s_sequential\":\(Int(launchesPerSecond.sequential)),"
                + "\"launches_per_s_concurrent\":\(Int(launchesPerSecond.concurrent)),"
                + "\"cpu_leases_active_after\":\(Int(activeAfterTeardown))}"
        }
    }

    /// Runs the benchmark on a fresh fabric with its own metrics registry.
    package func run() async throws -> Result {
        let metrics = MetricsRegistry()
        let fabric: any FabricProtocol
        if let remote {
            fabric = try RemoteFabric(endpoints: remote.endpoints, secret: remote.secret, metrics: metrics)
        } else {
            fabric = LocalFabric(
                nodes: (0..<nodes).map { LocalFabric.Node(name: "n\($0)", cores: cores) },
                metrics: metrics
            )
        }
        let clock = ContinuousClock()
        var sequential: [Duration] = []
        var perLease: [Duration] = []
        var concurrent: [Duration] = []
        var releases: [Duration] = []
        sequential.reserveCapacity(rounds)
        perLease.reserveCapacity(rounds * leases)
        for round in -1..<rounds {
            var workers: [CpuLease] = []
            workers.reserveCapacity(leases)
            var latencies: [Duration] = []
            latencies.reserveCapacity(leases)
            let start = clock.now
            for index in 0..<leases {
                let before = clock.now
                do {
                    workers.append(try await CpuBuilder(on: fabric).cores(cores).leaseSecs(120).acquire())
                } catch {
                    throw CLIError.failure("sequential round \(round + 1), lease \(index + 1) of \(leases): \(error)")
                }
                latencies.append(before.duration(to: clock.now))
            }
            let elapsed = start.duration(to: clock.now)
            let releaseStart = clock.now
            try await Self.release(workers, on: fabric)
            let released = releaseStart.duration(to: clock.now)
            if round >= 0 {
                sequential.append(elapsed)
                perLease.append(contentsOf: latencies)
                releases.append(released)
            }
        }
        for round in -1..<rounds {
            let builder = CpuBuilder(on: fabric).cores(cores).leaseSecs(120)
            let count = leases
            let start = clock.now
            let workers: [CpuLease]
            do {
                workers = try await withThrowingTaskGroup(of: CpuLease.self) { group in
                    for _ in 0..<count { group.addTask { try await builder.acquire() } }
                    var workers: [CpuLease] = []
                    for try await worker in group { workers.append(worker) }
                    return workers
                }
            } catch {
                throw CLIError.failure("concurrent round \(round + 1): \(error)")
            }
            let elapsed = start.duration(to: clock.now)
            try await Self.release(workers, on: fabric)
            if round >= 0 { concurrent.append(elapsed) }
        }
        let launches = try await Self.launchRate(on: fabric, launches: max(200, rounds * 10))
        if let remote = fabric as? RemoteFabric { await remote.shutdown() }
        return Result(
            configuration: self,
            sequentialRounds: sequential,
            perLease: perLease,
            concurrentRounds: concurrent,
            releaseRounds: releases,
            activeAfterTeardown: metrics.value(of: "cpu_leases_active") ?? -1,
            launchesPerSecond: launches
        )
    }
}

extension LeaseBenchmark {
    /// `(module (func (export "run") (result i32) i32.const 0))`: the cheapest tasklet there is.
    static let trivialTasklet: [UInt8] = [
        0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F, 0x03, 0x02, 0x01,
        0x00, 0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6E, 0x00, 0x00, 0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x00, 0x0B,
    ]

    /// Launches of the trivial tasklet per second on one 1-core lease: one at a time, then 32 in flight.
    static func launchRate(on fabric: any FabricProtocol, launches: Int) async throws -> (Double, Double) {
        let lease = try await CpuBuilder(on: fabric).cores(1).leaseSecs(120).acquire()
        let clock = ContinuousClock()
        for _ in 0..<20 { _ = try await lease.cpu().submit(trivialTasklet).launch() }
        var start = clock.now
        for _ in 0..<launches { _ = try await lease.cpu().submit(trivialTasklet).launch() }
        let sequential = Double(launches) / max(start.duration(to: clock.now).milliseconds / 1000, 1e-9)
        start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            while next < min(32, launches) {
                group.addTask { _ = try await lease.cpu().submit(trivialTasklet).launch() }
                next += 1
            }
            while try await group.next() != nil, next < launches {
                group.addTask { _ = try await lease.cpu().submit(trivialTasklet).launch() }
                next += 1
            }
        }
        let concurrent = Double(launches) / max(start.duration(to: clock.now).milliseconds / 1000, 1e-9)
        await lease.release()
        return (sequential, concurrent)
    }

    /// Releases through the fabric so that a failed release is reported, not swallowed as `CpuLease.release()` does.
    static func release(_ workers: [CpuLease], on fabric: any FabricProtocol) async throws {
        for worker in workers {
            do {
                try await fabric.release(worker.credential)
            } catch {
                throw CLIError.failure("releasing \(worker) failed: \(error)")
            }
        }
    }
}

/// The `q` quantile (nearest rank) of `values`.
package func percentile(_ values: [Duration], _ q: Double) -> Duration {
    guard !values.isEmpty else { return .zero }
    let sorted = values.sorted()
    let rank = min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
    return sorted[rank]
}

extension Duration {
    /// This duration in milliseconds.
    package var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}

/// A duration for people: `1.234 ms`, `56.7 µs`, `2.5 s`.
package func format(_ duration: Duration) -> String {
    let ms = duration.milliseconds
    if ms >= 1000 { return "\(rounded(ms / 1000, 3)) s" }
    if ms >= 1 { return "\(rounded(ms, 3)) ms" }
    return "\(rounded(ms * 1000, 2)) µs"
}

/// `value / target` as a percentage, e.g. `3.1%`.
package func ratio(_ value: Duration, _ target: Duration) -> String {
    "\(rounded(value.milliseconds / target.milliseconds * 100, 1))%"
}

/// `value` with at most `places` decimals.
package func rounded(_ value: Double, _ places: Int) -> String {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = (value * scale).rounded() / scale
    var text = String(scaled)
    if text.hasSuffix(".0") { text.removeLast(2) }
    return text
}
