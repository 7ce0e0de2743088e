/// What a `grafos node` agent reports about itself.
public struct NodeStatus: Hashable, Sendable, CustomStringConvertible {
    /// The node's name.
    public var name: String
    /// Its capabilities.
    public var capabilities: Set<String>
    /// Cores it offers.
    public var totalCores: Int
    /// Cores not leased.
    public var freeCores: Int
    /// Storage blocks it offers.
    public var totalBlocks: Int
    /// Storage blocks not leased.
    public var freeBlocks: Int
    /// Live CPU leases.
    public var cpuLeases: Int
    /// Live block leases.
    public var blockLeases: Int
    /// Tasklets running now.
    public var taskletsRunning: Int

    /// Creates a status report.
    public init(
        name: String,
        capabilities: Set<String>,
        totalCores: Int,
        freeCores: Int,
        totalBlocks: Int,
        freeBlocks: Int,
        cpuLeases: Int,
        blockLeases: Int,
        taskletsRunning: Int
    ) {
        self.name = name
        self.capabilities = capabilities
        self.totalCores = totalCores
        self.freeCores = freeCores
        self.totalBlocks = totalBlocks
        self.freeBlocks = freeBlocks
        self.cpuLeases = cpuLeases
        self.blockLeases = blockLeases
        self.taskletsRunning = taskletsRunning
    }

    /// One line per field, for `grafos node status`.
    public var description: String {
        """
        node              \(name)
        capabilities      \(capabilities.isEmpty ? "-" : capabilities.sorted().joined(separator: ","))
        cores             \(freeCores) free of \(totalCores)
        storage blocks    \(freeBlocks) free of \(totalBlocks)
        cpu leases        \(cpuLeases)
        block leases      \(blockLeases)
        tasklets running  \(taskletsRunning)
        """
    }
}
