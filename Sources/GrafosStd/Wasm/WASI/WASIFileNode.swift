/// A regular file of a mount, read and written at explicit offsets (descriptors keep the position).
protocol WASIFileNode: WASIVirtualNode {
    /// The filetype reported for it: `regularFile`, or another type for host files that cannot be opened.
    var filetype: WASIABI.Filetype { get }
    /// Whether the mount lets it be written.
    var isWritable: Bool { get }
    /// Whether `path_open` may open it (host sockets, devices and pipes may not).
    var isOpenable: Bool { get }
    /// The size in bytes.
    func size() throws -> UInt64
    /// Copies bytes starting at `offset` into `buffer`; returns how many (0 at or past the end).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws -> Int
    /// Writes `bytes` at `offset`, zero-filling any gap past the end; returns how many were written.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws -> Int
    /// Truncates or zero-extends the file to `size` bytes.
    func setSize(_ size: UInt64) throws
    /// Makes written data durable in the mount's backing store (object stores write the object here).
    func sync() throws
}
