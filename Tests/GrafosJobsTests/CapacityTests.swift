import GrafosJobs
import GrafosObserve
import GrafosStd
import Testing

/// Capacity the run's own attempts hold is waited for, not retried; workers that cannot be replaced stop taking
/// chunks.
@Suite struct CapacityTests {
    @Test(.timeLimit(.minutes(1)))
    func thePinnedRecipeLeasingTwoCoresPerChunkFailsNothingAtTheDefaultConcurrency() async throws {
        // The review's case: 8 × 2-core nodes, 1 s tasklets, 400 chunks, RetryPolicy.default and the default lane
        // count (one per free core: 16), while exec leases cores(2), so only 8 attempts fit at once. Before the fix
        // the 8 extra lanes failed with insufficientCapacity, burnt their retries and the budget: 383 of 400 failed.
        let h = Harness(nodes: 8, cores: 2)
        let clock = h.clock
        h.sim.onLaunch { launch in
            try await clock.sleep(until: clock.now.advanced(by: .seconds(1)))
            return TaskletResult(output: launch.input)
        }
        let work = chunks(400)
        let coordinator = JobCoordinator(policy: .default, clock: clock, metrics: h.metrics)
        let events = collectEvents(coordinator)
        let out = try await Fabric.$current.withValue(h.sim) {
            try await drivingClock(clock) {
                let artifacts = try await BlockBuilder().minBlocks(4096).leaseSecs(600).acquire()
                return try await coordinator.run(
                    work,
                    artifacts,
                    exec: { chunk, store in
                        let lease = try await CpuBuilder().cores(2).leaseSecs(120).acquire()
                        let r = try await lease.cpu().submit([]).fuel(5_000_000).input(chunk.bytes).launch()
                        try await store.write(chunk.id, r.output)
                        return r
                    },
                    aggregate: { $0 }
                )
            }
        }
        #expect(out.map(\.output) == work.map(\.bytes))
        #expect(h.value("retries_total") == 0)
        #expect(h.finishedLaunches == 400)
        let summary = try #require(finishedSummary(await events.value))
        #expect(summary.failed == 0 && summary.retries == 0)
        #expect(summary.requeued >= 8)  // the lanes that did not fit waited instead
        #expect(h.sim.activeCpuLeases == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func capacityHeldOutsideTheRunIsRetriedWithBackoff() async throws {
        // Nothing of the run is running, so nothing of the run will free capacity: an ordinary retry.
        let h = Harness(nodes: 1, cores: 1)
        let outsider = try await CpuBuilder(on: h.sim).cores(1).leaseSecs(1).acquire()
        let policy = RetryPolicy.default.withBackoff(.constant(.seconds(1)))
        let coordinator = h.coordinator(policy, maxConcurrency: 1)
        let events = collectEvents(coordinator)
        let artifacts = try await h.artifacts()
        let exec = h.exec
        let out = try await drivingClock(h.clock) {
            try await coordinator.run(chunks(1), artifacts, exec: exec, aggregate: { $0 })
        }
        withExtendedLifetime(outsider) {}
        #expect(out.map(\.output) == chunks(1).map(\.bytes))
        let summary = try #require(finishedSummary(await events.value))
        #expect(summary.retries == 1 && summary.requeued == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func waitingForCapacityStillEndsAtTheDeadline() async throws {
        // Two lanes, room for one 2-core attempt of 10 s: the chunk that waits would start at t+10 s, past its 5 s
        // deadline, so it fails with deadlineExceeded (its last error: the capacity it waited for).
        let h = Harness(nodes: 1, cores: 2)
        let clock = h.clock
        h.sim.onLaunch { launch in
            try await clock.sleep(until: clock.now.advanced(by: .seconds(10)))
            return TaskletResult(output: launch.input)
        }
        let coordinator = h.coordinator(RetryPolicy.default.withDeadline(.seconds(5)), maxConcurrency: 2)
        let sim = h.sim
        let error = await #expect(throws: JobError.self) {
            try await drivingClock(clock) {
                try await coordinator.run(
                    chunks(2),
                    exec: { chunk in
                        let lease = try await CpuBuilder(on: sim).cores(2).leaseSecs(60).acquire()
                        return try await lease.cpu().submit([]).input(chunk.bytes).launch()
                    },
                    aggregate: { $0 }
                )
            }
        }
        #expect(error?.succeeded == 1)
        #expect(error?.failures.map(\.reason) == [.deadlineExceeded])
        #expect((error?.failures.first?.lastError as? FabricError)?.code == .insufficientCapacity)
        #expect(h.value("retries_total") == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func aWorkerThatCannotBeReplacedLeavesItsChunksToTheOthers() async throws {
        // Worker 0's lease is dead and no replacement can be had. Before the fix its lane kept claiming chunks and
        // failed each after its retries (about half the job) while worker 1 idled; now the lane stops.
        let h = Harness(nodes: 2, cores: 1)
        let workers = try await h.workers([("n0", 1), ("n1", 1)], ttl: .seconds(60))
        h.sim.expire(lease: workers[0].id)
        let coordinator = h.coordinator(RetryPolicy.default.withBackoff(.none), maxConcurrency: nil)
        let events = collectEvents(coordinator)
        let artifacts = try await h.artifacts()
        let used = Recorder<LeaseID>()
        let work = chunks(20)
        let out = try await coordinator.run(
            work,
            on: workers,
            artifacts,
            replacingWith: { _ in throw FabricError(.insufficientCapacity, "no spare nodes for a replacement") },
            exec: { chunk, worker, store in
                let r = try await worker.cpu().submit([]).input(chunk.bytes).launch()
                try await store.write(chunk.id, r.output)
                used.append(worker.id)
                return r
            },
            aggregate: { $0 }
        )
        #expect(out.map(\.output) == work.map(\.bytes))
        #expect(Set(used.all) == [workers[1].id])
        let all = await events.value
        let retired = all.compactMap { event -> LeaseID? in
            if case .workerRetired(let lease, _) = event { lease } else { nil }
        }
        #expect(retired == [workers[0].id])
        let summary = try #require(finishedSummary(all))
        #expect(summary.failed == 0 && summary.retiredWorkers == 1)
        #expect(summary.retries <= 1)  // the attempt that found the lease dead
    }

    @Test(.timeLimit(.minutes(1)))
    func whenNoWorkerCanBeReplacedTheLastOneKeepsTryingAndFailsItsChunks() async throws {
        let h = Harness(nodes: 2, cores: 1)
        let workers = try await h.workers([("n0", 1), ("n1", 1)], ttl: .seconds(60))
        for worker in workers { h.sim.expire(lease: worker.id) }
        let coordinator = h.coordinator(RetryPolicy.default.withBackoff(.none).withMaxRetries(2), maxConcurrency: nil)
        let error = await #expect(throws: JobError.self) {
            try await coordinator.run(
                chunks(3),
                on: workers,
                (),
                replacingWith: { _ in throw FabricError(.insufficientCapacity, "no spare nodes") },
                exec: { chunk, worker, _ in try await worker.cpu().submit([]).input(chunk.bytes).launch() },
                aggregate: { $0 }
            )
        }
        #expect(error?.failures.count == 3)
        #expect(error?.failures.allSatisfy { $0.reason == .retriesExhausted || $0.reason == .budgetExhausted } == true)
        #expect(h.sim.activeCpuLeases == 0)
    }
}
