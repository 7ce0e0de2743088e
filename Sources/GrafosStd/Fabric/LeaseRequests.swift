/// What a ``CpuBuilder`` asks a fabric for.
public struct CpuLeaseRequest: Hashable, Sendable {
    /// Logical cores; at least 1.
    public var cores: Int
    /// How long the lease lives unless renewed.
    public var ttl: Duration
    /// Capabilities the node must have, e.g. `"avx512"` or `"bigcore"`.
    public var capabilities: Set<String>
    /// Place on this node only, when set.
    public var node: String?

    /// Creates a request.
    public init(cores: Int, ttl: Duration, capabilities: Set<String> = [], node: String? = nil) {
        self.cores = cores
        self.ttl = ttl
        self.capabilities = capabilities
        self.node = node
    }

    /// Throws ``FabricError/Code/invalidRequest`` when the request can never be granted by any fabric.
    package func validate() throws(FabricError) {
        guard cores >= 1 else {
            throw FabricError(.invalidRequest, "a CPU lease needs at least 1 core, not \(cores)")
        }
        guard ttl > .zero else {
            throw FabricError(.invalidRequest, "a lease's TTL must be positive, not \(ttl)")
        }
    }
}

/// What a ``BlockBuilder`` asks a fabric for.
public struct BlockLeaseRequest: Hashable, Sendable {
    /// Blocks of ``BlockLease/blockSize`` bytes; at least 1.
    public var blocks: Int
    /// How long the lease lives unless renewed.
    public var ttl: Duration
    /// Place on this node only, when set.
    public var node: String?

    /// Creates a request.
    public init(blocks: Int, ttl: Duration, node: String? = nil) {
        self.blocks = blocks
        self.ttl = ttl
        self.node = node
    }

    /// Throws ``FabricError/Code/invalidRequest`` when the request can never be granted by any fabric.
    package func validate() throws(FabricError) {
        guard blocks >= 1 else {
            throw FabricError(.invalidRequest, "a block lease needs at least 1 block, not \(blocks)")
        }
        guard ttl > .zero else {
            throw FabricError(.invalidRequest, "a lease's TTL must be positive, not \(ttl)")
        }
    }
}

/// What a fabric grants: the credential and the facts of the lease.
public struct LeaseGrant: Hashable, Sendable {
    /// Whether the lease is for cores or for blocks.
    public enum Kind: String, Hashable, Sendable {
        /// Logical CPU cores.
        case cpu
        /// Block storage.
        case block
    }

    /// The id and the holder's token.
    public var credential: LeaseCredential
    /// Cores or blocks.
    public var kind: Kind
    /// The node that holds the resources.
    public var node: String
    /// Cores granted (0 for block leases).
    public var cores: Int
    /// Blocks granted (0 for CPU leases).
    public var blocks: Int
    /// The node's capabilities.
    public var capabilities: Set<String>
    /// When the lease ends unless renewed, on the fabric's clock.
    public var expiry: FabricInstant
    /// The TTL it was granted with; ``CpuLease/renew()`` extends by this much.
    public var ttl: Duration

    /// Creates a grant.
    public init(
        credential: LeaseCredential,
        kind: Kind,
        node: String,
        cores: Int = 0,
        blocks: Int = 0,
        capabilities: Set<String> = [],
        expiry: FabricInstant,
        ttl: Duration
    ) {
        self.credential = credential
        self.kind = kind
        self.node = node
        self.cores = cores
        self.blocks = blocks
        self.capabilities = capabilities
        self.expiry = expiry
        self.ttl = ttl
    }
}
