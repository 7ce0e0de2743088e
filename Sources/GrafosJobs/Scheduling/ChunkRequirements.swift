import GrafosStd

/// What a worker must have to run a chunk: node capabilities and a minimum number of leased cores.
///
/// ``JobCoordinator/run(_:on:_:replacingWith:exec:aggregate:)`` gives a chunk only to workers whose lease meets its
/// requirements; a chunk no worker meets fails with ``JobError/Reason/unplaceable``. Runs whose `exec` leases its
/// own cores pass the requirements on to the lease: `CpuBuilder().meeting(chunk.requirements)`.
///
/// ```swift
/// let link = Chunk(id: "link", bytes: objects, kind: "link",
///                  requirements: ChunkRequirements(capabilities: ["bigmem"], minimumCores: 4))
/// ```
public struct ChunkRequirements: Hashable, Sendable, CustomStringConvertible {
    /// Capabilities the worker's node must have, e.g. `"avx512"`.
    public var capabilities: Set<String>
    /// The fewest cores the worker's lease may have; at least 1.
    public var minimumCores: Int

    /// Creates requirements.
    /// - Parameters:
    ///   - capabilities: Node capabilities needed; none by default.
    ///   - minimumCores: Leased cores needed; 1 by default.
    public init(capabilities: Set<String> = [], minimumCores: Int = 1) {
        self.capabilities = capabilities
        self.minimumCores = max(1, minimumCores)
    }

    /// No requirements: any worker will do.
    public static let none = ChunkRequirements()

    /// Whether these are ``none``.
    public var isNone: Bool { capabilities.isEmpty && minimumCores <= 1 }

    /// Whether a lease of `cores` cores on a node with `capabilities` meets these requirements.
    public func isMet(cores: Int, capabilities: Set<String>) -> Bool {
        cores >= minimumCores && self.capabilities.isSubset(of: capabilities)
    }

    /// Whether `lease` meets these requirements.
    public func isMet(by lease: CpuLease) -> Bool {
        isMet(cores: lease.cores, capabilities: lease.capabilities)
    }

    /// `any worker`, or `4+ cores with [avx512]`.
    public var description: String {
        if isNone { return "any worker" }
        var parts: [String] = []
        if minimumCores > 1 { parts.append("\(minimumCores)+ cores") }
        if !capabilities.isEmpty { parts.append("with \(capabilities.sorted())") }
        return parts.joined(separator: " ")
    }
}

extension CpuBuilder {
    /// A copy that asks for at least `requirements.minimumCores` cores on a node with every required capability.
    ///
    /// ```swift
    /// let lease = try await CpuBuilder().cores(2).meeting(chunk.requirements).leaseSecs(120).acquire()
    /// ```
    public func meeting(_ requirements: ChunkRequirements) -> Self {
        var copy = cores(max(request.cores, requirements.minimumCores))
        for capability in requirements.capabilities.sorted() { copy = copy.require(capability) }
        return copy
    }
}
