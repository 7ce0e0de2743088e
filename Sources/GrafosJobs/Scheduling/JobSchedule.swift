/// The scheduling state of one ``JobCoordinator`` run: which chunk a free lane takes next, which attempts are running,
/// when a straggler gets a duplicate, and how many attempts the fabric's capacity admits. A plain value, driven by
/// ``JobRun`` under its lock and testable without concurrency.
///
/// - Pending chunks sit in buckets by (kind, requirements), each in chunk order; a requeued chunk goes to the front
///   of its bucket. A lane takes from the buckets its worker is eligible for: in chunk order (FIFO), or the highest
///   estimated cost first (LPT) — kinds not yet measured first, requirement-specific chunks before the rest.
/// - Capacity: a lane may start an attempt only while fewer than `limit` attempts run. An attempt that found no free
///   capacity while others ran lowers the limit to the number running (its chunk is requeued, no retry used); every
///   `limit` successes raise it by one again, up to the number of lanes.
/// - Speculation: an attempt running past k × the kind's quantile duration is a straggler; a free lane on another
///   worker starts one duplicate. The first success wins.
/// - Activity counters let a simulation tell when every lane is blocked (see ``JobCoordinator/simulationActivity``).
struct JobSchedule {
    /// Where a chunk is.
    enum Status: UInt8 {
        case pending, claimed, done, failed
    }

    /// What a lane does next.
    enum Work: Equatable {
        /// Run this chunk's attempts.
        case chunk(Int)
        /// Run a speculative duplicate of this chunk's straggling attempt.
        case duplicate(Int)
        /// Nothing to start now: wait for a change, or until this instant (elapsed run time).
        case wait(until: Duration?)
        /// Nothing left for this lane.
        case exit
    }

    /// One unit of concurrency.
    struct Lane: Hashable {
        /// The worker slot it runs on; -1 for lanes whose attempts lease their own cores.
        var group: Int
        /// Its worker's index in `hosts`; -1 when any chunk may run on it.
        var host: Int
    }

    /// A worker's shape, for matching chunk requirements.
    struct Host: Hashable {
        var cores: Int
        var capabilities: Set<String>
    }

    /// A chunk's retry state, kept when its attempts move between lanes.
    struct Progress {
        var number = 1
        var firstAttempt: Duration?
        var previousDelay: Duration?
        var jitter: JitterSource?
        /// Why the chunk was last handed back for capacity, if it was.
        var requeuedBy: (any Error)?
    }

    /// A running attempt (recorded only when speculating).
    struct Running {
        var index: Int
        var group: Int
        var start: Duration
        var isDuplicate: Bool
        var cancel: (@Sendable () -> Void)?
    }

    /// How an attempt's end was taken.
    enum Ending {
        /// It succeeded first: store its result; cancel these other attempts of the chunk.
        case won(cancel: [@Sendable () -> Void], measuredKind: Bool, raisedLimit: Bool)
        /// Another attempt of the chunk already finished it, or another is still running and will decide.
        case superseded
        /// It failed and it was the chunk's last attempt running: the lane decides what to do.
        case failed(othersRunning: Int, endsSinceStart: UInt64)
    }

    private struct Bucket {
        var kind: Int
        var requirement: Int
        var items: [Int] = []
        var head = 0
        var front: [Int] = []

        var isEmpty: Bool { front.isEmpty && head == items.count }
        var first: Int { front.last ?? items[head] }

        mutating func pop() -> Int {
            if let requeued = front.popLast() { return requeued }
            head += 1
            return items[head - 1]
        }
    }

    // MARK: Configuration

    let order: SchedulingPolicy.Order
    let speculation: SpeculationPolicy?
    let maximumDuplicates: Int
    let maximumRunningDuplicates: Int
    let laneCount: Int
    let kindNames: [String]
    private let kindOfChunk: [Int32]
    private let bucketOfChunk: [Int32]
    private let requirements: [ChunkRequirements]
    private let hosts: [Host]
    /// requirement × host: whether the host meets it.
    private let eligible: [[Bool]]
    /// requirement → the worker groups that meet it (only for worker runs).
    private let eligibleGroups: [Set<Int>]

    // MARK: State

    private var buckets: [Bucket] = []
    private(set) var status: [Status]
    private(set) var pendingCount: Int
    private(set) var activeCount = 0
    private var activeOfKind: [Int]
    private(set) var progress: [Int: Progress] = [:]
    private(set) var stopped = false

    private var tallies: [ChunkCostModel.Tally]
    private(set) var observed: [ChunkCostModel.Tally]
    private var knownMean: Double?

    private(set) var limit: Int
    private var successesSinceChange = 0
    private(set) var capacityRequeues = 0
    private var attemptEnds: UInt64 = 0

    private var running: [Int: Running] = [:]
    private var runningPerChunk: [Int: Int] = [:]
    private var duplicated: Set<Int> = []
    private var unspeculatable: Set<Int> = []
    private(set) var duplicates = 0
    private var runningDuplicates = 0
    /// Worker groups whose attempt lost a race to a duplicate, until they next finish one in normal time: they take
    /// no duplicates and, under LPT, the lightest pending chunk instead of the heaviest.
    private(set) var suspects: Set<Int> = []
    private var samples: [DurationSamples]
    /// When a running attempt may next cross its straggler threshold; nil when none can until something changes.
    private var nextCheck: Duration?
    private var nextToken = 0

    /// Lanes neither blocked in a wait nor inside an attempt.
    private(set) var runnable: Int
    /// Attempts running.
    private(set) var inFlight = 0
    /// Lanes asleep on the run's clock (backoff, or a wait with a deadline).
    private(set) var clockWaits = 0

    /// Creates the schedule.
    /// - Parameters:
    ///   - chunks: The job.
    ///   - lanes: How many lanes will run.
    ///   - hosts: The distinct worker shapes lanes run on (empty when attempts lease their own cores).
    ///   - groupHosts: Each worker group's host index (for speculation's "another worker" rule).
    ///   - scheduling: Order and speculation.
    ///   - costs: The learned costs to start from.
    init(
        chunks: [Chunk],
        lanes: Int,
        hosts: [Host] = [],
        groupHosts: [Int] = [],
        scheduling: SchedulingPolicy,
        costs: ChunkCostModel?
    ) {
        order = scheduling.order
        speculation = scheduling.speculation
        maximumRunningDuplicates = scheduling.speculation?.maximumRunning(forLanes: lanes) ?? 0
        maximumDuplicates = scheduling.speculation.map { $0.maximumTotal ?? .max } ?? 0
        laneCount = max(1, lanes)
        limit = laneCount
        runnable = lanes
        self.hosts = hosts
        var kindIDs: [String: Int32] = [:]
        var kindNames: [String] = []
        var requirementIDs: [ChunkRequirements: Int32] = [.none: 0]
        var requirements: [ChunkRequirements] = [.none]
        var bucketIDs: [Int64: Int32] = [:]
        var kindOfChunk = [Int32](repeating: 0, count: chunks.count)
        var bucketOfChunk = [Int32](repeating: 0, count: chunks.count)
        var previous: (kind: String, bucket: Int32)?
        for (index, chunk) in chunks.enumerated() {
            // Fast path: a run of chunks of one kind without requirements (the common case) hashes nothing.
            if let previous, chunk.requirements.isNone, chunk.kind == previous.kind {
                buckets[Int(previous.bucket)].items.append(index)
                kindOfChunk[index] = Int32(buckets[Int(previous.bucket)].kind)
                bucketOfChunk[index] = previous.bucket
                continue
            }
            let kind: Int32
            if let known = kindIDs[chunk.kind] {
                kind = known
            } else {
                kind = Int32(kindNames.count)
                kindIDs[chunk.kind] = kind
                kindNames.append(chunk.kind)
            }
            let requirement: Int32
            if chunk.requirements.isNone {
                requirement = 0
            } else if let known = requirementIDs[chunk.requirements] {
                requirement = known
            } else {
                requirement = Int32(requirements.count)
                requirementIDs[chunk.requirements] = requirement
                requirements.append(chunk.requirements)
            }
            let key = Int64(kind) << 32 | Int64(requirement)
            let bucket: Int32
            if let known = bucketIDs[key] {
                bucket = known
            } else {
                bucket = Int32(buckets.count)
                bucketIDs[key] = bucket
                buckets.append(Bucket(kind: Int(kind), requirement: Int(requirement)))
            }
            buckets[Int(bucket)].items.append(index)
            kindOfChunk[index] = kind
            bucketOfChunk[index] = bucket
            previous = requirement == 0 ? (chunk.kind, bucket) : nil
        }
        self.kindNames = kindNames
        self.kindOfChunk = kindOfChunk
        self.bucketOfChunk = bucketOfChunk
        self.requirements = requirements
        eligible = requirements.map { requirement in
            hosts.map { requirement.isMet(cores: $0.cores, capabilities: $0.capabilities) }
        }
        eligibleGroups = eligible.map { row in
            Set(groupHosts.indices.filter { row[groupHosts[$0]] })
        }
        status = [Status](repeating: .pending, count: chunks.count)
        pendingCount = chunks.count
        activeOfKind = [Int](repeating: 0, count: kindNames.count)
        tallies = costs?.snapshot(kindNames) ?? [ChunkCostModel.Tally](repeating: .init(), count: kindNames.count)
        observed = [ChunkCostModel.Tally](repeating: .init(), count: kindNames.count)
        samples = [DurationSamples](
            repeating: DurationSamples(),
            count: scheduling.speculation == nil ? 0 : kindNames.count
        )
        updateKnownMean()
    }

    // MARK: Claiming

    /// What `lane` should do next at `now` (elapsed run time).
    mutating func next(for lane: Lane, now: Duration) -> Work {
        if stopped { return .exit }
        let admitted = inFlight < limit
        if admitted, !suspects.contains(lane.group), let index = speculationCandidate(for: lane, now: now) {
            return .duplicate(index)
        }
        if admitted, let index = claimPending(for: lane) { return .chunk(index) }
        if activeCount == 0 { return .exit }
        guard admitted, mayDuplicate, !suspects.contains(lane.group), let check = nextCheck, check > now else {
            return .wait(until: nil)
        }
        return .wait(until: check)
    }

    /// ``next(for:now:)``, with the claimed chunk's saved retry state (taken for a chunk, copied for a duplicate).
    mutating func claim(for lane: Lane, now: Duration) -> (Work, Progress) {
        let work = next(for: lane, now: now)
        switch work {
        case .chunk(let index): return (work, progress.isEmpty ? Progress() : takeProgress(index))
        case .duplicate(let index): return (work, progress[index] ?? Progress())
        case .wait, .exit: return (work, Progress())
        }
    }

    /// Whether `host` may run chunks needing requirement `requirement`.
    private func isEligible(_ requirement: Int, host: Int) -> Bool {
        host < 0 || eligible[requirement][host]
    }

    private mutating func claimPending(for lane: Lane) -> Int? {
        guard pendingCount > 0 else { return nil }
        // A worker that proved slow takes the lightest chunk, so that it cannot hold up the end of the job.
        let lightest = order == .longestFirst && lane.group >= 0 && suspects.contains(lane.group)
        var best = -1
        var bestRequeued = false
        var bestSpecific = false
        var bestCost = -Double.infinity
        var bestIndex = Int.max
        for b in buckets.indices {
            let bucket = buckets[b]
            guard !bucket.isEmpty, isEligible(bucket.requirement, host: lane.host) else { continue }
            let requeued = !bucket.front.isEmpty
            let first = bucket.first
            let better: Bool
            switch order {
            case .fifo:
                better = best < 0 || (requeued ? 1 : 0, -first) > (bestRequeued ? 1 : 0, -bestIndex)
            case .longestFirst:
                let specific = bucket.requirement != 0
                let cost = lightest ? -estimate(kind: bucket.kind) : estimate(kind: bucket.kind)
                better =
                    best < 0
                    || (requeued ? 1 : 0, specific ? 1 : 0, cost, -first)
                        > (bestRequeued ? 1 : 0, bestSpecific ? 1 : 0, bestCost, -bestIndex)
                bestSpecific = better ? specific : bestSpecific
                bestCost = better ? cost : bestCost
            }
            if better {
                best = b
                bestRequeued = requeued
                bestIndex = first
            }
        }
        guard best >= 0 else { return nil }
        let index = buckets[best].pop()
        status[index] = .claimed
        pendingCount -= 1
        activeCount += 1
        activeOfKind[Int(kindOfChunk[index])] += 1
        return index
    }

    /// A kind's estimated cost: learned, or — not learned yet — infinite while none of its chunks runs (so one
    /// starts early and teaches it), else the mean of the known kinds.
    func estimate(kind: Int) -> Double {
        if let mean = tallies[kind].mean { return mean }
        if activeOfKind[kind] == 0 { return .infinity }
        return knownMean ?? .infinity
    }

    private mutating func updateKnownMean() {
        var sum = 0.0
        var count = 0
        for tally in tallies {
            if let mean = tally.mean {
                sum += mean
                count += 1
            }
        }
        knownMean = count > 0 ? sum / Double(count) : nil
    }

    /// Whether `lane` could ever run chunk `index`.
    func canRun(_ index: Int, on lane: Lane) -> Bool {
        isEligible(Int(buckets[Int(bucketOfChunk[index])].requirement), host: lane.host)
    }

    /// Whether some lane's host meets the chunk's requirements.
    func hasEligibleHost(_ index: Int) -> Bool {
        let requirement = buckets[Int(bucketOfChunk[index])].requirement
        return hosts.isEmpty || eligible[requirement].contains(true)
    }

    // MARK: Attempts

    /// Records that an attempt of chunk `index` starts on `lane`.
    /// - Returns: A token for ``endAttempt(_:index:now:success:)`` and ``setCancel(_:token:)``.
    /// - Parameter progress: The chunk's retry state, kept while speculating for whichever attempt ends last.
    mutating func beginAttempt(
        _ index: Int,
        on lane: Lane,
        now: Duration,
        duplicate: Bool,
        progress state: Progress
    ) -> (Int, UInt64) {
        inFlight += 1
        runnable -= 1
        nextToken &+= 1
        if let speculation {
            if !duplicate { progress[index] = state }
            running[nextToken] = Running(index: index, group: lane.group, start: now, isDuplicate: duplicate)
            runningPerChunk[index, default: 0] += 1
            let kind = Int(kindOfChunk[index])
            if let normal = samples[kind].quantile(speculation.quantile, minimum: speculation.minimumSamples) {
                let threshold = now + normal * speculation.multiplier
                nextCheck = min(nextCheck ?? threshold, threshold)
            }
        }
        return (nextToken, attemptEnds)
    }

    /// Attaches the way to stop a running attempt. - Returns: false when its chunk is already done (stop it now).
    mutating func setCancel(_ cancel: @escaping @Sendable () -> Void, token: Int) -> Bool {
        guard var entry = running[token] else { return false }
        guard status[entry.index] == .claimed else { return false }
        entry.cancel = cancel
        running[token] = entry
        return true
    }

    /// Records an attempt's end.
    /// - Parameters:
    ///   - cost: What the chunk cost when it succeeded (fuel, or nanoseconds), to learn its kind's cost.
    mutating func endAttempt(
        _ token: (Int, UInt64),
        index: Int,
        now: Duration,
        success: Bool,
        cost: Double? = nil
    ) -> Ending {
        inFlight -= 1
        runnable += 1
        attemptEnds &+= 1
        var start: Duration?
        var ended: Running?
        if speculation != nil, let entry = running.removeValue(forKey: token.0) {
            start = entry.start
            ended = entry
            if entry.isDuplicate { runningDuplicates -= 1 }
            runningPerChunk[index]! -= 1
            if runningPerChunk[index] == 0 { runningPerChunk.removeValue(forKey: index) }
        }
        guard status[index] == .claimed else { return .superseded }
        let others = runningPerChunk[index] ?? 0
        guard success else {
            if others > 0 { return .superseded }
            return .failed(othersRunning: inFlight, endsSinceStart: attemptEnds &- 1 &- token.1)
        }
        status[index] = .done
        finish(index)
        var cancel: [@Sendable () -> Void] = []
        if others > 0 {
            for entry in running.values where entry.index == index {
                if let stop = entry.cancel { cancel.append(stop) }
                if ended?.isDuplicate == true && !entry.isDuplicate && entry.group >= 0 { suspects.insert(entry.group) }
            }
        }
        let kind = Int(kindOfChunk[index])
        if let ended, let speculation, ended.group >= 0, suspects.contains(ended.group), !ended.isDuplicate,
            let normal = samples[kind].quantile(speculation.quantile, minimum: speculation.minimumSamples),
            now - ended.start <= normal * speculation.multiplier
        {
            suspects.remove(ended.group)
        }
        if let cost {
            tallies[kind].sum += cost
            tallies[kind].count += 1
            observed[kind].sum += cost
            observed[kind].count += 1
            if tallies[kind].count == 1 { updateKnownMean() }
        }
        var measured = false
        // A suspect worker's durations are not what the kind normally takes.
        if let speculation, let start, !suspects.contains(ended?.group ?? -1) {
            let before = samples[kind].count
            samples[kind].add(now - start)
            if before + 1 == speculation.minimumSamples {
                measured = true
                nextCheck = now
            }
        }
        var raised = false
        if limit < laneCount {
            successesSinceChange += 1
            if successesSinceChange >= limit {
                limit += 1
                successesSinceChange = 0
                raised = true
            }
        }
        return .won(cancel: cancel, measuredKind: measured, raisedLimit: raised)
    }

    /// Marks chunk `index` failed for good.
    mutating func fail(_ index: Int) {
        guard status[index] == .claimed else { return }
        status[index] = .failed
        finish(index)
    }

    private mutating func finish(_ index: Int) {
        activeCount -= 1
        activeOfKind[Int(kindOfChunk[index])] -= 1
        progress.removeValue(forKey: index)
    }

    /// Saves a chunk's retry state (for whichever lane runs its next attempt).
    mutating func save(_ state: Progress, for index: Int) {
        progress[index] = state
    }

    /// Puts a claimed chunk back at the front of the queue.
    /// - Parameter capacity: The chunk found no free capacity: lower the limit to the attempts running now.
    mutating func requeue(_ index: Int, _ state: Progress, capacity: Bool) {
        guard status[index] == .claimed else { return }
        status[index] = .pending
        activeCount -= 1
        activeOfKind[Int(kindOfChunk[index])] -= 1
        pendingCount += 1
        progress[index] = state
        buckets[Int(bucketOfChunk[index])].front.append(index)
        if capacity {
            capacityRequeues += 1
            limit = max(1, inFlight)
            successesSinceChange = 0
        }
    }

    /// Takes a requeued chunk's saved retry state.
    mutating func takeProgress(_ index: Int) -> Progress {
        progress.removeValue(forKey: index) ?? Progress()
    }

    /// Stops handing out chunks (fail-fast).
    mutating func stop() {
        stopped = true
    }

    /// Chunks never claimed, in chunk order.
    func pendingChunks() -> [Int] {
        status.indices.filter { status[$0] == .pending }
    }

    // MARK: Speculation

    /// Whether another duplicate may start now.
    private var mayDuplicate: Bool {
        speculation != nil && duplicates < maximumDuplicates && runningDuplicates < maximumRunningDuplicates
    }

    /// A claimed duplicate ended (or never started).
    mutating func duplicateEnded() {
        runningDuplicates -= 1
    }

    private mutating func speculationCandidate(for lane: Lane, now: Duration) -> Int? {
        guard let speculation, mayDuplicate, let check = nextCheck, now >= check else { return nil }
        var best: Int?
        var bestRatio = 0.0
        var earliest: Duration?
        var blocked = false
        for entry in running.values
        where !entry.isDuplicate && status[entry.index] == .claimed && !duplicated.contains(entry.index)
            && !unspeculatable.contains(entry.index)
        {
            let kind = Int(kindOfChunk[entry.index])
            guard let normal = samples[kind].quantile(speculation.quantile, minimum: speculation.minimumSamples) else {
                continue
            }
            let threshold = entry.start + normal * speculation.multiplier
            guard now >= threshold else {
                earliest = min(earliest ?? threshold, threshold)
                continue
            }
            let requirement = Int(buckets[Int(bucketOfChunk[entry.index])].requirement)
            if entry.group >= 0 {
                let groups = eligibleGroups[requirement]
                if groups.subtracting([entry.group]).isEmpty {
                    unspeculatable.insert(entry.index)
                    continue
                }
            }
            guard (lane.group < 0 || lane.group != entry.group) && isEligible(requirement, host: lane.host) else {
                blocked = true
                continue
            }
            let ratio = Double((now - entry.start) / .nanoseconds(1)) / max(1, Double(normal / .nanoseconds(1)))
            if best == nil || ratio > bestRatio {
                best = entry.index
                bestRatio = ratio
            }
        }
        if let best {
            duplicated.insert(best)
            duplicates += 1
            runningDuplicates += 1
            return best
        }
        nextCheck = blocked ? now : earliest
        return nil
    }

    /// The quantile duration of `kind`'s successful attempts so far, when there are enough of them.
    mutating func normalDuration(kind: Int) -> Duration? {
        guard let speculation else { return nil }
        return samples[kind].quantile(speculation.quantile, minimum: speculation.minimumSamples)
    }

    /// The kind index of chunk `index`.
    func kind(of index: Int) -> Int { Int(kindOfChunk[index]) }

    // MARK: Activity

    /// A lane blocks in a wait (on the clock when `timed`).
    mutating func laneWaits(timed: Bool) {
        runnable -= 1
        if timed { clockWaits += 1 }
    }

    /// A waiting lane is woken.
    mutating func laneWakes(timed: Bool) {
        runnable += 1
        if timed { clockWaits -= 1 }
    }

    /// A lane ends.
    mutating func laneExits() {
        runnable -= 1
    }
}

/// The durations of one kind's successful attempts, with a cached quantile refreshed as samples grow.
struct DurationSamples {
    private var values: [Int64] = []
    private var cached: Duration?
    private var cachedCount = 0
    private var cachedQuantile = -1.0

    var count: Int { values.count }

    mutating func add(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        values.append(max(0, seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000))
    }

    /// The nearest-rank quantile `q`, or nil with fewer than `minimum` samples.
    mutating func quantile(_ q: Double, minimum: Int) -> Duration? {
        guard values.count >= max(1, minimum) else { return nil }
        if cached == nil || cachedQuantile != q || values.count - cachedCount >= max(1, cachedCount / 16) {
            let sorted = values.sorted()
            let rank = max(1, Int((q * Double(sorted.count)).rounded(.up)))
            cached = .nanoseconds(sorted[min(sorted.count, rank) - 1])
            cachedCount = values.count
            cachedQuantile = q
        }
        return cached
    }
}
