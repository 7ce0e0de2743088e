import GrafosObserve
import Synchronization
import Testing

@testable import GrafosStd

@Suite struct SimulatedFabricTests {
    let clock = ManualClock()
    let metrics = MetricsRegistry()

    func sim(seed: UInt64 = 42, nodes: Int = 2, cores: Int = 4) -> SimulatedFabric {
        SimulatedFabric(
            clock: clock,
            seed: seed,
            nodes: (0..<nodes).map { SimulatedFabric.Node(name: "s\($0)", cores: cores) },
            metrics: metrics
        )
    }

    @Test func scriptedLaunchesReturnTheHandlersResult() async throws {
        let sim = sim()
        sim.onLaunch { launch in TaskletResult(output: launch.input.reversed(), fuelConsumed: 10) }
        let lease = try await CpuBuilder(on: sim).cores(2).leaseSecs(60).acquire()
        let result = try await lease.cpu().submit([]).fuel(100).input([1, 2, 3]).launch()
        #expect(result.output == [3, 2, 1])
        #expect(result.fuelConsumed == 10)
        #expect(metrics.value(of: "tasklets_launched_total") == 1)
        #expect(metrics.value(of: "fuel_consumed_total") == 10)
    }

    @Test func injectedLaunchFailuresAreConsumedInOrder() async throws {
        let sim = sim()
        sim.onLaunch { launch in TaskletResult(output: launch.input) }
        sim.failNextLaunch(with: FabricError.disconnected)
        sim.failNextLaunch(with: FabricError.transient)
        let lease = try await CpuBuilder(on: sim).leaseSecs(60).acquire()
        await #expect(throws: FabricError.disconnected) { try await lease.cpu().submit([]).launch() }
        await #expect(throws: FabricError.transient) { try await lease.cpu().submit([]).launch() }
        #expect(try await lease.cpu().submit([]).input([9]).launch().output == [9])
        #expect(metrics.value(of: "tasklet_failures_total", labels: ["reason": "disconnected"]) == 1)
        #expect(metrics.value(of: "tasklet_failures_total", labels: ["reason": "transient"]) == 1)
    }

    @Test func aDelayedLaunchTakesVirtualTime() async throws {
        let sim = sim()
        sim.onLaunch { _ in TaskletResult(output: [1]) }
        sim.delayNextLaunch(by: .seconds(3))
        let lease = try await CpuBuilder(on: sim).leaseSecs(60).acquire()
        let launch = Task { try await lease.cpu().submit([]).launch() }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(3))
        let result = try await launch.value
        #expect(result.duration == .seconds(3))
    }

    @Test func aLeaseExpiringMidLaunchStopsTheTasklet() async throws {
        let sim = sim()
        sim.onLaunch { _ in
            try await clock.sleep(for: .seconds(100))
            return TaskletResult(output: [1])
        }
        let lease = try await CpuBuilder(on: sim).leaseSecs(10).acquire()
        let launch = Task { try await lease.cpu().submit([]).launch() }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(10))
        await #expect(throws: FabricError.leaseExpired) { try await launch.value }
        #expect(sim.activeCpuLeases == 0)
    }

    @Test func aNodeDisconnectingMidLaunchFailsItAndReconnectingRestoresTheLease() async throws {
        let sim = sim()
        sim.onLaunch { _ in
            try await clock.sleep(for: .seconds(5))
            return TaskletResult(output: [1])
        }
        let lease = try await CpuBuilder(on: sim).leaseSecs(60).acquire()
        let launch = Task { try await lease.cpu().submit([]).launch() }
        await clock.waitForSleepers(1)
        sim.disconnect(node: lease.node)
        await #expect(throws: FabricError.disconnected) { try await launch.value }
        await #expect(throws: FabricError.disconnected) { try await lease.renew() }
        sim.reconnect(node: lease.node)
        try await lease.renew()
        let again = Task { try await lease.cpu().submit([]).launch() }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(5))
        #expect(try await again.value.output == [1])
    }

    @Test func expireStopsLaunchesAndReclaims() async throws {
        let sim = sim()
        sim.onLaunch { _ in
            try await clock.sleep(for: .seconds(5))
            return TaskletResult(output: [])
        }
        let lease = try await CpuBuilder(on: sim).leaseSecs(60).acquire()
        let launch = Task { try await lease.cpu().submit([]).launch() }
        await clock.waitForSleepers(1)
        #expect(sim.expire(lease: lease.id))
        await #expect(throws: FabricError.leaseExpired) { try await launch.value }
        #expect(!sim.expire(lease: lease.id))
        #expect(sim.activeCpuLeases == 0)
    }

    @Test func launchesOnOneLeaseNeverUseMoreCoresThanLeased() async throws {
        let sim = sim(nodes: 1, cores: 8)
        let running = PeakCounter()
        sim.onLaunch { _ in
            running.enter()
            try await clock.sleep(for: .seconds(1))
            running.leave()
            return TaskletResult(output: [])
        }
        let lease = try await CpuBuilder(on: sim).cores(3).leaseSecs(600).acquire()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 { group.addTask { _ = try await lease.cpu().submit([]).launch() } }
            var finished = 0
            while finished < 10 {
                await clock.waitForSleepers(1)
                #expect(clock.sleeperCount <= 3)
                let before = clock.sleeperCount
                clock.advance(by: .seconds(1))
                finished += before
                await waitUntil { running.current == 0 || clock.sleeperCount > 0 }
            }
            try await group.waitForAll()
        }
        #expect(running.peak == 3)
    }

    @Test func outputOverMaxOutputIsAnErrorNotATruncation() async throws {
        let sim = sim()
        sim.onLaunch { _ in TaskletResult(output: [UInt8](repeating: 1, count: 101)) }
        let lease = try await CpuBuilder(on: sim).leaseSecs(60).acquire()
        await #expect(throws: FabricError.outputTooLarge) { try await lease.cpu().submit([]).maxOutput(100).launch() }
        #expect(try await lease.cpu().submit([]).maxOutput(101).launch().output.count == 101)
    }

    @Test func withoutAHandlerLaunchesRunTheRealEngine() async throws {
        let sim = sim()
        let lease = try await CpuBuilder(on: sim).leaseSecs(60).acquire()
        await #expect(throws: TaskletError.invalidModule) { try await lease.cpu().submit([]).launch() }
        let result = try await lease.cpu().submit(TaskletModules.echo).input([4, 2]).launch()
        #expect(result.output == [4, 2])
    }

    @Test func theSameSeedAndCallsGiveTheSameHistory() async throws {
        func run(seed: UInt64) async throws -> [FabricEvent] {
            let clock = ManualClock()
            let sim = SimulatedFabric(
                clock: clock,
                seed: seed,
                nodes: (0..<5).map { SimulatedFabric.Node(name: "s\($0)", cores: 2) },
                metrics: MetricsRegistry()
            )
            sim.onLaunch { launch in TaskletResult(output: launch.input) }
            sim.faults = FaultPlan(launchFailureRate: 0.3, expiryRate: 0.1)
            var leases: [CpuLease] = []
            for round in 0..<20 {
                if let lease = try? await CpuBuilder(on: sim).cores(1 + round % 2).leaseSecs(5 + round).acquire() {
                    leases.append(lease)
                    _ = try? await lease.cpu().submit([]).input([UInt8(round)]).launch()
                }
                clock.advance(by: .seconds(2))
            }
            return sim.history
        }
        let first = try await run(seed: 7)
        #expect(first.count > 40)
        #expect(try await run(seed: 7) == first)
        #expect(try await run(seed: 8) != first)
    }

    @Test func faultPlansInjectAtRoughlyTheirRates() async throws {
        let sim = sim(nodes: 4, cores: 4)
        sim.onLaunch { _ in TaskletResult(output: []) }
        sim.faults = FaultPlan(launchFailureRate: 0.25)
        let lease = try await CpuBuilder(on: sim).leaseSecs(600).acquire()
        var failures = 0
        for _ in 0..<400 {
            do { _ = try await lease.cpu().submit([]).launch() } catch FabricError.transient { failures += 1 }
        }
        #expect((60...140).contains(failures))
    }

    @Test func anInjectedDisconnectHealsAfterItsDuration() async throws {
        let sim = sim(nodes: 1, cores: 2)
        sim.onLaunch { _ in TaskletResult(output: []) }
        sim.faults = FaultPlan(disconnectRate: 1, disconnectDuration: .seconds(3))
        let lease = try await CpuBuilder(on: sim).leaseSecs(600).acquire()
        await #expect(throws: FabricError.disconnected) { try await lease.cpu().submit([]).launch() }
        await #expect(throws: FabricError.insufficientCapacity) { try await CpuBuilder(on: sim).acquire() }
        sim.faults = .none
        clock.advance(by: .seconds(3))
        #expect(try await lease.cpu().submit([]).launch().output == [])
    }

    @Test func injectedAcquireFailuresComeFirst() async throws {
        let sim = sim()
        sim.failNextAcquire(with: FabricError.insufficientCapacity)
        await #expect(throws: FabricError.insufficientCapacity) { try await CpuBuilder(on: sim).acquire() }
        _ = try await CpuBuilder(on: sim).acquire()
    }
}
