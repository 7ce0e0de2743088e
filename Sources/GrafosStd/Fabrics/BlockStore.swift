/// One block lease's storage: fixed-size raw blocks plus the object and content-addressed views on the same blocks.
///
/// A pure value type shared by the in-process fabrics and the node agent. Every object occupies
/// `ceil(size / 4096)` blocks of the lease, so a lease can never hold more than it was granted. Objects replace each
/// other atomically: a reader sees the old bytes or the new bytes, never a mix. Raw block writes may not touch a block
/// that holds an object (that would corrupt it), and blocks written raw are never handed to objects.
package struct BlockStore: Sendable {
    /// Bytes per block.
    package static let blockSize = 4096

    private enum Key: Hashable, Sendable {
        case named(String)
        case content(Digest)
    }

    private struct Object: Sendable {
        var key: Key
        var bytes: [UInt8]
        var blocks: [Int32]
    }

    private static let free: UInt32 = 0
    private static let raw: UInt32 = 1

    /// Blocks in the lease.
    package let blockCount: Int
    /// Per block: free, raw, or `slot + 2` for the object in that slot.
    private var owner: [UInt32]
    /// Per object block: its position within the object.
    private var ordinal: [UInt32]
    private var rawData: [Int: [UInt8]] = [:]
    private var slots: [Object?] = []
    private var freeSlots: [Int] = []
    private var named: [String: Int] = [:]
    private var contents: [Digest: Int] = [:]
    private var freeBlocks: Int
    private var rawBlockCount = 0
    private var cursor = 0

    /// Creates an empty store of `blockCount` blocks (allocated lazily; unwritten blocks read as zeros).
    package init(blockCount: Int) {
        self.blockCount = max(0, blockCount)
        owner = []
        ordinal = []
        freeBlocks = self.blockCount
    }

    /// Applies one operation.
    package mutating func apply(_ operation: BlockOperation) throws(FabricError) -> BlockOperationResult {
        switch operation {
        case .readBlock(let index):
            return .bytes(try readBlock(index))
        case .writeBlock(let index, let bytes):
            try writeBlock(index, bytes)
            return .done
        case .writeObject(let key, let bytes):
            return .stored(try store(.named(key), bytes))
        case .readObject(let key):
            guard let slot = named[key], let object = slots[slot] else {
                throw FabricError(.notFound, "no object '\(key)' in this lease; list() shows what is stored")
            }
            return .bytes(object.bytes)
        case .removeObject(let key):
            guard let slot = named[key] else {
                throw FabricError(.notFound, "no object '\(key)' in this lease; nothing was removed")
            }
            removeSlot(slot)
            return .done
        case .listObjects:
            return .keys(named.keys.sorted())
        case .put(let bytes):
            let digest = SHA256.hash(bytes)
            return .digest(digest, stored: try store(.content(digest), bytes))
        case .get(let digest):
            guard let slot = contents[digest], let object = slots[slot] else {
                throw FabricError(.notFound, "no content \(digest) in this lease")
            }
            return .bytes(object.bytes)
        case .usage:
            return .usage(
                BlockUsage(
                    totalBlocks: blockCount,
                    objectBlocks: blockCount - freeBlocks - rawBlockCount,
                    rawBlocks: rawBlockCount,
                    objects: named.count,
                    contents: contents.count
                )
            )
        }
    }

    // MARK: Support for durable storage

    /// The bytes of object `key`, if stored.
    package func object(_ key: String) -> [UInt8]? {
        named[key].flatMap { slots[$0]?.bytes }
    }

    /// Whether content with `digest` is stored.
    package func hasContent(_ digest: Digest) -> Bool {
        contents[digest] != nil
    }

    /// Raw block `index` if it was written raw, else nil.
    package func rawBlock(_ index: Int) -> [UInt8]? {
        guard index >= 0 && index < blockCount, !owner.isEmpty, owner[index] == Self.raw else { return nil }
        return rawData[index] ?? [UInt8](repeating: 0, count: Self.blockSize)
    }

    /// Removes content-addressed bytes (undoing a `put` that could not be made durable).
    package mutating func removeContent(_ digest: Digest) {
        if let slot = contents[digest] { removeSlot(slot) }
    }

    /// Makes block `index` free again (undoing a raw write that could not be made durable).
    package mutating func clearRawBlock(_ index: Int) {
        guard index >= 0 && index < blockCount, !owner.isEmpty, owner[index] == Self.raw else { return }
        owner[index] = Self.free
        rawData.removeValue(forKey: index)
        freeBlocks += 1
        rawBlockCount -= 1
    }

    private func checkIndex(_ index: Int) throws(FabricError) {
        guard index >= 0 && index < blockCount else {
            throw FabricError(.outOfBounds, "block \(index) is outside this lease's blocks 0..<\(blockCount)")
        }
    }

    private func readBlock(_ index: Int) throws(FabricError) -> [UInt8] {
        try checkIndex(index)
        guard !owner.isEmpty else { return [UInt8](repeating: 0, count: Self.blockSize) }
        switch owner[index] {
        case Self.free:
            return [UInt8](repeating: 0, count: Self.blockSize)
        case Self.raw:
            return rawData[index] ?? [UInt8](repeating: 0, count: Self.blockSize)
        case let tag:
            let object = slots[Int(tag - 2)]!
            let start = Int(ordinal[index]) * Self.blockSize
            var block = Array(object.bytes[start..<min(start + Self.blockSize, object.bytes.count)])
            block.append(contentsOf: repeatElement(0, count: Self.blockSize - block.count))
            return block
        }
    }

    private mutating func writeBlock(_ index: Int, _ bytes: [UInt8]) throws(FabricError) {
        try checkIndex(index)
        guard bytes.count <= Self.blockSize else {
            throw FabricError(
                .invalidRequest,
                "a block holds \(Self.blockSize) bytes; \(bytes.count) were given for block \(index)"
            )
        }
        materialize()
        switch owner[index] {
        case Self.free:
            owner[index] = Self.raw
            freeBlocks -= 1
            rawBlockCount += 1
        case Self.raw:
            break
        case let tag:
            let key = slots[Int(tag - 2)]!.key
            throw FabricError(
                .invalidRequest,
                "block \(index) holds part of \(Self.describe(key)); remove it before writing the block raw"
            )
        }
        var block = bytes
        if block.count < Self.blockSize {
            block.append(contentsOf: repeatElement(0, count: Self.blockSize - block.count))
        }
        rawData[index] = block
    }

    /// Stores an object; returns the bytes newly stored (0 when identical content was already there).
    private mutating func store(_ key: Key, _ bytes: [UInt8]) throws(FabricError) -> Int {
        let existing: Int? =
            switch key {
            case .named(let name): named[name]
            case .content(let digest): contents[digest]
            }
        if let existing, slots[existing]!.bytes == bytes { return 0 }
        let needed = (bytes.count + Self.blockSize - 1) / Self.blockSize
        let reusable = existing.map { slots[$0]!.blocks.count } ?? 0
        guard needed <= freeBlocks + reusable else {
            throw FabricError(
                .storageFull,
                "\(Self.describe(key)) needs \(needed) blocks but only \(freeBlocks + reusable) are free "
                    + "of \(blockCount); lease more blocks or remove objects"
            )
        }
        materialize()
        if let existing { removeSlot(existing) }
        let slot = freeSlots.popLast() ?? slots.count
        if slot == slots.count { slots.append(nil) }
        var blocks: [Int32] = []
        blocks.reserveCapacity(needed)
        while blocks.count < needed {
            if owner[cursor] == Self.free {
                owner[cursor] = UInt32(slot + 2)
                ordinal[cursor] = UInt32(blocks.count)
                blocks.append(Int32(cursor))
            }
            cursor = cursor + 1 == blockCount ? 0 : cursor + 1
        }
        freeBlocks -= needed
        slots[slot] = Object(key: key, bytes: bytes, blocks: blocks)
        switch key {
        case .named(let name): named[name] = slot
        case .content(let digest): contents[digest] = slot
        }
        return bytes.count
    }

    private mutating func removeSlot(_ slot: Int) {
        guard let object = slots[slot] else { return }
        for block in object.blocks { owner[Int(block)] = Self.free }
        freeBlocks += object.blocks.count
        switch object.key {
        case .named(let name): named.removeValue(forKey: name)
        case .content(let digest): contents.removeValue(forKey: digest)
        }
        slots[slot] = nil
        freeSlots.append(slot)
    }

    private mutating func materialize() {
        if owner.isEmpty && blockCount > 0 {
            owner = [UInt32](repeating: Self.free, count: blockCount)
            ordinal = [UInt32](repeating: 0, count: blockCount)
        }
    }

    private static func describe(_ key: Key) -> String {
        switch key {
        case .named(let name): "object '\(name)'"
        case .content(let digest): "content \(digest)"
        }
    }
}
