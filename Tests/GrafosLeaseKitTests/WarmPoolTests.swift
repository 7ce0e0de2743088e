import GrafosLeaseKit
import GrafosObserve
import GrafosStd
import Testing

@Suite struct WarmPoolTests {
    let clock = ManualClock()
    let metrics = MetricsRegistry()

    func sim(nodes: Int = 60, cores: Int = 2) -> SimulatedFabric {
        let sim = SimulatedFabric(
            clock: clock,
            seed: 9,
            nodes: (0..<nodes).map { SimulatedFabric.Node(name: "w\($0)", cores: cores) },
            metrics: metrics
        )
        sim.onLaunch { launch in TaskletResult(output: launch.input) }
        return sim
    }

    func acquisitions(_ sim: SimulatedFabric) -> Int {
        sim.history.filter { if case .acquired = $0 { true } else { false } }.count
    }

    @Test func aBurstOfOneHundredTaskletsStartsWithoutALeaseRoundTrip() async throws {
        let sim = sim()
        let pool = WarmPool(configuration: .init(size: 100, ttl: .seconds(30)), fabric: sim, metrics: metrics)
        let keeper = Task { try await pool.run() }
        await pool.ready()
        #expect(pool.available == 100)
        let before = acquisitions(sim)
        let outputs = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for index in 0..<100 {
                group.addTask {
                    try await pool.withLease { lease in
                        try await lease.cpu().submit([]).input([UInt8(index)]).launch().output
                    }
                }
            }
            var all: [[UInt8]] = []
            for try await output in group { all.append(output) }
            return all
        }
        #expect(outputs.count == 100)
        #expect(acquisitions(sim) == before)  // every lease came from the pool
        #expect(pool.available == 100)
        keeper.cancel()
        try await keeper.value
        #expect(sim.activeCpuLeases == 0)
    }

    @Test func renewalKeepsThePoolAliveAcrossManyTTLs() async throws {
        let sim = sim()
        let pool = WarmPool(
            configuration: .init(size: 8, ttl: .seconds(10), idleShrinkAfter: nil),
            fabric: sim,
            metrics: metrics
        )
        let keeper = Task { try await pool.run() }
        await pool.ready()
        let first = Set(sim.history.compactMap { if case .acquired(let id, _, _, _, _) = $0 { id } else { nil } })
        for _ in 0..<20 {
            // Step to each renewal point: the pool sleeps until its leases are half spent.
            await clock.waitForSleepers(1)
            clock.advance(by: .seconds(5))
            await pool.ready()
        }
        #expect(sim.activeCpuLeases == 8)
        #expect(pool.owned == 8)
        let now = Set(sim.history.compactMap { if case .acquired(let id, _, _, _, _) = $0 { id } else { nil } })
        #expect(now == first)  // the same leases, renewed, not replaced
        #expect(metrics.value(of: "lease_renewals_total")! >= 8 * 19)
        keeper.cancel()
        try await keeper.value
        #expect(sim.activeCpuLeases == 0)
    }

    @Test func aQuietPoolShrinksToItsMinimumAndDemandRegrowsIt() async throws {
        let sim = sim()
        let pool = WarmPool(
            configuration: .init(size: 10, minimumSize: 2, ttl: .seconds(600), idleShrinkAfter: .seconds(30)),
            fabric: sim,
            metrics: metrics
        )
        let keeper = Task { try await pool.run() }
        await pool.ready()
        #expect(sim.activeCpuLeases == 10)
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(30))
        await waitUntil { sim.activeCpuLeases == 2 }
        #expect(sim.activeCpuLeases == 2)
        let lease = try await pool.checkout()
        await pool.checkin(lease)
        await pool.ready()
        #expect(sim.activeCpuLeases == 10)
        keeper.cancel()
        try await keeper.value
    }

    @Test func lostLeasesAreReplacedAndCheckoutFallsBackToAFreshLease() async throws {
        let sim = sim()
        let pool = WarmPool(
            configuration: .init(size: 3, ttl: .seconds(600), idleShrinkAfter: nil),
            fabric: sim,
            metrics: metrics
        )
        let keeper = Task { try await pool.run() }
        await pool.ready()
        // All three out, a fourth is acquired on the spot; on return the pool trims back to its size.
        let held = [try await pool.checkout(), try await pool.checkout(), try await pool.checkout()]
        let extra = try await pool.checkout()
        #expect(pool.inUse == 4)
        for lease in held + [extra] { await pool.checkin(lease) }
        #expect(pool.owned == 3)
        #expect(sim.activeCpuLeases == 3)
        // A lease the fabric expires is noticed at its renewal and replaced.
        let victim = try await pool.checkout()
        sim.expire(lease: victim.id)
        await pool.checkin(victim)
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(300))
        await waitUntil { metrics.value(of: "lease_renewal_failures_total") == 1 }
        await pool.ready()
        #expect(metrics.value(of: "lease_renewal_failures_total") == 1)
        #expect(pool.owned == 3)
        #expect(sim.activeCpuLeases == 3)
        keeper.cancel()
        try await keeper.value
        #expect(sim.activeCpuLeases == 0)
    }

    @Test func shutdownReleasesEverythingAndRefusesCheckouts() async throws {
        let sim = sim()
        let pool = WarmPool(configuration: .init(size: 4, ttl: .seconds(60)), fabric: sim, metrics: metrics)
        let keeper = Task { try await pool.run() }
        await pool.ready()
        let out = try await pool.checkout()
        await pool.shutdown()
        #expect(sim.activeCpuLeases == 0)
        #expect(out.isReleased)
        await #expect(throws: FabricError.invalidRequest) { try await pool.checkout() }
        try await keeper.value
    }
}

/// Yields until `condition` holds (bounded, so a broken test fails instead of hanging).
private func waitUntil(_ condition: () -> Bool) async {
    for _ in 0..<100_000 where !condition() {
        await Task.yield()
    }
}

@Suite struct WarmPoolStateMachineTests {
    @Test func itPlansRenewalsShrinksAndRefills() {
        let t0 = FabricInstant.zero
        var machine = WarmPoolStateMachine(
            size: 3,
            minimumSize: 1,
            idleShrinkAfter: .seconds(30),
            renewBelow: 0.5,
            now: t0
        )
        var plan = machine.plan(now: t0)
        #expect(plan.acquire == 3)
        #expect(machine.plan(now: t0).acquire == 0)  // already under way
        let ids = (1...3).map { LeaseID(high: 0, low: UInt64($0)) }
        for id in ids {
            machine.added(id, expiry: t0.advanced(by: .seconds(10)), ttl: .seconds(10), now: t0, fromRefill: true)
        }
        plan = machine.plan(now: t0.advanced(by: .seconds(4)))
        #expect(plan.renew.isEmpty)
        #expect(plan.wakeAt == t0.advanced(by: .seconds(5)))
        plan = machine.plan(now: t0.advanced(by: .seconds(5)))
        #expect(plan.renew == ids)
        for id in ids { machine.renewed(id, expiry: t0.advanced(by: .seconds(40))) }
        plan = machine.plan(now: t0.advanced(by: .seconds(30)))
        #expect(plan.release.count == 2)
        #expect(plan.acquire == 0)
    }
}
