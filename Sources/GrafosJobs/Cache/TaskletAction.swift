import GrafosStd

/// Everything that decides a deterministic tasklet's output — module, input, limits, arguments, environment, mode —
/// plus a salt: the description of one launch that an ``ActionCache`` keys by its ``key``.
///
/// Build one template per job (the module is hashed once, here) and derive each chunk's action from it:
///
/// ```swift
/// let compile = TaskletAction(module: taskletWasm).fuel(5_000_000).salt("toolchain-2024-06")
/// let r = try await cache.result(for: compile.input(chunk.bytes)) { action in
///     let lease = try await CpuBuilder().cores(2).leaseSecs(120).acquire()
///     return try await lease.cpu().submit(action).launch()
/// }
/// ```
public struct TaskletAction: Hashable, Sendable {
    /// The WebAssembly module.
    public private(set) var module: [UInt8]
    /// SHA-256 of ``module``.
    public private(set) var moduleDigest: Digest
    /// The tasklet's input.
    public var input: [UInt8] {
        didSet { knownInputDigest = nil }
    }
    /// SHA-256 of ``input`` when the caller already had it (``input(_:digest:)``).
    private var knownInputDigest: Digest?
    /// Fuel, output, log, memory, depth and time limits.
    public var limits: TaskletLimits
    /// Program arguments.
    public var arguments: [String]
    /// Environment variables.
    public var environment: [String: String]
    /// Whether clocks and randomness derive from the launch; only deterministic actions are cached.
    public var deterministic: Bool
    /// Bytes mixed into the key: change it to invalidate every cached output of the actions that carry it (a new
    /// toolchain, a changed input outside the chunk's bytes).
    public var salt: [UInt8]
    /// Launch and return the result, but store nothing (a `doNotCache` action).
    public var doNotCache: Bool
    /// Launch even when an output is cached (and store the new one): a `skipLookup` action.
    public var skipLookup: Bool

    /// Creates an action with the default limits, no input, deterministic, without salt.
    /// - Parameters:
    ///   - module: The module's bytes; hashed once here.
    ///   - input: The input bytes.
    ///   - limits: The limits; `TaskletLimits.default` by default.
    public init(module: [UInt8], input: [UInt8] = [], limits: TaskletLimits = .default) {
        self.module = module
        moduleDigest = SHA256.hash(module)
        self.input = input
        self.limits = limits
        arguments = []
        environment = [:]
        deterministic = true
        salt = []
        doNotCache = false
        skipLookup = false
    }

    /// The cache key: see ``ActionKey`` for the exact layout.
    public var key: ActionKey { ActionKey(self) }

    /// The launch request this action describes.
    public var request: TaskletRequest {
        TaskletRequest(
            module: module,
            input: input,
            limits: limits,
            arguments: arguments,
            environment: environment,
            deterministic: deterministic
        )
    }

    /// A copy with another input.
    public func input(_ bytes: [UInt8]) -> Self {
        var copy = self
        copy.input = bytes
        return copy
    }

    /// A copy with another input whose SHA-256 the caller already computed, so that the key does not hash it again
    /// (worth it when one input feeds several actions, as a file fed to a linter, a hasher and a compressor).
    /// - Parameters:
    ///   - bytes: The input.
    ///   - digest: `SHA256.hash(bytes)`. A wrong digest makes a wrong key: only pass one computed from `bytes`.
    public func input(_ bytes: [UInt8], digest: Digest) -> Self {
        var copy = self
        copy.input = bytes
        copy.knownInputDigest = digest
        return copy
    }

    /// SHA-256 of ``input`` (computed now unless ``input(_:digest:)`` supplied it).
    public var inputDigest: Digest { knownInputDigest ?? SHA256.hash(input) }

    /// A copy limited to `fuel` units.
    public func fuel(_ fuel: UInt64?) -> Self {
        var copy = self
        copy.limits.fuel = fuel
        return copy
    }

    /// A copy with other limits.
    public func limits(_ limits: TaskletLimits) -> Self {
        var copy = self
        copy.limits = limits
        return copy
    }

    /// A copy with program arguments.
    public func arguments(_ arguments: [String]) -> Self {
        var copy = self
        copy.arguments = arguments
        return copy
    }

    /// A copy with environment variables.
    public func environment(_ environment: [String: String]) -> Self {
        var copy = self
        copy.environment = environment
        return copy
    }

    /// A copy that runs in deterministic mode (`true`, cacheable) or with the host's clocks and randomness.
    public func deterministic(_ deterministic: Bool) -> Self {
        var copy = self
        copy.deterministic = deterministic
        return copy
    }

    /// A copy salted with `salt`'s bytes.
    public func salt(_ salt: [UInt8]) -> Self {
        var copy = self
        copy.salt = salt
        return copy
    }

    /// A copy salted with the UTF-8 bytes of `salt`.
    public func salt(_ salt: String) -> Self {
        self.salt(Array(salt.utf8))
    }

    /// A copy whose result is never stored.
    public func doNotCache(_ value: Bool = true) -> Self {
        var copy = self
        copy.doNotCache = value
        return copy
    }

    /// A copy that launches even when an output is cached.
    public func skipLookup(_ value: Bool = true) -> Self {
        var copy = self
        copy.skipLookup = value
        return copy
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.moduleDigest == rhs.moduleDigest && lhs.input == rhs.input && lhs.limits == rhs.limits
            && lhs.arguments == rhs.arguments && lhs.environment == rhs.environment
            && lhs.deterministic == rhs.deterministic && lhs.salt == rhs.salt && lhs.doNotCache == rhs.doNotCache
            && lhs.skipLookup == rhs.skipLookup
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(moduleDigest)
        hasher.combine(input)
        hasher.combine(salt)
    }
}

extension LeasedCpu {
    /// Starts a submission of `action`: its module, input, limits, arguments, environment and mode.
    ///
    /// ```swift
    /// let r = try await lease.cpu().submit(action).launch()
    /// ```
    public func submit(_ action: TaskletAction) -> TaskletSubmission {
        submit(action.module)
            .input(action.input)
            .limits(action.limits)
            .arguments(action.arguments)
            .environment(action.environment)
            .deterministic(action.deterministic)
    }
}
