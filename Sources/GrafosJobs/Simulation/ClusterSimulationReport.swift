import GrafosObserve
import GrafosStd

/// What one ``ClusterRun`` gathered for its report.
struct ClusterSimulationOutcome: Sendable {
    /// How one coordinator's run ended.
    enum Phase: Sendable {
        /// Aggregated this many results.
        case completed(Int)
        /// Cancelled for the restart.
        case cancelled
        /// Threw: how many chunks failed (-1 when not a `JobError`) and why.
        case failed(Int, String)
    }

    /// The read-back of every artifact.
    struct Verification: Sendable {
        var read = 0
        var unreadable = 0
        var digestMismatches = 0
        var wrongPayloads = 0
        var outputDigest: Digest?
    }

    var phases: [Phase] = []
    var virtualTime: Duration = .zero
    var verification = Verification()
    var gauges: (cpu: Double, block: Double) = (-1, -1)
    var fabricActive: (cpu: Int, block: Int) = (-1, -1)
    var checker: LeaseHistoryChecker?
    var ledger: ChunkLedger?
    var retries = 0
    var renewalsSucceeded = 0
    var renewal = WorkerBook.Counters()
    var injected = FaultInjector.Counters()
    var stranded = 0
    var replacements: (done: Int, failed: Int) = (0, 0)
    var transientLaunchFailures = 0
    var slowNodes = 0
    var realTimeTimeouts = 0
}

/// The verdicts and figures of one ``ClusterSimulation`` run: one line per invariant (PASS or FAIL, with counts),
/// the faults injected, a digest of the whole run and how long it took.
///
/// ``fingerprint`` holds everything that depends on the seed and nothing that depends on the machine (no wall
/// time), so two runs of one seed must give equal fingerprints.
package struct ClusterSimulationReport: Sendable {
    /// One checked invariant.
    package struct Invariant: Sendable, Hashable {
        /// What it asserts.
        package var name: String
        /// Whether it held.
        package var passed: Bool
        /// The counts behind the verdict.
        package var detail: String
    }

    /// How often each fault happened, and what the system did about it.
    package struct FaultCounts: Sendable, Hashable {
        /// Nodes disconnected.
        package var disconnects = 0
        /// Nodes that came back.
        package var returns = 0
        /// Nodes that came back with leases still live on them.
        package var backFromTheDead = 0
        /// Replaced workers left unrenewed on away nodes until the end.
        package var stranded = 0
        /// Leases expired part-way through a tasklet by fault injection.
        package var forcedExpiries = 0
        /// Leases reclaimed at (or, injected, before) their expiry, in all.
        package var expiries = 0
        /// Launches failed by `FaultPlan.launchFailureRate`.
        package var transientLaunchFailures = 0
        /// Attempts that ran slow.
        package var slowAttempts = 0
        /// Nodes that run everything slowly.
        package var slowNodes = 0
        /// Renewal calls failed by injection (transient and lost-for-good).
        package var renewalFailures = 0
        /// Of those, calls for workers whose renewals fail for good.
        package var lostRenewalFailures = 0
        /// Renewals that succeeded.
        package var renewals = 0
        /// Capacity exhaustions.
        package var exhaustions = 0
        /// Cores the other tenant took during them.
        package var coresTaken = 0
        /// Requests the fabric refused (capacity).
        package var refused = 0
        /// Workers replaced from the warm pool.
        package var replacements = 0
        /// Replacements that could not be had (those workers were given up on).
        package var failedReplacements = 0
        /// Artifacts recorded when the coordinator was restarted (nil without a restart).
        package var restartedAfter: Int?
        /// Failed attempts by error code.
        package var failedAttempts: [String: Int] = [:]

        /// All zero.
        package init() {}
    }

    /// The simulation that ran.
    package var simulation: ClusterSimulation
    /// The invariants, in the order they are printed.
    package var invariants: [Invariant] = []
    /// What was injected.
    package var counts = FaultCounts()
    /// One line per kind of fault injected.
    package var faults: [String] = []
    /// Virtual time from the first chunk to the last.
    package var virtualTime: Duration = .zero
    /// Attempts run (all chunks, both coordinators).
    package var attempts = 0
    /// Retries the coordinators counted (`retries_total`).
    package var retries = 0
    /// Fabric events checked.
    package var fabricEvents = 0
    /// Leases granted.
    package var leasesGranted = 0
    /// A digest of every fabric event and every attempt, in order: equal for equal seeds.
    package var traceDigest = ""
    /// The SHA-256 of every chunk's artifact digest in chunk order: depends only on the seed and the chunk count.
    package var outputDigest = ""
    /// Real seconds the run took (simulation, checks and teardown).
    package var wallSeconds = 0.0
    /// Jobs the deterministic executor ran.
    package var executorJobs = 0
    /// Times virtual time moved.
    package var clockAdvances = 0

    /// Whether every invariant held.
    package var passed: Bool { invariants.allSatisfy(\.passed) }

    /// Chunks per real second.
    package var chunksPerSecond: Double { wallSeconds > 0 ? Double(simulation.chunks) / wallSeconds : 0 }

    /// Everything seed-dependent, nothing machine-dependent: two runs of one seed must give the same fingerprint.
    package var fingerprint: String {
        (invariants.map { "\($0.passed ? "PASS" : "FAIL") \($0.name): \($0.detail)" } + faults
            + [
                "virtual \(virtualTime / .nanoseconds(1)) ns", "attempts \(attempts)", "retries \(retries)",
                "events \(fabricEvents)", "leases \(leasesGranted)", "trace \(traceDigest)", "output \(outputDigest)",
            ]).joined(separator: "\n")
    }

    init(simulation: ClusterSimulation, outcome: ClusterSimulationOutcome) {
        self.simulation = simulation
        virtualTime = outcome.virtualTime
        retries = outcome.retries
        guard let ledger = outcome.ledger, let checker = outcome.checker else {
            invariants = [Invariant(name: "the simulation ran to its end", passed: false, detail: "it did not")]
            return
        }
        attempts = ledger.phaseAttempts.reduce(0, +)
        fabricEvents = checker.events
        leasesGranted = checker.granted
        traceDigest = String(checker.digest ^ ledger.trace, radix: 16)
        outputDigest = outcome.verification.outputDigest?.description ?? "none"
        counts = Self.count(outcome, ledger, checker)
        faults = Self.describe(counts, phaseChunks: ledger.phaseChunks, phaseWorkers: ledger.phaseWorkers)
        invariants = [
            Self.exactlyOnce(outcome, ledger, chunks: simulation.chunks),
            Self.singleHolders(checker),
            Self.noLeaks(outcome, checker),
            Self.retriesWithinPolicy(outcome, ledger, maxRetries: simulation.maxRetries),
            Self.artifactsVerified(outcome.verification, chunks: simulation.chunks),
            Invariant(
                name: "deterministic",
                passed: ledger.offThread == 0 && outcome.realTimeTimeouts == 0,
                detail:
                    "\(n(attempts - ledger.offThread)) of \(n(attempts)) attempts ran on the simulation's one thread; "
                    + "\(n(outcome.realTimeTimeouts)) renewal calls abandoned on a real-time timeout"
            ),
        ]
    }

    // MARK: Invariants

    private static func exactlyOnce(
        _ outcome: ClusterSimulationOutcome,
        _ ledger: ChunkLedger,
        chunks: Int
    )
        -> Invariant
    {
        let (once, never, twice) = ledger.aggregation
        var failures: [String] = []
        for phase in outcome.phases {
            if case .failed(let count, let why) = phase {
                failures.append(count >= 0 ? "\(n(count)) chunks failed for good (\(why.prefix(200)))" : why)
            }
        }
        let restart =
            outcome.phases.count > 1
            ? " (\(n(ledger.recoveredCount)) found in the kept artifacts lease after the restart, "
                + "\(n(ledger.aggregatedByCoordinators)) aggregated by the coordinators)"
            : ""
        let detail =
            "\(n(once)) of \(n(chunks))\(restart); \(n(never)) missing, \(n(twice)) more than once, "
            + "\(n(ledger.rerunRecorded)) recorded chunks run again after the restart, "
            + "\(n(ledger.overlappingAttempts)) chunks run twice at once, \(n(ledger.duplicateWrites)) artifacts "
            + "written twice" + (failures.isEmpty ? "" : "; " + failures.joined(separator: "; "))
        let passed =
            once == chunks && ledger.rerunRecorded == 0 && ledger.overlappingAttempts == 0
            && ledger.duplicateWrites == 0 && failures.isEmpty
        return Invariant(name: "each chunk aggregated exactly once", passed: passed, detail: detail)
    }

    private static func singleHolders(_ checker: LeaseHistoryChecker) -> Invariant {
        var detail =
            "\(n(checker.granted)) leases granted (at most \(n(checker.peakLive)) live at once), "
            + "\(n(checker.events)) fabric events checked, \(n(checker.violations)) violations"
        if let first = checker.examples.first { detail += "; first: \(first)" }
        return Invariant(name: "no lease held by two holders", passed: checker.violations == 0, detail: detail)
    }

    private static func noLeaks(_ outcome: ClusterSimulationOutcome, _ checker: LeaseHistoryChecker) -> Invariant {
        let passed =
            outcome.gauges.cpu == 0 && outcome.gauges.block == 0 && outcome.fabricActive.cpu == 0
            && outcome.fabricActive.block == 0 && checker.liveLeases == 0
        let detail =
            "cpu_leases_active \(Int(outcome.gauges.cpu)), block_leases_active \(Int(outcome.gauges.block)) after "
            + "teardown; the fabric holds \(outcome.fabricActive.cpu) CPU and \(outcome.fabricActive.block) block "
            + "leases; \(checker.liveLeases) live by the history (\(n(checker.released)) released, "
            + "\(n(checker.expired)) expired)"
        return Invariant(name: "no lease leaked", passed: passed, detail: detail)
    }

    private static func retriesWithinPolicy(
        _ outcome: ClusterSimulationOutcome,
        _ ledger: ChunkLedger,
        maxRetries: Int
    )
        -> Invariant
    {
        let extra = ledger.extraAttempts
        let passed = ledger.maximumAttempts <= maxRetries + 1 && extra <= outcome.retries
        let detail =
            "at most \(ledger.maximumAttempts) attempts per chunk per coordinator (policy: 1 + \(maxRetries)), "
            + "\(n(extra)) attempts beyond the first ≤ \(n(outcome.retries)) retries counted"
        return Invariant(name: "retries within policy", passed: passed, detail: detail)
    }

    private static func artifactsVerified(
        _ verification: ClusterSimulationOutcome.Verification,
        chunks: Int
    )
        -> Invariant
    {
        let passed =
            verification.read == chunks && verification.unreadable == 0 && verification.digestMismatches == 0
            && verification.wrongPayloads == 0
        let detail =
            "\(n(verification.read)) of \(n(chunks)) read back, \(n(verification.unreadable)) unreadable, "
            + "\(n(verification.digestMismatches)) not matching their digest, \(n(verification.wrongPayloads)) "
            + "with a wrong payload"
        return Invariant(name: "every artifact readable and matching its digest", passed: passed, detail: detail)
    }

    private static func count(
        _ outcome: ClusterSimulationOutcome,
        _ ledger: ChunkLedger,
        _ checker: LeaseHistoryChecker
    ) -> FaultCounts {
        var counts = FaultCounts()
        counts.disconnects = outcome.injected.disconnects
        counts.returns = outcome.injected.reconnects
        counts.backFromTheDead = outcome.injected.backFromTheDead
        counts.stranded = outcome.stranded
        counts.forcedExpiries = ledger.forcedExpiries
        counts.expiries = checker.expired
        counts.transientLaunchFailures = outcome.transientLaunchFailures
        counts.slowAttempts = ledger.slowAttempts
        counts.slowNodes = outcome.slowNodes
        counts.renewalFailures = outcome.renewal.injectedFailures + outcome.renewal.lostRenewalFailures
        counts.lostRenewalFailures = outcome.renewal.lostRenewalFailures
        counts.renewals = outcome.renewalsSucceeded
        counts.exhaustions = outcome.injected.exhaustions
        counts.coresTaken = outcome.injected.hogLeases
        counts.refused = checker.refused
        counts.replacements = outcome.replacements.done
        counts.failedReplacements = outcome.replacements.failed
        counts.restartedAfter = outcome.phases.count > 1 ? ledger.recoveredCount : nil
        counts.failedAttempts = ledger.failures
        return counts
    }

    private static func describe(_ counts: FaultCounts, phaseChunks: [Int], phaseWorkers: [Int]) -> [String] {
        let c = counts
        var lines = [
            "\(n(c.disconnects)) node disconnects, \(n(c.returns)) returns (\(n(c.backFromTheDead)) back from the dead "
                + "with live leases; \(n(c.stranded)) replaced workers stranded on away nodes)",
            "\(n(c.forcedExpiries)) leases expired mid-tasklet, \(n(c.expiries)) expiries in all",
            "\(n(c.transientLaunchFailures)) transient launch failures",
            "\(n(c.slowAttempts)) slow attempts (×\(SimulationFaults.slowAttemptFactor)), \(n(c.slowNodes)) slow nodes "
                + "(×\(SimulationFaults.slowNodeFactor))",
            "\(n(c.renewalFailures)) renewal calls failed (\(n(c.lostRenewalFailures)) on workers whose renewals fail "
                + "for good), \(n(c.renewals)) renewals",
            "\(n(c.exhaustions)) capacity exhaustions (\(n(c.coresTaken)) cores taken), \(n(c.refused)) requests refused",
            "\(n(c.replacements)) workers replaced from the warm pool, \(n(c.failedReplacements)) replacements failed",
        ]
        if let restartedAfter = c.restartedAfter {
            lines.append(
                "coordinator restarted after \(n(restartedAfter)) recorded artifacts; the new one ran "
                    + "\(n(phaseChunks.last ?? 0)) chunks on \(n(phaseWorkers.last ?? 0)) workers"
            )
        }
        let failures = c.failedAttempts.sorted { $0.key < $1.key }.map { "\($0.key) \(n($0.value))" }
        if !failures.isEmpty { lines.append("failed attempts: " + failures.joined(separator: ", ")) }
        return lines
    }

    // MARK: Rendering

    /// The report as text: a header, the faults, one line per invariant, the figures, and on failure the seed and a
    /// command that replays it.
    package var text: String {
        let s = simulation
        var text =
            "grafos sim — seed \(s.seed): \(n(s.nodes)) nodes × \(s.coresPerNode) cores, \(n(s.chunks)) chunks, "
            + "fault rate \(s.faultRate)\(s.restartsCoordinator ? "" : ", no restart")\n"
        for line in faults { text += "  · \(line)\n" }
        for invariant in invariants {
            text += "  \(invariant.passed ? "PASS" : "FAIL")  \(invariant.name): \(invariant.detail)\n"
        }
        text +=
            "  virtual time \(seconds(virtualTime)); \(n(attempts)) attempts, \(n(retries)) retries; "
            + "trace \(traceDigest); output \(outputDigest)\n"
        text +=
            "  wall \(fixed(wallSeconds, 2)) s (\(n(Int(chunksPerSecond))) chunks/s; \(n(executorJobs)) jobs, "
            + "\(n(clockAdvances)) clock advances)\n"
        if !passed {
            text += "  FAILED — seed \(s.seed); replay with: \(s.replayCommand)\n"
        }
        return text
    }

    /// The report as one line of JSON.
    package var json: String {
        let s = simulation
        let quoted = TextEncoding.jsonString
        let checks = invariants.map { invariant in
            "{\"name\":\(quoted(invariant.name)),\"passed\":\(invariant.passed),\"detail\":\(quoted(invariant.detail))}"
        }
        return "{\"seed\":\(s.seed),\"nodes\":\(s.nodes),\"cores_per_node\":\(s.coresPerNode),\"chunks\":\(s.chunks),"
            + "\"fault_rate\":\(s.faultRate),\"restart\":\(s.restartsCoordinator),\"passed\":\(passed),"
            + "\"invariants\":[\(checks.joined(separator: ","))],"
            + "\"faults\":[\(faults.map(quoted).joined(separator: ","))],"
            + "\"virtual_seconds\":\(fixed(virtualTime / .seconds(1), 3)),\"attempts\":\(attempts),"
            + "\"retries\":\(retries),\"fabric_events\":\(fabricEvents),\"leases_granted\":\(leasesGranted),"
            + "\"trace\":\(quoted(traceDigest)),\"output\":\(quoted(outputDigest)),"
            + "\"wall_seconds\":\(fixed(wallSeconds, 3)),\"chunks_per_second\":\(Int(chunksPerSecond)),"
            + "\"replay\":\(quoted(s.replayCommand))}"
    }

    private func seconds(_ duration: Duration) -> String {
        "\(fixed(duration / .seconds(1), 1)) s"
    }
}

/// `1234567` → `1,234,567`.
private func n(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (offset, digit) in digits.enumerated() {
        if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return value < 0 ? "-" + result : result
}

/// `value` with `places` decimals.
private func fixed(_ value: Double, _ places: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = Int64((value * scale).rounded())
    let whole = scaled / Int64(scale)
    let fraction = String((scaled % Int64(scale)).magnitude)
    let sign = scaled < 0 && whole == 0 ? "-" : ""
    return places == 0
        ? "\(whole)" : "\(sign)\(whole).\(String(repeating: "0", count: places - fraction.count))\(fraction)"
}
