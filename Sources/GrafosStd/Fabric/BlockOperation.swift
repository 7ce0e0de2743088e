/// One storage operation on a block lease; ``BlockLease`` turns its methods into these.
///
/// Fabrics implement storage as a single entry point, ``FabricProtocol/perform(_:on:)``, which keeps the wire
/// protocol and every fabric's storage code in one shape.
public enum BlockOperation: Hashable, Sendable {
    /// Read raw block `index`.
    case readBlock(Int)
    /// Write raw block `index` (at most one block of bytes; the rest of the block is zeroed).
    case writeBlock(Int, [UInt8])
    /// Store an object under a key, replacing any previous one; the same bytes again change nothing.
    case writeObject(String, [UInt8])
    /// Read an object.
    case readObject(String)
    /// Remove an object and free its blocks.
    case removeObject(String)
    /// List object keys, sorted.
    case listObjects
    /// Store bytes under their SHA-256 digest; the same bytes again use no more space.
    case put([UInt8])
    /// Read content by digest.
    case get(Digest)
    /// Report space used and free.
    case usage
}

/// The answer to a ``BlockOperation``.
public enum BlockOperationResult: Hashable, Sendable {
    /// Done, nothing to return (`writeBlock`, `removeObject`).
    case done
    /// Bytes read (`readBlock`, `readObject`, `get`).
    case bytes([UInt8])
    /// How many bytes a write stored: 0 when identical content was already there (`writeObject`).
    case stored(Int)
    /// Object keys (`listObjects`).
    case keys([String])
    /// The content's digest and how many bytes were newly stored (`put`).
    case digest(Digest, stored: Int)
    /// Space accounting (`usage`).
    case usage(BlockUsage)
}

/// How a block lease's space is used.
public struct BlockUsage: Hashable, Sendable {
    /// Blocks in the lease.
    public var totalBlocks: Int
    /// Blocks holding objects or content.
    public var objectBlocks: Int
    /// Blocks written through the raw block view.
    public var rawBlocks: Int
    /// Named objects stored.
    public var objects: Int
    /// Content-addressed entries stored.
    public var contents: Int

    /// Blocks still free.
    public var freeBlocks: Int { totalBlocks - objectBlocks - rawBlocks }

    /// Creates a usage report.
    public init(totalBlocks: Int, objectBlocks: Int, rawBlocks: Int, objects: Int, contents: Int) {
        self.totalBlocks = totalBlocks
        self.objectBlocks = objectBlocks
        self.rawBlocks = rawBlocks
        self.objects = objects
        self.contents = contents
    }
}
