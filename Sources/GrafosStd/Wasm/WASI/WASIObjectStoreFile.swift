/// An object of a mounted object store, buffered in memory while it is in use.
final class WASIObjectStoreFile: WASIFileNode {
    /// The mount.
    private let directory: WASIObjectStoreDirectory
    /// The object's key, or `nil` once it was removed (then nothing is written back).
    var key: String?
    /// The contents.
    private(set) var bytes: [UInt8]
    /// Whether the contents differ from the stored object.
    private var isDirty: Bool
    /// The inode number (derived from the key it was opened by).
    private let inode: UInt64
    /// Timestamps, in nanoseconds since the epoch (objects keep none: the time they were loaded or changed).
    private var accessTime, modificationTime: UInt64

    /// Buffers `bytes` of `key`, charging the budget (`ENOMEM` when the object does not fit in it).
    init(directory: WASIObjectStoreDirectory, key: String, bytes: [UInt8], dirty: Bool) throws(WASIErrno) {
        do {
            try directory.state.charge(WASIFileSystemState.nodeOverhead + bytes.count)
        } catch {
            throw dirty ? .nospc : .nomem
        }
        self.directory = directory
        self.key = key
        self.bytes = bytes
        isDirty = dirty
        inode = WASIObjectStoreDirectory.inode(of: key)
        accessTime = directory.state.now
        modificationTime = accessTime
    }

    deinit {
        directory.state.release(WASIFileSystemState.nodeOverhead + bytes.count)
    }

    var filetype: WASIABI.Filetype { .regularFile }
    var isWritable: Bool { true }
    var isOpenable: Bool { true }

    func size() -> UInt64 { UInt64(bytes.count) }

    func filestat() -> WASIFilestat {
        WASIFilestat(
            device: directory.device,
            inode: inode,
            filetype: .regularFile,
            linkCount: key == nil ? 0 : 1,
            size: UInt64(bytes.count),
            accessTime: accessTime,
            modificationTime: modificationTime,
            changeTime: modificationTime
        )
    }

    func setTimes(access: UInt64?, modification: UInt64?) throws {
        if let access { accessTime = access }
        if let modification { modificationTime = modification }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) -> Int {
        guard offset < UInt64(bytes.count), !buffer.isEmpty else { return 0 }
        let start = Int(offset)
        let count = Swift.min(buffer.count, bytes.count - start)
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + start, byteCount: count)
        }
        return count
    }

    func write(_ source: UnsafeRawBufferPointer, at offset: UInt64) throws -> Int {
        guard !source.isEmpty else { return 0 }
        guard offset <= UInt64(Int.max - source.count) else { throw WASIErrno.fbig }
        let end = Int(offset) + source.count
        if end > bytes.count { try grow(to: end) }
        bytes.withUnsafeMutableBytes { target in
            (target.baseAddress! + Int(offset)).copyMemory(from: source.baseAddress!, byteCount: source.count)
        }
        changed()
        return source.count
    }

    func setSize(_ size: UInt64) throws {
        guard size <= UInt64(Int.max) else { throw WASIErrno.fbig }
        let newCount = Int(size)
        if newCount > bytes.count {
            try grow(to: newCount)
        } else if newCount < bytes.count {
            directory.state.release(bytes.count - newCount)
            bytes.removeSubrange(newCount...)
        }
        changed()
    }

    /// Writes the buffer back to the store if it changed.
    func sync() throws {
        guard isDirty, let key else { return }
        try directory.write(key, bytes)
        isDirty = false
    }

    /// Marks a change.
    private func changed() {
        isDirty = true
        modificationTime = directory.state.now
    }

    /// Zero-extends the contents to `count` bytes, charging the budget first.
    private func grow(to count: Int) throws(WASIErrno) {
        try directory.state.charge(count - bytes.count)
        bytes.append(contentsOf: repeatElement(0, count: count - bytes.count))
    }
}
