import GrafosObserve

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The embedded fabric: in-process nodes whose logical cores and storage you lease, with TTLs enforced on the
/// fabric's own clock.
///
/// Leased cores are capacity slots: placement never puts more cores on a node than it has, and tasklets run on a
/// thread pool sized to the machine. Expired leases are reclaimed by a timer on the fabric's clock, without any
/// call from the holder; a tasklet still running on one is stopped with ``FabricError/Code/leaseExpired``.
/// The process has one embedded fabric, ``embedded`` (one node with the machine's cores), which ``Fabric/current``
/// returns unless you bind another:
///
/// ```swift
/// let fabric = LocalFabric(nodes: (0..<50).map { LocalFabric.Node(name: "n\($0)", cores: 2, capabilities: []) })
/// try await Fabric.$current.withValue(fabric) {
///     var workers: [CpuLease] = []
///     for _ in 0..<50 { workers.append(try await CpuBuilder().cores(2).leaseSecs(120).acquire()) }
///     let artifacts = try await BlockBuilder().minBlocks(4096).leaseSecs(600).acquire()
///     // … dispatch work …
/// }   // dropping the handles releases everything
/// ```
public final class LocalFabric: FabricProtocol {
    /// One in-process node.
    public struct Node: Hashable, Sendable {
        /// A unique name, reported as ``CpuLease/node``.
        public var name: String
        /// Logical cores it offers.
        public var cores: Int
        /// What it can do, matched by ``CpuBuilder/require(_:)``, e.g. `"avx512"` or `"bigcore"`.
        public var capabilities: Set<String>

        /// Creates a node.
        public init(name: String, cores: Int, capabilities: Set<String> = []) {
            self.name = name
            self.cores = cores
            self.capabilities = capabilities
        }
    }

    /// The process's embedded fabric: one node named `local` with the machine's cores and 4 GiB of storage.
    public static let embedded = LocalFabric()

    /// The name of the storage pool, reported as the node of block leases.
    public static let storageNodeName = "storage"

    /// `local`, or the name given at creation.
    public let name: String
    /// The nodes, as configured.
    public let nodes: [Node]
    /// The storage pool's capacity in bytes (a whole number of blocks).
    public let storageBytes: Int
    package let core: FabricCore
    /// Runs tasklets (the process's module cache and thread pool).
    package var runtime: TaskletRuntime { TaskletRuntime() }

    /// Creates a fabric.
    /// - Parameters:
    ///   - nodes: The nodes; by default one node named `local` with as many cores as the machine has.
    ///   - storage: Bytes of block storage to lease out; 4 GiB by default. Memory is used only as data is written.
    ///   - clock: The clock TTLs are enforced on; ``MonotonicClock`` by default, ``ManualClock`` in tests.
    ///   - metrics: Where lease gauges and tasklet metrics are recorded; the process registry by default.
    ///   - name: A name for logs.
    public convenience init(
        nodes: [Node] = [Node(name: "local", cores: LocalFabric.machineCores)],
        storage: Int = 4 << 30,
        clock: some FabricClock = MonotonicClock(),
        metrics: MetricsRegistry = .default,
        name: String = "local"
    ) {
        self.init(nodes: nodes, storage: storage, clock: clock, metrics: metrics, name: name, persistence: nil)
    }

    /// Creates a fabric whose block leases are kept by `persistence` (a node's `--data-dir`).
    package init(
        nodes: [Node],
        storage: Int,
        clock: any FabricClock,
        metrics: MetricsRegistry,
        name: String,
        storageName: String = LocalFabric.storageNodeName,
        persistence: (any BlockPersistence)?
    ) {
        self.name = name
        self.nodes = nodes
        self.storageBytes = max(0, storage) / BlockStore.blockSize * BlockStore.blockSize
        core = FabricCore(
            nodes: nodes.map { ($0.name, $0.cores, $0.capabilities) },
            storageName: storageName,
            storageBlocks: storageBytes / BlockStore.blockSize,
            clock: clock,
            metrics: metrics,
            seed: nil,
            recordsHistory: false,
            persistence: persistence
        )
    }

    /// The machine's online processors.
    public static var machineCores: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// The clock TTLs are enforced on.
    public var clock: any FabricClock { core.clock }
    /// The registry metrics are recorded in.
    public var metrics: MetricsRegistry { core.metrics }

    /// Live CPU leases (expired ones are reclaimed first).
    public var activeCpuLeases: Int { core.activeCpuLeases }
    /// Live block leases (expired ones are reclaimed first).
    public var activeBlockLeases: Int { core.activeBlockLeases }
    /// Free cores by node name.
    public var freeCores: [String: Int] { core.freeCores }

    /// The free cores of all nodes, after reclaiming expired leases.
    public func freeCoreCount() async -> Int? {
        core.freeCores.values.reduce(0, +)
    }

    public func acquireCpu(_ request: CpuLeaseRequest) async throws -> LeaseGrant {
        try core.acquireCpu(request)
    }

    public func acquireBlock(_ request: BlockLeaseRequest) async throws -> LeaseGrant {
        try core.acquireBlock(request)
    }

    public func renew(_ lease: LeaseCredential, for duration: Duration) async throws -> FabricInstant {
        try core.renew(lease, for: duration)
    }

    public func release(_ lease: LeaseCredential) async throws {
        try core.release(lease)
    }

    public func releaseInBackground(_ lease: LeaseCredential) {
        try? core.release(lease)
    }

    public func launch(_ request: TaskletRequest, on lease: LeaseCredential) async throws -> TaskletResult {
        try await core.launchTasklet(request, on: lease, runtime: runtime)
    }

    public func perform(_ operation: BlockOperation, on lease: LeaseCredential) async throws -> BlockOperationResult {
        try core.perform(operation, on: lease)
    }
}
