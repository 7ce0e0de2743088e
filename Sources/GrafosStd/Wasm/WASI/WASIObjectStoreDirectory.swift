/// An object store mounted as one flat directory: each key is a regular file.
///
/// Opening an object reads it whole into a file buffer (counted against the launch's byte budget); the buffer is
/// written back to the store when a descriptor on it is closed or synced, and by ``WASIContext/finish()`` for
/// files a program never closed (C's `exit` flushes `stdio` buffers but does not close descriptors). Creating a
/// file makes an empty object. Directories, symbolic links and hard links are not supported (`ENOTSUP`/`EPERM`);
/// keys that are not valid names (containing `/`, say) are not listed. Store errors `notFound` and `storageFull`
/// become `ENOENT` and `ENOSPC`; others end the launch.
final class WASIObjectStoreDirectory: WASIDirectoryNode {
    /// The store.
    let store: any WASIObjectStore
    /// The launch's shared state (budget, clock).
    let state: WASIFileSystemState
    /// The mount's device number.
    let device: UInt64
    /// The time the mount was made (the directory's timestamps).
    private let mountTime: UInt64
    /// The file buffers alive now (open, or still referenced), by key.
    private var buffers: [String: Weak] = [:]

    /// A weak reference to a buffer.
    private struct Weak {
        weak var file: WASIObjectStoreFile?
    }

    /// Mounts `store`.
    init(store: any WASIObjectStore, state: WASIFileSystemState, device: UInt64) {
        self.store = store
        self.state = state
        self.device = device
        mountTime = state.now
    }

    var isReadOnly: Bool { false }

    func filestat() -> WASIFilestat {
        WASIFilestat(
            device: device,
            inode: 0,
            filetype: .directory,
            accessTime: mountTime,
            modificationTime: mountTime,
            changeTime: mountTime
        )
    }

    func setTimes(access: UInt64?, modification: UInt64?) throws {}

    /// The live buffer of `key`, if any.
    private func buffer(_ key: String) -> WASIObjectStoreFile? {
        guard let file = buffers[key]?.file else {
            buffers[key] = nil
            return nil
        }
        return file
    }

    /// Every live buffer (to flush them).
    var liveFiles: [WASIObjectStoreFile] {
        buffers.values.compactMap(\.file)
    }

    func lookup(_ name: String) throws -> WASINode? {
        if let file = buffer(name) { return .file(file) }
        guard let bytes = try Self.mapErrors({ try store.read(name) }) else { return nil }
        let file = try WASIObjectStoreFile(directory: self, key: name, bytes: bytes, dirty: false)
        buffers[name] = Weak(file: file)
        return .file(file)
    }

    func entries() throws -> [WASIDirectoryEntry] {
        var names = Set(try Self.mapErrors { try store.list() } ?? [])
        for (key, reference) in buffers where reference.file != nil { names.insert(key) }
        return names.filter(WASIPathResolver.isValidName)
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { WASIDirectoryEntry(name: $0, inode: Self.inode(of: $0), filetype: .regularFile) }
    }

    func createFile(_ name: String) throws -> any WASIFileNode {
        let file = try WASIObjectStoreFile(directory: self, key: name, bytes: [], dirty: true)
        buffers[name] = Weak(file: file)
        return file
    }

    func createDirectory(_ name: String) throws { throw WASIErrno.notsup }
    func createSymlink(_ name: String, target: String) throws { throw WASIErrno.notsup }
    func link(_ node: any WASIFileNode, as name: String) throws { throw WASIErrno.perm }

    func removeEntry(_ name: String) throws {
        let live = buffer(name)
        let removed = try Self.mapErrors({ try store.remove(name) }) != nil
        guard removed || live != nil else { throw WASIErrno.noent }
        live?.key = nil
        buffers[name] = nil
    }

    func moveEntry(_ name: String, to directory: any WASIDirectoryNode, as newName: String) throws {
        guard directory === self else { throw WASIErrno.xdev }
        guard name != newName else { return }
        guard case .file(let node)? = try lookup(name), let file = node as? WASIObjectStoreFile else {
            throw WASIErrno.noent
        }
        try write(newName, file.bytes)
        _ = try Self.mapErrors({ try store.remove(name) })
        buffer(newName)?.key = nil
        buffers[name] = nil
        file.key = newName
        buffers[newName] = Weak(file: file)
    }

    /// Writes an object.
    func write(_ key: String, _ bytes: [UInt8]) throws {
        _ = try Self.mapErrors { try store.write(key, bytes) }
    }

    /// Runs a store call: `notFound` gives `nil`, `storageFull` is `ENOSPC`; other errors pass through.
    static func mapErrors<T>(_ call: () throws -> T) throws -> T? {
        do {
            return try call()
        } catch FabricError.notFound {
            return nil
        } catch FabricError.storageFull {
            throw WASIErrno.nospc
        }
    }

    /// A stable inode number for a key (64-bit FNV-1a of its bytes).
    static func inode(of key: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
