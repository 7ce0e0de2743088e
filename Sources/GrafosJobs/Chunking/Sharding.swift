/// Spreads named items (test names, crates, modules) over a number of shards: the same name lands in the same shard
/// on every platform and run, and shard sizes are balanced.
///
/// The hash is specified, not Swift's per-process seeded `Hasher`: a name's 64-bit hash is FNV-1a over its UTF-8
/// bytes followed by the MurmurHash3 `fmix64` finaliser (``hash(_:)``), and its *home* shard is Lamping and
/// Veach's jump consistent hash of that value (``homeShard(of:shards:)``), so changing the shard count moves only
/// about `1/shards` of the names.
///
/// ``byHash(_:shards:)`` places names in their home shard unless it is full; every shard holds `n / shards` names,
/// rounded down or up (consistent hashing with bounded loads). Names are placed in order of their hash (ties by
/// UTF-8 bytes), and one that finds its home full goes to the next shard with room. So the result depends only on
/// the set of names and the shard count, never on the order they are given in.
///
/// ```swift
/// let shards = Sharding.byHash(["testA", "testB", "testC", "testD"], shards: 2)   // two lists of two names
/// let chunks = Sharding.chunks(allTests, shards: 16)   // "shard-00" … "shard-15": names joined by newlines
/// ```
public enum Sharding {
    /// The specified 64-bit hash of a name: `fmix64(fnv1a64(utf8))`.
    public static func hash(_ name: String) -> UInt64 {
        fmix64(fnv1a64(name.utf8))
    }

    /// FNV-1a, 64-bit: offset basis `0xcbf29ce484222325`, prime `0x100000001b3`.
    public static func fnv1a64(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// MurmurHash3's 64-bit finaliser: spreads every input bit over every output bit.
    public static func fmix64(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k = k &* 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k = k &* 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    /// Jump consistent hash (Lamping and Veach, 2014): a bucket in `0..<buckets` for `key`.
    public static func jumpConsistentHash(_ key: UInt64, buckets: Int) -> Int {
        guard buckets > 1 else { return 0 }
        var key = key
        var b: Int64 = -1
        var j: Int64 = 0
        while j < Int64(buckets) {
            b = j
            key = key &* 2_862_933_555_777_941_757 &+ 1
            j = Int64(Double(b &+ 1) * (Double(Int64(1) << 31) / Double((key >> 33) &+ 1)))
        }
        return Int(b)
    }

    /// The shard a name belongs to when loads are not bounded: the same for the same name and shard count,
    /// everywhere.
    /// - Parameters:
    ///   - name: The item's name.
    ///   - shards: How many shards; at least 1.
    /// - Returns: A shard index in `0..<shards`.
    public static func homeShard(of name: String, shards: Int) -> Int {
        jumpConsistentHash(hash(name), buckets: max(1, shards))
    }

    /// Splits `items` into `shards` balanced lists, each name in its home shard unless that shard is full.
    /// - Parameters:
    ///   - items: Names to spread; duplicates are kept.
    ///   - shards: How many shards; at least 1.
    /// - Returns: `shards` lists, each sorted by UTF-8 bytes, with sizes `items.count / shards` or one more.
    public static func byHash(_ items: [String], shards: Int) -> [[String]] {
        let shards = max(1, shards)
        let hashed = items.map { (hash: hash($0), name: $0) }.sorted { lhs, rhs in
            lhs.hash != rhs.hash ? lhs.hash < rhs.hash : Chunking.utf8Precedes(lhs.name, rhs.name)
        }
        let floor = hashed.count / shards
        var extra = hashed.count % shards
        var result = [[String]](repeating: [], count: shards)
        for item in hashed {
            var shard = jumpConsistentHash(item.hash, buckets: shards)
            while result[shard].count > floor || (result[shard].count == floor && extra == 0) {
                shard = shard + 1 == shards ? 0 : shard + 1
            }
            if result[shard].count == floor { extra -= 1 }
            result[shard].append(item.name)
        }
        return result.map { $0.sorted(by: Chunking.utf8Precedes) }
    }

    /// One chunk per shard of ``byHash(_:shards:)``: ids `"<idPrefix>-<n>"` (zero-padded to the width of the
    /// largest index), bytes the shard's names joined by newlines.
    /// - Parameters:
    ///   - items: Names to spread.
    ///   - shards: How many shards; at least 1.
    ///   - idPrefix: The ids' prefix; `"shard"` by default.
    /// - Returns: `shards` chunks in shard order (empty shards included, with empty bytes).
    public static func chunks(_ items: [String], shards: Int, idPrefix: String = "shard") -> [Chunk] {
        let lists = byHash(items, shards: shards)
        let width = String(lists.count - 1).count
        return lists.enumerated().map { index, names in
            let number = String(index)
            let padded = String(repeating: "0", count: width - number.count) + number
            return Chunk(id: "\(idPrefix)-\(padded)", text: names.joined(separator: "\n"))
        }
    }
}
