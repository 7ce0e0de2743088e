import GrafosLeaseKit
import GrafosStd
import Testing

@Suite struct RenewalStateMachineTests {
    private let t0 = FabricInstant.zero

    private func at(_ seconds: Int) -> FabricInstant { t0.advanced(by: .seconds(seconds)) }

    @Test func aLeaseIsDueOnceItsRemainingTimeFallsBelowThePolicysFraction() {
        var machine = RenewalStateMachine()
        machine.register(1, expiry: at(10), ttl: .seconds(10), policy: .default, handle: nil)
        #expect(machine.beginTick(now: at(4)).due.isEmpty)
        #expect(machine.nextDue(after: at(4)) == at(5))
        let tick = machine.beginTick(now: at(5))
        #expect(tick.due.map(\.id) == [1])
        #expect(machine.beginTick(now: at(5)).due.isEmpty)  // in flight
        guard case .renewed(1) = machine.finish(tick.due[0], outcome: .renewed(at(15)), now: at(5)) else {
            Issue.record("not renewed")
            return
        }
        #expect(machine.registration(1)?.expiry == at(15))
        #expect(machine.nextDue(after: at(5)) == at(10))
    }

    /// Regression: after a success the next renewal waited the full one-second retry interval, so a 1-second lease
    /// was renewed once and then expired (found by Scripts/fault-drill.sh with `grafos demo --ttl 1`).
    @Test func aOneSecondLeaseIsRenewedEveryHalfSecondAndNeverLapses() throws {
        var machine = RenewalStateMachine()
        let ms = { (value: Int) in self.t0.advanced(by: .milliseconds(value)) }
        machine.register(1, expiry: ms(1000), ttl: .seconds(1), policy: .default, handle: nil)
        var now = ms(0)
        var renewals = 0
        while now < ms(10_000) {
            guard let next = machine.nextDue(after: now) else {
                Issue.record("nothing due at \(now)")
                return
            }
            now = next
            let tick = machine.beginTick(now: now)
            #expect(tick.expired.isEmpty, "the lease lapsed at \(now)")
            for due in tick.due {
                _ = machine.finish(due, outcome: .renewed(now.advanced(by: .seconds(1))), now: now)
                renewals += 1
            }
        }
        #expect(renewals == 20)
        // A failure is retried after a tenth of the TTL, not the policy's full second.
        let failing = try #require(machine.nextDue(after: now))
        let tick = machine.beginTick(now: failing)
        _ = machine.finish(tick.due[0], outcome: .failed(FabricError.disconnected, attempts: 2), now: failing)
        #expect(machine.nextDue(after: failing) == failing.advanced(by: .milliseconds(100)))
    }

    @Test func anExpiredRegistrationIsReportedAndDropped() {
        var machine = RenewalStateMachine()
        machine.register(7, expiry: at(3), ttl: .seconds(10), policy: .default, handle: nil)
        let tick = machine.beginTick(now: at(3))
        #expect(tick.expired == [7] && tick.due.isEmpty)
        #expect(machine.ids.isEmpty)
        #expect(machine.nextDue(after: at(3)) == nil)
    }

    @Test func aFailedRenewalIsRetriedAfterTheIntervalAndGivenUpAfterTheLimit() {
        var machine = RenewalStateMachine()
        let policy = RenewalPolicy.default.withRetryInterval(.seconds(2)).withGiveUpAfter(.seconds(3))
        machine.register(1, expiry: at(20), ttl: .seconds(20), policy: policy, handle: nil)
        let first = machine.beginTick(now: at(10)).due
        guard
            case .failed(let failure) = machine.finish(
                first[0],
                outcome: .failed(FabricError.disconnected, attempts: 2),
                now: at(10)
            )
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(!failure.gaveUp && failure.attempts == 2)
        #expect(machine.beginTick(now: at(11)).due.isEmpty)
        #expect(machine.nextDue(after: at(11)) == at(12))
        let second = machine.beginTick(now: at(12)).due
        guard
            case .failed(let again) = machine.finish(
                second[0],
                outcome: .failed(FabricError.disconnected, attempts: 2),
                now: at(12)
            )
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(!again.gaveUp)
        let third = machine.beginTick(now: at(14)).due
        guard
            case .failed(let last) = machine.finish(
                third[0],
                outcome: .failed(FabricError.disconnected, attempts: 2),
                now: at(14)
            )
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(last.gaveUp)
        #expect(machine.ids.isEmpty)
    }

    @Test func aLeaseThatIsGoneIsGivenUpAtOnce() {
        var machine = RenewalStateMachine()
        machine.register(1, expiry: at(10), ttl: .seconds(10), policy: .default, handle: nil)
        let due = machine.beginTick(now: at(6)).due
        guard
            case .failed(let failure) = machine.finish(
                due[0],
                outcome: .failed(FabricError.leaseExpired, attempts: 1),
                now: at(6)
            )
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.gaveUp)
        #expect(machine.ids.isEmpty)
    }

    @Test func leasesPastTheirDeadlineAreReported() {
        var machine = RenewalStateMachine()
        machine.register(1, expiry: at(10), ttl: .seconds(10), policy: .default, handle: nil)
        machine.register(2, expiry: at(100), ttl: .seconds(100), policy: .default, handle: nil)
        #expect(machine.pastDeadline(now: at(8)).isEmpty)
        #expect(machine.pastDeadline(now: at(9)) == [1])
        #expect(machine.nextDue(after: at(8)) == at(5))  // lease 1 is due, not yet attempted
        let due = machine.beginTick(now: at(8)).due
        #expect(due.map(\.id) == [1])
        _ = machine.finish(due[0], outcome: .failed(FabricError.transient, attempts: 2), now: at(8))
        #expect(machine.nextDue(after: at(8)) == at(9))  // the deadline comes before the retry
        #expect(machine.pastDeadline(now: at(9)) == [1])
    }

    @Test func aStaleResultAfterReregistrationIsIgnored() {
        var machine = RenewalStateMachine()
        machine.register(1, expiry: at(10), ttl: .seconds(10), policy: .default, handle: nil)
        let due = machine.beginTick(now: at(6)).due
        machine.register(1, expiry: at(50), ttl: .seconds(50), policy: .default, handle: nil)
        guard case .stale = machine.finish(due[0], outcome: .renewed(at(16)), now: at(6)) else {
            Issue.record("expected the result to be stale")
            return
        }
        #expect(machine.registration(1)?.expiry == at(50))
    }

    @Test func automaticIDsStartFarAboveSmallIDs() {
        var machine = RenewalStateMachine()
        machine.register(
            RenewalStateMachine.firstAutomaticID,
            expiry: at(10),
            ttl: .seconds(10),
            policy: .default,
            handle: nil
        )
        #expect(machine.allocateID() == RenewalStateMachine.firstAutomaticID + 1)
    }
}
