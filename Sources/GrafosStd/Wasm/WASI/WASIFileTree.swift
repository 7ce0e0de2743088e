/// An in-memory directory tree given to a launch, and read back after it.
///
/// A ``WASIPreopen`` of kind ``WASIPreopen/Mount/memory(_:readOnly:)`` gives the tasklet a private, mutable copy;
/// ``WASIContext/fileTree(at:)`` snapshots it again when the run is over. Names are single path components:
/// not empty, not `.` or `..`, without `/` or NUL, at most 255 UTF-8 bytes.
///
/// ```swift
/// let tree = WASIFileTree.directory([
///     "input.txt": .file(Array("hello\n".utf8)),
///     "out": .directory([:]),
///     "latest": .symlink("input.txt"),
/// ])
/// ```
package indirect enum WASIFileTree: Sendable, Hashable {
    /// A regular file and its bytes.
    case file([UInt8])
    /// A directory and its entries by name.
    case directory([String: WASIFileTree])
    /// A symbolic link and its target (relative targets only are followed; absolute ones are refused).
    case symlink(String)

    /// The file's bytes, if this is a file.
    package var bytes: [UInt8]? {
        if case .file(let bytes) = self { return bytes }
        return nil
    }

    /// The entry at a `/`-separated relative path, without following symbolic links.
    package subscript(path: String) -> WASIFileTree? {
        var node = self
        for component in path.split(separator: "/") {
            guard case .directory(let entries) = node, let next = entries[String(component)] else { return nil }
            node = next
        }
        return node
    }
}
