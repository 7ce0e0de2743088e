/// Builds a request for CPU cores and acquires a ``CpuLease``.
///
/// Uses ``Fabric/current`` (read when ``acquire()`` runs) unless given a fabric.
///
/// ```swift
/// let lease = try await CpuBuilder()
///     .cores(2)
///     .leaseSecs(120)
///     .require("avx512")
///     .acquire()
/// ```
public struct CpuBuilder: Sendable {
    private let fabric: (any FabricProtocol)?
    /// The request as configured so far.
    public private(set) var request: CpuLeaseRequest

    /// A builder on the current fabric: 1 core for 60 seconds until told otherwise.
    public init() {
        fabric = nil
        request = CpuLeaseRequest(cores: 1, ttl: .seconds(60))
    }

    /// A builder on `fabric`.
    public init(on fabric: any FabricProtocol) {
        self.fabric = fabric
        request = CpuLeaseRequest(cores: 1, ttl: .seconds(60))
    }

    /// How many logical cores to lease (all on one node).
    public func cores(_ count: Int) -> Self {
        var copy = self
        copy.request.cores = count
        return copy
    }

    /// How long the lease lives unless renewed, in seconds.
    public func leaseSecs(_ seconds: Int) -> Self {
        lease(.seconds(seconds))
    }

    /// How long the lease lives unless renewed.
    public func lease(_ ttl: Duration) -> Self {
        var copy = self
        copy.request.ttl = ttl
        return copy
    }

    /// Requires the node to have `capability`, e.g. `"avx512"` or `"bigcore"`. Call it again to require more.
    public func require(_ capability: String) -> Self {
        var copy = self
        copy.request.capabilities.insert(capability)
        return copy
    }

    /// Places the lease on the node named `name` only.
    public func node(_ name: String) -> Self {
        var copy = self
        copy.request.node = name
        return copy
    }

    /// Acquires the lease.
    /// - Returns: The lease; dropping its last reference releases it.
    /// - Throws: ``FabricError`` — `invalidRequest`, `noMatchingNode` (no node could ever fit),
    ///   `insufficientCapacity` (none fits now), `disconnected`.
    public func acquire() async throws -> CpuLease {
        let fabric = self.fabric ?? Fabric.current
        let grant = try await fabric.acquireCpu(request)
        return CpuLease(core: LeaseCore(fabric: fabric, grant: grant))
    }
}
