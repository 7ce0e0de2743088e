#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory of a read-only host mount (`grafos exec --dir`), held open as a descriptor.
///
/// Entries are looked up and opened relative to the descriptor with `AT_SYMLINK_NOFOLLOW`/`O_NOFOLLOW`, one
/// component at a time; links are returned as links for the path resolver to expand inside the mount. Every
/// change is refused with `EROFS`.
final class WASIHostDirectory: WASIDirectoryNode {
    /// The open directory.
    let descriptor: Int32

    /// Takes ownership of an open directory descriptor.
    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Opens the host directory at `path` as a mount's root.
    /// - Throws: ``WASISetupError`` when it cannot be opened as a directory.
    static func open(path: String) throws(WASISetupError) -> WASIHostDirectory {
        let descriptor = openHostRoot(path)
        guard descriptor >= 0 else {
            let reason = WASIHostSystem.lastError()
            throw WASISetupError(
                "cannot open host directory \"\(path)\" for the tasklet (\(reason)); "
                    + "check that it exists and is a readable directory"
            )
        }
        return WASIHostDirectory(descriptor: descriptor)
    }

    deinit {
        close(descriptor)
    }

    var device: UInt64 { (try? filestat().device) ?? 0 }
    var isReadOnly: Bool { true }

    func filestat() throws -> WASIFilestat {
        WASIHostSystem.filestat(try WASIHostSystem.fileStat(of: descriptor))
    }

    func setTimes(access: UInt64?, modification: UInt64?) throws {
        throw WASIErrno.rofs
    }

    func lookup(_ name: String) throws -> WASINode? {
        let info: stat
        do {
            info = try WASIHostSystem.statEntry(descriptor, name)
        } catch .noent {
            return nil
        }
        switch WASIHostSystem.filetype(mode: info.st_mode) {
        case .directory:
            return .directory(
                WASIHostDirectory(descriptor: try WASIHostSystem.openEntry(descriptor, name, directory: true))
            )
        case .symbolicLink:
            return .symlink(
                WASIHostSymlink(
                    target: try WASIHostSystem.readLink(descriptor, name),
                    stat: WASIHostSystem.filestat(info)
                )
            )
        case .regularFile:
            let file = try WASIHostSystem.openEntry(descriptor, name, directory: false)
            return .file(WASIHostFile(descriptor: file))
        default:
            return .file(WASIHostFile(special: WASIHostSystem.filestat(info)))
        }
    }

    func entries() throws -> [WASIDirectoryEntry] {
        try WASIHostSystem.list(descriptor)
    }

    func createFile(_ name: String) throws -> any WASIFileNode { throw WASIErrno.rofs }
    func createDirectory(_ name: String) throws { throw WASIErrno.rofs }
    func createSymlink(_ name: String, target: String) throws { throw WASIErrno.rofs }
    func removeEntry(_ name: String) throws { throw WASIErrno.rofs }
    func moveEntry(_ name: String, to directory: any WASIDirectoryNode, as newName: String) throws {
        throw WASIErrno.rofs
    }
    func link(_ node: any WASIFileNode, as name: String) throws { throw WASIErrno.rofs }
}

/// `open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)` (a mount's root is the only path the host resolves).
private func openHostRoot(_ path: String) -> Int32 {
    open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
}

/// A symbolic link of a host mount, read when it was looked up.
final class WASIHostSymlink: WASISymlinkNode {
    /// The link's target.
    let target: String
    /// Its attributes.
    private let stat: WASIFilestat

    /// Creates the link.
    init(target: String, stat: WASIFilestat) {
        self.target = target
        self.stat = stat
    }

    func filestat() -> WASIFilestat { stat }
    func setTimes(access: UInt64?, modification: UInt64?) throws { throw WASIErrno.rofs }
}
