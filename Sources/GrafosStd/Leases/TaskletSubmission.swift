/// A tasklet ready to launch on a lease: chain limits and input, then ``launch()``.
///
/// ```swift
/// let r = try await lease.cpu()
///     .submit(taskletWasm)
///     .fuel(5_000_000)
///     .input(chunk.bytes)
///     .maxOutput(1 << 20)
///     .launch()
/// ```
public struct TaskletSubmission: Sendable {
    /// The lease it will run on.
    public let lease: CpuLease
    /// The request as configured so far.
    public private(set) var request: TaskletRequest
    /// The mounted artifacts lease, held so that it stays alive (and is not released) until the launch ends.
    private var artifactsLease: BlockLease?

    package init(lease: CpuLease, request: TaskletRequest) {
        self.lease = lease
        self.request = request
    }

    /// Limits execution to `fuel` units (one per instruction; bulk memory per 64 bytes).
    public func fuel(_ fuel: UInt64) -> Self {
        var copy = self
        copy.request.limits.fuel = fuel
        return copy
    }

    /// Runs without a fuel limit (other limits still apply).
    public func unlimitedFuel() -> Self {
        var copy = self
        copy.request.limits.fuel = nil
        return copy
    }

    /// The tasklet's input: stdin for WASI commands, `input_read` for the `grafos` ABI.
    public func input(_ bytes: [UInt8]) -> Self {
        var copy = self
        copy.request.input = bytes
        return copy
    }

    /// The most output bytes allowed; more fails with ``FabricError/Code/outputTooLarge`` (never truncates).
    public func maxOutput(_ bytes: Int) -> Self {
        var copy = self
        copy.request.limits.maxOutput = bytes
        return copy
    }

    /// The most linear-memory bytes the tasklet may use.
    public func maxMemory(bytes: Int) -> Self {
        var copy = self
        copy.request.limits.maxMemoryBytes = bytes
        return copy
    }

    /// A wall-clock limit for the launch.
    public func deadline(_ duration: Duration) -> Self {
        var copy = self
        copy.request.limits.deadline = duration
        return copy
    }

    /// Replaces all limits at once.
    public func limits(_ limits: TaskletLimits) -> Self {
        var copy = self
        copy.request.limits = limits
        return copy
    }

    /// Program arguments (after the program name).
    public func arguments(_ arguments: [String]) -> Self {
        var copy = self
        copy.request.arguments = arguments
        return copy
    }

    /// Environment variables; the tasklet sees these and nothing else.
    public func environment(_ environment: [String: String]) -> Self {
        var copy = self
        copy.request.environment = environment
        return copy
    }

    /// Whether clocks and randomness derive from the launch (the default, for cacheable work) or from the host.
    public func deterministic(_ deterministic: Bool) -> Self {
        var copy = self
        copy.request.deterministic = deterministic
        return copy
    }

    /// Mounts a block lease's objects for the tasklet: as the directory `/artifacts` for WASI tasklets (plain
    /// `fopen("/artifacts/name.o", "w")`), and behind `grafos.object_read`/`object_write` for freestanding ones.
    ///
    /// The block lease must come from the same fabric (and, on a ``RemoteFabric``, the same node).
    public func artifacts(_ store: BlockLease) -> Self {
        var copy = self
        copy.request.artifacts = store.credential
        copy.artifactsLease = store
        return copy
    }

    /// Runs the tasklet on the lease's cores and waits for its result.
    /// - Returns: The output, log, exit code, fuel consumed and duration.
    /// - Throws: ``FabricError`` — `leaseExpired`, `leaseReleased` or `disconnected` when the lease ends first,
    ///   `outputTooLarge`, `noTaskletRuntime`; or the runtime's typed error for traps and limits.
    public func launch() async throws -> TaskletResult {
        let result = try await lease.fabric.launch(request, on: lease.credential)
        withExtendedLifetime(artifactsLease) {}
        return result
    }
}
