import GrafosObserve
import Synchronization
import Testing

@testable import GrafosStd

@Suite struct ManualClockTests {
    @Test func sleepersWakeInDeadlineOrder() async throws {
        let clock = ManualClock()
        let order = Locked<[Int]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, seconds) in [3, 1, 2].enumerated() {
                group.addTask {
                    try await clock.sleep(until: clock.now.advanced(by: .seconds(seconds)))
                    order.update { $0.append(index) }
                }
                await clock.waitForSleepers(index + 1)
            }
            clock.advance(by: .seconds(1))
            await waitUntil { order.value.count == 1 }
            clock.advance(by: .seconds(1))
            await waitUntil { order.value.count == 2 }
            clock.advance(by: .seconds(1))
            try await group.waitForAll()
        }
        #expect(order.value == [1, 2, 0])
        #expect(clock.now == FabricInstant.zero.advanced(by: .seconds(3)))
    }

    @Test func aSleeperDoesNotWakeBeforeItsDeadline() async throws {
        let clock = ManualClock()
        let woke = Locked(false)
        let task = Task {
            try await clock.sleep(for: .seconds(10))
            woke.update { $0 = true }
        }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(9))
        #expect(clock.sleeperCount == 1)
        #expect(!woke.value)
        clock.advance(by: .seconds(1))
        try await task.value
        #expect(woke.value)
    }

    @Test func cancellingASleeperThrowsAndForgetsIt() async {
        let clock = ManualClock()
        let task = Task { try await clock.sleep(for: .seconds(10)) }
        await clock.waitForSleepers(1)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.sleeperCount == 0)
    }

    @Test func timersRunSynchronouslyInsideAdvanceAndCanBeCancelled() {
        let clock = ManualClock()
        let fired = Locked<[String]>([])
        _ = clock.schedule(at: clock.now.advanced(by: .seconds(2))) { fired.update { $0.append("b") } }
        _ = clock.schedule(at: clock.now.advanced(by: .seconds(1))) { fired.update { $0.append("a") } }
        let cancelled = clock.schedule(at: clock.now.advanced(by: .seconds(1))) { fired.update { $0.append("x") } }
        cancelled.cancel()
        #expect(clock.nextDeadline == FabricInstant.zero.advanced(by: .seconds(1)))
        clock.advance(by: .seconds(5))
        #expect(fired.value == ["a", "b"])
        #expect(clock.nextDeadline == nil)
        #expect(!clock.advanceToNextDeadline())
    }

    @Test func timeNeverMovesBackward() {
        let clock = ManualClock(now: FabricInstant(nanoseconds: 100))
        clock.advance(to: FabricInstant(nanoseconds: 50))
        clock.advance(by: .seconds(-1))
        #expect(clock.now == FabricInstant(nanoseconds: 100))
    }
}

@Suite struct ManualClockCancellationTests {
    @Test func waitingForSleepersEndsWhenTheWaiterIsCancelled() async {
        let clock = ManualClock()
        let waiter = Task { await clock.waitForSleepers(1) }
        waiter.cancel()
        await waiter.value
        #expect(clock.sleeperCount == 0)
    }

    @Test func aSimulatedFabricCanRunWithoutHistory() async throws {
        let clock = ManualClock()
        let sim = SimulatedFabric(
            clock: clock,
            seed: 1,
            nodes: [SimulatedFabric.Node(name: "s", cores: 1)],
            metrics: MetricsRegistry(),
            recordsHistory: false
        )
        _ = try await CpuBuilder(on: sim).acquire()
        #expect(sim.history.isEmpty)
    }
}
