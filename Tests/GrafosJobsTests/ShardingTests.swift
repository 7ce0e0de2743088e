import GrafosJobs
import GrafosStd
import Testing

@Suite struct ShardingTests {
    @Test func fnv1aMatchesItsPublishedTestVectors() {
        #expect(Sharding.fnv1a64("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(Sharding.fnv1a64("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(Sharding.fnv1a64("foobar".utf8) == 0x8594_4171_f739_67e8)
    }

    @Test func theShardHashAndHomeShardsArePinned() {
        // Pinned: these must never change, or every user's test shards move.
        for vector in PinnedShards.vectors {
            #expect(Sharding.hash(vector.name) == vector.hash, "\(vector.name)")
            #expect(Sharding.homeShard(of: vector.name, shards: 16) == vector.home16, "\(vector.name)")
        }
        #expect(Sharding.byHash(PinnedShards.names, shards: 3) == PinnedShards.byHash3)
    }

    @Test func jumpHashMatchesThePapersReferenceImplementation() {
        // Values from an independent transcription of Lamping and Veach's published algorithm.
        #expect(Sharding.jumpConsistentHash(0, buckets: 1) == 0)
        #expect(Sharding.jumpConsistentHash(1, buckets: 10) == PinnedShards.jumpOf1In10)
        #expect(Sharding.jumpConsistentHash(0xDEAD_BEEF, buckets: 100) == PinnedShards.jumpOfDeadBeefIn100)
    }

    @Test(arguments: [(0, 4), (1, 4), (7, 3), (100, 7), (1000, 16), (10, 32)])
    func byHashBalancesShardSizesToWithinOne(count: Int, shards: Int) {
        let names = (0..<count).map { "Tests/Module\($0 % 13)/test_\($0)" }
        let result = Sharding.byHash(names, shards: shards)
        #expect(result.count == shards)
        #expect(result.flatMap { $0 }.sorted() == names.sorted())
        let sizes = result.map(\.count)
        #expect(sizes.allSatisfy { $0 == count / shards || $0 == count / shards + 1 })
    }

    @Test func byHashDoesNotDependOnInputOrder() {
        let names = (0..<500).map { "case-\($0)" }
        var random = SeededRandomNumberGenerator(seed: 5)
        #expect(Sharding.byHash(names, shards: 9) == Sharding.byHash(names.shuffled(using: &random), shards: 9))
    }

    @Test func mostNamesStayInTheirHomeShard() {
        let names = (0..<2000).map { "suite.\($0)" }
        let result = Sharding.byHash(names, shards: 10)
        var home = 0
        for (shard, list) in result.enumerated() {
            home += list.filter { Sharding.homeShard(of: $0, shards: 10) == shard }.count
        }
        #expect(home > 1800)
    }

    @Test func addingAShardMovesAboutOneNameInEleven() {
        let names = (0..<10_000).map { "name\($0)" }
        let moved = names.filter { Sharding.homeShard(of: $0, shards: 10) != Sharding.homeShard(of: $0, shards: 11) }
        #expect(moved.count > 700 && moved.count < 1100)
        #expect(moved.allSatisfy { Sharding.homeShard(of: $0, shards: 11) == 10 })
    }

    @Test func shardChunksHavePaddedIDsAndNewlineJoinedNames() {
        let chunks = Sharding.chunks(["a", "b", "c"], shards: 12, idPrefix: "t")
        #expect(chunks.count == 12)
        #expect(chunks.first?.id == "t-00" && chunks.last?.id == "t-11")
        #expect(
            chunks.flatMap { String(decoding: $0.bytes, as: UTF8.self).split(separator: "\n") }.sorted() == [
                "a", "b", "c",
            ]
        )
    }

    @Test func perFileSortsByUTF8BytesAndUsesThePathAsTheID() {
        let chunks = Chunking.perFile(["src/b.c": [2], "src/a.c": [1], "src/B.c": [3], "src/é.c": [4]])
        #expect(chunks.map(\.id) == ["src/B.c", "src/a.c", "src/b.c", "src/é.c"])
        #expect(chunks.map(\.bytes) == [[3], [1], [2], [4]])
        #expect(Chunking.perFile([(path: "x", bytes: [1]), (path: "x", bytes: [2])]) == [Chunk(id: "x", bytes: [2])])
    }

    @Test func fixedSizeCutsBytesIntoNumberedPieces() {
        let chunks = Chunking.fixedSize(Array(0..<10), size: 4, idPrefix: "log")
        #expect(
            chunks == [
                Chunk(id: "log/0", bytes: [0, 1, 2, 3]), Chunk(id: "log/1", bytes: [4, 5, 6, 7]),
                Chunk(id: "log/2", bytes: [8, 9]),
            ]
        )
        #expect(Chunking.fixedSize([], size: 4, idPrefix: "x").isEmpty)
    }
}

/// Computed by an independent Python transcription of the specification (FNV-1a 64, fmix64, jump hash).
enum PinnedShards {
    static let vectors: [(name: String, hash: UInt64, home16: Int)] = [
        ("", 0xefd0_1f60_ba99_2926, 1),
        ("a", 0x82a2_a958_a9be_ce5b, 5),
        ("test_login", 0x404b_ba8b_eb35_3bf0, 11),
        ("Tests/GrafosJobsTests/ShardingTests", 0xf974_4fb7_1d6d_4e30, 3),
        ("crate::module::unit", 0xe83a_b034_c758_b1f6, 10),
        ("é", 0x9d55_ccb9_ba86_763b, 4),
    ]
    static let names = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
    static let byHash3 = [
        ["beta", "delta", "iota"], ["epsilon", "gamma", "kappa", "zeta"], ["alpha", "eta", "theta"],
    ]
    static let jumpOf1In10 = 6
    static let jumpOfDeadBeefIn100 = 87
}
