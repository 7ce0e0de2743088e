import GrafosJobs
import GrafosObserve
import GrafosStd
import Testing

@Suite struct JobCoordinatorSimulationTests {
    @Test func aThousandChunksCompleteDespiteDisconnectsExpiriesAndFailedLaunches() async throws {
        let h = Harness(nodes: 20, cores: 2, seed: 2024)
        // Each tasklet takes 100 ms of virtual time and a dropped node is away for 200 ms. (With instant
        // tasklets, 10% of launches dropping a node for a whole second keeps every node down at once: a
        // capacity storm that exhausts any retry policy, which is not what this test is about.)
        let clock = h.clock
        h.sim.onLaunch { launch in
            try await clock.sleep(until: clock.now.advanced(by: .milliseconds(100)))
            return TaskletResult(output: launch.input)
        }
        h.sim.faults = FaultPlan(
            launchFailureRate: 0.05,
            disconnectRate: 0.10,
            expiryRate: 0.03,
            disconnectDuration: .milliseconds(200)
        )
        let policy = RetryPolicy.default.withMaxRetries(8).withSeed(7)
        let coordinator = h.coordinator(policy, maxConcurrency: 16)
        let events = collectEvents(coordinator)
        let artifacts = try await h.artifacts()
        let work = chunks(1000)
        let exec = h.exec
        let out = try await drivingClock(h.clock) {
            try await coordinator.run(work, artifacts, exec: exec, aggregate: { $0 })
        }

        // Every chunk's output aggregated exactly once, in chunk order, and stored.
        #expect(out.map(\.output) == work.map(\.bytes))
        #expect(h.finishedLaunches == 1000)
        #expect(try await artifacts.list() == work.map(\.id).sorted())
        #expect(try await artifacts.read("c999") == work[999].bytes)

        // The faults really happened.
        #expect(h.value("tasklet_failures_total", ["reason": "transient"]) > 0)
        #expect(h.value("tasklet_failures_total", ["reason": "disconnected"]) > 0)
        #expect(h.value("tasklet_failures_total", ["reason": "leaseExpired"]) > 0)

        // Retries match the policy: counted consistently, never more than maxRetries per chunk, delays within the
        // backoff's ceilings.
        let all = await events.value
        var started = [Int](repeating: 0, count: 1000)
        var retried = [Int](repeating: 0, count: 1000)
        var requeued = [Int](repeating: 0, count: 1000)
        var succeeded = [Int](repeating: 0, count: 1000)
        var summary: JobSummary?
        for event in all {
            switch event {
            case .started(_, let index, _): started[index] += 1
            case .retried(_, let index, let attempt, let reason, let delay):
                retried[index] += 1
                #expect(policy.classify(reason) == .retryable)
                #expect(delay >= .zero && delay <= policy.backoff.ceiling(forRetry: attempt))
            case .requeued(_, let index, _, let reason):
                // Capacity taken by the run's own attempts (nodes were down): waited for, not retried.
                requeued[index] += 1
                #expect((reason as? FabricError)?.code == .insufficientCapacity)
            case .succeeded(_, let index, let attempts):
                succeeded[index] += 1
                #expect(attempts == retried[index] + 1)
            case .finished(let value): summary = value
            default: break
            }
        }
        #expect(succeeded == Array(repeating: 1, count: 1000))
        #expect(
            (0..<1000).allSatisfy { started[$0] == retried[$0] + requeued[$0] + 1 && retried[$0] <= policy.maxRetries }
        )
        let retries = retried.reduce(0, +)
        #expect(retries > 100)
        #expect(
            summary
                == JobSummary(
                    total: 1000,
                    succeeded: 1000,
                    failed: 0,
                    retries: retries,
                    cancelled: false,
                    requeued: requeued.reduce(0, +)
                )
        )
        #expect(h.value("retries_total") == Double(retries))

        // No lease left behind.
        #expect(h.sim.activeCpuLeases == 0)
        #expect(h.value("cpu_leases_active") == 0)
    }

    @Test func cancellingARunMidwayReleasesEveryLease() async throws {
        let h = Harness()
        let clock = h.clock
        h.sim.onLaunch { launch in
            try await clock.sleep(until: clock.now.advanced(by: .seconds(10)), tolerance: nil)
            return TaskletResult(output: launch.input)
        }
        let coordinator = h.coordinator(maxConcurrency: 4)
        let events = collectEvents(coordinator)
        let artifacts = try await h.artifacts()
        let exec = h.exec
        let job = Task { try await coordinator.run(chunks(20), artifacts, exec: exec, aggregate: { $0.count }) }
        await h.clock.waitForSleepers(4)
        #expect(h.sim.activeCpuLeases == 4)
        #expect(h.value("cpu_leases_active") == 4)

        job.cancel()
        await #expect(throws: CancellationError.self) { try await job.value }
        #expect(h.sim.activeCpuLeases == 0)
        #expect(h.value("cpu_leases_active") == 0)
        #expect(h.launches.count == 4)
        #expect(h.value("retries_total") == 0)
        if case .finished(let summary)? = await events.value.last {
            #expect(summary.cancelled && summary.succeeded == 0)
        } else {
            Issue.record("the run did not finish its event stream")
        }
    }

    @Test func runningOnWorkersReplacesAWorkerWhoseLeaseDies() async throws {
        let h = Harness(nodes: 4, cores: 1)
        let workers = [
            try await CpuBuilder(on: h.sim).cores(1).leaseSecs(60).acquire(),
            try await CpuBuilder(on: h.sim).cores(1).leaseSecs(60).acquire(),
        ]
        let dead = workers[0].id
        h.sim.expire(lease: dead)
        // The live worker's first launch takes a second, so the dead worker's lane surely claims a chunk (and backs
        // off) before the other lane could run them all.
        h.sim.delayNextLaunch(by: .seconds(1))
        let policy = RetryPolicy.default.withSeed(3).withBackoff(.constant(.milliseconds(100)))
        let coordinator = h.coordinator(policy, maxConcurrency: nil)
        let events = collectEvents(coordinator)
        let artifacts = try await h.artifacts()
        let used = Recorder<LeaseID>()
        let job = Task {
            try await coordinator.run(
                chunks(10),
                on: workers,
                artifacts,
                exec: { chunk, worker, store in
                    let r = try await worker.cpu().submit([]).input(chunk.bytes).launch()
                    try await store.write(chunk.id, r.output)
                    used.append(worker.id)
                    return r
                },
                aggregate: { $0 }
            )
        }
        await h.clock.waitForSleepers(2)  // one lane in its backoff, the other in its delayed launch
        let out = try await drivingClock(h.clock) { try await job.value }
        #expect(out.map(\.output) == chunks(10).map(\.bytes))
        let replacements = await events.value.compactMap { event -> (LeaseID, LeaseID)? in
            if case .workerReplaced(let old, let new) = event { (old, new) } else { nil }
        }
        #expect(replacements.count == 1)
        #expect(replacements.first?.0 == dead)
        let replacement = try #require(replacements.first?.1)
        #expect(Set(used.all) == [workers[1].id, replacement])
        #expect(!used.all.contains(dead))
        // The replacement was released; the caller's live worker was not.
        #expect(h.sim.activeCpuLeases == 1)
        #expect(!workers[1].isReleased)
    }

    @Test func runningOnWorkersRetriesOnAReplacementWhenAWorkerWasReleased() async throws {
        // `leaseReleased` is deterministic under the default policy, but a released worker is replaced, so the
        // attempt that found it released must run again on the replacement rather than fail its chunk.
        let h = Harness(nodes: 4, cores: 1)
        let workers = [
            try await CpuBuilder(on: h.sim).cores(1).leaseSecs(60).acquire(),
            try await CpuBuilder(on: h.sim).cores(1).leaseSecs(60).acquire(),
        ]
        await workers[0].release()
        // One lane, on the released worker: every chunk goes through it.
        let coordinator = h.coordinator(RetryPolicy.default.withBackoff(.none), maxConcurrency: 1)
        #expect(coordinator.policy.classify(FabricError.leaseReleased) == .deterministic)
        let events = collectEvents(coordinator)
        let artifacts = try await h.artifacts()
        let out = try await coordinator.run(
            chunks(6),
            on: workers,
            artifacts,
            exec: { chunk, worker, _ in try await worker.cpu().submit([]).input(chunk.bytes).launch() },
            aggregate: { $0 }
        )
        #expect(out.map(\.output) == chunks(6).map(\.bytes))
        guard case .finished(let summary)? = await events.value.last else {
            Issue.record("the run did not finish its event stream")
            return
        }
        #expect(summary.replacedWorkers == 1 && summary.retries >= 1 && summary.failed == 0)
        #expect(h.sim.activeCpuLeases == 1)
    }

    @Test func eventsReportEveryStepOfARunInOrder() async throws {
        let h = Harness()
        h.sim.failNextLaunch(with: FabricError.transient)
        let coordinator = h.coordinator(RetryPolicy.default.withBackoff(.none), maxConcurrency: 1)
        let events = collectEvents(coordinator)
        let artifacts = try await h.artifacts()
        _ = try await coordinator.run(chunks(2), artifacts, exec: h.exec, aggregate: { $0 })
        let lines = await events.value.map { event -> String in
            switch event {
            case .queued(let chunk, _): "queued \(chunk)"
            case .started(let chunk, _, let attempt): "started \(chunk) \(attempt)"
            case .retried(let chunk, _, let attempt, let reason, let delay):
                "retried \(chunk) \(attempt) \((reason as? FabricError)?.code.name ?? "?") \(delay)"
            case .succeeded(let chunk, _, let attempts): "succeeded \(chunk) \(attempts)"
            case .failed(let failure): "failed \(failure.chunkID)"
            case .workerReplaced: "replaced"
            case .requeued(let chunk, _, let attempt, _): "requeued \(chunk) \(attempt)"
            case .speculated(let chunk, _, let attempt): "speculated \(chunk) \(attempt)"
            case .workerRetired: "retired"
            case .finished(let summary): "finished \(summary.succeeded) \(summary.retries)"
            }
        }
        #expect(
            lines == [
                "queued c0", "queued c1", "started c0 1", "retried c0 1 transient 0.0 seconds", "started c0 2",
                "succeeded c0 2", "started c1 1", "succeeded c1 1", "finished 2 1",
            ]
        )
    }

    @Test func theOverheadBenchmarkRunsEveryChunk() async throws {
        let result = try await runCoordinatorOverheadBenchmark(chunks: 2000)
        #expect(result.chunksPerSecond > 0 && result.simulatedChunksPerSecond > 0)
    }
}
