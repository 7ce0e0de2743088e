/// The `fd_*` functions that manage descriptors and their attributes.
///
/// Errno rules: an unknown or closed descriptor is `EBADF`; operations on files given a directory (or the other
/// way round) are `EBADF`/`ENOTDIR` as `wasmtime` reports them; stdio streams are not seekable (`ESPIPE`).
extension WASIContext {
    /// `fd_close(fd)`: closes the descriptor, writing back an object-store file first.
    /// The number is free afterwards even when writing back fails (`ENOSPC`).
    package func fdClose(fd: UInt32) throws -> WASIErrno {
        try syscall {
            let descriptor = try descriptor(fd)
            descriptors[Int(fd)] = nil
            while descriptors.count > 3, descriptors.last! == nil { descriptors.removeLast() }
            if case .file(let file) = descriptor.kind { try file.sync() }
        }
    }

    /// `fd_renumber(fd, to)`: moves `fd` to number `to`, closing what was there; both must be open (`EBADF`).
    package func fdRenumber(fd: UInt32, to target: UInt32) throws -> WASIErrno {
        try syscall {
            let descriptor = try descriptor(fd)
            let replaced = try self.descriptor(target)
            guard fd != target else { return }
            descriptors[Int(target)] = descriptor
            descriptors[Int(fd)] = nil
            if case .file(let file) = replaced.kind, !isOpen(file) { try file.sync() }
        }
    }

    /// Whether some descriptor still refers to `file`.
    private func isOpen(_ file: any WASIFileNode) -> Bool {
        descriptors.contains { entry in
            if case .file(let other)? = entry?.kind { return other === file }
            return false
        }
    }

    /// `fd_fdstat_get(fd, stat: *fdstat)`: the filetype, flags and rights.
    package func fdFdstatGet(fd: UInt32, resultPointer: UInt32, in memory: GuestMemory) throws -> WASIErrno {
        try syscall {
            let descriptor = try descriptor(fd)
            try memory.zero(at: resultPointer, count: WASIABI.Layout.fdstatSize)
            try memory.store(descriptor.filetype.rawValue, at: resultPointer)
            try memory.store(descriptor.flags.rawValue, at: resultPointer &+ 2)
            try memory.store(descriptor.rights.rawValue, at: resultPointer &+ 8)
            try memory.store(descriptor.inheriting.rawValue, at: resultPointer &+ 16)
        }
    }

    /// `fd_fdstat_set_flags(fd, flags)`: replaces the descriptor's flags (`EINVAL` for undefined bits).
    package func fdFdstatSetFlags(fd: UInt32, flags: UInt32) throws -> WASIErrno {
        try syscall {
            _ = try descriptor(fd)
            guard flags <= UInt32(WASIABI.FDFlags.all.rawValue) else { throw WASIErrno.inval }
            descriptors[Int(fd)]!.flags = WASIABI.FDFlags(rawValue: UInt16(flags))
        }
    }

    /// `fd_fdstat_set_rights(fd, base, inheriting)`: drops rights; asking for a right the descriptor lacks is
    /// `ENOTCAPABLE`.
    package func fdFdstatSetRights(fd: UInt32, base: UInt64, inheriting: UInt64) throws -> WASIErrno {
        try syscall {
            let descriptor = try descriptor(fd)
            let newBase = WASIABI.Rights(rawValue: base)
            let newInheriting = WASIABI.Rights(rawValue: inheriting)
            guard descriptor.rights.isSuperset(of: newBase), descriptor.inheriting.isSuperset(of: newInheriting) else {
                throw WASIErrno.notcapable
            }
            descriptors[Int(fd)]!.rights = newBase
            descriptors[Int(fd)]!.inheriting = newInheriting
        }
    }

    /// `fd_filestat_get(fd, buf: *filestat)`: the attributes of the open file or directory (stdio streams report
    /// filetype `unknown` and zeros).
    package func fdFilestatGet(fd: UInt32, resultPointer: UInt32, in memory: GuestMemory) throws -> WASIErrno {
        try syscall {
            let stat: WASIFilestat
            switch try descriptor(fd).kind {
            case .stdin, .stdout, .stderr: stat = WASIFilestat(device: 0, inode: 0, filetype: .unknown)
            case .file(let file): stat = try file.filestat()
            case .directory(let directory): stat = try directory.filestat()
            }
            try stat.store(in: memory, at: resultPointer)
        }
    }

    /// `fd_filestat_set_size(fd, size)`: truncates or zero-extends a file open for writing (`EBADF` otherwise,
    /// `EINVAL` for stdio, `ENOSPC` over the budget).
    package func fdFilestatSetSize(fd: UInt32, size: UInt64) throws -> WASIErrno {
        try syscall {
            let descriptor = try descriptor(fd)
            switch descriptor.kind {
            case .stdin, .stdout, .stderr: throw WASIErrno.inval
            case .directory: throw WASIErrno.badf
            case .file(let file):
                guard descriptor.rights.contains(.fdWrite) else { throw WASIErrno.badf }
                guard size <= UInt64(Int64.max) else { throw WASIErrno.fbig }
                try file.setSize(size)
            }
        }
    }

    /// `fd_filestat_set_times(fd, atim, mtim, fst_flags)`: sets a file's or directory's timestamps.
    package func fdFilestatSetTimes(
        fd: UInt32,
        accessTime: UInt64,
        modificationTime: UInt64,
        flags: UInt32
    ) throws
        -> WASIErrno
    {
        try syscall {
            let times = try timestamps(accessTime, modificationTime, flags)
            switch try descriptor(fd).kind {
            case .stdin, .stdout, .stderr: throw WASIErrno.inval
            case .file(let file): try file.setTimes(access: times.access, modification: times.modification)
            case .directory(let directory):
                try directory.setTimes(access: times.access, modification: times.modification)
            }
        }
    }

    /// The times `fst_flags` asks to set (`EINVAL` for both a time and "now", or undefined bits).
    func timestamps(
        _ access: UInt64,
        _ modification: UInt64,
        _ flags: UInt32
    ) throws(WASIErrno)
        -> (access: UInt64?, modification: UInt64?)
    {
        guard flags <= UInt32(WASIABI.FSTFlags.all.rawValue) else { throw .inval }
        let flags = WASIABI.FSTFlags(rawValue: UInt16(flags))
        if flags.isSuperset(of: [.atim, .atimNow]) || flags.isSuperset(of: [.mtim, .mtimNow]) { throw .inval }
        let now = fileSystem.now
        let newAccess = flags.contains(.atimNow) ? now : flags.contains(.atim) ? access : nil
        let newModification = flags.contains(.mtimNow) ? now : flags.contains(.mtim) ? modification : nil
        return (newAccess, newModification)
    }

    /// `fd_prestat_get(fd, buf: *prestat)`: the preopen's type (dir) and name length; `EBADF` for any descriptor
    /// that is not a preopen (how `wasi-libc` finds the end of the preopens).
    package func fdPrestatGet(fd: UInt32, resultPointer: UInt32, in memory: GuestMemory) throws -> WASIErrno {
        try syscall {
            guard let name = try descriptor(fd).preopenName else { throw WASIErrno.badf }
            try memory.zero(at: resultPointer, count: WASIABI.Layout.prestatSize)
            try memory.store(WASIABI.preopentypeDir, at: resultPointer)
            try memory.store(UInt32(name.utf8.count), at: resultPointer &+ 4)
        }
    }

    /// `fd_prestat_dir_name(fd, path, path_len)`: the preopen's name, not NUL-terminated; a buffer shorter than
    /// the name is `ENAMETOOLONG`.
    package func fdPrestatDirName(
        fd: UInt32,
        path: UInt32,
        length: UInt32,
        in memory: GuestMemory
    ) throws
        -> WASIErrno
    {
        try syscall {
            guard let name = try descriptor(fd).preopenName else { throw WASIErrno.badf }
            let bytes = Array(name.utf8)
            guard Int(length) >= bytes.count else { throw WASIErrno.nametoolong }
            try memory.write(bytes, at: path)
        }
    }

    /// `fd_sync(fd)`: writes an object-store file back; succeeds for other files and directories, `EINVAL` for
    /// stdio streams (as `fsync` on a pipe).
    package func fdSync(fd: UInt32) throws -> WASIErrno {
        try syscall {
            switch try descriptor(fd).kind {
            case .stdin, .stdout, .stderr: throw WASIErrno.inval
            case .file(let file): try file.sync()
            case .directory: break
            }
        }
    }

    /// `fd_datasync(fd)`: as ``fdSync(fd:)``.
    package func fdDatasync(fd: UInt32) throws -> WASIErrno {
        try fdSync(fd: fd)
    }

    /// `fd_advise(fd, offset, len, advice)`: accepted and ignored for files (`EINVAL` for an unknown advice,
    /// `ESPIPE` for stdio, `EBADF` for directories).
    package func fdAdvise(fd: UInt32, offset: UInt64, length: UInt64, advice: UInt32) throws -> WASIErrno {
        try syscall {
            let descriptor = try descriptor(fd)
            guard advice <= WASIABI.maxAdvice else { throw WASIErrno.inval }
            switch descriptor.kind {
            case .stdin, .stdout, .stderr: throw WASIErrno.spipe
            case .directory: throw WASIErrno.badf
            case .file: break
            }
        }
    }

    /// `fd_allocate(fd, offset, len)`: makes a file open for writing at least `offset + len` bytes long
    /// (`posix_fallocate`); `EBADF` when not writable, `ESPIPE` for stdio, `ENOSPC` over the budget.
    package func fdAllocate(fd: UInt32, offset: UInt64, length: UInt64) throws -> WASIErrno {
        try syscall {
            let descriptor = try descriptor(fd)
            switch descriptor.kind {
            case .stdin, .stdout, .stderr: throw WASIErrno.spipe
            case .directory: throw WASIErrno.badf
            case .file(let file):
                guard descriptor.rights.contains(.fdWrite) else { throw WASIErrno.badf }
                let (end, overflow) = offset.addingReportingOverflow(length)
                guard !overflow, end <= UInt64(Int64.max) else { throw WASIErrno.fbig }
                if end > (try file.size()) { try file.setSize(end) }
            }
        }
    }
}
