import GrafosObserve

/// A source of leased CPU cores and block storage: the interface every fabric implements.
///
/// Three fabrics ship with Grafos: ``LocalFabric`` (in-process, the default), ``SimulatedFabric`` (virtual time and
/// fault injection, for tests) and ``RemoteFabric`` (`grafos node` agents over TCP). Most code never calls these
/// requirements directly: ``CpuBuilder``, ``BlockBuilder``, ``CpuLease`` and ``BlockLease`` do. Implement the
/// protocol yourself only to plug in another kind of fabric; follow the lease rules: every operation checks the
/// credential and the expiry, releasing twice is refused, and expired leases are reclaimed without any call from
/// the holder.
///
/// The protocol is named `FabricProtocol` because ``Fabric`` is the namespace that holds the task-local
/// ``Fabric/current`` fabric (a protocol cannot store a task-local), as `IteratorProtocol` and `StringProtocol`
/// sit beside their concrete namesakes.
public protocol FabricProtocol: AnyObject, Sendable {
    /// A short name for logs and errors.
    var name: String { get }

    /// The clock lease expiries are measured on.
    var clock: any FabricClock { get }

    /// The registry this fabric records its metrics in.
    var metrics: MetricsRegistry { get }

    /// Leases cores on one node.
    /// - Throws: ``FabricError`` — `invalidRequest`, `noMatchingNode`, `insufficientCapacity`, `disconnected`.
    func acquireCpu(_ request: CpuLeaseRequest) async throws -> LeaseGrant

    /// Leases blocks of storage.
    /// - Throws: ``FabricError`` — `invalidRequest`, `insufficientCapacity`, `disconnected`.
    func acquireBlock(_ request: BlockLeaseRequest) async throws -> LeaseGrant

    /// Extends a live lease to `duration` from now and returns the new expiry.
    /// - Throws: ``FabricError`` — `leaseExpired`, `leaseReleased`, `unknownLease`, `notHolder`, `disconnected`.
    func renew(_ lease: LeaseCredential, for duration: Duration) async throws -> FabricInstant

    /// Gives a lease back now. Its cores or blocks are free for others at once; stored data is discarded.
    /// - Throws: ``FabricError`` — `leaseExpired`, `leaseReleased`, `unknownLease`, `notHolder`, `disconnected`.
    func release(_ lease: LeaseCredential) async throws

    /// Gives a lease back without waiting; called when the last reference to a lease handle goes away.
    ///
    /// Must not block. A fabric that cannot reach its node here relies on TTL expiry.
    func releaseInBackground(_ lease: LeaseCredential)

    /// Runs a tasklet on a CPU lease's cores and returns its result.
    ///
    /// A tasklet still running when the lease expires, is released or its node drops is stopped with the
    /// matching ``FabricError``.
    func launch(_ request: TaskletRequest, on lease: LeaseCredential) async throws -> TaskletResult

    /// Performs one storage operation on a block lease.
    func perform(_ operation: BlockOperation, on lease: LeaseCredential) async throws -> BlockOperationResult

    /// How many cores are free right now, when the fabric can tell; coordinators size their concurrency from it.
    ///
    /// The default implementation returns nil (unknown).
    func freeCoreCount() async -> Int?
}

extension FabricProtocol {
    /// Unknown (nil), unless the fabric says otherwise.
    public func freeCoreCount() async -> Int? { nil }
}

/// The namespace of the task-local current fabric.
///
/// Builders use `Fabric.current` unless given a fabric. It defaults to the process's embedded ``LocalFabric``;
/// bind another one for a scope:
///
/// ```swift
/// let fabric = LocalFabric(nodes: (0..<50).map { LocalFabric.Node(name: "n\($0)", cores: 2) })
/// try await Fabric.$current.withValue(fabric) {
///     let lease = try await CpuBuilder().cores(2).leaseSecs(120).acquire()   // leased from `fabric`
///     // …
/// }
/// ```
public enum Fabric {
    /// The fabric builders use when none is given: the embedded ``LocalFabric`` unless bound otherwise.
    @TaskLocal public static var current: any FabricProtocol = LocalFabric.embedded
}
