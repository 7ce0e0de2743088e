/// The limits a tasklet runs under; breaching any of them is a typed error, never a crash.
public struct TaskletLimits: Hashable, Sendable {
    /// Fuel: one unit per executed instruction (bulk memory operations per 64 bytes). `nil` means unlimited.
    public var fuel: UInt64?
    /// The most output bytes the tasklet may write; more is ``FabricError/Code/outputTooLarge``.
    public var maxOutput: Int
    /// The most bytes kept of the tasklet's log (stderr); the rest is dropped and marked as truncated.
    public var maxLog: Int
    /// The most linear-memory bytes the tasklet may use.
    public var maxMemoryBytes: Int
    /// The deepest call stack the tasklet may build.
    public var maxCallDepth: Int
    /// A wall-clock limit for one launch, if any.
    public var deadline: Duration?

    /// Creates limits; the defaults suit build and test steps.
    public init(
        fuel: UInt64? = 10_000_000_000,
        maxOutput: Int = 16 << 20,
        maxLog: Int = 64 << 10,
        maxMemoryBytes: Int = 256 << 20,
        maxCallDepth: Int = 10_000,
        deadline: Duration? = nil
    ) {
        self.fuel = fuel
        self.maxOutput = maxOutput
        self.maxLog = maxLog
        self.maxMemoryBytes = maxMemoryBytes
        self.maxCallDepth = maxCallDepth
        self.deadline = deadline
    }

    /// The default limits.
    public static let `default` = TaskletLimits()
}

/// Everything a fabric needs to launch one tasklet: the module, its input, its limits and its environment.
public struct TaskletRequest: Hashable, Sendable {
    /// The WebAssembly module's bytes.
    public var module: [UInt8]
    /// The input (stdin for WASI commands, `input_read` for the `grafos` ABI).
    public var input: [UInt8]
    /// Fuel, output, memory, depth and time limits.
    public var limits: TaskletLimits
    /// Program arguments (`argv[1...]` for WASI commands).
    public var arguments: [String]
    /// Environment variables visible to the tasklet; nothing else is.
    public var environment: [String: String]
    /// Whether clocks and randomness derive from the launch, so the same request gives the same output anywhere.
    public var deterministic: Bool
    /// A block lease (on the same fabric, and for remote fabrics the same node) mounted as `/artifacts` for WASI
    /// tasklets and behind `grafos.object_read`/`object_write` for freestanding ones.
    public var artifacts: LeaseCredential?

    /// Creates a request.
    public init(
        module: [UInt8],
        input: [UInt8] = [],
        limits: TaskletLimits = .default,
        arguments: [String] = [],
        environment: [String: String] = [:],
        deterministic: Bool = true,
        artifacts: LeaseCredential? = nil
    ) {
        self.module = module
        self.input = input
        self.limits = limits
        self.arguments = arguments
        self.environment = environment
        self.deterministic = deterministic
        self.artifacts = artifacts
    }
}

/// What a finished tasklet returns.
public struct TaskletResult: Hashable, Sendable {
    /// The output bytes (stdout for WASI commands).
    public var output: [UInt8]
    /// The log (stderr), bounded by ``TaskletLimits/maxLog``.
    public var stderr: [UInt8]
    /// The exit code: 0 for success; `proc_exit`'s code for WASI commands.
    public var exitCode: Int32
    /// Fuel consumed.
    public var fuelConsumed: UInt64
    /// How long the launch took, on the fabric's clock.
    public var duration: Duration

    /// Creates a result.
    public init(
        output: [UInt8],
        stderr: [UInt8] = [],
        exitCode: Int32 = 0,
        fuelConsumed: UInt64 = 0,
        duration: Duration = .zero
    ) {
        self.output = output
        self.stderr = stderr
        self.exitCode = exitCode
        self.fuelConsumed = fuelConsumed
        self.duration = duration
    }
}
