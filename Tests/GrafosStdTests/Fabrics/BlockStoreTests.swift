import Testing

@testable import GrafosStd

@Suite struct BlockStoreTests {
    @Test func rawBlocksReadZeroUntilWrittenAndArePadded() throws {
        var store = BlockStore(blockCount: 4)
        #expect(try store.apply(.readBlock(3)) == .bytes([UInt8](repeating: 0, count: 4096)))
        _ = try store.apply(.writeBlock(1, [1, 2, 3]))
        guard case .bytes(let block) = try store.apply(.readBlock(1)) else {
            Issue.record("no bytes")
            return
        }
        #expect(block.count == 4096)
        #expect(Array(block.prefix(4)) == [1, 2, 3, 0])
    }

    @Test func outOfRangeAndOversizedAccessesAreTypedErrors() {
        var store = BlockStore(blockCount: 4)
        #expect(throws: FabricError.outOfBounds) { try store.apply(.readBlock(4)) }
        #expect(throws: FabricError.outOfBounds) { try store.apply(.readBlock(-1)) }
        #expect(throws: FabricError.outOfBounds) { try store.apply(.writeBlock(Int.max, [])) }
        #expect(throws: FabricError.invalidRequest) {
            try store.apply(.writeBlock(0, [UInt8](repeating: 1, count: 4097)))
        }
    }

    @Test func objectWritesAreIdempotentPerKey() throws {
        var store = BlockStore(blockCount: 8)
        let bytes = [UInt8](repeating: 7, count: 5000)
        #expect(try store.apply(.writeObject("a.o", bytes)) == .stored(5000))
        #expect(try store.apply(.writeObject("a.o", bytes)) == .stored(0))
        #expect(try store.apply(.readObject("a.o")) == .bytes(bytes))
        guard case .usage(let usage) = try store.apply(.usage) else {
            Issue.record("no usage")
            return
        }
        #expect(usage.objectBlocks == 2)
        #expect(usage.freeBlocks == 6)
        #expect(try store.apply(.writeObject("a.o", [1])) == .stored(1))
        #expect(try store.apply(.readObject("a.o")) == .bytes([1]))
        #expect(try store.apply(.listObjects) == .keys(["a.o"]))
    }

    @Test func contentAddressedPutsDeduplicate() throws {
        var store = BlockStore(blockCount: 4)
        let bytes = Array("hello artifacts".utf8)
        guard case .digest(let digest, let stored) = try store.apply(.put(bytes)) else {
            Issue.record("no digest")
            return
        }
        #expect(digest == SHA256.hash(bytes))
        #expect(stored == bytes.count)
        #expect(try store.apply(.put(bytes)) == .digest(digest, stored: 0))
        #expect(try store.apply(.get(digest)) == .bytes(bytes))
        guard case .usage(let usage) = try store.apply(.usage) else {
            Issue.record("no usage")
            return
        }
        #expect(usage.contents == 1)
        #expect(usage.objectBlocks == 1)
        #expect(throws: FabricError.notFound) { try store.apply(.get(SHA256.hash([0]))) }
    }

    @Test func aFullStoreRefusesWithoutLosingWhatItHolds() throws {
        var store = BlockStore(blockCount: 2)
        _ = try store.apply(.writeObject("keep", [UInt8](repeating: 1, count: 4096)))
        #expect(throws: FabricError.storageFull) {
            try store.apply(.writeObject("big", [UInt8](repeating: 2, count: 4097)))
        }
        #expect(try store.apply(.readObject("keep")) == .bytes([UInt8](repeating: 1, count: 4096)))
        // Replacing an object may reuse its own blocks.
        #expect(try store.apply(.writeObject("keep", [UInt8](repeating: 3, count: 8192))) == .stored(8192))
        _ = try store.apply(.removeObject("keep"))
        #expect(try store.apply(.listObjects) == .keys([]))
        #expect(throws: FabricError.notFound) { try store.apply(.readObject("keep")) }
    }

    @Test func rawWritesCannotClobberObjectsAndObjectsAvoidRawBlocks() throws {
        var store = BlockStore(blockCount: 3)
        _ = try store.apply(.writeBlock(0, [9]))
        _ = try store.apply(.writeObject("o", [UInt8](repeating: 5, count: 4096 * 2)))
        #expect(throws: FabricError.invalidRequest) { try store.apply(.writeBlock(1, [0])) }
        #expect(throws: FabricError.invalidRequest) { try store.apply(.writeBlock(2, [0])) }
        guard case .bytes(let raw) = try store.apply(.readBlock(0)) else {
            Issue.record("no bytes")
            return
        }
        #expect(raw.first == 9)
        // The object's blocks read through the raw view.
        guard case .bytes(let objectBlock) = try store.apply(.readBlock(2)) else {
            Issue.record("no bytes")
            return
        }
        #expect(objectBlock == [UInt8](repeating: 5, count: 4096))
        #expect(throws: FabricError.storageFull) { try store.apply(.writeObject("p", [1])) }
    }
}
