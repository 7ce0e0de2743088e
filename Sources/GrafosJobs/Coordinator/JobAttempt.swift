/// The attempt an `exec` closure is running, as a task-local: which chunk, which attempt, and whether it is a
/// speculative duplicate.
///
/// Bound for every attempt of a run that races stragglers (``SchedulingPolicy/speculation`` set — such runs give
/// each attempt its own task anyway); nil in other runs, where no attempt is speculative.
///
/// ```swift
/// exec: { chunk, store in
///     if JobAttempt.current?.isSpeculative == true { log("racing a straggler of \(chunk.id)") }
///     …
/// }
/// ```
/// ``ActionCache`` reads it: a speculative duplicate never waits for an identical launch in flight (that launch is
/// the straggler it races).
public struct JobAttempt: Hashable, Sendable {
    /// The chunk's id.
    public var chunkID: String
    /// The chunk's position in the job.
    public var index: Int
    /// The attempt number (1 for the first); a duplicate carries the number of the attempt it races.
    public var number: Int
    /// Whether this is a speculative duplicate of a straggling attempt.
    public var isSpeculative: Bool

    /// Creates a description of an attempt.
    public init(chunkID: String, index: Int, number: Int, isSpeculative: Bool) {
        self.chunkID = chunkID
        self.index = index
        self.number = number
        self.isSpeculative = isSpeculative
    }

    /// The attempt the current task is running for a ``JobCoordinator``, if any.
    @TaskLocal public static var current: JobAttempt?
}
