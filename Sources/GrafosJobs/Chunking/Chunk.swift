/// One unit of work for a ``JobCoordinator``: a stable id and the bytes a tasklet takes as input.
///
/// The id names the chunk's artifact (`store.write(chunk.id, output)`), so ids within a job must be unique, and
/// the same input must always produce the same chunk: a retried chunk runs again with exactly these bytes.
///
/// ```swift
/// let chunk = Chunk(id: "c1", bytes: [1, 2, 3])
/// let chunks = Chunking.perFile(sources)                     // one chunk per file, sorted by path
/// let shards = Sharding.chunks(testNames, shards: 16)         // test names spread over 16 balanced shards
/// ```
public struct Chunk: Hashable, Sendable, Identifiable, CustomStringConvertible {
    /// The chunk's unique, stable name; also the key of its artifact.
    public var id: String
    /// The tasklet's input.
    public var bytes: [UInt8]

    /// Creates a chunk.
    /// - Parameters:
    ///   - id: A unique, stable name.
    ///   - bytes: The input bytes.
    public init(id: String, bytes: [UInt8]) {
        self.id = id
        self.bytes = bytes
    }

    /// Creates a chunk whose input is the UTF-8 encoding of `text`.
    public init(id: String, text: String) {
        self.init(id: id, bytes: Array(text.utf8))
    }

    /// `Chunk(c1, 3 bytes)`.
    public var description: String {
        "Chunk(\(id), \(bytes.count) byte\(bytes.count == 1 ? "" : "s"))"
    }
}
