/// One unit of work for a ``JobCoordinator``: a stable id and the bytes a tasklet takes as input.
///
/// The id names the chunk's artifact (`store.write(chunk.id, output)`), so ids within a job must be unique, and
/// the same input must always produce the same chunk: a retried chunk runs again with exactly these bytes.
///
/// A chunk may also name its ``kind`` — chunks of one kind do the same kind of work, so the coordinator learns
/// their cost (fuel) per kind and starts the heaviest first — and its ``requirements`` — capabilities and cores a
/// worker must have to run it.
///
/// ```swift
/// let chunk = Chunk(id: "c1", bytes: [1, 2, 3])
/// let link = Chunk(id: "link/app", bytes: objects, kind: "link", requirements: .init(capabilities: ["bigmem"]))
/// let chunks = Chunking.perFile(sources)                     // one chunk per file, sorted by path
/// let shards = Sharding.chunks(testNames, shards: 16)         // test names spread over 16 balanced shards
/// ```
public struct Chunk: Hashable, Sendable, Identifiable, CustomStringConvertible {
    /// The chunk's unique, stable name; also the key of its artifact.
    public var id: String
    /// The tasklet's input.
    public var bytes: [UInt8]
    /// What kind of work the chunk is (`"compile"`, `"link"`, …); chunks of a kind share a learned cost and a
    /// duration profile for straggler detection. Empty by default: one kind for the whole job.
    public var kind: String
    /// What a worker needs to run the chunk; none by default.
    public var requirements: ChunkRequirements

    /// Creates a chunk.
    /// - Parameters:
    ///   - id: A unique, stable name.
    ///   - bytes: The input bytes.
    ///   - kind: The kind of work, for cost learning and straggler detection; empty by default.
    ///   - requirements: What a worker must have to run it; nothing by default.
    public init(id: String, bytes: [UInt8], kind: String = "", requirements: ChunkRequirements = .none) {
        self.id = id
        self.bytes = bytes
        self.kind = kind
        self.requirements = requirements
    }

    /// Creates a chunk whose input is the UTF-8 encoding of `text`.
    public init(id: String, text: String, kind: String = "", requirements: ChunkRequirements = .none) {
        self.init(id: id, bytes: Array(text.utf8), kind: kind, requirements: requirements)
    }

    /// `Chunk(c1, 3 bytes)`.
    public var description: String {
        "Chunk(\(id), \(bytes.count) byte\(bytes.count == 1 ? "" : "s")"
            + (kind.isEmpty ? "" : ", \(kind)") + ")"
    }
}
