import GrafosJobs
import GrafosObserve
import GrafosStd
import Testing

@Suite struct JobCoordinatorTests {
    @Test func thePinnedRecipeShapeAggregatesOneResultPerChunkInOrder() async throws {
        let h = Harness(nodes: 8, cores: 2)
        let chunks = chunks(24)
        let taskletWasm: [UInt8] = []
        let clock = h.clock
        let metrics = h.metrics
        let out = try await Fabric.$current.withValue(h.sim) {
            try await drivingClock(clock) {
                let artifacts = try await BlockBuilder().minBlocks(4096).leaseSecs(600).acquire()
                let policy = RetryPolicy.default.withMaxRetries(8).withBackoff(
                    .exponential(initialMs: 100, maxMs: 5000)
                )
                let coordinator = JobCoordinator(policy: policy, clock: clock, metrics: metrics)
                let out = try await coordinator.run(
                    chunks,
                    artifacts,
                    exec: { chunk, store in  // may run again for the same chunk: must be idempotent
                        let lease = try await CpuBuilder().cores(2).leaseSecs(120).acquire()
                        let r = try await lease.cpu().submit(taskletWasm).fuel(5_000_000).input(chunk.bytes).launch()
                        try await store.write(chunk.id, r.output)
                        return r
                    },
                    aggregate: { results in results }
                )
                #expect(try await artifacts.list().count == 24)
                #expect(try await artifacts.read("c7") == chunks[7].bytes)
                return out
            }
        }
        #expect(out.map(\.output) == chunks.map(\.bytes))
        #expect(h.finishedLaunches == 24)
        #expect(h.sim.activeCpuLeases == 0)
        #expect(h.value("cpu_leases_active") == 0)
    }

    @Test func aRetriedChunkWaitsItsBackoffOnTheInjectedClockAndRunsOnANewLease() async throws {
        let h = Harness()
        for _ in 0..<3 { h.sim.failNextLaunch(with: FabricError.disconnected) }
        let policy = RetryPolicy.default.withMaxRetries(3)
            .withBackoff(.exponential(initialMs: 100, maxMs: 5000, jitter: .none))
        let coordinator = h.coordinator(policy, maxConcurrency: 1)
        let events = collectEvents(coordinator)
        let artifacts = try await h.artifacts()
        let exec = h.exec
        let out = try await drivingClock(h.clock) {
            try await coordinator.run(chunks(1), artifacts, exec: exec, aggregate: { $0 })
        }
        #expect(out.map(\.output) == [chunks(1)[0].bytes])
        let delays = await events.value.compactMap { event -> Duration? in
            if case .retried(_, _, _, _, let delay) = event { delay } else { nil }
        }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
        #expect(h.clock.now == FabricInstant.zero.advanced(by: .milliseconds(700)))
        #expect(h.value("retries_total") == 3)
        #expect(h.launches == (count: 4, leases: 4))
        #expect(h.value("tasklet_failures_total", ["reason": "disconnected"]) == 3)
    }

    @Test func aChunkThatKeepsFailingGivesUpAfterMaxRetries() async throws {
        let h = Harness()
        for _ in 0..<4 { h.sim.failNextLaunch(with: FabricError.transient) }
        let coordinator = h.coordinator(RetryPolicy.default.withMaxRetries(3).withSeed(1), maxConcurrency: 1)
        let artifacts = try await h.artifacts()
        let exec = h.exec
        let error = await #expect(throws: JobError.self) {
            try await drivingClock(h.clock) {
                try await coordinator.run(chunks(2), artifacts, exec: exec, aggregate: { $0.count })
            }
        }
        let failure = try #require(error?.failures.first)
        #expect(error?.failures.count == 1)
        #expect(failure.chunkID == "c0" && failure.attempts == 4 && failure.reason == .retriesExhausted)
        #expect((failure.lastError as? FabricError)?.code == .transient)
        #expect(error?.succeeded == 1)
        #expect(h.value("retries_total") == 3)
        #expect(try await artifacts.list() == ["c1"])
    }

    @Test func deterministicFailuresAreNotRetried() async throws {
        let h = Harness()
        h.sim.failNextLaunch(with: FabricError.outputTooLarge)
        h.sim.onLaunch { launch in TaskletResult(output: launch.input, exitCode: launch.input.first == 2 ? 1 : 0) }
        let coordinator = h.coordinator(maxConcurrency: 1)
        let sim = h.sim
        let error = await #expect(throws: JobError.self) {
            try await coordinator.run(
                chunks(3),
                exec: { chunk in
                    let lease = try await CpuBuilder(on: sim).leaseSecs(60).acquire()
                    return try await lease.cpu().submit([]).input(chunk.bytes).launch().requireSuccess()
                },
                aggregate: { $0 }
            )
        }
        #expect(error?.failures.map(\.chunkID) == ["c0", "c2"])
        #expect(error?.failures.map(\.attempts) == [1, 1])
        #expect(error?.failures.allSatisfy { $0.reason == .deterministic } == true)
        #expect(error?.failures.last?.lastError is TaskletExitError)
        #expect(error?.succeeded == 1)
        #expect(h.value("retries_total") == 0)
        #expect(h.launches.count == 3)
    }

    @Test func aClassifierCanMakeAnExitCodeRetryable() async throws {
        let h = Harness()
        let seen = Recorder<Int>()
        h.sim.onLaunch { launch in
            seen.append(1)
            return TaskletResult(output: launch.input, exitCode: seen.all.count == 1 ? 75 : 0)
        }
        let policy = RetryPolicy.default.withBackoff(.none)
            .withClassifier { ($0 as? TaskletExitError)?.exitCode == 75 ? .retryable : nil }
        let coordinator = h.coordinator(policy, maxConcurrency: 1)
        let sim = h.sim
        let out = try await coordinator.run(
            chunks(1),
            exec: { chunk in
                let lease = try await CpuBuilder(on: sim).leaseSecs(60).acquire()
                return try await lease.cpu().submit([]).input(chunk.bytes).launch().requireSuccess()
            },
            aggregate: { $0 }
        )
        #expect(out.map(\.exitCode) == [0])
        #expect(h.value("retries_total") == 1)
    }

    @Test func theRetryBudgetStopsARetryStorm() async throws {
        let h = Harness()
        h.sim.faults = FaultPlan(launchFailureRate: 1)
        let policy = RetryPolicy.default.withMaxRetries(3).withBackoff(.none)
            .withBudget(RetryBudget(capacity: 5, refillPerSuccess: 0))
        let coordinator = h.coordinator(policy, maxConcurrency: 1)
        let artifacts = try await h.artifacts()
        let error = await #expect(throws: JobError.self) {
            try await coordinator.run(chunks(20), artifacts, exec: h.exec, aggregate: { $0.count })
        }
        #expect(error?.failures.count == 20)
        #expect(error?.failures.map(\.reason) == [.retriesExhausted] + Array(repeating: .budgetExhausted, count: 19))
        #expect(h.value("retries_total") == 5)
        #expect(h.launches.count == 25)
    }

    @Test func aDeadlineStopsRetriesWhoseBackoffWouldEndTooLate() async throws {
        let h = Harness()
        for _ in 0..<10 { h.sim.failNextLaunch(with: FabricError.timeout) }
        let policy = RetryPolicy.default.withMaxRetries(10).withBackoff(.constant(.seconds(1)))
            .withDeadline(.milliseconds(2500))
        let coordinator = h.coordinator(policy, maxConcurrency: 1)
        let artifacts = try await h.artifacts()
        let exec = h.exec
        let error = await #expect(throws: JobError.self) {
            try await drivingClock(h.clock) {
                try await coordinator.run(chunks(1), artifacts, exec: exec, aggregate: { $0.count })
            }
        }
        #expect(error?.failures.first?.reason == .deadlineExceeded)
        #expect(error?.failures.first?.attempts == 3)
        #expect(h.clock.now == FabricInstant.zero.advanced(by: .seconds(2)))
    }

    @Test func resultsAreInChunkOrderEvenWhenLaterChunksFinishFirst() async throws {
        let h = Harness(nodes: 10, cores: 1)
        let finished = Recorder<UInt8>()
        let clock = h.clock
        h.sim.onLaunch { launch in
            let index = Int(launch.input[0])
            try await clock.sleep(until: clock.now.advanced(by: .seconds(10 - index)), tolerance: nil)
            finished.append(launch.input[0])
            return TaskletResult(output: launch.input)
        }
        let coordinator = h.coordinator(maxConcurrency: 10)
        let progress = coordinator.events()
        let artifacts = try await h.artifacts()
        let exec = h.exec
        let job = Task { try await coordinator.run(chunks(10), artifacts, exec: exec, aggregate: { $0 }) }
        // Step the clock by hand: every tasklet starts at t+0, then exactly one wakes per step, and the next step
        // waits for its chunk to succeed. (An eager clock driver would let finishing order depend on scheduling.)
        await clock.waitForSleepers(10)
        var events = progress.makeAsyncIterator()
        for _ in 0..<10 {
            clock.advanceToNextDeadline()
            while let event = await events.next() {
                if case .succeeded = event { break }
            }
        }
        let out = try await job.value
        #expect(out.map { $0.output[0] } == Array(0..<10))
        #expect(finished.all == Array((0..<10).reversed()))
    }

    @Test func duplicateChunkIDsAreRefused() async throws {
        let coordinator = Harness().coordinator()
        await #expect(throws: FabricError.invalidRequest) {
            try await coordinator.run(
                [Chunk(id: "a", bytes: []), Chunk(id: "a", bytes: [1])],
                exec: { $0.bytes },
                aggregate: { $0 }
            )
        }
    }

    @Test func failFastStopsStartingChunksAfterAFailure() async throws {
        let h = Harness()
        h.sim.failNextLaunch(with: FabricError.outputTooLarge)
        let coordinator = h.coordinator(maxConcurrency: 1, failFast: true)
        let artifacts = try await h.artifacts()
        let error = await #expect(throws: JobError.self) {
            try await coordinator.run(chunks(5), artifacts, exec: h.exec, aggregate: { $0.count })
        }
        #expect(error?.failures.map(\.chunkID) == ["c0"])
        #expect(error?.notStarted == 4)
        #expect(h.launches.count == 1)
    }

    @Test func anEmptyJobAggregatesNothing() async throws {
        let coordinator = Harness().coordinator()
        let out = try await coordinator.run([], exec: { $0.bytes.count }, aggregate: { $0 })
        #expect(out.isEmpty)
    }
}
