import GrafosStd
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where an ``ActionCache`` keeps its entries: opaque bytes by ``ActionKey``.
///
/// Three ship with Grafos: ``BlockLeaseCacheStore`` (objects `cache/<hex>` in a block lease — shared by everything
/// that holds the lease, and as long-lived as the lease is kept renewed), ``DirectoryCacheStore`` (one file per
/// entry in a local directory, kept across runs of a process) and ``MemoryCacheStore``.
public protocol ActionCacheStore: Sendable {
    /// The entry stored under `key`, or nil.
    func load(_ key: ActionKey) async throws -> [UInt8]?
    /// Stores `entry` under `key`, replacing any other.
    func save(_ key: ActionKey, _ entry: [UInt8]) async throws
}

/// Cache entries as objects `cache/<hex>` in a block lease.
///
/// ```swift
/// let artifacts = try await BlockBuilder().minBlocks(4096).leaseSecs(600).acquire()
/// let cache = ActionCache(store: BlockLeaseCacheStore(artifacts))
/// ```
/// The entries live as long as the lease: renew it (a `RenewalManager`) to keep the cache across jobs.
public struct BlockLeaseCacheStore: ActionCacheStore {
    /// The lease holding the entries.
    public let lease: BlockLease

    /// Creates a store in `lease`.
    public init(_ lease: BlockLease) {
        self.lease = lease
    }

    /// The object `cache/<hex>`, or nil when there is none.
    public func load(_ key: ActionKey) async throws -> [UInt8]? {
        do {
            return try await lease.read(key.objectKey)
        } catch let error as FabricError where error.code == .notFound {
            return nil
        }
    }

    /// Writes the object `cache/<hex>`.
    public func save(_ key: ActionKey, _ entry: [UInt8]) async throws {
        try await lease.write(key.objectKey, entry)
    }
}

/// Cache entries as files `<directory>/<hex>`, so a cache survives the process (`grafos demo --cache DIR`).
///
/// Files are written to a temporary name and renamed into place, so a crash never leaves a torn entry under a
/// key (and an entry that fails its digest check reads as a miss anyway). The directory is created when missing.
///
/// ```swift
/// let cache = ActionCache(store: try DirectoryCacheStore(path: ".grafos-cache"))
/// ```
public struct DirectoryCacheStore: ActionCacheStore {
    /// The directory.
    public let path: String
    private static let sequence = Atomic<UInt64>(0)

    /// Opens (creating when missing) the directory at `path`.
    /// - Throws: `FabricError.Code.invalidRequest` when it cannot be created or is not a directory.
    public init(path: String) throws {
        self.path = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        try Self.makeDirectory(self.path)
    }

    /// The file `<directory>/<hex>`, or nil when there is none.
    /// - Throws: `FabricError.Code.transient` when it exists but cannot be read.
    public func load(_ key: ActionKey) async throws -> [UInt8]? {
        let file = path + "/" + key.hex
        let fd = open(file, O_RDONLY)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw Self.error("cannot open \(file)")
        }
        defer { close(fd) }
        guard let bytes = readToEnd(fd) else { throw Self.error("cannot read \(file)") }
        return bytes
    }

    /// Writes `<directory>/<hex>` through a temporary file and a rename.
    /// - Throws: `FabricError.Code.storageFull` when the file cannot be written.
    public func save(_ key: ActionKey, _ entry: [UInt8]) async throws {
        let file = path + "/" + key.hex
        let sequence = Self.sequence.wrappingAdd(1, ordering: .relaxed).oldValue
        let temporary = path + "/." + key.hex + ".\(getpid()).\(sequence).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw Self.error("cannot create \(temporary)", code: .storageFull) }
        let failed = !entry.withUnsafeBytes { writeAll(fd, $0) }
        close(fd)
        guard !failed, rename(temporary, file) == 0 else {
            let error = Self.error("cannot write \(file)", code: .storageFull)
            unlink(temporary)
            throw error
        }
    }

    private static func makeDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw error("cannot create the cache directory \(prefix)", code: .invalidRequest)
            }
            prefix += "/"
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw error("\(path) is not a directory; give the cache a directory", code: .invalidRequest)
        }
    }

    private static func error(_ what: String, code: FabricError.Code = .transient) -> FabricError {
        FabricError(code, "\(what): \(String(cString: strerror(errno)))")
    }
}

/// Cache entries in memory, for one process (and tests).
public final class MemoryCacheStore: ActionCacheStore {
    private let entries = Mutex<[ActionKey: [UInt8]]>([:])

    /// Creates an empty store.
    public init() {}

    /// How many entries are stored.
    public var count: Int { entries.withLock { $0.count } }

    /// The entry under `key`.
    public func load(_ key: ActionKey) async throws -> [UInt8]? {
        entries.withLock { $0[key] }
    }

    /// Stores `entry` under `key`.
    public func save(_ key: ActionKey, _ entry: [UInt8]) async throws {
        entries.withLock { $0[key] = entry }
    }
}
