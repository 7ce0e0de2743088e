/// The socket functions: a tasklet has no sockets, so each is `EBADF` for a descriptor that is not open and
/// `ENOTSOCK` for one that is.
extension WASIContext {
    /// `sock_accept(fd, flags, fd: *fd)`.
    package func sockAccept(
        fd: UInt32,
        flags: UInt32,
        resultPointer: UInt32,
        in memory: GuestMemory
    ) throws
        -> WASIErrno
    {
        notSocket(fd)
    }

    /// `sock_recv(fd, ri_data, ri_data_len, ri_flags, ro_datalen: *size, ro_flags: *roflags)`.
    package func sockRecv(
        fd: UInt32,
        data: UInt32,
        dataCount: UInt32,
        flags: UInt32,
        lengthPointer: UInt32,
        flagsPointer: UInt32,
        in memory: GuestMemory
    ) throws -> WASIErrno {
        notSocket(fd)
    }

    /// `sock_send(fd, si_data, si_data_len, si_flags, so_datalen: *size)`.
    package func sockSend(
        fd: UInt32,
        data: UInt32,
        dataCount: UInt32,
        flags: UInt32,
        lengthPointer: UInt32,
        in memory: GuestMemory
    ) throws -> WASIErrno {
        notSocket(fd)
    }

    /// `sock_shutdown(fd, how)`.
    package func sockShutdown(fd: UInt32, how: UInt32) -> WASIErrno {
        notSocket(fd)
    }

    /// `EBADF` or `ENOTSOCK`.
    private func notSocket(_ fd: UInt32) -> WASIErrno {
        (try? descriptor(fd)) == nil ? .badf : .notsock
    }
}
