/// A WASI preview1 error number (`errno`), as a host function returns it to the guest.
///
/// The cases and their values are those of `wasi_snapshot_preview1` (`typenames.witx`), named after the witx
/// spellings (`$badf` is ``badf``, `$2big` is ``toobig``). Thrown inside the WASI layer to leave a call early;
/// each ``WASIContext`` syscall method catches it and returns it. ``description`` prints the C name (`EBADF`).
///
/// ```swift
/// let errno = try context.fdClose(fd: 42)
/// print(errno)  // EBADF
/// ```
package enum WASIErrno: UInt16, Error, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// No error occurred.
    case success = 0
    /// Argument list too long.
    case toobig = 1
    /// Permission denied.
    case acces = 2
    /// Address in use.
    case addrinuse = 3
    /// Address not available.
    case addrnotavail = 4
    /// Address family not supported.
    case afnosupport = 5
    /// Resource unavailable, or operation would block.
    case again = 6
    /// Connection already in progress.
    case already = 7
    /// Bad file descriptor.
    case badf = 8
    /// Bad message.
    case badmsg = 9
    /// Device or resource busy.
    case busy = 10
    /// Operation canceled.
    case canceled = 11
    /// No child processes.
    case child = 12
    /// Connection aborted.
    case connaborted = 13
    /// Connection refused.
    case connrefused = 14
    /// Connection reset.
    case connreset = 15
    /// Resource deadlock would occur.
    case deadlk = 16
    /// Destination address required.
    case destaddrreq = 17
    /// Mathematics argument out of domain of function.
    case dom = 18
    /// Reserved.
    case dquot = 19
    /// File exists.
    case exist = 20
    /// Bad address.
    case fault = 21
    /// File too large.
    case fbig = 22
    /// Host is unreachable.
    case hostunreach = 23
    /// Identifier removed.
    case idrm = 24
    /// Illegal byte sequence.
    case ilseq = 25
    /// Operation in progress.
    case inprogress = 26
    /// Interrupted function.
    case intr = 27
    /// Invalid argument.
    case inval = 28
    /// I/O error.
    case io = 29
    /// Socket is connected.
    case isconn = 30
    /// Is a directory.
    case isdir = 31
    /// Too many levels of symbolic links.
    case loop = 32
    /// File descriptor value too large.
    case mfile = 33
    /// Too many links.
    case mlink = 34
    /// Message too large.
    case msgsize = 35
    /// Reserved.
    case multihop = 36
    /// Filename too long.
    case nametoolong = 37
    /// Network is down.
    case netdown = 38
    /// Connection aborted by network.
    case netreset = 39
    /// Network unreachable.
    case netunreach = 40
    /// Too many files open in system.
    case nfile = 41
    /// No buffer space available.
    case nobufs = 42
    /// No such device.
    case nodev = 43
    /// No such file or directory.
    case noent = 44
    /// Executable file format error.
    case noexec = 45
    /// No locks available.
    case nolck = 46
    /// Reserved.
    case nolink = 47
    /// Not enough space.
    case nomem = 48
    /// No message of the desired type.
    case nomsg = 49
    /// Protocol not available.
    case noprotoopt = 50
    /// No space left on device.
    case nospc = 51
    /// Function not supported.
    case nosys = 52
    /// The socket is not connected.
    case notconn = 53
    /// Not a directory or a symbolic link to a directory.
    case notdir = 54
    /// Directory not empty.
    case notempty = 55
    /// State not recoverable.
    case notrecoverable = 56
    /// Not a socket.
    case notsock = 57
    /// Not supported, or operation not supported on socket.
    case notsup = 58
    /// Inappropriate I/O control operation.
    case notty = 59
    /// No such device or address.
    case nxio = 60
    /// Value too large to be stored in data type.
    case overflow = 61
    /// Previous owner died.
    case ownerdead = 62
    /// Operation not permitted.
    case perm = 63
    /// Broken pipe.
    case pipe = 64
    /// Protocol error.
    case proto = 65
    /// Protocol not supported.
    case protonosupport = 66
    /// Protocol wrong type for socket.
    case prototype = 67
    /// Result too large.
    case range = 68
    /// Read-only file system.
    case rofs = 69
    /// Invalid seek.
    case spipe = 70
    /// No such process.
    case srch = 71
    /// Reserved.
    case stale = 72
    /// Connection timed out.
    case timedout = 73
    /// Text file busy.
    case txtbsy = 74
    /// Cross-device link.
    case xdev = 75
    /// Extension: Capabilities insufficient.
    case notcapable = 76

    /// The C name, e.g. `EBADF` (`ESUCCESS` for ``success``).
    package var description: String {
        switch self {
        case .success: "ESUCCESS"
        case .toobig: "E2BIG"
        case .acces: "EACCES"
        case .addrinuse: "EADDRINUSE"
        case .addrnotavail: "EADDRNOTAVAIL"
        case .afnosupport: "EAFNOSUPPORT"
        case .again: "EAGAIN"
        case .already: "EALREADY"
        case .badf: "EBADF"
        case .badmsg: "EBADMSG"
        case .busy: "EBUSY"
        case .canceled: "ECANCELED"
        case .child: "ECHILD"
        case .connaborted: "ECONNABORTED"
        case .connrefused: "ECONNREFUSED"
        case .connreset: "ECONNRESET"
        case .deadlk: "EDEADLK"
        case .destaddrreq: "EDESTADDRREQ"
        case .dom: "EDOM"
        case .dquot: "EDQUOT"
        case .exist: "EEXIST"
        case .fault: "EFAULT"
        case .fbig: "EFBIG"
        case .hostunreach: "EHOSTUNREACH"
        case .idrm: "EIDRM"
        case .ilseq: "EILSEQ"
        case .inprogress: "EINPROGRESS"
        case .intr: "EINTR"
        case .inval: "EINVAL"
        case .io: "EIO"
        case .isconn: "EISCONN"
        case .isdir: "EISDIR"
        case .loop: "ELOOP"
        case .mfile: "EMFILE"
        case .mlink: "EMLINK"
        case .msgsize: "EMSGSIZE"
        case .multihop: "EMULTIHOP"
        case .nametoolong: "ENAMETOOLONG"
        case .netdown: "ENETDOWN"
        case .netreset: "ENETRESET"
        case .netunreach: "ENETUNREACH"
        case .nfile: "ENFILE"
        case .nobufs: "ENOBUFS"
        case .nodev: "ENODEV"
        case .noent: "ENOENT"
        case .noexec: "ENOEXEC"
        case .nolck: "ENOLCK"
        case .nolink: "ENOLINK"
        case .nomem: "ENOMEM"
        case .nomsg: "ENOMSG"
        case .noprotoopt: "ENOPROTOOPT"
        case .nospc: "ENOSPC"
        case .nosys: "ENOSYS"
        case .notconn: "ENOTCONN"
        case .notdir: "ENOTDIR"
        case .notempty: "ENOTEMPTY"
        case .notrecoverable: "ENOTRECOVERABLE"
        case .notsock: "ENOTSOCK"
        case .notsup: "ENOTSUP"
        case .notty: "ENOTTY"
        case .nxio: "ENXIO"
        case .overflow: "EOVERFLOW"
        case .ownerdead: "EOWNERDEAD"
        case .perm: "EPERM"
        case .pipe: "EPIPE"
        case .proto: "EPROTO"
        case .protonosupport: "EPROTONOSUPPORT"
        case .prototype: "EPROTOTYPE"
        case .range: "ERANGE"
        case .rofs: "EROFS"
        case .spipe: "ESPIPE"
        case .srch: "ESRCH"
        case .stale: "ESTALE"
        case .timedout: "ETIMEDOUT"
        case .txtbsy: "ETXTBSY"
        case .xdev: "EXDEV"
        case .notcapable: "ENOTCAPABLE"
        }
    }
}
