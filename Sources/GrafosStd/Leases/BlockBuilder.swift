/// Builds a request for block storage and acquires a ``BlockLease``.
///
/// Uses ``Fabric/current`` (read when ``acquire()`` runs) unless given a fabric.
///
/// ```swift
/// let artifacts = try await BlockBuilder().minBlocks(4096).leaseSecs(600).acquire()   // 16 MiB for 10 minutes
/// ```
public struct BlockBuilder: Sendable {
    private let fabric: (any FabricProtocol)?
    /// The request as configured so far.
    public private(set) var request: BlockLeaseRequest

    /// A builder on the current fabric: 1 block for 60 seconds until told otherwise.
    public init() {
        fabric = nil
        request = BlockLeaseRequest(blocks: 1, ttl: .seconds(60))
    }

    /// A builder on `fabric`.
    public init(on fabric: any FabricProtocol) {
        self.fabric = fabric
        request = BlockLeaseRequest(blocks: 1, ttl: .seconds(60))
    }

    /// How many 4096-byte blocks to lease.
    public func minBlocks(_ blocks: Int) -> Self {
        var copy = self
        copy.request.blocks = blocks
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

    /// Places the lease on the storage node named `name` only.
    public func node(_ name: String) -> Self {
        var copy = self
        copy.request.node = name
        return copy
    }

    /// Acquires the lease.
    /// - Returns: The lease; dropping its last reference releases it and discards its contents.
    /// - Throws: ``FabricError`` — `invalidRequest`, `noMatchingNode`, `insufficientCapacity`, `disconnected`.
    public func acquire() async throws -> BlockLease {
        let fabric = self.fabric ?? Fabric.current
        let grant = try await fabric.acquireBlock(request)
        return BlockLease(core: LeaseCore(fabric: fabric, grant: grant))
    }
}
