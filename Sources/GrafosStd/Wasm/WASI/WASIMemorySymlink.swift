/// A symbolic link of an in-memory mount.
final class WASIMemorySymlink: WASISymlinkNode {
    /// The launch's shared state (budget, clock).
    private let state: WASIFileSystemState
    /// The mount's device number.
    let device: UInt64
    /// The link's inode number.
    let inode: UInt64
    /// Whether the mount refuses changes.
    private let isReadOnly: Bool
    /// The target, as stored.
    let target: String
    /// Timestamps, in nanoseconds since the epoch.
    private var accessTime, modificationTime, changeTime: UInt64

    /// Creates a link to `target`, charging the budget (unconditionally when `force`).
    init(
        state: WASIFileSystemState,
        device: UInt64,
        readOnly: Bool,
        target: String,
        force: Bool = false
    )
        throws(WASIErrno)
    {
        let cost = WASIFileSystemState.nodeOverhead + target.utf8.count
        if force { state.forceCharge(cost) } else { try state.charge(cost) }
        self.state = state
        self.device = device
        self.isReadOnly = readOnly
        self.target = target
        inode = state.makeInode()
        accessTime = state.now
        modificationTime = accessTime
        changeTime = accessTime
    }

    deinit {
        state.release(WASIFileSystemState.nodeOverhead + target.utf8.count)
    }

    func filestat() -> WASIFilestat {
        WASIFilestat(
            device: device,
            inode: inode,
            filetype: .symbolicLink,
            size: UInt64(target.utf8.count),
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
}
