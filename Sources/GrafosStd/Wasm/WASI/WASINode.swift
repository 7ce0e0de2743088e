/// Something a path can name in the virtual file system: a directory, a regular file or a symbolic link.
///
/// Each mount kind (memory, host directory, object store) implements the three node protocols; path resolution,
/// confinement, rights and errno rules live once in ``WASIContext`` above them. Node methods throw ``WASIErrno``
/// for errors the guest should see; any other error ends the launch.
enum WASINode {
    /// A directory.
    case directory(any WASIDirectoryNode)
    /// A regular file (or, on a host mount, another kind of file that can be listed but not opened).
    case file(any WASIFileNode)
    /// A symbolic link.
    case symlink(any WASISymlinkNode)

    /// The node, whatever its kind.
    var node: any WASIVirtualNode {
        switch self {
        case .directory(let directory): directory
        case .file(let file): file
        case .symlink(let link): link
        }
    }

    /// The filetype `readdir` and `filestat` report for it.
    var filetype: WASIABI.Filetype {
        switch self {
        case .directory: .directory
        case .file(let file): file.filetype
        case .symlink: .symbolicLink
        }
    }
}

/// What every node can do: report and change its attributes.
protocol WASIVirtualNode: AnyObject {
    /// The node's attributes.
    func filestat() throws -> WASIFilestat
    /// Sets the access and/or modification time (nanoseconds since the epoch); `nil` leaves one unchanged.
    func setTimes(access: UInt64?, modification: UInt64?) throws
}

/// A symbolic link.
protocol WASISymlinkNode: WASIVirtualNode {
    /// The link's target, as stored.
    var target: String { get }
}
