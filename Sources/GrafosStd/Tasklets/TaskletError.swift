/// A tasklet failed on its own account: it trapped, ran out of fuel or stack, or is not a usable module.
///
/// These failures are deterministic — the same module, input and limits fail the same way on every node — so
/// coordinators do not retry them by default. (Failures of the fabric, such as an expired lease, are
/// ``FabricError``s instead.)
///
/// ```swift
/// do {
///     _ = try await lease.cpu().submit(wasm).fuel(1_000_000).launch()
/// } catch let error as TaskletError where error.code == .fuelExhausted {
///     print("needs more fuel than", error.fuelConsumed ?? 0)
/// }
/// ```
public struct TaskletError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name, e.g. `"trap"`; also the `reason` label of `tasklet_failures_total`.
        public let name: String

        /// Creates a code.
        public init(_ name: String) {
            self.name = name
        }

        public var description: String { name }

        /// The program trapped (the message gives the spec's wording, e.g. "integer divide by zero").
        public static let trap = Code("trap")
        /// The fuel limit could not pay for the next instruction.
        public static let fuelExhausted = Code("fuelExhausted")
        /// Calls nested deeper than the call-depth limit allows ("call stack exhausted").
        public static let callStackExhausted = Code("callStackExhausted")
        /// The module needs more memory or table space than the limits allow.
        public static let resourceLimit = Code("resourceLimit")
        /// The bytes are not a valid WebAssembly module.
        public static let invalidModule = Code("invalidModule")
        /// The module imports something neither ABI provides, or exports no entry point.
        public static let unsupportedModule = Code("unsupportedModule")
        /// The launch's wall-clock deadline passed.
        public static let deadlineExceeded = Code("deadlineExceeded")
    }

    /// What kind of failure.
    public var code: Code
    /// What happened and what to do next.
    public var message: String
    /// The WebAssembly functions active at the failure, innermost first (names from the module's name section).
    public var backtrace: [String]
    /// Fuel consumed before the failure, when known.
    public var fuelConsumed: UInt64?

    /// Creates an error.
    public init(_ code: Code, _ message: String, backtrace: [String] = [], fuelConsumed: UInt64? = nil) {
        self.code = code
        self.message = message
        self.backtrace = backtrace
        self.fuelConsumed = fuelConsumed
    }

    /// `trap: integer divide by zero` with the backtrace on following lines.
    public var description: String {
        var text = "\(code.name): \(message)"
        for (depth, frame) in backtrace.prefix(16).enumerated() { text += "\n  #\(depth) \(frame)" }
        if backtrace.count > 16 { text += "\n  … \(backtrace.count - 16) more frames" }
        return text
    }

    public static func == (lhs: TaskletError, rhs: TaskletError) -> Bool {
        lhs.code == rhs.code
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }

    /// Lets `catch TaskletError.fuelExhausted` match any error with that code.
    public static func ~= (pattern: TaskletError, value: any Error) -> Bool {
        (value as? TaskletError)?.code == pattern.code
    }

    /// A trap.
    public static var trap: TaskletError { TaskletError(.trap, "the tasklet trapped") }
    /// Out of fuel.
    public static var fuelExhausted: TaskletError { TaskletError(.fuelExhausted, "the tasklet ran out of fuel") }
    /// Call stack exhausted.
    public static var callStackExhausted: TaskletError {
        TaskletError(.callStackExhausted, "call stack exhausted")
    }
    /// Over a resource limit.
    public static var resourceLimit: TaskletError { TaskletError(.resourceLimit, "over a resource limit") }
    /// Not a valid module.
    public static var invalidModule: TaskletError { TaskletError(.invalidModule, "not a valid module") }
    /// Not a usable tasklet.
    public static var unsupportedModule: TaskletError { TaskletError(.unsupportedModule, "not a usable tasklet") }
    /// Past the deadline.
    public static var deadlineExceeded: TaskletError { TaskletError(.deadlineExceeded, "the deadline passed") }
}

extension TaskletError: FailureLabelled {
    package var failureLabel: String { code.name }
}
