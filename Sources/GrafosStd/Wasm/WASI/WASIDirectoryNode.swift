/// A directory of a mount: names to nodes, and the primitive changes path operations are built from.
///
/// The callers (``WASIContext``'s path operations) have already checked the rules that are the same everywhere —
/// that a name exists or not, what kind it is, that a directory is empty, that both sides of a rename or link are
/// on this mount — so an implementation only does the change, or refuses with `EROFS`, `EPERM`, `ENOTSUP` or
/// `ENOSPC` when its mount cannot.
protocol WASIDirectoryNode: WASIVirtualNode {
    /// The mount's device number (equal for all nodes of one mount).
    var device: UInt64 { get }
    /// Whether the mount refuses every change.
    var isReadOnly: Bool { get }
    /// The entry called `name` (one component, never `.` or `..`), or `nil`.
    func lookup(_ name: String) throws -> WASINode?
    /// The entries, without `.` and `..`, in a stable order (by name, as UTF-8 bytes).
    func entries() throws -> [WASIDirectoryEntry]
    /// Creates an empty regular file called `name` (which does not exist).
    func createFile(_ name: String) throws -> any WASIFileNode
    /// Creates an empty directory called `name` (which does not exist).
    func createDirectory(_ name: String) throws
    /// Creates a symbolic link called `name` (which does not exist) to `target`.
    func createSymlink(_ name: String, target: String) throws
    /// Removes the entry `name`, a file, link or (empty) directory.
    func removeEntry(_ name: String) throws
    /// Moves entry `name` to `newName` in `directory` (on the same mount), replacing what is there.
    func moveEntry(_ name: String, to directory: any WASIDirectoryNode, as newName: String) throws
    /// Adds `node` (a file of this mount) under `name` (which does not exist) as a hard link.
    func link(_ node: any WASIFileNode, as name: String) throws
}

/// One entry of a directory listing.
struct WASIDirectoryEntry {
    /// The entry's name.
    var name: String
    /// The inode `readdir` reports.
    var inode: UInt64
    /// The filetype `readdir` reports.
    var filetype: WASIABI.Filetype
}
