import GrafosStd

/// What a ``ClusterSimulation`` observed per chunk: attempts in each coordinator's phase, attempts in flight,
/// artifacts recorded, results aggregated — everything the "exactly once" and "retries within policy" invariants
/// are checked against — and a digest of every attempt's end, in order.
struct ChunkLedger: Sendable {
    /// Chunks in the job.
    let chunks: Int
    /// After how many recorded artifacts the first coordinator is restarted; nil for no restart.
    let restartAt: Int?

    /// The coordinator phase running: 1, or 2 after the restart.
    private(set) var phase = 0
    private var attempts: [UInt8]
    private var running: [Bool]
    private(set) var recorded: [Bool]
    private(set) var aggregated: [UInt8]

    /// Attempts per phase.
    private(set) var phaseAttempts: [Int] = []
    /// Distinct chunks attempted per phase.
    private(set) var phaseChunks: [Int] = []
    /// Workers each phase started with.
    private(set) var phaseWorkers: [Int] = []
    /// The most attempts one chunk took within one phase.
    private(set) var maximumAttempts = 0
    /// Artifacts recorded (first writes).
    private(set) var recordedCount = 0
    /// Artifacts the restarted coordinator found in the kept lease.
    private(set) var recoveredCount = 0
    /// Results aggregated by a coordinator (not recovered from artifacts).
    private(set) var aggregatedByCoordinators = 0
    /// An attempt began on a chunk another attempt was still running.
    private(set) var overlappingAttempts = 0
    /// The restarted coordinator ran a chunk whose artifact was already recorded.
    private(set) var rerunRecorded = 0
    /// A write found the identical artifact already stored.
    private(set) var duplicateWrites = 0
    /// Attempts that ran off the simulation's thread (work escaped the deterministic executor).
    private(set) var offThread = 0
    /// Failed attempts by error.
    private(set) var failures: [String: Int] = [:]
    /// Injected mid-tasklet expiries that hit a live lease.
    var forcedExpiries = 0
    /// Attempts that ran slow.
    var slowAttempts = 0
    /// A digest of every attempt's end, in order.
    private(set) var trace: UInt64 = 0x84_2223_25CB_F29C
    private var sinceDrain = 0
    private var restartFired = false

    init(chunks: Int, restartAt: Int?) {
        self.chunks = chunks
        self.restartAt = restartAt
        attempts = [UInt8](repeating: 0, count: chunks)
        running = [Bool](repeating: false, count: chunks)
        recorded = [Bool](repeating: false, count: chunks)
        aggregated = [UInt8](repeating: 0, count: chunks)
    }

    /// A coordinator starts on `chunks` chunks with `workers` workers.
    mutating func begin(phase: Int, chunks: Int, workers: Int) {
        self.phase = phase
        if phase > 1 {
            for index in attempts.indices { attempts[index] = 0 }
        }
        phaseAttempts.append(0)
        phaseChunks.append(0)
        phaseWorkers.append(workers)
    }

    /// An attempt of chunk `index` begins. - Returns: the attempt's key for the fault model (its phase and number),
    /// and whether it is time to drain the fabric's history into the checker.
    mutating func beginAttempt(_ index: Int, onThread: Bool) -> (key: Int, drain: Bool) {
        if !onThread { offThread += 1 }
        if running[index] { overlappingAttempts += 1 }
        if phase > 1 && recorded[index] { rerunRecorded += 1 }
        running[index] = true
        if attempts[index] == 0 { phaseChunks[phaseChunks.count - 1] += 1 }
        if attempts[index] < .max { attempts[index] += 1 }
        maximumAttempts = max(maximumAttempts, Int(attempts[index]))
        phaseAttempts[phaseAttempts.count - 1] += 1
        sinceDrain += 1
        let drain = sinceDrain >= 4096
        if drain { sinceDrain = 0 }
        return (phase << 6 | Int(min(attempts[index], 63)), drain)
    }

    /// An attempt of chunk `index` ended: its artifact stored (`stored` bytes new), or failed with `error`.
    /// - Returns: Whether this is the moment to restart the coordinator.
    mutating func endAttempt(_ index: Int, stored: Int?, error: (any Error)?, at instant: FabricInstant) -> Bool {
        running[index] = false
        var code = "ok"
        if let error {
            code =
                (error as? FabricError)?.code.name ?? (error is CancellationError ? "cancelled" : "\(type(of: error))")
            failures[code, default: 0] += 1
        }
        fold(UInt64(index), UInt64(bitPattern: instant.nanoseconds))
        fold(UInt64(attempts[index]), code)
        guard let stored else { return false }
        if stored == 0 { duplicateWrites += 1 }
        if !recorded[index] {
            recorded[index] = true
            recordedCount += 1
        }
        guard phase == 1, !restartFired, let restartAt, recordedCount >= restartAt else { return false }
        restartFired = true
        return true
    }

    /// A coordinator aggregated `results` (chunk indices, in chunk order). - Returns: how many.
    mutating func aggregate(_ results: [Int]) -> Int {
        for index in results where index >= 0 && index < chunks {
            aggregated[index] &+= 1
            aggregatedByCoordinators += 1
            fold(UInt64(index), 0xA66)
        }
        return results.count
    }

    /// The restarted coordinator found these chunks' artifacts in the kept lease: they count as aggregated.
    mutating func recover(_ indices: [Int]) {
        for index in indices {
            aggregated[index] &+= 1
            recoveredCount += 1
        }
    }

    /// Attempts beyond each chunk's first, over all phases.
    var extraAttempts: Int {
        zip(phaseAttempts, phaseChunks).reduce(0) { $0 + $1.0 - $1.1 }
    }

    /// How many chunks were aggregated exactly once, never, and more than once.
    var aggregation: (once: Int, never: Int, twice: Int) {
        var result = (once: 0, never: 0, twice: 0)
        for count in aggregated {
            switch count {
            case 0: result.never += 1
            case 1: result.once += 1
            default: result.twice += 1
            }
        }
        return result
    }

    private mutating func fold(_ a: UInt64, _ text: String) {
        var value: UInt64 = 0x100_0000_01B3
        for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x100_0000_01B3 }
        fold(a, value)
    }

    private mutating func fold(_ a: UInt64, _ b: UInt64) {
        trace = SimulationFaults.fmix(trace ^ a) &+ SimulationFaults.fmix(b &+ 0x9E37_79B9_7F4A_7C15)
    }
}
