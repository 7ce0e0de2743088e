import GrafosJobs
import GrafosObserve
import GrafosStd
import Testing

/// Straggler mitigation: speculative duplicates, first result wins, the loser is stopped.
@Suite struct SpeculationTests {
    /// Runs 40 one-second chunks on four 1-core workers, one of them (`n3`) ten times slower, in exact virtual time.
    private func makespan(speculation: SpeculationPolicy?) async throws -> (Duration, JobSummary, Harness) {
        let h = Harness(nodes: 4, cores: 1)
        h.scriptWork(slowdown: 10, on: ["n3"])
        let workers = try await h.workers([("n0", 1), ("n1", 1), ("n2", 1), ("n3", 1)])
        let work = (0..<40).map { workChunk("c\($0)", .seconds(1)) }
        let coordinator = h.coordinator(
            maxConcurrency: nil,
            scheduling: SchedulingPolicy.default.withSpeculation(speculation)
        )
        let events = collectEvents(coordinator)
        let out = try await coordinator.simulate(on: h.clock) {
            try await coordinator.run(
                work,
                on: workers,
                (),
                exec: { chunk, worker, _ in try await worker.cpu().submit([]).input(chunk.bytes).launch() },
                aggregate: { $0 }
            )
        }
        #expect(out.map(\.output) == work.map(\.bytes))
        let summary = try #require(finishedSummary(await events.value))
        return (FabricInstant.zero.duration(to: h.clock.now), summary, h)
    }

    @Test(.timeLimit(.minutes(1)))
    func oneSlowNodeDoesNotSetTheWallTime() async throws {
        let (without, plain, _) = try await makespan(speculation: nil)
        let (with, speculative, h) = try await makespan(speculation: .default)
        // Without speculation the slow node's last chunk (10 s) ends the job; with it, a duplicate on a fast node
        // wins each race and the job ends close to the fast nodes' share of the work (40 s / 3).
        #expect(plain.speculativeAttempts == 0)
        #expect(speculative.speculativeAttempts > 0)
        #expect(with < without * 0.8, "with speculation \(with), without \(without)")
        #expect(h.value("speculative_attempts_total") == Double(speculative.speculativeAttempts))
        // Every race was won by the duplicate: the slow node's attempts were stopped.
        #expect(h.failedLaunches(.cancelled) >= 1)
        #expect(speculative.succeeded == 40 && speculative.failed == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func theLoserOfARaceIsStoppedAndItsLeaseReleased() async throws {
        // exec leases its own core per attempt; n0 is slow. The first lease lands on n0 (round-robin placement);
        // its chunk gets a duplicate on another node, which wins; the n0 attempt is cancelled and its lease goes.
        let h = Harness(nodes: 4, cores: 1)
        h.scriptWork(slowdown: 20, on: ["n0"])
        let work = (0..<12).map { workChunk("c\($0)", .seconds(1)) }
        let coordinator = h.coordinator(
            RetryPolicy.default.withSeed(1),
            maxConcurrency: 3,
            scheduling: SchedulingPolicy.default.withSpeculation(SpeculationPolicy(minimumSamples: 3))
        )
        let events = collectEvents(coordinator)
        let sim = h.sim
        let speculative = Recorder<String>()
        let out = try await coordinator.simulate(on: h.clock) {
            try await coordinator.run(
                work,
                exec: { chunk in
                    if JobAttempt.current?.isSpeculative == true { speculative.append(chunk.id) }
                    let lease = try await CpuBuilder(on: sim).cores(1).leaseSecs(600).acquire()
                    return try await lease.cpu().submit([]).input(chunk.bytes).launch()
                },
                aggregate: { $0 }
            )
        }
        #expect(out.map(\.output) == work.map(\.bytes))
        let all = await events.value
        let succeeded = all.filter { if case .succeeded = $0 { true } else { false } }.count
        #expect(succeeded == 12)  // exactly one result per chunk, races included
        let raced = all.compactMap { event -> String? in
            if case .speculated(let chunk, _, _) = event { chunk } else { nil }
        }
        #expect(!raced.isEmpty && Set(raced) == Set(speculative.all))
        #expect(h.failedLaunches(.cancelled) >= 1)
        #expect(h.sim.activeCpuLeases == 0)
        #expect(h.value("cpu_leases_active") == 0)
    }

    @Test func duplicatesRunningAtOnceAreCapped() {
        #expect(SpeculationPolicy.default.maximumRunning(forLanes: 2000) == 200)
        #expect(SpeculationPolicy.default.maximumRunning(forLanes: 4) == 1)
        #expect(SpeculationPolicy(maximumFraction: 0.5).maximumRunning(forLanes: 10) == 5)
    }

    @Test(.timeLimit(.minutes(1)))
    func aTotalCapStopsDuplicatesAfterItIsReached() async throws {
        let h = Harness(nodes: 4, cores: 1)
        h.scriptWork(slowdown: 10, on: ["n3"])
        let workers = try await h.workers([("n0", 1), ("n1", 1), ("n2", 1), ("n3", 1)])
        let work = (0..<40).map { workChunk("c\($0)", .seconds(1)) }
        let coordinator = h.coordinator(
            maxConcurrency: nil,
            scheduling: SchedulingPolicy.default.withSpeculation(SpeculationPolicy(maximumTotal: 2))
        )
        let events = collectEvents(coordinator)
        _ = try await coordinator.simulate(on: h.clock) {
            try await coordinator.run(
                work,
                on: workers,
                (),
                exec: { chunk, worker, _ in try await worker.cpu().submit([]).input(chunk.bytes).launch() },
                aggregate: { $0.count }
            )
        }
        #expect(finishedSummary(await events.value)?.speculativeAttempts == 2)
        #expect(h.value("speculative_attempts_total") == 2)
    }
}
