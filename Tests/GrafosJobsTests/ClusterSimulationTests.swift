import GrafosJobs
import GrafosStd
import Testing

/// The deterministic cluster simulation behind `grafos sim`, at sizes a unit test can afford: its invariants hold
/// over many seeds with every kind of fault, a seed replays event for event, and its checks can fail.
@Suite struct ClusterSimulationTests {
    /// A small cluster with faults ten times as frequent as `grafos sim`'s default, so that every kind shows up.
    static func small(seed: UInt64, faultRate: Double = 0.2) -> ClusterSimulation {
        var simulation = ClusterSimulation()
        simulation.nodes = 20
        simulation.chunks = 120
        simulation.seed = seed
        simulation.faultRate = faultRate
        return simulation
    }

    @Test(.timeLimit(.minutes(2)))
    func twoHundredSeedsKeepEveryInvariantUnderEveryKindOfFault() async throws {
        var total = ClusterSimulationReport.FaultCounts()
        var restarts = 0
        for seed in UInt64(1)...200 {
            let report = try await Self.small(seed: seed).run()
            #expect(report.passed, "\(report.text)")
            #expect(report.invariants.count == 6)
            let c = report.counts
            total.disconnects += c.disconnects
            total.backFromTheDead += c.backFromTheDead
            total.stranded += c.stranded
            total.forcedExpiries += c.forcedExpiries
            total.transientLaunchFailures += c.transientLaunchFailures
            total.slowAttempts += c.slowAttempts
            total.slowNodes += c.slowNodes
            total.renewalFailures += c.renewalFailures
            total.lostRenewalFailures += c.lostRenewalFailures
            total.renewals += c.renewals
            total.exhaustions += c.exhaustions
            total.coresTaken += c.coresTaken
            total.replacements += c.replacements
            if c.restartedAfter != nil { restarts += 1 }
        }
        // Every fault of the model happened, many times over, across the seeds.
        #expect(total.disconnects >= 50)
        #expect(total.backFromTheDead >= 10)
        #expect(total.stranded >= 10)
        #expect(total.forcedExpiries >= 50)
        #expect(total.transientLaunchFailures >= 50)
        #expect(total.slowAttempts >= 50)
        #expect(total.slowNodes >= 200)
        #expect(total.renewalFailures >= 50)
        #expect(total.lostRenewalFailures >= 10)
        #expect(total.renewals >= 1000)
        #expect(total.exhaustions >= 20)
        #expect(total.coresTaken >= 20)
        #expect(total.replacements >= 100)
        #expect(restarts == 200)
    }

    @Test func theSameSeedReplaysTheSameRunEventForEvent() async throws {
        let first = try await Self.small(seed: 77).run()
        let again = try await Self.small(seed: 77).run()
        #expect(first.passed)
        #expect(first.fingerprint == again.fingerprint)
        #expect(first.traceDigest == again.traceDigest)
        #expect(first.fabricEvents == again.fabricEvents && first.fabricEvents > 0)

        let other = try await Self.small(seed: 78).run()
        #expect(other.traceDigest != first.traceDigest)
        #expect(other.outputDigest != first.outputDigest)
    }

    @Test func theOutputDependsOnlyOnTheSeedAndTheChunksNotOnTheFaults() async throws {
        let calm = try await Self.small(seed: 5, faultRate: 0).run()
        let stormy = try await Self.small(seed: 5, faultRate: 0.5).run()
        #expect(calm.passed && stormy.passed, "\(calm.text)\n\(stormy.text)")
        #expect(calm.outputDigest == stormy.outputDigest)
        #expect(calm.traceDigest != stormy.traceDigest)
    }

    @Test func withoutFaultsOrRestartEveryChunkRunsOnceAndNothingIsRetried() async throws {
        var simulation = Self.small(seed: 9, faultRate: 0)
        simulation.restartsCoordinator = false
        let report = try await simulation.run()
        #expect(report.passed, "\(report.text)")
        #expect(report.attempts == simulation.chunks)
        #expect(report.retries == 0)
        #expect(report.counts.restartedAfter == nil)
        #expect(report.counts.disconnects == 0 && report.counts.replacements == 0)
        #expect(report.counts.renewals > 0)
    }

    @Test func aFailedRunNamesItsSeedAndTheCommandThatReplaysIt() async throws {
        var simulation = Self.small(seed: 31)
        simulation.maxRetries = 0  // every injected failure now fails its chunk for good
        simulation.faultRate = 0.5
        let report = try await simulation.run()
        #expect(!report.passed)
        let exactlyOnce = try #require(report.invariants.first)
        #expect(exactlyOnce.name == "each chunk aggregated exactly once" && !exactlyOnce.passed)
        #expect(report.text.contains("FAIL  each chunk aggregated exactly once"))
        #expect(report.text.contains("FAILED — seed 31; replay with: grafos sim --nodes 20 --chunks 120 --seed 31"))
        // The lease rules still held while the job failed.
        #expect(report.invariants[1].passed && report.invariants[2].passed)
    }

    @Test func badSettingsAreRefusedWithTheirReason() async throws {
        var simulation = Self.small(seed: 1)
        simulation.nodes = 1
        await #expect(throws: FabricError.self) { _ = try await simulation.run() }
        simulation = Self.small(seed: 1)
        simulation.faultRate = 0.9
        #expect(throws: FabricError.self) { try simulation.validate() }
        simulation.faultRate = .nan
        #expect(throws: FabricError.self) { try simulation.validate() }
    }

    // MARK: The parts

    @Test func theHistoryCheckerFlagsAGrantOfCoresStillHeld() {
        var checker = LeaseHistoryChecker(nodes: [("n0", 2)], storage: "storage", storageBlocks: 8)
        let a = LeaseID(high: 1, low: 1)
        let b = LeaseID(high: 2, low: 2)
        checker.consume([
            .acquired(a, .cpu, node: "n0", amount: 2, expiry: .zero),
            .launched(a, at: .zero),
            .acquired(b, .cpu, node: "n0", amount: 1, expiry: .zero),
        ])
        #expect(checker.violations == 1)
        #expect(checker.examples.first?.contains("granted to two holders at once") == true)

        checker.consume([.released(a), .released(b), .released(b), .launched(a, at: .zero)])
        #expect(checker.violations == 3)
        #expect(checker.liveLeases == 0)
    }

    @Test func theHistoryCheckerFlagsALaunchOnAReplacedLease() {
        var checker = LeaseHistoryChecker(nodes: [("n0", 2)], storage: "storage", storageBlocks: 8)
        let a = LeaseID(high: 1, low: 1)
        checker.consume([.acquired(a, .cpu, node: "n0", amount: 2, expiry: .zero), .launched(a, at: .zero)])
        checker.markReplaced(a)
        checker.consume([.launched(a, at: .zero)])
        #expect(checker.violations == 1)
        #expect(checker.examples.first?.contains("after its holder replaced it") == true)
    }

    @Test func theExecutorReportsADeadlockInsteadOfHanging() async throws {
        let clock = ManualClock()
        await #expect(throws: DeterministicExecutor.Stopped.self) {
            _ = try await DeterministicExecutor.run(clock: clock) { _ in
                try await clock.sleep(until: clock.now.advanced(by: .seconds(5)))
                // Nothing will ever resume this.
                await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
            }
        }
        #expect(clock.now == FabricInstant.zero.advanced(by: .seconds(5)))
    }

    @Test func theExecutorRunsTasksInOrderOnOneThreadAndMovesTimeOnlyWhenAllWait() async throws {
        let clock = ManualClock()
        let (order, statistics) = try await DeterministicExecutor.run(clock: clock) { executor in
            try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for index in 0..<5 {
                    group.addTask {
                        try await clock.sleep(until: FabricInstant.zero.advanced(by: .seconds(Int64(5 - index))))
                        return (index, executor.isCurrent)
                    }
                }
                var order: [Int] = []
                for try await (index, onThread) in group where onThread { order.append(index) }
                return order
            }
        }
        #expect(order == [4, 3, 2, 1, 0])
        #expect(statistics.clockAdvances == 5)
        #expect(clock.now == FabricInstant.zero.advanced(by: .seconds(5)))
    }
}
