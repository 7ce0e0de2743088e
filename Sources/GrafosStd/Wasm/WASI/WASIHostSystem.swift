#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The POSIX calls behind a read-only host directory mount, each confined to one directory descriptor.
///
/// Every lookup is `fstatat(dir, name, AT_SYMLINK_NOFOLLOW)` and every open `openat(dir, name, O_NOFOLLOW | …)`
/// with a single component, so the kernel never resolves `..` or a symbolic link for us: the path resolver does,
/// inside the mount.
enum WASIHostSystem {
    /// The current `errno` as a WASI error number.
    static func lastError() -> WASIErrno {
        wasiErrno(from: errno)
    }

    /// A host `errno` value as a WASI error number (`EIO` for ones without a counterpart).
    static func wasiErrno(from code: Int32) -> WASIErrno {
        switch code {
        case EPERM: .perm
        case ENOENT: .noent
        case EIO: .io
        case ENXIO: .nxio
        case EBADF: .badf
        case EAGAIN: .again
        case ENOMEM: .nomem
        case EACCES: .acces
        case EBUSY: .busy
        case EEXIST: .exist
        case EXDEV: .xdev
        case ENODEV: .nodev
        case ENOTDIR: .notdir
        case EISDIR: .isdir
        case EINVAL: .inval
        case ENFILE: .nfile
        case EMFILE: .mfile
        case ETXTBSY: .txtbsy
        case EFBIG: .fbig
        case ENOSPC: .nospc
        case EROFS: .rofs
        case ENAMETOOLONG: .nametoolong
        case ELOOP: .loop
        case ENOTEMPTY: .notempty
        case EOVERFLOW: .overflow
        case EINTR: .intr
        case ENOTSUP: .notsup
        default: .io
        }
    }

    /// The WASI filetype of a `st_mode`.
    static func filetype(mode: mode_t) -> WASIABI.Filetype {
        switch mode & S_IFMT {
        case S_IFREG: .regularFile
        case S_IFDIR: .directory
        case S_IFLNK: .symbolicLink
        case S_IFCHR: .characterDevice
        case S_IFBLK: .blockDevice
        case S_IFSOCK: .socketStream
        default: .unknown
        }
    }

    /// A host `stat` as WASI attributes.
    static func filestat(_ info: stat) -> WASIFilestat {
        #if canImport(Darwin)
        let access = info.st_atimespec
        let modification = info.st_mtimespec
        let change = info.st_ctimespec
        #else
        let access = info.st_atim
        let modification = info.st_mtim
        let change = info.st_ctim
        #endif
        return WASIFilestat(
            device: UInt64(truncatingIfNeeded: info.st_dev),
            inode: UInt64(truncatingIfNeeded: info.st_ino),
            filetype: filetype(mode: info.st_mode),
            linkCount: UInt64(truncatingIfNeeded: info.st_nlink),
            size: UInt64(truncatingIfNeeded: info.st_size),
            accessTime: nanoseconds(access),
            modificationTime: nanoseconds(modification),
            changeTime: nanoseconds(change)
        )
    }

    /// A `timespec` in nanoseconds since the epoch (0 before it).
    static func nanoseconds(_ time: timespec) -> UInt64 {
        guard time.tv_sec >= 0 else { return 0 }
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// `fstatat(directory, name, AT_SYMLINK_NOFOLLOW)`.
    static func statEntry(_ directory: Int32, _ name: String) throws(WASIErrno) -> stat {
        var info = stat()
        guard fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { throw lastError() }
        return info
    }

    /// `fstat(descriptor)`.
    static func fileStat(of descriptor: Int32) throws(WASIErrno) -> stat {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw lastError() }
        return info
    }

    /// Opens entry `name` of `directory` read-only without following a link; `directory` asks for a directory.
    static func openEntry(_ directory: Int32, _ name: String, directory wantsDirectory: Bool) throws(WASIErrno) -> Int32
    {
        var flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK
        if wantsDirectory { flags |= O_DIRECTORY }
        let descriptor = openat(directory, name, flags)
        guard descriptor >= 0 else { throw lastError() }
        return descriptor
    }

    /// The target of the symbolic link `name` in `directory`.
    static func readLink(_ directory: Int32, _ name: String) throws(WASIErrno) -> String {
        var buffer = [UInt8](repeating: 0, count: 4097)
        let count = buffer.withUnsafeMutableBytes { bytes in
            readlinkat(directory, name, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        guard count >= 0 else { throw lastError() }
        guard count < buffer.count else { throw .nametoolong }
        guard let target = String(validating: buffer[0..<count], as: UTF8.self) else { throw .ilseq }
        return target
    }

    /// The entries of `directory` (without `.`, `..` and names that are not UTF-8), sorted by name.
    static func list(_ directory: Int32) throws(WASIErrno) -> [WASIDirectoryEntry] {
        let copy = dup(directory)
        guard copy >= 0 else { throw lastError() }
        guard let stream = fdopendir(copy) else {
            let error = lastError()
            close(copy)
            throw error
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var result: [WASIDirectoryEntry] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String? in
                let bytes = raw.prefix { $0 != 0 }
                return String(validating: bytes, as: UTF8.self)
            }
            guard let name, name != ".", name != ".." else { continue }
            var filetype: WASIABI.Filetype
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): filetype = .regularFile
            case Int32(DT_DIR): filetype = .directory
            case Int32(DT_LNK): filetype = .symbolicLink
            case Int32(DT_CHR): filetype = .characterDevice
            case Int32(DT_BLK): filetype = .blockDevice
            case Int32(DT_SOCK): filetype = .socketStream
            default: filetype = .unknown
            }
            if filetype == .unknown, let info = try? statEntry(directory, name) {
                filetype = Self.filetype(mode: info.st_mode)
            }
            result.append(
                WASIDirectoryEntry(
                    name: name,
                    inode: UInt64(truncatingIfNeeded: entry.pointee.d_ino),
                    filetype: filetype
                )
            )
        }
        return result.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }
}
