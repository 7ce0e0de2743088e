import GrafosStd
import Testing

@testable import GrafosJobs

/// The pure scheduling state, without concurrency: claim order, capacity admission, speculation decisions.
@Suite struct JobScheduleTests {
    private let anyLane = JobSchedule.Lane(group: -1, host: -1)

    private func chunk(_ id: String, kind: String = "", _ requirements: ChunkRequirements = .none) -> Chunk {
        Chunk(id: id, bytes: [], kind: kind, requirements: requirements)
    }

    private func claim(_ schedule: inout JobSchedule, _ lane: JobSchedule.Lane, at now: Duration = .zero) -> Int? {
        if case .chunk(let index) = schedule.next(for: lane, now: now) { return index }
        return nil
    }

    @Test func fifoClaimsInChunkOrderAcrossKinds() {
        let costs = ChunkCostModel()
        costs.record(kind: "heavy", cost: 100)
        costs.record(kind: "light", cost: 1)
        let chunks = [chunk("a", kind: "light"), chunk("b", kind: "heavy"), chunk("c", kind: "light")]
        var schedule = JobSchedule(chunks: chunks, lanes: 3, scheduling: .fifo, costs: costs)
        #expect((0..<3).map { _ in claim(&schedule, anyLane) } == [0, 1, 2])
        #expect(schedule.next(for: anyLane, now: .zero) == .wait(until: nil))  // three chunks still running
    }

    @Test func lptClaimsTheHighestLearnedCostFirstAndUnknownKindsBeforeKnownOnes() {
        let costs = ChunkCostModel()
        costs.record(kind: "heavy", cost: 100)
        costs.record(kind: "light", cost: 1)
        let chunks = [
            chunk("l0", kind: "light"), chunk("h0", kind: "heavy"), chunk("new0", kind: "new"),
            chunk("l1", kind: "light"), chunk("h1", kind: "heavy"), chunk("new1", kind: "new"),
        ]
        var schedule = JobSchedule(chunks: chunks, lanes: 6, scheduling: .default, costs: costs)
        let order = (0..<6).compactMap { _ in claim(&schedule, anyLane) }.map { chunks[$0].id }
        // One chunk of the unknown kind first (to learn it); then, while it runs, "new" counts as the mean of the
        // known kinds (50.5): heavy, new, light.
        #expect(order == ["new0", "h0", "h1", "new1", "l0", "l1"])
    }

    @Test func aRequeuedChunkGoesFirstAndCapacityLowersTheLimitUntilSuccessesRaiseIt() {
        let chunks = (0..<10).map { chunk("c\($0)") }
        var schedule = JobSchedule(chunks: chunks, lanes: 4, scheduling: .fifo, costs: nil)
        var tokens: [(Int, UInt64)] = []
        for index in 0..<4 {
            #expect(claim(&schedule, anyLane) == index)
            tokens.append(schedule.beginAttempt(index, on: anyLane, now: .zero, duplicate: false, progress: .init()))
        }
        // c3 found no capacity while three others ran.
        guard case .failed(let others, _) = schedule.endAttempt(tokens[3], index: 3, now: .zero, success: false) else {
            Issue.record("a lone failure should be the lane's to decide")
            return
        }
        #expect(others == 3)
        schedule.requeue(3, .init(number: 1), capacity: true)
        #expect(schedule.limit == 3)
        #expect(schedule.next(for: anyLane, now: .zero) == .wait(until: nil))  // three in flight, limit three
        // Three successes at limit 3 raise it to 4 again; c3 is claimed before c4.
        for index in 0..<3 {
            guard case .won = schedule.endAttempt(tokens[index], index: index, now: .zero, success: true) else {
                Issue.record("c\(index) should win")
                return
            }
        }
        #expect(schedule.limit == 4)
        #expect(claim(&schedule, anyLane) == 3)
        #expect(claim(&schedule, anyLane) == 4)
        #expect(schedule.capacityRequeues == 1)
    }

    @Test func requirementsKeepChunksOffWorkersThatLackThem() {
        let hosts = [
            JobSchedule.Host(cores: 1, capabilities: []),
            JobSchedule.Host(cores: 8, capabilities: ["gpu"]),
        ]
        let chunks = [
            chunk("gpu", ChunkRequirements(capabilities: ["gpu"])), chunk("big", ChunkRequirements(minimumCores: 4)),
            chunk("any"),
        ]
        var schedule = JobSchedule(
            chunks: chunks,
            lanes: 2,
            hosts: hosts,
            groupHosts: [0, 1],
            scheduling: .default,
            costs: nil
        )
        let small = JobSchedule.Lane(group: 0, host: 0)
        let large = JobSchedule.Lane(group: 1, host: 1)
        #expect(claim(&schedule, small) == 2)  // the only chunk a 1-core worker without a GPU can run
        #expect(schedule.next(for: small, now: .zero) == .wait(until: nil))
        #expect(claim(&schedule, large) == 0)  // requirement-specific chunks first, in chunk order
        #expect(claim(&schedule, large) == 1)
    }

    @Test func aStragglerIsDuplicatedOnceOnAnotherWorkerAfterKTimesTheQuantile() {
        let chunks = (0..<8).map { chunk("c\($0)") }
        let speculation = SpeculationPolicy(multiplier: 2, quantile: 0.75, minimumSamples: 5)
        var schedule = JobSchedule(
            chunks: chunks,
            lanes: 3,
            hosts: [JobSchedule.Host(cores: 2, capabilities: [])],
            groupHosts: [0, 0],
            scheduling: SchedulingPolicy.fifo.withSpeculation(speculation),
            costs: nil
        )
        let fast = JobSchedule.Lane(group: 0, host: 0)
        let slow = JobSchedule.Lane(group: 1, host: 0)
        let slowSibling = JobSchedule.Lane(group: 1, host: 0)  // the slow worker's second core
        // The slow worker starts c0 at t+0; the fast one runs five 1 s chunks: p75 = 1 s, threshold t+2 s.
        #expect(claim(&schedule, slow) == 0)
        let straggler = schedule.beginAttempt(0, on: slow, now: .zero, duplicate: false, progress: .init())
        var now = Duration.zero
        for index in 1...5 {
            #expect(claim(&schedule, fast, at: now) == index)
            let token = schedule.beginAttempt(index, on: fast, now: now, duplicate: false, progress: .init())
            now += .seconds(1)
            _ = schedule.endAttempt(token, index: index, now: now, success: true)
        }
        // At t+5 s c0 is past 2 × p75: the fast worker duplicates it (the slow one never races itself).
        #expect(schedule.next(for: slowSibling, now: now) == .chunk(6))
        #expect(schedule.next(for: fast, now: now) == .duplicate(0))
        let duplicate = schedule.beginAttempt(0, on: fast, now: now, duplicate: true, progress: .init())
        let attached = schedule.setCancel({}, token: straggler.0)
        #expect(attached)
        guard
            case .won(let cancel, _, _) = schedule.endAttempt(
                duplicate,
                index: 0,
                now: now + .seconds(1),
                success: true
            )
        else {
            Issue.record("the duplicate should win")
            return
        }
        #expect(cancel.count == 1)  // the straggler is stopped
        #expect(schedule.endAttempt(straggler, index: 0, now: now + .seconds(1), success: false) == .superseded)
        #expect(schedule.duplicates == 1)
        #expect(schedule.suspects == [1])  // the worker that lost a race now takes the lightest work, no duplicates
    }

    @Test func theQuantileIsTheNearestRank() {
        var samples = DurationSamples()
        for seconds in [4, 1, 3, 2] { samples.add(.seconds(seconds)) }
        #expect(samples.quantile(0.75, minimum: 5) == nil)
        #expect(samples.quantile(0.75, minimum: 4) == .seconds(3))
        #expect(samples.quantile(0.5, minimum: 1) == .seconds(2))
        #expect(samples.quantile(1, minimum: 1) == .seconds(4))
    }
}

extension JobSchedule.Ending: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.superseded, .superseded): true
        case (.failed(let a, let b), .failed(let c, let d)): a == c && b == d
        case (.won(let a, let b, let c), .won(let d, let e, let f)): a.count == d.count && b == e && c == f
        default: false
        }
    }
}
