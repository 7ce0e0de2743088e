/// A lease on block storage: raw 4096-byte blocks, named objects and content-addressed entries on the same blocks.
///
/// Artifacts written here outlive the workers that wrote them; they last as long as the lease (renew it to keep a
/// cache). Object writes are idempotent per key — writing the same bytes again changes nothing — which makes
/// retried chunks safe.
///
/// ```swift
/// let artifacts = try await BlockBuilder().minBlocks(4096).leaseSecs(600).acquire()
/// try await artifacts.write("chunk-7.o", objectBytes)
/// let back = try await artifacts.read("chunk-7.o")
/// let digest = try await artifacts.put(logBytes)        // content-addressed: same bytes, same digest, stored once
/// let names = try await artifacts.list()
/// ```
public final class BlockLease: Sendable, CustomStringConvertible {
    /// Bytes per block: 4096.
    public static let blockSize = BlockStore.blockSize

    package let core: LeaseCore

    package init(core: LeaseCore) {
        self.core = core
    }

    /// The lease's unguessable id.
    public var id: LeaseID { core.grant.credential.id }
    /// Blocks leased.
    public var blockCount: Int { core.grant.blocks }
    /// Bytes per block: 4096.
    public var blockSize: Int { Self.blockSize }
    /// Total bytes leased.
    public var capacity: Int { blockCount * Self.blockSize }
    /// The node holding the storage.
    public var node: String { core.grant.node }
    /// When the lease ends unless renewed, on the fabric's clock.
    public var expiry: FabricInstant { core.expiry }
    /// The TTL it was granted with.
    public var ttl: Duration { core.grant.ttl }
    /// The fabric that granted it.
    public var fabric: any FabricProtocol { core.fabric }
    /// The id and holder token.
    public var credential: LeaseCredential { core.credential }
    /// Whether ``release()`` was called.
    public var isReleased: Bool { core.isReleased }

    /// Extends the lease to its TTL from now.
    public func renew() async throws {
        try await core.renew(for: core.grant.ttl)
    }

    /// Extends the lease to `duration` from now.
    public func renew(for duration: Duration) async throws {
        try await core.renew(for: duration)
    }

    /// Gives the storage back now; its contents are discarded. Calling it again does nothing.
    public func release() async {
        await core.release()
    }

    // MARK: Raw blocks

    /// Reads block `index` (4096 bytes; zeros if never written).
    /// - Throws: ``FabricError/Code/outOfBounds`` for an index outside `0..<blockCount`.
    public func readBlock(_ index: Int) async throws -> [UInt8] {
        try await bytes(.readBlock(index))
    }

    /// Writes block `index`; fewer than 4096 bytes are zero-padded.
    /// - Throws: `outOfBounds`; `invalidRequest` for more than 4096 bytes or a block that holds an object.
    public func writeBlock(_ index: Int, _ bytes: [UInt8]) async throws {
        _ = try await perform(.writeBlock(index, bytes))
    }

    // MARK: Objects

    /// Stores `bytes` under `key`, replacing what was there. Writing the same bytes again stores nothing.
    /// - Returns: The bytes newly stored (0 when they were already there).
    /// - Throws: ``FabricError/Code/storageFull`` when the lease has too few free blocks.
    @discardableResult
    public func write(_ key: String, _ bytes: [UInt8]) async throws -> Int {
        guard case .stored(let count) = try await perform(.writeObject(key, bytes)) else {
            throw Self.unexpected("writeObject")
        }
        return count
    }

    /// The bytes stored under `key`.
    /// - Throws: ``FabricError/Code/notFound`` when there are none.
    public func read(_ key: String) async throws -> [UInt8] {
        try await bytes(.readObject(key))
    }

    /// Removes the object under `key` and frees its blocks.
    public func remove(_ key: String) async throws {
        _ = try await perform(.removeObject(key))
    }

    /// The keys of all stored objects, sorted.
    public func list() async throws -> [String] {
        guard case .keys(let keys) = try await perform(.listObjects) else { throw Self.unexpected("listObjects") }
        return keys
    }

    // MARK: Content-addressed

    /// Stores `bytes` under their SHA-256 digest and returns it; identical bytes are stored once.
    @discardableResult
    public func put(_ bytes: [UInt8]) async throws -> Digest {
        guard case .digest(let digest, _) = try await perform(.put(bytes)) else { throw Self.unexpected("put") }
        return digest
    }

    /// The bytes stored under `digest`.
    /// - Throws: ``FabricError/Code/notFound`` when there are none.
    public func get(_ digest: Digest) async throws -> [UInt8] {
        try await bytes(.get(digest))
    }

    /// How the lease's blocks are used.
    public func usage() async throws -> BlockUsage {
        guard case .usage(let usage) = try await perform(.usage) else { throw Self.unexpected("usage") }
        return usage
    }

    /// `BlockLease(<id>, 4096 blocks on storage, expires t+600.000s)`.
    public var description: String {
        "BlockLease(\(id), \(blockCount) blocks on \(node), expires \(expiry))"
    }

    private func perform(_ operation: BlockOperation) async throws -> BlockOperationResult {
        try await core.fabric.perform(operation, on: core.credential)
    }

    private func bytes(_ operation: BlockOperation) async throws -> [UInt8] {
        guard case .bytes(let bytes) = try await perform(operation) else { throw Self.unexpected("\(operation)") }
        return bytes
    }

    private static func unexpected(_ operation: String) -> FabricError {
        FabricError(.transient, "the fabric answered \(operation) with the wrong kind of result")
    }
}
