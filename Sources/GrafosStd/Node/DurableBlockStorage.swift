#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Block leases kept in a directory, so a node's stored data survives a restart (`grafos node --data-dir`).
///
/// Layout: one directory per lease, `<dir>/<lease id>/`, holding `meta` (holder token, blocks, TTL and the expiry as
/// wall-clock time, since monotonic time does not survive a reboot) and one file per stored item: `o-<sha256 of the
/// key>` (the key, then the bytes), `c-<digest>` (content-addressed bytes) and `b-<index>` (a raw block). Every
/// file is written to a temporary name, flushed with `fsync`, renamed into place and the directory flushed, so an
/// interrupted write leaves either the old item or the new one — never a torn one. Leftover temporary files are
/// removed at startup. The directory is created private (mode 0700): it holds lease tokens.
package final class DurableBlockStorage: BlockPersistence {
    /// The directory.
    package let path: String

    /// Opens (creating if needed) the directory.
    /// - Throws: ``FabricError/Code/invalidRequest`` when it cannot be created or is not a writable directory.
    package init(path: String) throws(FabricError) {
        self.path = path
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw FabricError(.invalidRequest, "cannot create the data directory \(path): \(Self.reason())")
        }
        guard access(path, W_OK | X_OK) == 0 else {
            throw FabricError(.invalidRequest, "the data directory \(path) is not writable: \(Self.reason())")
        }
    }

    // MARK: BlockPersistence

    package func created(_ grant: LeaseGrant, expiresIn remaining: Duration) throws(FabricError) {
        let directory = leaseDirectory(grant.credential.id)
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw FabricError(.storageFull, "cannot create \(directory): \(Self.reason())")
        }
        try writeMeta(grant, remaining: remaining)
    }

    package func renewed(_ grant: LeaseGrant, expiresIn remaining: Duration) throws(FabricError) {
        try writeMeta(grant, remaining: remaining)
    }

    package func persist(_ operation: BlockOperation, result: BlockOperationResult, lease: LeaseID) throws(FabricError)
    {
        let directory = leaseDirectory(lease)
        switch operation {
        case .writeObject(let key, let bytes):
            if case .stored(0) = result { return }
            var contents = WireWriter(capacity: key.utf8.count + bytes.count + 4)
            contents.string(key)
            contents.raw(bytes)
            try atomicWrite(contents.bytes, to: directory + "/o-" + SHA256.hash(Array(key.utf8)).hex, in: directory)
        case .removeObject(let key):
            let file = directory + "/o-" + SHA256.hash(Array(key.utf8)).hex
            guard unlink(file) == 0 || errno == ENOENT else {
                throw FabricError(.transient, "cannot remove \(file): \(Self.reason())")
            }
            syncDirectory(directory)
        case .put(let bytes):
            guard case .digest(let digest, let stored) = result, stored > 0 else { return }
            try atomicWrite(bytes, to: directory + "/c-" + digest.hex, in: directory)
        case .writeBlock(let index, let bytes):
            try atomicWrite(bytes, to: directory + "/b-\(index)", in: directory)
        case .readBlock, .readObject, .listObjects, .get, .usage:
            return
        }
    }

    package func ended(_ lease: LeaseID) {
        removeTree(leaseDirectory(lease))
        syncDirectory(path)
    }

    package func restore() -> [(grant: LeaseGrant, remaining: Duration, contents: [BlockOperation])] {
        var restored: [(grant: LeaseGrant, remaining: Duration, contents: [BlockOperation])] = []
        for name in listDirectory(path).sorted() {
            let directory = path + "/" + name
            guard let id = LeaseID(name), let meta = try? readFile(directory + "/meta"),
                let (grant, expiryUnix) = Self.parseMeta(meta, id: id)
            else {
                if LeaseID(name) != nil { removeTree(directory) }
                continue
            }
            let remaining = Duration.nanoseconds(expiryUnix &- Self.wallClockNanoseconds())
            guard remaining > .zero else {
                removeTree(directory)
                continue
            }
            var contents: [BlockOperation] = []
            for file in listDirectory(directory).sorted() {
                let filePath = directory + "/" + file
                if file.hasPrefix(".tmp-") {
                    unlink(filePath)
                    continue
                }
                guard let bytes = try? readFile(filePath) else { continue }
                if file.hasPrefix("o-") {
                    var reader = WireReader(bytes)
                    guard let key = try? reader.string() else { continue }
                    let prefix = 4 + key.utf8.count
                    contents.append(.writeObject(key, Array(bytes[prefix...])))
                } else if file.hasPrefix("c-") {
                    contents.append(.put(bytes))
                } else if file.hasPrefix("b-"), let index = Int(file.dropFirst(2)) {
                    contents.append(.writeBlock(index, bytes))
                }
            }
            restored.append((grant, remaining, contents))
        }
        return restored
    }

    // MARK: Files

    private func leaseDirectory(_ id: LeaseID) -> String { path + "/" + id.description }

    private func writeMeta(_ grant: LeaseGrant, remaining: Duration) throws(FabricError) {
        let expiry = Self.wallClockNanoseconds() &+ remaining.fabricNanoseconds
        let text = """
            grafos-lease 1
            token \(String(grant.credential.token.high, radix: 16)) \(String(grant.credential.token.low, radix: 16))
            blocks \(grant.blocks)
            ttl_ns \(grant.ttl.fabricNanoseconds)
            expiry_unix_ns \(expiry)
            node \(grant.node)

            """
        let directory = leaseDirectory(grant.credential.id)
        try atomicWrite(Array(text.utf8), to: directory + "/meta", in: directory)
    }

    private static func parseMeta(_ bytes: [UInt8], id: LeaseID) -> (LeaseGrant, Int64)? {
        var fields: [String: [Substring]] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if let key = parts.first { fields[String(key)] = Array(parts.dropFirst()) }
        }
        guard fields["grafos-lease"] == ["1"],
            let token = fields["token"], token.count == 2,
            let high = UInt64(token[0], radix: 16), let low = UInt64(token[1], radix: 16),
            let blocks = fields["blocks"]?.first.flatMap({ Int($0) }),
            let ttl = fields["ttl_ns"]?.first.flatMap({ Int64($0) }),
            let expiry = fields["expiry_unix_ns"]?.first.flatMap({ Int64($0) }),
            let node = fields["node"].map({ $0.joined(separator: " ") }), !node.isEmpty
        else { return nil }
        let grant = LeaseGrant(
            credential: LeaseCredential(id: id, token: LeaseToken(high: high, low: low)),
            kind: .block,
            node: node,
            blocks: blocks,
            expiry: .zero,
            ttl: .nanoseconds(ttl)
        )
        return (grant, expiry)
    }

    /// Writes `bytes` to `file` atomically: temporary file, fsync, rename, fsync of the directory.
    private func atomicWrite(_ bytes: [UInt8], to file: String, in directory: String) throws(FabricError) {
        var random = SystemRandomNumberGenerator()
        let temporary = directory + "/.tmp-" + String(random.next(), radix: 16)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FabricError(.storageFull, "cannot create \(temporary): \(Self.reason())") }
        guard bytes.withUnsafeBytes({ writeAll(fd, $0) }) else {
            let reason = Self.reason()
            close(fd)
            unlink(temporary)
            throw FabricError(.storageFull, "cannot write \(file): \(reason)")
        }
        guard fsync(fd) == 0 else {
            let reason = Self.reason()
            close(fd)
            unlink(temporary)
            throw FabricError(.storageFull, "cannot flush \(file): \(reason)")
        }
        close(fd)
        guard rename(temporary, file) == 0 else {
            let reason = Self.reason()
            unlink(temporary)
            throw FabricError(.storageFull, "cannot rename into \(file): \(reason)")
        }
        syncDirectory(directory)
    }

    private func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    private func readFile(_ file: String) throws(FabricError) -> [UInt8] {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FabricError(.notFound, "cannot open \(file): \(Self.reason())") }
        defer { close(fd) }
        guard let bytes = readToEnd(fd) else {
            throw FabricError(.transient, "cannot read \(file): \(Self.reason())")
        }
        return bytes
    }

    private func listDirectory(_ directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private func removeTree(_ directory: String) {
        for name in listDirectory(directory) { unlink(directory + "/" + name) }
        rmdir(directory)
    }

    private static func wallClockNanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) &* 1_000_000_000 &+ Int64(spec.tv_nsec)
    }

    private static func reason() -> String {
        String(cString: strerror(errno))
    }
}
