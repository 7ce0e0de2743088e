import GrafosStd

/// Progress of a ``JobCoordinator`` run, for progress bars and logs; see ``JobCoordinator/events(bufferingNewest:)``.
///
/// A run publishes `queued` for every chunk, then per attempt `started` and, for a failed attempt that will be
/// retried, `retried` — or `requeued` when it found no free capacity while other attempts ran (it starts again,
/// with the same attempt number, when one ends); a speculative duplicate of a straggling attempt publishes
/// `speculated` instead of `started`. Each chunk ends with exactly one `succeeded` or `failed`, unless the run is
/// cancelled or stops at a failure first. The run's last event is `finished`.
public enum JobEvent: Sendable, CustomStringConvertible {
    /// A chunk is waiting to run.
    case queued(chunk: String, index: Int)
    /// An attempt of a chunk began (`attempt` 1 is the first).
    case started(chunk: String, index: Int, attempt: Int)
    /// Attempt `attempt` failed with `reason`; the next one starts after `delay`.
    case retried(chunk: String, index: Int, attempt: Int, reason: any Error, delay: Duration)
    /// A chunk succeeded on attempt `attempts`.
    case succeeded(chunk: String, index: Int, attempts: Int)
    /// A chunk was given up on.
    case failed(JobError.Failure)
    /// A worker's lease died (expired, released or its node dropped) and the coordinator leased a replacement.
    case workerReplaced(old: LeaseID, new: LeaseID)
    /// Attempt `attempt` found no free capacity while other attempts of the run held it: the chunk went back to the
    /// front of the queue and starts again, with the same attempt number, when one of them ends. No retry is used.
    case requeued(chunk: String, index: Int, attempt: Int, reason: any Error)
    /// A speculative duplicate of the chunk's straggling attempt `attempt` started; the first to succeed wins.
    case speculated(chunk: String, index: Int, attempt: Int)
    /// A worker whose lease died could not be replaced; its lanes stopped and left their chunks to other workers.
    case workerRetired(lease: LeaseID, reason: any Error)
    /// The run ended.
    case finished(JobSummary)

    /// One line for a log.
    public var description: String {
        switch self {
        case .queued(let chunk, let index): "queued \(chunk) (#\(index))"
        case .started(let chunk, let index, let attempt): "started \(chunk) (#\(index)) attempt \(attempt)"
        case .retried(let chunk, let index, let attempt, let reason, let delay):
            "retrying \(chunk) (#\(index)) in \(delay) after attempt \(attempt) failed: \(reason)"
        case .succeeded(let chunk, let index, let attempts):
            "succeeded \(chunk) (#\(index)) on attempt \(attempts)"
        case .failed(let failure): failure.description
        case .workerReplaced(let old, let new): "replaced worker lease \(old) with \(new)"
        case .requeued(let chunk, let index, let attempt, let reason):
            "requeued \(chunk) (#\(index)) attempt \(attempt) until capacity frees: \(reason)"
        case .speculated(let chunk, let index, let attempt):
            "started a speculative duplicate of \(chunk) (#\(index)) attempt \(attempt)"
        case .workerRetired(let lease, let reason): "gave up on worker lease \(lease): \(reason)"
        case .finished(let summary): summary.description
        }
    }
}

/// How a run ended: counts of chunks and retries.
public struct JobSummary: Hashable, Sendable, CustomStringConvertible {
    /// Chunks in the job.
    public var total: Int
    /// Chunks that succeeded.
    public var succeeded: Int
    /// Chunks given up on.
    public var failed: Int
    /// Retries made across all chunks.
    public var retries: Int
    /// Worker leases replaced (``JobCoordinator/run(_:on:_:replacingWith:exec:aggregate:)`` only).
    public var replacedWorkers: Int
    /// Whether the run was cancelled before every chunk finished.
    public var cancelled: Bool
    /// Attempts that found no free capacity and went back to the queue without using a retry.
    public var requeued: Int
    /// Speculative duplicates started for straggling attempts.
    public var speculativeAttempts: Int
    /// Workers given up on because their lease died and could not be replaced.
    public var retiredWorkers: Int

    /// Creates a summary.
    public init(
        total: Int,
        succeeded: Int,
        failed: Int,
        retries: Int,
        replacedWorkers: Int = 0,
        cancelled: Bool,
        requeued: Int = 0,
        speculativeAttempts: Int = 0,
        retiredWorkers: Int = 0
    ) {
        self.total = total
        self.succeeded = succeeded
        self.failed = failed
        self.retries = retries
        self.replacedWorkers = replacedWorkers
        self.cancelled = cancelled
        self.requeued = requeued
        self.speculativeAttempts = speculativeAttempts
        self.retiredWorkers = retiredWorkers
    }

    /// `job finished: 1000/1000 succeeded, 0 failed, 173 retries`.
    public var description: String {
        "job \(cancelled ? "cancelled" : "finished"): \(succeeded)/\(total) succeeded, \(failed) failed, "
            + "\(retries) retr\(retries == 1 ? "y" : "ies")"
            + (replacedWorkers > 0 ? ", \(replacedWorkers) worker\(replacedWorkers == 1 ? "" : "s") replaced" : "")
            + (retiredWorkers > 0 ? ", \(retiredWorkers) worker\(retiredWorkers == 1 ? "" : "s") given up" : "")
            + (requeued > 0 ? ", \(requeued) requeued for capacity" : "")
            + (speculativeAttempts > 0 ? ", \(speculativeAttempts) speculative" : "")
    }
}
