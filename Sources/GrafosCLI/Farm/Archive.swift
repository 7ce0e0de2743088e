import GrafosStd

/// The demo's "link" step output: every compressed artifact in one archive.
///
/// Format (integers little-endian): the magic `GRAFOSAR`, a `u32` version (1) and a `u32` entry count, then per
/// entry a `u32` path length, the UTF-8 path, a `u64` original size, the original's 32-byte SHA-256, a `u64`
/// compressed size and the compressed bytes (the GLZ container of `Examples/Tasklets/compress`).
package struct Archive: Sendable {
    package struct Entry: Sendable {
        package var path: String
        package var originalSize: Int
        package var digest: Digest
        package var compressed: [UInt8]
    }

    package var entries: [Entry] = []

    package init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// The archive's bytes.
    package var bytes: [UInt8] {
        var out = Array("GRAFOSAR".utf8)
        func u32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { out += $0 } }
        func u64(_ value: Int) { withUnsafeBytes(of: UInt64(value).littleEndian) { out += $0 } }
        u32(1)
        u32(entries.count)
        for entry in entries {
            let path = Array(entry.path.utf8)
            u32(path.count)
            out += path
            u64(entry.originalSize)
            out += entry.digest.bytes
            u64(entry.compressed.count)
            out += entry.compressed
        }
        return out
    }

    /// Reads an archive back.
    package init(parsing bytes: [UInt8]) throws {
        var offset = 0
        func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count >= 0, bytes.count - offset >= count else { throw CLIError.failure("the archive is truncated") }
            defer { offset += count }
            return bytes[offset..<offset + count]
        }
        func integer(_ size: Int) throws -> Int {
            Int(try take(size).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        }
        guard Array(try take(8)) == Array("GRAFOSAR".utf8), try integer(4) == 1 else {
            throw CLIError.failure("not a version 1 grafos archive")
        }
        let count = try integer(4)
        for _ in 0..<count {
            let path = String(decoding: try take(try integer(4)), as: UTF8.self)
            let size = try integer(8)
            guard let digest = Digest(bytes: try take(32)) else { throw CLIError.failure("bad digest") }
            let compressed = Array(try take(try integer(8)))
            entries.append(Entry(path: path, originalSize: size, digest: digest, compressed: compressed))
        }
        guard offset == bytes.count else { throw CLIError.failure("trailing bytes after the archive") }
    }
}
