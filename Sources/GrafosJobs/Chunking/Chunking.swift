/// Deterministic ways to cut work into ``Chunk``s: the same input gives the same chunks, in the same order, on every
/// platform and every run.
///
/// Orders are by the UTF-8 bytes of names, never by a locale or by Swift's per-process seeded `Hasher`.
///
/// ```swift
/// let chunks = Chunking.perFile(["src/b.c": bBytes, "src/a.c": aBytes])   // [src/a.c, src/b.c]
/// let pieces = Chunking.fixedSize(logBytes, size: 1 << 20, idPrefix: "log")   // log/0, log/1, …
/// ```
public enum Chunking {
    /// One chunk per file, ordered by path (UTF-8 byte order); the chunk id is the path.
    /// - Parameter files: File contents by path.
    /// - Returns: The chunks, sorted by path.
    public static func perFile(_ files: [String: [UInt8]]) -> [Chunk] {
        files.map { Chunk(id: $0.key, bytes: $0.value) }.sorted { utf8Precedes($0.id, $1.id) }
    }

    /// One chunk per file, ordered by path (UTF-8 byte order); the chunk id is the path. When a path occurs more
    /// than once, the last occurrence wins.
    /// - Parameter files: Paths and contents.
    /// - Returns: The chunks, sorted by path.
    public static func perFile(_ files: [(path: String, bytes: [UInt8])]) -> [Chunk] {
        var byPath: [String: [UInt8]] = [:]
        for file in files { byPath[file.path] = file.bytes }
        return perFile(byPath)
    }

    /// Cuts `bytes` into pieces of `size` bytes (the last may be shorter), with ids `"<idPrefix>/<n>"`.
    /// - Parameters:
    ///   - bytes: The bytes to cut.
    ///   - size: Bytes per chunk; at least 1.
    ///   - idPrefix: The ids' prefix.
    /// - Returns: The chunks in byte order; none for empty input.
    public static func fixedSize(_ bytes: [UInt8], size: Int, idPrefix: String) -> [Chunk] {
        let size = max(1, size)
        return stride(from: 0, to: bytes.count, by: size).enumerated().map { number, start in
            Chunk(id: "\(idPrefix)/\(number)", bytes: Array(bytes[start..<min(start + size, bytes.count)]))
        }
    }

    /// Whether `a` sorts before `b` by UTF-8 bytes: the same answer on every platform.
    static func utf8Precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
