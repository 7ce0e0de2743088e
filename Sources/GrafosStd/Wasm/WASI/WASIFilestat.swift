/// The attributes of a file as `fd_filestat_get` and `path_filestat_get` report them (`filestat`).
package struct WASIFilestat: Sendable, Hashable {
    /// The device the file lives on (one per mount for virtual mounts).
    package var device: UInt64
    /// The file's serial number on its device.
    package var inode: UInt64
    /// What kind of file it is.
    package var filetype: WASIABI.Filetype
    /// The number of hard links to the file.
    package var linkCount: UInt64
    /// The size in bytes (a symbolic link's: its target's length).
    package var size: UInt64
    /// Last access, in nanoseconds since the Unix epoch.
    package var accessTime: UInt64
    /// Last data modification, in nanoseconds since the Unix epoch.
    package var modificationTime: UInt64
    /// Last status change, in nanoseconds since the Unix epoch.
    package var changeTime: UInt64

    /// Creates attributes.
    package init(
        device: UInt64,
        inode: UInt64,
        filetype: WASIABI.Filetype,
        linkCount: UInt64 = 1,
        size: UInt64 = 0,
        accessTime: UInt64 = 0,
        modificationTime: UInt64 = 0,
        changeTime: UInt64 = 0
    ) {
        self.device = device
        self.inode = inode
        self.filetype = filetype
        self.linkCount = linkCount
        self.size = size
        self.accessTime = accessTime
        self.modificationTime = modificationTime
        self.changeTime = changeTime
    }

    /// Writes the 64-byte `filestat` layout at `address` (padding zeroed).
    package func store(in memory: GuestMemory, at address: UInt32) throws(WASIErrno) {
        _ = try memory.offset(address, count: Int(WASIABI.Layout.filestatSize))
        try memory.store(device, at: address)
        try memory.store(inode, at: address &+ 8)
        try memory.store(UInt64(filetype.rawValue), at: address &+ 16)
        try memory.store(linkCount, at: address &+ 24)
        try memory.store(size, at: address &+ 32)
        try memory.store(accessTime, at: address &+ 40)
        try memory.store(modificationTime, at: address &+ 48)
        try memory.store(changeTime, at: address &+ 56)
    }
}
