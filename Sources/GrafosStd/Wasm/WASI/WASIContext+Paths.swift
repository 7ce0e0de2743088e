/// The `path_*` functions: opening, creating, removing, renaming, linking and inspecting by path.
///
/// Every path is resolved by ``WASIPathResolver`` relative to a directory descriptor and never leaves it
/// (`ENOTCAPABLE` for absolute paths, `..` above it and links pointing out). A descriptor that is not open is
/// `EBADF`, one that is not a directory `ENOTDIR`. Changes on a read-only mount are `EROFS`.
extension WASIContext {
    /// `path_open(fd, dirflags, path, path_len, oflags, fs_rights_base, fs_rights_inheriting, fdflags,
    /// opened_fd: *fd)`: opens (or with `creat`, creates) a file or directory.
    ///
    /// The new descriptor's rights are the requested ones, limited to what the directory descriptor may hand out
    /// (its inheriting rights) and to what make sense for the file's type: they decide the access mode, as in
    /// `wasmtime` (`fd_read` to read, `fd_write` to write). Errors: `EEXIST` for `creat|excl` on an existing
    /// name, `ENOENT` for a missing one without `creat`, `ENOTDIR` for `directory` on a file, `EISDIR` for write
    /// access or `trunc` on a directory, `ELOOP` for a symbolic link without `symlink_follow`, `EROFS` for
    /// write access, `trunc` or `creat` on a read-only mount, `EINVAL` for undefined flag bits.
    package func pathOpen(
        fd: UInt32,
        lookupFlags: UInt32,
        path: UInt32,
        pathLength: UInt32,
        openFlags: UInt32,
        rightsBase: UInt64,
        rightsInheriting: UInt64,
        fdFlags: UInt32,
        resultPointer: UInt32,
        in memory: GuestMemory
    ) throws -> WASIErrno {
        try syscall {
            let directoryDescriptor = try descriptor(fd)
            guard case .directory = directoryDescriptor.kind else { throw WASIErrno.notdir }
            guard openFlags <= UInt32(WASIABI.OFlags.all.rawValue), fdFlags <= UInt32(WASIABI.FDFlags.all.rawValue)
            else { throw WASIErrno.inval }
            let oflags = WASIABI.OFlags(rawValue: UInt16(openFlags))
            let follow = lookupFlags & WASIABI.LookupFlags.symlinkFollow.rawValue != 0
            let resolution = try resolve(memory, fd: fd, path: path, length: pathLength, follow: follow)
            let requested = WASIABI.Rights(rawValue: rightsBase).intersection(directoryDescriptor.inheriting)
            let inheriting = WASIABI.Rights(rawValue: rightsInheriting).intersection(directoryDescriptor.inheriting)

            var node = resolution.node
            if node != nil, oflags.isSuperset(of: [.creat, .excl]) { throw WASIErrno.exist }
            if node == nil {
                guard oflags.contains(.creat) else { throw WASIErrno.noent }
                guard let name = resolution.name else { throw WASIErrno.exist }
                if resolution.trailingSlash { throw WASIErrno.isdir }
                if oflags.contains(.directory) { throw WASIErrno.inval }
                if resolution.parent.isReadOnly { throw WASIErrno.rofs }
                node = .file(try resolution.parent.createFile(name))
            }

            var opened: WASIDescriptor
            switch node! {
            case .symlink:
                throw WASIErrno.loop
            case .directory(let directory):
                if requested.contains(.fdWrite) || oflags.contains(.trunc) { throw WASIErrno.isdir }
                opened = WASIDescriptor(
                    kind: .directory(directory),
                    rights: requested.intersection(.directory),
                    inheriting: inheriting
                )
            case .file(let file):
                if oflags.contains(.directory) { throw WASIErrno.notdir }
                guard file.isOpenable else { throw WASIErrno.notsup }
                var rights = requested.intersection(.regularFile)
                if !file.isWritable {
                    if rights.contains(.fdWrite) || oflags.contains(.trunc) { throw WASIErrno.rofs }
                    rights.subtract([.fdAllocate, .fdFilestatSetSize, .fdFilestatSetTimes])
                }
                if oflags.contains(.trunc) { try file.setSize(0) }
                opened = WASIDescriptor(kind: .file(file), rights: rights, inheriting: inheriting)
            }
            opened.flags = WASIABI.FDFlags(rawValue: UInt16(fdFlags))
            _ = try memory.offset(resultPointer, count: 4)
            let number = try install(opened)
            try memory.store(number, at: resultPointer)
        }
    }

    /// `path_create_directory(fd, path, path_len)`: `EEXIST` when the name exists.
    package func pathCreateDirectory(
        fd: UInt32,
        path: UInt32,
        pathLength: UInt32,
        in memory: GuestMemory
    ) throws
        -> WASIErrno
    {
        try syscall {
            let resolution = try resolve(memory, fd: fd, path: path, length: pathLength, follow: false)
            guard let name = resolution.name, resolution.node == nil else { throw WASIErrno.exist }
            try resolution.parent.createDirectory(name)
        }
    }

    /// `path_remove_directory(fd, path, path_len)`: `ENOTDIR` for a non-directory, `ENOTEMPTY` for a directory
    /// with entries, `EINVAL` for a path ending in `.` or `..`.
    package func pathRemoveDirectory(
        fd: UInt32,
        path: UInt32,
        pathLength: UInt32,
        in memory: GuestMemory
    ) throws
        -> WASIErrno
    {
        try syscall {
            let resolution = try resolve(memory, fd: fd, path: path, length: pathLength, follow: false)
            guard let name = resolution.name else { throw WASIErrno.inval }
            guard let node = resolution.node else { throw WASIErrno.noent }
            guard case .directory(let directory) = node else { throw WASIErrno.notdir }
            guard try directory.entries().isEmpty else { throw WASIErrno.notempty }
            try resolution.parent.removeEntry(name)
        }
    }

    /// `path_unlink_file(fd, path, path_len)`: removes a file or symbolic link; `EISDIR` for a directory.
    package func pathUnlinkFile(
        fd: UInt32,
        path: UInt32,
        pathLength: UInt32,
        in memory: GuestMemory
    ) throws
        -> WASIErrno
    {
        try syscall {
            let resolution = try resolve(memory, fd: fd, path: path, length: pathLength, follow: false)
            guard let name = resolution.name else { throw WASIErrno.isdir }
            guard let node = resolution.node else { throw WASIErrno.noent }
            if case .directory = node { throw WASIErrno.isdir }
            if resolution.trailingSlash { throw WASIErrno.notdir }
            try resolution.parent.removeEntry(name)
        }
    }

    /// `path_rename(fd, old_path, old_path_len, new_fd, new_path, new_path_len)`: POSIX `rename`. Replacing an
    /// existing name needs a matching kind (`ENOTDIR`, `EISDIR`) and an empty directory (`ENOTEMPTY`); other
    /// mounts are `EXDEV`; a directory moved below itself is `EINVAL`; the same file under both names is a no-op.
    package func pathRename(
        fd: UInt32,
        oldPath: UInt32,
        oldPathLength: UInt32,
        newFD: UInt32,
        newPath: UInt32,
        newPathLength: UInt32,
        in memory: GuestMemory
    ) throws -> WASIErrno {
        try syscall {
            let source = try resolve(memory, fd: fd, path: oldPath, length: oldPathLength, follow: false)
            let target = try resolve(memory, fd: newFD, path: newPath, length: newPathLength, follow: false)
            guard let sourceName = source.name, let targetName = target.name else { throw WASIErrno.inval }
            guard let moving = source.node else { throw WASIErrno.noent }
            guard source.parent.device == target.parent.device else { throw WASIErrno.xdev }
            let isDirectory: Bool
            if case .directory = moving { isDirectory = true } else { isDirectory = false }
            if !isDirectory && (source.trailingSlash || target.trailingSlash) { throw WASIErrno.notdir }
            if let existing = target.node {
                if existing.node === moving.node { return }
                switch (isDirectory, existing) {
                case (true, .directory(let replaced)):
                    guard try replaced.entries().isEmpty else { throw WASIErrno.notempty }
                case (true, _): throw WASIErrno.notdir
                case (false, .directory): throw WASIErrno.isdir
                case (false, _): break
                }
            }
            try source.parent.moveEntry(sourceName, to: target.parent, as: targetName)
        }
    }

    /// `path_filestat_get(fd, flags, path, path_len, buf: *filestat)`: the attributes of what the path names
    /// (of the link itself without `symlink_follow`).
    package func pathFilestatGet(
        fd: UInt32,
        lookupFlags: UInt32,
        path: UInt32,
        pathLength: UInt32,
        resultPointer: UInt32,
        in memory: GuestMemory
    ) throws -> WASIErrno {
        try syscall {
            let follow = lookupFlags & WASIABI.LookupFlags.symlinkFollow.rawValue != 0
            let resolution = try resolve(memory, fd: fd, path: path, length: pathLength, follow: follow)
            guard let node = resolution.node else { throw WASIErrno.noent }
            try node.node.filestat().store(in: memory, at: resultPointer)
        }
    }

    /// `path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fst_flags)`: sets timestamps by path.
    package func pathFilestatSetTimes(
        fd: UInt32,
        lookupFlags: UInt32,
        path: UInt32,
        pathLength: UInt32,
        accessTime: UInt64,
        modificationTime: UInt64,
        flags: UInt32,
        in memory: GuestMemory
    ) throws -> WASIErrno {
        try syscall {
            let times = try timestamps(accessTime, modificationTime, flags)
            let follow = lookupFlags & WASIABI.LookupFlags.symlinkFollow.rawValue != 0
            let resolution = try resolve(memory, fd: fd, path: path, length: pathLength, follow: follow)
            guard let node = resolution.node else { throw WASIErrno.noent }
            try node.node.setTimes(access: times.access, modification: times.modification)
        }
    }

    /// `path_readlink(fd, path, path_len, buf, buf_len, bufused: *size)`: a link's target, cut to the buffer
    /// (as POSIX `readlink`), not NUL-terminated; `EINVAL` when the path is not a link.
    package func pathReadlink(
        fd: UInt32,
        path: UInt32,
        pathLength: UInt32,
        buffer: UInt32,
        bufferLength: UInt32,
        resultPointer: UInt32,
        in memory: GuestMemory
    ) throws -> WASIErrno {
        try syscall {
            let resolution = try resolve(memory, fd: fd, path: path, length: pathLength, follow: false)
            guard let node = resolution.node else { throw WASIErrno.noent }
            guard case .symlink(let link) = node else { throw WASIErrno.inval }
            let target = try memory.bytes(at: buffer, count: bufferLength)
            let bytes = Array(link.target.utf8.prefix(target.count))
            target.copyBytes(from: bytes)
            try memory.store(UInt32(bytes.count), at: resultPointer)
        }
    }

    /// `path_symlink(old_path, old_path_len, fd, new_path, new_path_len)`: creates a link at `new_path` to
    /// `old_path` (stored as given; an absolute or escaping target is refused when followed, not here).
    /// `EEXIST` when the name exists, `ENOENT` for an empty target.
    package func pathSymlink(
        target: UInt32,
        targetLength: UInt32,
        fd: UInt32,
        path: UInt32,
        pathLength: UInt32,
        in memory: GuestMemory
    ) throws -> WASIErrno {
        try syscall {
            let targetBytes = try pathBytes(memory, target, targetLength)
            guard !targetBytes.isEmpty else { throw WASIErrno.noent }
            guard !targetBytes.contains(0), let targetString = String(validating: targetBytes, as: UTF8.self) else {
                throw WASIErrno.ilseq
            }
            let resolution = try resolve(memory, fd: fd, path: path, length: pathLength, follow: false)
            guard let name = resolution.name, resolution.node == nil else { throw WASIErrno.exist }
            try resolution.parent.createSymlink(name, target: targetString)
        }
    }

    /// `path_link(old_fd, old_flags, old_path, old_path_len, new_fd, new_path, new_path_len)`: a hard link to a
    /// regular file (`EPERM` for directories and links, `EEXIST` when the new name exists, `EXDEV` across mounts).
    package func pathLink(
        oldFD: UInt32,
        oldFlags: UInt32,
        oldPath: UInt32,
        oldPathLength: UInt32,
        newFD: UInt32,
        newPath: UInt32,
        newPathLength: UInt32,
        in memory: GuestMemory
    ) throws -> WASIErrno {
        try syscall {
            let follow = oldFlags & WASIABI.LookupFlags.symlinkFollow.rawValue != 0
            let source = try resolve(memory, fd: oldFD, path: oldPath, length: oldPathLength, follow: follow)
            let target = try resolve(memory, fd: newFD, path: newPath, length: newPathLength, follow: false)
            guard let node = source.node else { throw WASIErrno.noent }
            guard case .file(let file) = node else { throw WASIErrno.perm }
            guard let name = target.name, target.node == nil else { throw WASIErrno.exist }
            guard source.parent.device == target.parent.device else { throw WASIErrno.xdev }
            try target.parent.link(file, as: name)
        }
    }
}
