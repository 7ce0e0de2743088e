/// An error from a fabric: what happened, to which lease or node, and what to do next.
///
/// The set of codes grows as fabrics do, so `FabricError` is a struct with a ``Code`` and context rather than an
/// enum. Match it by code — the static members make that read like enum cases:
///
/// ```swift
/// do {
///     try await lease.renew()
/// } catch FabricError.leaseExpired {
///     // the lease is gone: acquire a new one
/// } catch let error as FabricError where error.code.isRetryable {
///     // try again later
/// }
/// ```
///
/// Two errors are equal when their codes are equal; the message and context are for people.
public struct FabricError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name, e.g. `"leaseExpired"`; also used on the wire.
        public let name: String

        /// Creates a code; fabrics outside this package may define their own.
        public init(_ name: String) {
            self.name = name
        }

        public var description: String { name }

        /// The node (or the connection to it) is unreachable. Retry elsewhere.
        public static let disconnected = Code("disconnected")
        /// The lease's TTL ran out before the operation; the fabric has reclaimed it. Renew earlier or lease longer.
        public static let leaseExpired = Code("leaseExpired")
        /// The lease was released (explicitly or by dropping its last reference) and can no longer be used.
        public static let leaseReleased = Code("leaseReleased")
        /// No lease with this id exists on the fabric (never granted, or forgotten long ago).
        public static let unknownLease = Code("unknownLease")
        /// The lease exists but the caller's token is not the holder's.
        public static let notHolder = Code("notHolder")
        /// Nodes that could take the request exist, but none has enough free capacity right now.
        public static let insufficientCapacity = Code("insufficientCapacity")
        /// No node can ever satisfy the request (too many cores, or missing capabilities).
        public static let noMatchingNode = Code("noMatchingNode")
        /// A block index or byte range lies outside the lease.
        public static let outOfBounds = Code("outOfBounds")
        /// The lease's storage has no free blocks left for the write.
        public static let storageFull = Code("storageFull")
        /// The request itself is malformed (zero cores, a non-positive TTL, an oversized block, …).
        public static let invalidRequest = Code("invalidRequest")
        /// No object (or content digest) with that key is stored.
        public static let notFound = Code("notFound")
        /// A tasklet wrote more output than its `maxOutput` limit allows.
        public static let outputTooLarge = Code("outputTooLarge")
        /// This fabric cannot run WebAssembly tasklets.
        public static let noTaskletRuntime = Code("noTaskletRuntime")
        /// A passing failure (a transport hiccup, an overloaded node); retrying may succeed.
        public static let transient = Code("transient")
        /// The operation did not finish in time.
        public static let timeout = Code("timeout")
        /// The caller could not be authenticated.
        public static let unauthenticated = Code("unauthenticated")
        /// The operation was cancelled by the caller.
        public static let cancelled = Code("cancelled")

        /// Whether retrying the operation (on a new lease, after a backoff) can succeed.
        ///
        /// True for `disconnected`, `leaseExpired`, `insufficientCapacity`, `transient` and `timeout`.
        public var isRetryable: Bool {
            self == .disconnected || self == .leaseExpired || self == .insufficientCapacity || self == .transient
                || self == .timeout
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence saying what happened and what to do next.
    public var message: String
    /// The lease concerned, when there is one.
    public var lease: LeaseID?
    /// The node concerned, when there is one.
    public var node: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of failure.
    ///   - message: What happened and what to do; a generic sentence for the code when empty.
    ///   - lease: The lease concerned.
    ///   - node: The node concerned.
    public init(_ code: Code, _ message: String = "", lease: LeaseID? = nil, node: String? = nil) {
        self.code = code
        self.message = message.isEmpty ? FabricError.defaultMessage(for: code) : message
        self.lease = lease
        self.node = node
    }

    /// `code: message [lease …] [node …]`.
    public var description: String {
        var text = "\(code.name): \(message)"
        if let lease, !message.contains(lease.description) { text += " [lease \(lease)]" }
        if let node, !message.contains(node) { text += " [node \(node)]" }
        return text
    }

    public static func == (lhs: FabricError, rhs: FabricError) -> Bool {
        lhs.code == rhs.code
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }

    /// Lets `catch FabricError.leaseExpired` match any `FabricError` with that code.
    public static func ~= (pattern: FabricError, value: any Error) -> Bool {
        (value as? FabricError)?.code == pattern.code
    }

    /// The node is unreachable.
    public static var disconnected: FabricError { FabricError(.disconnected) }
    /// The lease's TTL ran out.
    public static var leaseExpired: FabricError { FabricError(.leaseExpired) }
    /// The lease was released.
    public static var leaseReleased: FabricError { FabricError(.leaseReleased) }
    /// No such lease.
    public static var unknownLease: FabricError { FabricError(.unknownLease) }
    /// The caller is not the lease's holder.
    public static var notHolder: FabricError { FabricError(.notHolder) }
    /// Not enough free capacity right now.
    public static var insufficientCapacity: FabricError { FabricError(.insufficientCapacity) }
    /// No node can satisfy the request.
    public static var noMatchingNode: FabricError { FabricError(.noMatchingNode) }
    /// Out of the lease's bounds.
    public static var outOfBounds: FabricError { FabricError(.outOfBounds) }
    /// The lease's storage is full.
    public static var storageFull: FabricError { FabricError(.storageFull) }
    /// A malformed request.
    public static var invalidRequest: FabricError { FabricError(.invalidRequest) }
    /// No such object.
    public static var notFound: FabricError { FabricError(.notFound) }
    /// Output over the limit.
    public static var outputTooLarge: FabricError { FabricError(.outputTooLarge) }
    /// No tasklet runtime.
    public static var noTaskletRuntime: FabricError { FabricError(.noTaskletRuntime) }
    /// A passing failure.
    public static var transient: FabricError { FabricError(.transient) }
    /// Timed out.
    public static var timeout: FabricError { FabricError(.timeout) }
    /// Not authenticated.
    public static var unauthenticated: FabricError { FabricError(.unauthenticated) }
    /// Cancelled.
    public static var cancelled: FabricError { FabricError(.cancelled) }

    private static func defaultMessage(for code: Code) -> String {
        switch code {
        case .disconnected: "the node is unreachable; retry on another node"
        case .leaseExpired: "the lease's TTL ran out and the fabric reclaimed it; renew earlier or lease for longer"
        case .leaseReleased: "the lease was released; acquire a new one"
        case .unknownLease: "no such lease on this fabric; check the lease id"
        case .notHolder: "the lease belongs to another holder; use the credential that acquired it"
        case .insufficientCapacity: "no node has enough free capacity now; retry later or release leases"
        case .noMatchingNode: "no node can satisfy the request; ask for fewer cores or other capabilities"
        case .outOfBounds: "the access lies outside the lease's blocks"
        case .storageFull: "the lease's storage is full; lease more blocks or remove objects"
        case .invalidRequest: "the request is malformed"
        case .notFound: "no such object is stored"
        case .outputTooLarge:
            "the tasklet's output exceeds its maxOutput limit; raise the limit or store output in blocks"
        case .noTaskletRuntime: "this fabric cannot run WebAssembly tasklets"
        case .transient: "a passing failure; retry"
        case .timeout: "the operation timed out"
        case .unauthenticated: "the caller could not be authenticated; check the shared secret"
        case .cancelled: "the operation was cancelled"
        default: "fabric error"
        }
    }
}
