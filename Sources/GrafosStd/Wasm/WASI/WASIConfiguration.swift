/// What one WASI launch sees: argv, environment, stdin, limits, and where time and randomness come from.
///
/// Deterministic mode (the default for tasklets) makes everything a program can observe a function of the
/// launch: virtual clocks (``Clocks/virtual(realtimeStart:step:)``), a random stream seeded from the launch
/// (``Randomness/seeded(_:)``), and only the environment the request gives. The same module, input and fuel then
/// produce byte-identical output on every node. ``init(request:moduleDigest:programName:)`` derives all of it from
/// a `TaskletRequest`.
///
/// ```swift
/// let configuration = WASIConfiguration(request: request, moduleDigest: SHA256.hash(request.module))
/// let context = try WASIContext(configuration: configuration)
/// ```
package struct WASIConfiguration: Sendable, Hashable {
    /// Where the clocks' readings come from.
    package enum Clocks: Sendable, Hashable {
        /// Virtual time: one timeline of elapsed nanoseconds that starts at 0 and advances by `step` before every
        /// `clock_time_get` (so successive readings strictly increase), and jumps to the deadline when
        /// `poll_oneoff` sleeps. `realtime` reads `realtimeStart + elapsed`; `monotonic` and both CPU-time clocks
        /// read `elapsed`. `clock_res_get` reports `step` for every clock.
        case virtual(realtimeStart: UInt64, step: UInt64)
        /// The host's clocks (`CLOCK_REALTIME`, `CLOCK_MONOTONIC`); CPU time is monotonic time since the launch
        /// began; `poll_oneoff` really sleeps.
        case system

        /// The default virtual clocks: 2024-01-01T00:00:00Z, advancing 1 µs per reading.
        package static let deterministic = Clocks.virtual(realtimeStart: 1_704_067_200_000_000_000, step: 1_000)
    }

    /// Where `random_get`'s bytes come from.
    package enum Randomness: Sendable, Hashable {
        /// A `SeededRandomNumberGenerator` stream: its 64-bit words, little-endian, as one byte stream (how the
        /// bytes are split across calls does not change them).
        case seeded(UInt64)
        /// The system's generator (`SystemRandomNumberGenerator`).
        case system
    }

    /// The program's `argv`, `argv[0]` (the program's name) first.
    package var arguments: [String]
    /// The environment, exported as `KEY=VALUE` sorted by key; nothing else is visible.
    package var environment: [String: String]
    /// The bytes stdin reads (the launch's input); then end of file.
    package var stdin: [UInt8]
    /// The most bytes stdout (and `grafos.output_write`) may produce; more is ``WASIOutputLimitExceeded``.
    package var maxOutput: Int
    /// The most bytes of stderr (and `grafos.log`) kept; the rest is dropped and ``WASIContext/logTruncated`` set.
    package var maxLog: Int
    /// The most bytes in-memory files, directory entries and open object-store files may hold together
    /// (a fixed overhead of 64 bytes per file, directory or link is counted too); more is `ENOSPC`.
    package var maxFileSystemBytes: Int
    /// The most descriptors open at once, stdio and preopens included; more is `EMFILE`.
    package var maxOpenFiles: Int
    /// Where the clocks' readings come from.
    package var clocks: Clocks
    /// Where random bytes come from.
    package var randomness: Randomness

    /// Creates a configuration; the defaults are deterministic with no input, arguments or environment.
    package init(
        arguments: [String] = ["tasklet"],
        environment: [String: String] = [:],
        stdin: [UInt8] = [],
        maxOutput: Int = 16 << 20,
        maxLog: Int = 64 << 10,
        maxFileSystemBytes: Int = 64 << 20,
        maxOpenFiles: Int = 1024,
        clocks: Clocks = .deterministic,
        randomness: Randomness = .seeded(0)
    ) {
        self.arguments = arguments
        self.environment = environment
        self.stdin = stdin
        self.maxOutput = maxOutput
        self.maxLog = maxLog
        self.maxFileSystemBytes = maxFileSystemBytes
        self.maxOpenFiles = maxOpenFiles
        self.clocks = clocks
        self.randomness = randomness
    }

    /// The configuration for a launch of `request`: `argv` is `programName` then the request's arguments, stdin its
    /// input, the limits its limits; deterministic requests get ``Clocks/deterministic`` and a seed from
    /// ``seed(moduleDigest:request:)``, others the system's clocks and randomness.
    /// - Parameters:
    ///   - request: the launch.
    ///   - moduleDigest: SHA-256 of the module's bytes (the module cache's key).
    ///   - programName: `argv[0]`.
    package init(request: TaskletRequest, moduleDigest: Digest, programName: String = "tasklet") {
        self.init(
            arguments: [programName] + request.arguments,
            environment: request.environment,
            stdin: request.input,
            maxOutput: request.limits.maxOutput,
            maxLog: request.limits.maxLog,
            clocks: request.deterministic ? .deterministic : .system,
            randomness: request.deterministic
                ? .seeded(Self.seed(moduleDigest: moduleDigest, request: request)) : .system
        )
    }

    /// The random seed of a deterministic launch: the first 8 bytes (big-endian) of SHA-256 over the salt
    /// `grafos.wasi.random.v1`, the module digest, then the input, each argument and each `KEY=VALUE` (sorted by
    /// key), every one preceded by its length as a little-endian u64. Fuel and limits are not part of it.
    package static func seed(moduleDigest: Digest, request: TaskletRequest) -> UInt64 {
        var hasher = SHA256()
        func field(_ bytes: some Collection<UInt8>) {
            var length = UInt64(bytes.count).littleEndian
            withUnsafeBytes(of: &length) { hasher.update(buffer: $0) }
            hasher.update(bytes)
        }
        hasher.update(Array("grafos.wasi.random.v1".utf8))
        hasher.update(moduleDigest.bytes)
        field(request.input)
        for argument in request.arguments { field(Array(argument.utf8)) }
        for (key, value) in request.environment.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            field(Array("\(key)=\(value)".utf8))
        }
        return hasher.finalize().words.0
    }
}
