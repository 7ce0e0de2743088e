/// Resolves a guest path against a directory descriptor, one component at a time, never leaving that directory.
///
/// The rules, the same on every mount:
/// - an absolute path (`/…`) is refused with `ENOTCAPABLE` (`wasi-libc` has already made it relative to a preopen);
/// - `..` above the starting directory is refused with `ENOTCAPABLE`;
/// - symbolic links are expanded here, by the host, component by component: a target that is absolute is refused
///   with `ENOTCAPABLE`, and more than ``maxSymlinkExpansions`` expansions is `ELOOP` — so a link cannot point out
///   either (a host mount never lets the kernel follow a link);
/// - paths are UTF-8 without NUL (`EILSEQ` otherwise), at most ``maxPathLength`` bytes and components at most
///   ``maxNameLength`` bytes (`ENAMETOOLONG`);
/// - an empty path is `ENOENT`; a path ending in `/` must name a directory (`ENOTDIR`).
enum WASIPathResolver {
    /// The longest path accepted, in bytes (Linux's `PATH_MAX`).
    static let maxPathLength = 4096
    /// The longest component accepted, in bytes (Linux's `NAME_MAX`).
    static let maxNameLength = 255
    /// The most symbolic links one resolution expands (Linux's limit).
    static let maxSymlinkExpansions = 40

    /// Where a path led.
    struct Resolution {
        /// The directory holding the last component (the named directory itself when ``name`` is `nil`).
        var parent: any WASIDirectoryNode
        /// The last component, or `nil` when the path ends in `.` or `..` (it names ``parent`` itself).
        var name: String?
        /// What the last component names, or `nil` when nothing does.
        var node: WASINode?
        /// Whether the path ended in `/`.
        var trailingSlash: Bool
    }

    /// Whether `name` can be a directory entry: not empty, not `.`/`..`, no `/` or NUL, at most 255 bytes.
    static func isValidName(_ name: String) -> Bool {
        let utf8 = name.utf8
        return !utf8.isEmpty && utf8.count <= maxNameLength && name != "." && name != ".."
            && !utf8.contains(UInt8(ascii: "/")) && !utf8.contains(0)
    }

    /// The components of a relative path (empty ones, from `//`, dropped).
    static func components(_ path: [UInt8]) throws(WASIErrno) -> [String] {
        guard path.count <= maxPathLength else { throw .nametoolong }
        guard !path.contains(0) else { throw .ilseq }
        var result: [String] = []
        for slice in path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            guard slice.count <= maxNameLength else { throw .nametoolong }
            guard let component = String(validating: slice, as: UTF8.self) else { throw .ilseq }
            result.append(component)
        }
        return result
    }

    /// Resolves `path` from `root`.
    /// - Parameters:
    ///   - root: the descriptor's directory; the resolution never leaves it.
    ///   - path: the guest's bytes.
    ///   - followLast: whether a symbolic link in the last component is expanded (`lookupflags.symlink_follow`);
    ///     links in earlier components always are.
    /// - Throws: ``WASIErrno`` as the rules above say; `ENOENT`/`ENOTDIR` for a missing or non-directory
    ///   intermediate component.
    static func resolve(
        _ path: [UInt8],
        from root: any WASIDirectoryNode,
        followLast: Bool
    ) throws -> Resolution {
        guard !path.isEmpty else { throw WASIErrno.noent }
        guard path[0] != UInt8(ascii: "/") else { throw WASIErrno.notcapable }
        var trailingSlash = path.last == UInt8(ascii: "/")
        var pending = Array(try components(path).reversed())
        var stack: [any WASIDirectoryNode] = [root]
        var expansions = 0
        if pending.isEmpty { return Resolution(parent: root, name: nil, node: .directory(root), trailingSlash: true) }

        while let component = pending.popLast() {
            let isLast = pending.isEmpty
            if component == "." || component == ".." {
                if component == ".." {
                    guard stack.count > 1 else { throw WASIErrno.notcapable }
                    stack.removeLast()
                }
                if isLast {
                    let directory = stack[stack.count - 1]
                    return Resolution(parent: directory, name: nil, node: .directory(directory), trailingSlash: true)
                }
                continue
            }
            let directory = stack[stack.count - 1]
            let node = try directory.lookup(component)
            if case .symlink(let link) = node, !isLast || followLast || trailingSlash {
                expansions += 1
                guard expansions <= maxSymlinkExpansions else { throw WASIErrno.loop }
                let target = Array(link.target.utf8)
                guard !target.isEmpty else { throw WASIErrno.noent }
                guard target[0] != UInt8(ascii: "/") else { throw WASIErrno.notcapable }
                if isLast && target.last == UInt8(ascii: "/") { trailingSlash = true }
                let expanded = try components(target)
                if expanded.isEmpty {
                    pending.append(".")
                } else {
                    pending.append(contentsOf: expanded.reversed())
                }
                continue
            }
            if isLast {
                if trailingSlash, case .file = node { throw WASIErrno.notdir }
                return Resolution(parent: directory, name: component, node: node, trailingSlash: trailingSlash)
            }
            switch node {
            case .directory(let next): stack.append(next)
            case .file: throw WASIErrno.notdir
            case .symlink, nil: throw WASIErrno.noent
            }
        }
        // Unreachable: the loop returns at the last component.
        throw WASIErrno.noent
    }
}
