/// The types and constants of `wasi_snapshot_preview1` (its `typenames.witx`), with their exact values.
///
/// Flags are option sets over the witx bit positions; enumerations carry the witx values; `Layout` holds the
/// byte sizes and field offsets of the structures the host writes into guest memory (all little-endian, C
/// layout with natural alignment, as `wasi-libc`'s `<wasi/api.h>` declares them).
package enum WASIABI {
    /// The type of a file descriptor or file (`filetype`, u8).
    package enum Filetype: UInt8, Sendable {
        /// The type is unknown or not one of the others (our stdio streams).
        case unknown = 0
        /// A block device.
        case blockDevice = 1
        /// A character device.
        case characterDevice = 2
        /// A directory.
        case directory = 3
        /// A regular file.
        case regularFile = 4
        /// A datagram socket.
        case socketDgram = 5
        /// A byte-stream socket.
        case socketStream = 6
        /// A symbolic link.
        case symbolicLink = 7
    }

    /// File descriptor rights (`rights`, u64): what may be done with a descriptor.
    package struct Rights: OptionSet, Sendable, Hashable {
        package let rawValue: UInt64
        package init(rawValue: UInt64) { self.rawValue = rawValue }

        package static let fdDatasync = Rights(rawValue: 1 << 0)
        package static let fdRead = Rights(rawValue: 1 << 1)
        package static let fdSeek = Rights(rawValue: 1 << 2)
        package static let fdFdstatSetFlags = Rights(rawValue: 1 << 3)
        package static let fdSync = Rights(rawValue: 1 << 4)
        package static let fdTell = Rights(rawValue: 1 << 5)
        package static let fdWrite = Rights(rawValue: 1 << 6)
        package static let fdAdvise = Rights(rawValue: 1 << 7)
        package static let fdAllocate = Rights(rawValue: 1 << 8)
        package static let pathCreateDirectory = Rights(rawValue: 1 << 9)
        package static let pathCreateFile = Rights(rawValue: 1 << 10)
        package static let pathLinkSource = Rights(rawValue: 1 << 11)
        package static let pathLinkTarget = Rights(rawValue: 1 << 12)
        package static let pathOpen = Rights(rawValue: 1 << 13)
        package static let fdReaddir = Rights(rawValue: 1 << 14)
        package static let pathReadlink = Rights(rawValue: 1 << 15)
        package static let pathRenameSource = Rights(rawValue: 1 << 16)
        package static let pathRenameTarget = Rights(rawValue: 1 << 17)
        package static let pathFilestatGet = Rights(rawValue: 1 << 18)
        package static let pathFilestatSetSize = Rights(rawValue: 1 << 19)
        package static let pathFilestatSetTimes = Rights(rawValue: 1 << 20)
        package static let fdFilestatGet = Rights(rawValue: 1 << 21)
        package static let fdFilestatSetSize = Rights(rawValue: 1 << 22)
        package static let fdFilestatSetTimes = Rights(rawValue: 1 << 23)
        package static let pathSymlink = Rights(rawValue: 1 << 24)
        package static let pathRemoveDirectory = Rights(rawValue: 1 << 25)
        package static let pathUnlinkFile = Rights(rawValue: 1 << 26)
        package static let pollFdReadwrite = Rights(rawValue: 1 << 27)
        package static let sockShutdown = Rights(rawValue: 1 << 28)
        package static let sockAccept = Rights(rawValue: 1 << 29)

        /// Every right preview1 defines.
        package static let all = Rights(rawValue: (1 << 30) - 1)

        /// The rights that make sense on a regular file.
        package static let regularFile: Rights = [
            .fdDatasync, .fdRead, .fdSeek, .fdFdstatSetFlags, .fdSync, .fdTell, .fdWrite, .fdAdvise, .fdAllocate,
            .fdFilestatGet, .fdFilestatSetSize, .fdFilestatSetTimes, .pollFdReadwrite,
        ]

        /// The rights that make sense on a directory.
        package static let directory: Rights = [
            .fdFdstatSetFlags, .fdSync, .fdAdvise, .pathCreateDirectory, .pathCreateFile, .pathLinkSource,
            .pathLinkTarget, .pathOpen, .fdReaddir, .pathReadlink, .pathRenameSource, .pathRenameTarget,
            .pathFilestatGet, .pathFilestatSetSize, .pathFilestatSetTimes, .fdFilestatGet, .fdFilestatSetTimes,
            .pathSymlink, .pathRemoveDirectory, .pathUnlinkFile,
        ]
    }

    /// File descriptor flags (`fdflags`, u16).
    package struct FDFlags: OptionSet, Sendable, Hashable {
        package let rawValue: UInt16
        package init(rawValue: UInt16) { self.rawValue = rawValue }

        /// Writes always append to the end of the file.
        package static let append = FDFlags(rawValue: 1 << 0)
        /// Write according to synchronized I/O data integrity completion.
        package static let dsync = FDFlags(rawValue: 1 << 1)
        /// Non-blocking mode.
        package static let nonblock = FDFlags(rawValue: 1 << 2)
        /// Synchronized read I/O operations.
        package static let rsync = FDFlags(rawValue: 1 << 3)
        /// Write according to synchronized I/O file integrity completion.
        package static let sync = FDFlags(rawValue: 1 << 4)
        /// Every defined flag.
        package static let all = FDFlags(rawValue: 0x1F)
    }

    /// Open flags for `path_open` (`oflags`, u16).
    package struct OFlags: OptionSet, Sendable, Hashable {
        package let rawValue: UInt16
        package init(rawValue: UInt16) { self.rawValue = rawValue }

        /// Create the file if it does not exist.
        package static let creat = OFlags(rawValue: 1 << 0)
        /// Fail if not a directory.
        package static let directory = OFlags(rawValue: 1 << 1)
        /// Fail if the file already exists.
        package static let excl = OFlags(rawValue: 1 << 2)
        /// Truncate the file to size 0.
        package static let trunc = OFlags(rawValue: 1 << 3)
        /// Every defined flag.
        package static let all = OFlags(rawValue: 0xF)
    }

    /// Path lookup flags (`lookupflags`, u32).
    package struct LookupFlags: OptionSet, Sendable, Hashable {
        package let rawValue: UInt32
        package init(rawValue: UInt32) { self.rawValue = rawValue }

        /// Expand a symbolic link in the last component.
        package static let symlinkFollow = LookupFlags(rawValue: 1 << 0)
    }

    /// Which timestamps `*_filestat_set_times` changes (`fstflags`, u16).
    package struct FSTFlags: OptionSet, Sendable, Hashable {
        package let rawValue: UInt16
        package init(rawValue: UInt16) { self.rawValue = rawValue }

        /// Set the access time to the given value.
        package static let atim = FSTFlags(rawValue: 1 << 0)
        /// Set the access time to now.
        package static let atimNow = FSTFlags(rawValue: 1 << 1)
        /// Set the modification time to the given value.
        package static let mtim = FSTFlags(rawValue: 1 << 2)
        /// Set the modification time to now.
        package static let mtimNow = FSTFlags(rawValue: 1 << 3)
        /// Every defined flag.
        package static let all = FSTFlags(rawValue: 0xF)
    }

    /// The base of an `fd_seek` offset (`whence`, u8).
    package enum Whence: UInt8, Sendable {
        /// From the start of the file.
        case set = 0
        /// From the current position.
        case cur = 1
        /// From the end of the file.
        case end = 2
    }

    /// A clock (`clockid`, u32).
    package enum ClockID: UInt32, Sendable, CaseIterable {
        /// Wall-clock time: nanoseconds since 1970-01-01T00:00:00Z.
        case realtime = 0
        /// A clock that only moves forward, from an arbitrary start.
        case monotonic = 1
        /// CPU time of the process.
        case processCPUTime = 2
        /// CPU time of the thread.
        case threadCPUTime = 3
    }

    /// What a `poll_oneoff` subscription waits for (`eventtype`, u8).
    package enum EventType: UInt8, Sendable {
        /// A clock reached its timeout.
        case clock = 0
        /// A descriptor has data to read.
        case fdRead = 1
        /// A descriptor can take writes.
        case fdWrite = 2
    }

    /// The largest `advice` value (`noreuse`); `fd_advise` refuses larger ones with `EINVAL`.
    package static let maxAdvice: UInt32 = 5
    /// The largest `signal` value (`sys`); `proc_raise` refuses larger ones with `EINVAL`.
    package static let maxSignal: UInt32 = 30
    /// `subclockflags.subscription_clock_abstime`: the timeout is an absolute time on the clock.
    package static let subscriptionClockAbstime: UInt16 = 1
    /// `eventrwflags.fd_readwrite_hangup`: the peer of the stream has hung up (stdin is exhausted).
    package static let eventFdReadwriteHangup: UInt16 = 1
    /// `preopentype.dir`: the only preopen type.
    package static let preopentypeDir: UInt8 = 0

    /// Sizes and field offsets of the structures in guest memory.
    package enum Layout {
        /// `iovec`/`ciovec`: `buf` (u32) at 0, `buf_len` (u32) at 4.
        package static let iovecSize: UInt32 = 8
        /// `fdstat`: `fs_filetype` u8 at 0, `fs_flags` u16 at 2, `fs_rights_base` u64 at 8,
        /// `fs_rights_inheriting` u64 at 16.
        package static let fdstatSize: UInt32 = 24
        /// `filestat`: `dev` at 0, `ino` at 8, `filetype` u8 at 16, `nlink` at 24, `size` at 32, `atim` at 40,
        /// `mtim` at 48, `ctim` at 56 (all u64 but `filetype`).
        package static let filestatSize: UInt32 = 64
        /// `dirent`: `d_next` u64 at 0, `d_ino` u64 at 8, `d_namlen` u32 at 16, `d_type` u8 at 20; the name
        /// follows the 24-byte header, not NUL-terminated.
        package static let direntSize: UInt32 = 24
        /// `prestat`: tag u8 at 0 (0 = dir), `pr_name_len` u32 at 4.
        package static let prestatSize: UInt32 = 8
        /// `subscription`: `userdata` u64 at 0, tag u8 at 8, then the union at 16: clock `id` u32 at 16,
        /// `timeout` u64 at 24, `precision` u64 at 32, `flags` u16 at 40; or fd_read/fd_write `fd` u32 at 16.
        package static let subscriptionSize: UInt32 = 48
        /// `event`: `userdata` u64 at 0, `error` u16 at 8, `type` u8 at 10, `fd_readwrite.nbytes` u64 at 16,
        /// `fd_readwrite.flags` u16 at 24.
        package static let eventSize: UInt32 = 32
    }
}
