/// A regular file of an in-memory mount: its bytes live in the host's memory, counted against the budget.
final class WASIMemoryFile: WASIFileNode {
    /// The launch's shared state (budget, clock).
    private let state: WASIFileSystemState
    /// The mount's device number.
    let device: UInt64
    /// The file's inode number.
    let inode: UInt64
    /// Whether the mount refuses writes.
    private let isReadOnly: Bool
    /// The contents.
    private(set) var bytes: [UInt8]
    /// How many directory entries name this file.
    var linkCount: UInt64 = 0
    /// Timestamps, in nanoseconds since the epoch.
    private var accessTime, modificationTime, changeTime: UInt64

    /// Creates a file holding `bytes`, charging the budget (unconditionally when `force`, for given trees).
    init(
        state: WASIFileSystemState,
        device: UInt64,
        readOnly: Bool,
        bytes: [UInt8] = [],
        force: Bool = false
    )
        throws(WASIErrno)
    {
        let cost = WASIFileSystemState.nodeOverhead + bytes.count
        if force { state.forceCharge(cost) } else { try state.charge(cost) }
        self.state = state
        self.device = device
        self.isReadOnly = readOnly
        self.bytes = bytes
        inode = state.makeInode()
        accessTime = state.now
        modificationTime = accessTime
        changeTime = accessTime
    }

    deinit {
        state.release(WASIFileSystemState.nodeOverhead + bytes.count)
    }

    var filetype: WASIABI.Filetype { .regularFile }
    var isWritable: Bool { !isReadOnly }
    var isOpenable: Bool { true }

    func size() -> UInt64 { UInt64(bytes.count) }

    func filestat() -> WASIFilestat {
        WASIFilestat(
            device: device,
            inode: inode,
            filetype: .regularFile,
            linkCount: linkCount,
            size: UInt64(bytes.count),
            accessTime: accessTime,
            modificationTime: modificationTime,
            changeTime: changeTime
        )
    }

    func setTimes(access: UInt64?, modification: UInt64?) throws {
        guard !isReadOnly else { throw WASIErrno.rofs }
        if let access { accessTime = access }
        if let modification { modificationTime = modification }
        changeTime = state.now
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
        guard !isReadOnly else { throw WASIErrno.rofs }
        guard !source.isEmpty else { return 0 }
        guard offset <= UInt64(Int.max - source.count) else { throw WASIErrno.fbig }
        let end = Int(offset) + source.count
        if end > bytes.count { try grow(to: end) }
        bytes.withUnsafeMutableBytes { target in
            (target.baseAddress! + Int(offset)).copyMemory(from: source.baseAddress!, byteCount: source.count)
        }
        modificationTime = state.now
        changeTime = modificationTime
        return source.count
    }

    func setSize(_ size: UInt64) throws {
        guard !isReadOnly else { throw WASIErrno.rofs }
        guard size <= UInt64(Int.max) else { throw WASIErrno.fbig }
        let newCount = Int(size)
        if newCount > bytes.count {
            try grow(to: newCount)
        } else if newCount < bytes.count {
            state.release(bytes.count - newCount)
            bytes.removeSubrange(newCount...)
        }
        modificationTime = state.now
        changeTime = modificationTime
    }

    func sync() {}

    /// Zero-extends the contents to `count` bytes, charging the budget first.
    private func grow(to count: Int) throws(WASIErrno) {
        try state.charge(count - bytes.count)
        bytes.append(contentsOf: repeatElement(0, count: count - bytes.count))
    }
}
