/// Clocks, randomness, `sched_yield`, `proc_exit` and `proc_raise`.
extension WASIContext {
    /// `clock_res_get(id, resolution: *timestamp)`: the clock's resolution (`EINVAL` for an unknown clock).
    package func clockResGet(id: UInt32, resultPointer: UInt32, in memory: GuestMemory) throws -> WASIErrno {
        try syscall {
            guard let clock = WASIABI.ClockID(rawValue: id) else { throw WASIErrno.inval }
            try memory.store(self.clock.resolution(clock), at: resultPointer)
        }
    }

    /// `clock_time_get(id, precision, time: *timestamp)`: the clock's time in nanoseconds (`EINVAL` for an
    /// unknown clock). Virtual clocks advance one step per call; `precision` is ignored.
    package func clockTimeGet(
        id: UInt32,
        precision: UInt64,
        resultPointer: UInt32,
        in memory: GuestMemory
    ) throws
        -> WASIErrno
    {
        try syscall {
            guard let clock = WASIABI.ClockID(rawValue: id) else { throw WASIErrno.inval }
            _ = try memory.offset(resultPointer, count: 8)
            try memory.store(self.clock.time(clock), at: resultPointer)
        }
    }

    /// `random_get(buf, buf_len)`: fills the buffer from the launch's random stream.
    package func randomGet(buffer: UInt32, length: UInt32, in memory: GuestMemory) throws -> WASIErrno {
        try syscall { random.fill(try memory.bytes(at: buffer, count: length)) }
    }

    /// `sched_yield()`: succeeds (a tasklet has its core to itself).
    package func schedYield() -> WASIErrno {
        .success
    }

    /// `proc_exit(rval)`: ends the run with exit code `rval`.
    /// - Throws: always, ``WASIExit`` with `Int32(bitPattern: code)`.
    package func procExit(code: UInt32) throws -> Never {
        throw WASIExit(code: Int32(bitPattern: code))
    }

    /// `proc_raise(sig)`: POSIX default actions. Signal 0 and those whose default is to ignore or stop the process
    /// (`CHLD`, `CONT`, `STOP`, `TSTP`, `TTIN`, `TTOU`, `URG`, `WINCH`) do nothing; any other ends the run as a
    /// shell reports a death by signal, exit code `128 + sig`; unknown signals (over 30) are `EINVAL`.
    package func procRaise(signal: UInt32) throws -> WASIErrno {
        guard signal <= WASIABI.maxSignal else { return .inval }
        // chld 16, cont 17, stop 18, tstp 19, ttin 20, ttou 21, urg 22, winch 27
        let ignored: Set<UInt32> = [0, 16, 17, 18, 19, 20, 21, 22, 27]
        if ignored.contains(signal) { return .success }
        throw WASIExit(code: 128 + Int32(signal))
    }
}
