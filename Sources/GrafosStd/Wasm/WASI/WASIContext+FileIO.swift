/// Reading, writing, seeking and listing: `fd_read`, `fd_write`, `fd_pread`, `fd_pwrite`, `fd_seek`, `fd_tell`,
/// `fd_readdir`.
///
/// Access follows the descriptor's rights as `path_open` granted them: reading needs `fd_read`, writing
/// `fd_write`, otherwise `EBADF` (as POSIX reports a descriptor not open for that). Directories are `EBADF` for
/// file I/O (`wasmtime`'s choice); stdio streams are not seekable (`ESPIPE`).
extension WASIContext {
    /// `fd_read(fd, iovs, iovs_len, nread: *size)`: reads into the buffers from the position (stdin: from the
    /// input), advancing it.
    package func fdRead(
        fd: UInt32,
        iovs: UInt32,
        iovsCount: UInt32,
        resultPointer: UInt32,
        in memory: GuestMemory
    )
        throws -> WASIErrno
    {
        try syscall {
            var descriptor = try descriptor(fd)
            guard descriptor.rights.contains(.fdRead) else { throw WASIErrno.badf }
            let buffers = try iovecs(memory, iovs, iovsCount)
            var total = 0
            switch descriptor.kind {
            case .stdin:
                let input = configuration.stdin
                for buffer in buffers where stdinOffset < input.count && !buffer.isEmpty {
                    let count = Swift.min(buffer.count, input.count - stdinOffset)
                    input.withUnsafeBytes { source in
                        buffer.baseAddress!.copyMemory(from: source.baseAddress! + stdinOffset, byteCount: count)
                    }
                    stdinOffset += count
                    total += count
                }
            case .file(let file):
                total = try read(file, into: buffers, at: descriptor.position)
                descriptor.position += UInt64(total)
                descriptors[Int(fd)] = descriptor
            case .stdout, .stderr, .directory:
                throw WASIErrno.badf
            }
            try memory.store(UInt32(total), at: resultPointer)
        }
    }

    /// `fd_pread(fd, iovs, iovs_len, offset, nread: *size)`: reads at `offset` without moving the position.
    package func fdPread(
        fd: UInt32,
        iovs: UInt32,
        iovsCount: UInt32,
        offset: UInt64,
        resultPointer: UInt32,
        in memory: GuestMemory
    ) throws -> WASIErrno {
        try syscall {
            let descriptor = try descriptor(fd)
            guard case .file(let file) = descriptor.kind else { throw try notPositional(descriptor) }
            guard descriptor.rights.contains(.fdRead) else { throw WASIErrno.badf }
            guard offset <= UInt64(Int64.max) else { throw WASIErrno.inval }
            let total = try read(file, into: iovecs(memory, iovs, iovsCount), at: offset)
            try memory.store(UInt32(total), at: resultPointer)
        }
    }

    /// `fd_write(fd, iovs, iovs_len, nwritten: *size)`: writes the buffers at the position (or the end, with the
    /// `append` flag), advancing it. Stdout goes to the output — a write that would pass `maxOutput` throws
    /// ``WASIOutputLimitExceeded`` and keeps nothing; stderr goes to the log, which keeps what fits and reports
    /// every byte written.
    package func fdWrite(
        fd: UInt32,
        iovs: UInt32,
        iovsCount: UInt32,
        resultPointer: UInt32,
        in memory: GuestMemory
    )
        throws -> WASIErrno
    {
        try syscall {
            var descriptor = try descriptor(fd)
            guard descriptor.rights.contains(.fdWrite) else { throw WASIErrno.badf }
            let buffers = try iovecs(memory, iovs, iovsCount)
            let total: Int
            switch descriptor.kind {
            case .stdout: total = try appendOutput(buffers)
            case .stderr: total = appendLog(buffers)
            case .file(let file):
                if descriptor.flags.contains(.append) { descriptor.position = try file.size() }
                total = try write(file, buffers, at: descriptor.position)
                descriptor.position += UInt64(total)
                descriptors[Int(fd)] = descriptor
            case .stdin, .directory:
                throw WASIErrno.badf
            }
            try memory.store(UInt32(total), at: resultPointer)
        }
    }

    /// `fd_pwrite(fd, iovs, iovs_len, offset, nwritten: *size)`: writes at `offset` without moving the position
    /// (the `append` flag is ignored, as on Linux).
    package func fdPwrite(
        fd: UInt32,
        iovs: UInt32,
        iovsCount: UInt32,
        offset: UInt64,
        resultPointer: UInt32,
        in memory: GuestMemory
    ) throws -> WASIErrno {
        try syscall {
            let descriptor = try descriptor(fd)
            guard case .file(let file) = descriptor.kind else { throw try notPositional(descriptor) }
            guard descriptor.rights.contains(.fdWrite) else { throw WASIErrno.badf }
            guard offset <= UInt64(Int64.max) else { throw WASIErrno.inval }
            let total = try write(file, iovecs(memory, iovs, iovsCount), at: offset)
            try memory.store(UInt32(total), at: resultPointer)
        }
    }

    /// `fd_seek(fd, offset, whence, newoffset: *filesize)`: moves the position; a negative result is `EINVAL`,
    /// stdio streams are `ESPIPE`. Seeking past the end is allowed (a later write zero-fills the gap).
    package func fdSeek(
        fd: UInt32,
        offset: Int64,
        whence: UInt32,
        resultPointer: UInt32,
        in memory: GuestMemory
    )
        throws -> WASIErrno
    {
        try syscall {
            var descriptor = try descriptor(fd)
            guard case .file(let file) = descriptor.kind else { throw try notPositional(descriptor) }
            guard whence <= 2, let whence = WASIABI.Whence(rawValue: UInt8(whence)) else { throw WASIErrno.inval }
            let base: UInt64
            switch whence {
            case .set: base = 0
            case .cur: base = descriptor.position
            case .end: base = try file.size()
            }
            let (position, overflow) = Int64(clamping: base).addingReportingOverflow(offset)
            guard !overflow, position >= 0 else { throw WASIErrno.inval }
            descriptor.position = UInt64(position)
            descriptors[Int(fd)] = descriptor
            try memory.store(UInt64(position), at: resultPointer)
        }
    }

    /// `fd_tell(fd, offset: *filesize)`: the position (`ESPIPE` for stdio streams).
    package func fdTell(fd: UInt32, resultPointer: UInt32, in memory: GuestMemory) throws -> WASIErrno {
        try syscall {
            let descriptor = try descriptor(fd)
            guard case .file = descriptor.kind else { throw try notPositional(descriptor) }
            try memory.store(descriptor.position, at: resultPointer)
        }
    }

    /// `fd_readdir(fd, buf, buf_len, cookie, bufused: *size)`: fills the buffer with `dirent`s (each a 24-byte
    /// header and the name) from entry number `cookie`: 0 is `.`, 1 is `..`, then the entries sorted by name.
    /// Each `d_next` is the cookie of the entry after it. The last entry that does not fit is cut at the end of the
    /// buffer, so `bufused == buf_len` tells the caller to read on (or to grow the buffer) — the witx contract.
    package func fdReaddir(
        fd: UInt32,
        buffer: UInt32,
        length: UInt32,
        cookie: UInt64,
        resultPointer: UInt32,
        in memory: GuestMemory
    ) throws -> WASIErrno {
        try syscall {
            guard case .directory(let directory) = try descriptor(fd).kind else { throw WASIErrno.notdir }
            let target = try memory.bytes(at: buffer, count: length)
            let entries = try directory.entries()
            let inode = try directory.filestat().inode
            var used = 0
            var index = cookie
            var header = [UInt8](repeating: 0, count: Int(WASIABI.Layout.direntSize))
            while used < target.count, index < UInt64(entries.count) + 2 {
                let name: [UInt8]
                let entryInode: UInt64
                let filetype: WASIABI.Filetype
                switch index {
                case 0: (name, entryInode, filetype) = (Array(".".utf8), inode, .directory)
                case 1: (name, entryInode, filetype) = (Array("..".utf8), inode, .directory)
                default:
                    let entry = entries[Int(index - 2)]
                    (name, entryInode, filetype) = (Array(entry.name.utf8), entry.inode, entry.filetype)
                }
                Self.storeDirent(into: &header, next: index + 1, inode: entryInode, nameLength: name.count, filetype)
                for byte in header + name {
                    guard used < target.count else { break }
                    target[used] = byte
                    used += 1
                }
                index += 1
            }
            try memory.store(UInt32(used), at: resultPointer)
        }
    }

    /// Fills a 24-byte `dirent` header.
    private static func storeDirent(
        into header: inout [UInt8],
        next: UInt64,
        inode: UInt64,
        nameLength: Int,
        _ filetype: WASIABI.Filetype
    ) {
        header.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: next.littleEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: inode.littleEndian, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: UInt32(nameLength).littleEndian, toByteOffset: 16, as: UInt32.self)
            raw.storeBytes(of: UInt32(filetype.rawValue).littleEndian, toByteOffset: 20, as: UInt32.self)
        }
    }

    /// The error of a positional operation on something that is not a regular file.
    private func notPositional(_ descriptor: WASIDescriptor) throws -> WASIErrno {
        switch descriptor.kind {
        case .stdin, .stdout, .stderr: .spipe
        case .directory, .file: .badf
        }
    }

    /// Reads from `file` at `offset` into `buffers` until one comes back short.
    private func read(
        _ file: any WASIFileNode,
        into buffers: [UnsafeMutableRawBufferPointer],
        at offset: UInt64
    )
        throws -> Int
    {
        var total = 0
        for buffer in buffers where !buffer.isEmpty {
            let count = try file.read(into: buffer, at: offset + UInt64(total))
            total += count
            if count < buffer.count { break }
        }
        return total
    }

    /// Writes `buffers` to `file` at `offset`.
    private func write(
        _ file: any WASIFileNode,
        _ buffers: [UnsafeMutableRawBufferPointer],
        at offset: UInt64
    )
        throws -> Int
    {
        var total = 0
        for buffer in buffers where !buffer.isEmpty {
            total += try file.write(UnsafeRawBufferPointer(buffer), at: offset + UInt64(total))
        }
        return total
    }
}
