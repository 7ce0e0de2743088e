import GrafosLeaseKit
import GrafosObserve
import GrafosStd
import Synchronization
import Testing

@Suite struct RenewalManagerTests {
    private func fabric(_ clock: ManualClock, _ metrics: MetricsRegistry, nodes: Int = 10) -> SimulatedFabric {
        SimulatedFabric(
            clock: clock,
            seed: 11,
            nodes: (0..<nodes).map { SimulatedFabric.Node(name: "n\($0)", cores: 10) },
            metrics: metrics
        )
    }

    @Test func thePinnedIDShapeRenewsLeasesThroughTheClosure() async throws {
        let clock = ManualClock()
        let metrics = MetricsRegistry()
        let sim = fabric(clock, metrics)
        var workers: [CpuLease] = []
        for _ in 0..<3 { workers.append(try await CpuBuilder(on: sim).cores(2).leaseSecs(10).acquire()) }
        let held = workers
        let renewals = RenewalManager(clock: clock, metrics: metrics) { id in try await held[Int(id)].renew() }
        for (i, w) in workers.enumerated() { renewals.register(UInt64(i), expiry: w.expiry, policy: .default) }

        clock.advance(by: .seconds(4))
        let quiet = await renewals.tick(now: clock.now)
        #expect(quiet.isQuiet && quiet.nextDue == FabricInstant.zero.advanced(by: .seconds(5)))

        clock.advance(by: .seconds(2))
        let summary = await renewals.tick(now: clock.now)
        #expect(summary.renewed == [0, 1, 2])
        #expect(summary.failed.isEmpty && summary.expired.isEmpty)
        #expect(workers.allSatisfy { $0.expiry == FabricInstant.zero.advanced(by: .seconds(16)) })
        #expect(renewals.expiry(of: 1) == FabricInstant.zero.advanced(by: .seconds(16)))
        #expect(metrics.value(of: "lease_renewals_total") == 3)

        clock.advance(by: .seconds(20))
        #expect(sim.activeCpuLeases == 0)
        let late = await renewals.tick(now: clock.now)
        #expect(late.expired == [0, 1, 2] && renewals.registeredIDs.isEmpty)
    }

    /// A renewal that never answers (its node paused with SIGSTOP, say) is abandoned after a tenth of the TTL, so it
    /// cannot hold up the tick that renews every other lease (found by Scripts/fault-drill.sh).
    @Test func aRenewalThatNeverAnswersDoesNotHoldUpTheOthers() async throws {
        let clock = ManualClock()
        let renewals = RenewalManager(clock: clock, metrics: MetricsRegistry()) { id in
            // A stalled node: no answer for a minute. Were the call not abandoned, it would succeed after that.
            if id == 1 { try await Task.sleep(for: .seconds(60)) }
        }
        renewals.register(1, expiry: FabricInstant.zero.advanced(by: .seconds(1)), ttl: .seconds(1))
        renewals.register(2, expiry: FabricInstant.zero.advanced(by: .seconds(1)), ttl: .seconds(1))
        clock.advance(by: .milliseconds(600))
        let summary = await renewals.tick(now: clock.now)
        #expect(summary.renewed == [2])
        #expect(summary.failedIDs == [1])
        #expect(summary.failed.first?.attempts == 2)
        #expect((summary.failed.first?.error as? FabricError)?.code == .transient)
    }

    @Test func renewalsKeepFiftyLeasesAliveAcrossTenTTLsAndReportTheFailingOnes() async throws {
        let clock = ManualClock()
        let metrics = MetricsRegistry()
        let sim = fabric(clock, metrics)
        var workers: [CpuLease] = []
        for _ in 0..<50 { workers.append(try await CpuBuilder(on: sim).cores(1).leaseSecs(10).acquire()) }
        let held = workers
        let failing: Set<UInt64> = [3, 17, 42]
        let renewals = RenewalManager(clock: clock, metrics: metrics) { id in
            if failing.contains(id) { throw FabricError(.transient, "renewal refused for lease \(id)") }
            try await held[Int(id)].renew()
        }
        for (i, w) in workers.enumerated() { renewals.register(UInt64(i), expiry: w.expiry) }

        let summaries = SummaryLog()
        let loop = Task { try await renewals.run { summaries.append($0) } }
        // Ten TTLs of virtual time, one second at a time, each step once the loop is asleep again.
        for _ in 0..<100 {
            await clock.waitForSleepers(1)
            clock.advance(by: .seconds(1))
        }
        await clock.waitForSleepers(1)
        loop.cancel()
        try await loop.value

        #expect(clock.now == FabricInstant.zero.advanced(by: .seconds(100)))
        #expect(sim.activeCpuLeases == 47)
        for (i, worker) in workers.enumerated() where !failing.contains(UInt64(i)) {
            #expect(worker.expiry > clock.now, "worker \(i)")
        }
        let all = summaries.all
        #expect(Set(all.flatMap(\.failedIDs)) == failing)
        #expect(Set(all.flatMap(\.expired)) == failing)
        #expect(Set(all.flatMap(\.pastDeadline)) == failing)
        #expect(Set(all.flatMap(\.renewed)) == Set(0..<50).subtracting(failing))
        #expect(renewals.registeredIDs.count == 47)
        #expect(metrics.value(of: "lease_renewals_total")! >= 47 * 19)
        #expect(metrics.value(of: "lease_renewal_failures_total")! > 0)
    }

    @Test func aLeaseHandleIsRenewedByTheManagerAndForgottenOnceDropped() async throws {
        let clock = ManualClock()
        let metrics = MetricsRegistry()
        let sim = fabric(clock, metrics)
        var lease: CpuLease? = try await CpuBuilder(on: sim).leaseSecs(10).acquire()
        let renewals = RenewalManager(clock: clock, metrics: metrics)
        let id = renewals.register(lease!, policy: .default.withRenewBelow(0.8))
        #expect(id == 1 << 63)
        clock.advance(by: .seconds(2))
        let summary = await renewals.tick(now: clock.now)
        #expect(summary.renewed == [id])
        #expect(lease?.expiry == FabricInstant.zero.advanced(by: .seconds(12)))
        lease = nil
        #expect(sim.activeCpuLeases == 0)
        let after = await renewals.tick(now: clock.now)
        #expect(after.dropped == [id] && renewals.registeredIDs.isEmpty)
    }

    @Test func attemptsPerTickRetryWithinOneTick() async throws {
        let clock = ManualClock()
        let metrics = MetricsRegistry()
        let calls = Mutex(0)
        let renewals = RenewalManager(clock: clock, metrics: metrics) { _ in
            let call = calls.withLock { value -> Int in
                value += 1
                return value
            }
            if call == 1 { throw FabricError.disconnected }
        }
        renewals.register(9, expiry: clock.now.advanced(by: .seconds(10)), policy: .default.withAttemptsPerTick(2))
        clock.advance(by: .seconds(6))
        let summary = await renewals.tick(now: clock.now)
        #expect(summary.renewed == [9] && summary.failed.isEmpty)
        #expect(renewals.expiry(of: 9) == FabricInstant.zero.advanced(by: .seconds(16)))
        #expect(metrics.value(of: "lease_renewal_failures_total") == 1)
        #expect(metrics.value(of: "lease_renewals_total") == 1)
    }

    @Test func aRenewalRefusedBecauseTheLeaseExpiredIsGivenUp() async throws {
        let clock = ManualClock()
        let metrics = MetricsRegistry()
        let sim = fabric(clock, metrics)
        let lease = try await CpuBuilder(on: sim).leaseSecs(10).acquire()
        let renewals = RenewalManager(clock: clock, metrics: metrics)
        let id = renewals.register(lease, as: 5)
        sim.expire(lease: lease.id)
        clock.advance(by: .seconds(6))
        let summary = await renewals.tick(now: clock.now)
        #expect(id == 5)
        #expect(summary.failedIDs == [5] && summary.failed.first?.gaveUp == true)
        #expect(summary.failed.first?.attempts == 1)
        #expect((summary.failed.first?.error as? FabricError)?.code == .leaseExpired)
        #expect(renewals.registeredIDs.isEmpty)
    }

    @Test func theRunLoopWakesWhenALeaseIsRegistered() async throws {
        let clock = ManualClock()
        let metrics = MetricsRegistry()
        let renewed = Mutex<[UInt64]>([])
        let renewals = RenewalManager(clock: clock, metrics: metrics) { id in renewed.withLock { $0.append(id) } }
        let loop = Task { try await renewals.run() }
        renewals.register(1, expiry: clock.now.advanced(by: .seconds(10)))
        await clock.waitForSleepers(1)
        #expect(clock.nextDeadline == FabricInstant.zero.advanced(by: .seconds(5)))
        clock.advance(by: .seconds(5))
        await clock.waitForSleepers(1)
        #expect(renewed.withLock { $0 } == [1])
        loop.cancel()
        try await loop.value
    }
}

/// Summaries recorded by the run loop.
private final class SummaryLog: Sendable {
    private let items = Mutex<[RenewalSummary]>([])

    func append(_ summary: RenewalSummary) { items.withLock { $0.append(summary) } }

    var all: [RenewalSummary] { items.withLock { $0 } }
}
