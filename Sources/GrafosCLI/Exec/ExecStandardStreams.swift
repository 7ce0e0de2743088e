import GrafosStd

/// Connects a program's standard streams to ``ProgramStreams`` while it runs, so that `grafos exec` streams
/// instead of collecting everything until the end.
///
/// ``WASIContext`` keeps stdout and stderr in buffers and serves stdin from bytes given up front — right for
/// tasklets, wrong for a command line (a program that prints progress, or reads a terminal, or writes gigabytes).
/// This type replaces a few `wasi_snapshot_preview1` functions in the imports with versions that pass the
/// descriptors which *are* stdin, stdout and stderr straight to the streams, and call the context for everything
/// else:
///
/// - `fd_write` on stdout/stderr writes to the streams at once (nothing is kept, so there is no output limit);
/// - `fd_read` on stdin reads from the streams, returning what one read gives (a short read, as from a pipe),
///   when ``streamsInput`` is set (otherwise the context's configured bytes are read);
/// - `fd_close`, `fd_renumber` and `fd_fdstat_set_rights` go to the context and then update which descriptor
///   numbers are still the standard streams (closing or renumbering onto them hands them to the context);
/// - `grafos.output_write` and `grafos.log`, and writes the context handles, are copied to the streams right after
///   each call (``drain()``), so freestanding `grafos` tasklets stream too.
///
/// ```swift
/// var imports = WasmImports()
/// context.define(in: &imports)
/// let stdio = ExecStandardStreams(context: context, streams: streams, streamsInput: true)
/// stdio.define(in: &imports)  // after the context: replaces its versions
/// ```
final class ExecStandardStreams {
    /// The launch's WASI state.
    let context: WASIContext
    /// Where the bytes go.
    let streams: any ProgramStreams
    /// The descriptor that is still our standard input (read from ``streams``), if any.
    private(set) var standardInput: UInt32?
    /// The descriptor that is still our standard output, if any.
    private(set) var standardOutput: UInt32? = 1
    /// The descriptor that is still our standard error, if any.
    private(set) var standardError: UInt32? = 2
    /// How much of the context's output buffer was copied to the streams.
    private var drainedOutput = 0
    /// How much of the context's log buffer was copied to the streams.
    private var drainedLog = 0

    /// The most iovecs one call takes, as ``WASIContext`` (`IOV_MAX`); more is `EINVAL`.
    static let maxIovecs: UInt32 = 1024

    /// Creates the adapter.
    /// - Parameters:
    ///   - context: the launch's context; its configured stdin is read when `streamsInput` is false.
    ///   - streams: the program's streams.
    ///   - streamsInput: whether descriptor 0 reads from `streams` (rather than from the context's bytes).
    init(context: WASIContext, streams: any ProgramStreams, streamsInput: Bool) {
        self.context = context
        self.streams = streams
        standardInput = streamsInput ? 0 : nil
    }

    /// Replaces the functions named above in `imports`; call it after ``WASIContext/define(in:)``.
    func define(in imports: inout WasmImports) {
        let i32 = WasmValueType.i32
        let i64 = WasmValueType.i64
        let wasi = WASIContext.wasiModuleName
        define(&imports, wasi, "fd_read", [i32, i32, i32, i32], [i32]) { this, slots, memory in
            let fd = UInt32(truncatingIfNeeded: slots[0])
            let (iovs, count, result) = Self.u32(slots[1], slots[2], slots[3])
            if fd == this.standardInput {
                return Self.slot(this.readInput(iovs: iovs, count: count, resultPointer: result, in: memory))
            }
            return Self.slot(
                try this.context.fdRead(fd: fd, iovs: iovs, iovsCount: count, resultPointer: result, in: memory)
            )
        }
        define(&imports, wasi, "fd_write", [i32, i32, i32, i32], [i32]) { this, slots, memory in
            let fd = UInt32(truncatingIfNeeded: slots[0])
            let (iovs, count, result) = Self.u32(slots[1], slots[2], slots[3])
            if fd == this.standardOutput || fd == this.standardError {
                let toOutput = fd == this.standardOutput
                return Self.slot(
                    this.write(iovs: iovs, count: count, resultPointer: result, toOutput: toOutput, in: memory)
                )
            }
            defer { this.drain() }
            return Self.slot(
                try this.context.fdWrite(fd: fd, iovs: iovs, iovsCount: count, resultPointer: result, in: memory)
            )
        }
        define(&imports, wasi, "fd_close", [i32], [i32]) { this, slots, _ in
            let fd = UInt32(truncatingIfNeeded: slots[0])
            let errno = try this.context.fdClose(fd: fd)
            if errno == .success { this.forget(fd) }
            return Self.slot(errno)
        }
        define(&imports, wasi, "fd_renumber", [i32, i32], [i32]) { this, slots, _ in
            let (from, to, _) = Self.u32(slots[0], slots[1], 0)
            let errno = try this.context.fdRenumber(fd: from, to: to)
            if errno == .success, from != to { this.renumber(from, to) }
            return Self.slot(errno)
        }
        define(&imports, wasi, "fd_fdstat_set_rights", [i32, i64, i64], [i32]) { this, slots, _ in
            let fd = UInt32(truncatingIfNeeded: slots[0])
            let errno = try this.context.fdFdstatSetRights(fd: fd, base: slots[1], inheriting: slots[2])
            // Rights narrowed on a standard stream: let the context enforce them from now on.
            if errno == .success { this.forget(fd) }
            return Self.slot(errno)
        }
        let grafos = WASIContext.grafosModuleName
        define(&imports, grafos, "output_write", [i32, i32], [i32]) { this, slots, memory in
            let (source, length, _) = Self.u32(slots[0], slots[1], 0)
            defer { this.drain() }
            return UInt64(
                UInt32(bitPattern: this.context.grafosOutputWrite(source: source, length: length, in: memory))
            )
        }
        define(&imports, grafos, "log", [i32, i32], []) { this, slots, memory in
            let (source, length, _) = Self.u32(slots[0], slots[1], 0)
            defer { this.drain() }
            do {
                try this.context.grafosLog(source: source, length: length, in: memory)
            } catch is WASIMemoryFault {
                throw Trap(.outOfBoundsMemoryAccess)
            }
            return nil
        }
    }

    /// Copies what the context buffered since the last call (its output and log) to the streams. Write failures
    /// are ignored here: the `grafos` ABI has no way to report them.
    func drain() {
        let output = context.output
        if output.count > drainedOutput {
            output[drainedOutput...].withUnsafeBytes { try? streams.writeOutput($0) }
            drainedOutput = output.count
        }
        let log = context.log
        if log.count > drainedLog {
            log[drainedLog...].withUnsafeBytes { try? streams.writeError($0) }
            drainedLog = log.count
        }
    }

    // MARK: - The standard streams

    /// `fd_read` on standard input: fills the first non-empty buffer with what one read of the streams gives.
    private func readInput(iovs: UInt32, count: UInt32, resultPointer: UInt32, in memory: GuestMemory) -> WASIErrno {
        do throws(WASIErrno) {
            let buffers = try Self.buffers(memory, iovs, count)
            _ = try memory.offset(resultPointer, count: 4)
            var total = 0
            if let first = buffers.first(where: { $0.count > 0 }) { total = try streams.readInput(into: first) }
            try memory.store(UInt32(total), at: resultPointer)
            return .success
        } catch {
            return error
        }
    }

    /// `fd_write` on standard output or error: writes every buffer to the streams.
    private func write(
        iovs: UInt32,
        count: UInt32,
        resultPointer: UInt32,
        toOutput: Bool,
        in memory: GuestMemory
    ) -> WASIErrno {
        do throws(WASIErrno) {
            let buffers = try Self.buffers(memory, iovs, count)
            _ = try memory.offset(resultPointer, count: 4)
            var total = 0
            for buffer in buffers where buffer.count > 0 {
                if toOutput {
                    try streams.writeOutput(UnsafeRawBufferPointer(buffer))
                } else {
                    try streams.writeError(UnsafeRawBufferPointer(buffer))
                }
                total += buffer.count
            }
            try memory.store(UInt32(total), at: resultPointer)
            return .success
        } catch {
            return error
        }
    }

    /// Forgets that `fd` is a standard stream (it was closed, or its rights changed).
    private func forget(_ fd: UInt32) {
        if standardInput == fd { standardInput = nil }
        if standardOutput == fd { standardOutput = nil }
        if standardError == fd { standardError = nil }
    }

    /// Follows `fd_renumber(from, to)`: a standard stream at `from` moves to `to`; one at `to` was closed.
    private func renumber(_ from: UInt32, _ to: UInt32) {
        func moved(_ fd: UInt32?) -> UInt32? {
            if fd == from { return to }
            if fd == to { return nil }
            return fd
        }
        standardInput = moved(standardInput)
        standardOutput = moved(standardOutput)
        standardError = moved(standardError)
    }

    // MARK: - Helpers

    /// The buffers of an iovec array, all checked before any is used.
    /// - Throws: `EINVAL` for more than ``maxIovecs`` or a total over `UInt32.max`; `EFAULT` outside the memory.
    private static func buffers(
        _ memory: GuestMemory,
        _ pointer: UInt32,
        _ count: UInt32
    ) throws(WASIErrno) -> [UnsafeMutableRawBufferPointer] {
        guard count <= maxIovecs else { throw .inval }
        _ = try memory.offset(pointer, count: Int(count) * 8)
        var buffers: [UnsafeMutableRawBufferPointer] = []
        buffers.reserveCapacity(Int(count))
        var total = 0
        for index in 0..<count {
            let entry = pointer &+ index &* 8
            let buffer = try memory.bytes(
                at: try memory.load(UInt32.self, at: entry),
                count: try memory.load(UInt32.self, at: entry &+ 4)
            )
            total += buffer.count
            buffers.append(buffer)
        }
        guard total <= Int(UInt32.max) else { throw .inval }
        return buffers
    }

    /// An errno as the `i32` result's slot value.
    private static func slot(_ errno: WASIErrno) -> UInt64? {
        UInt64(errno.rawValue)
    }

    /// Three slots as the guest's unsigned `i32`s.
    private static func u32(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> (UInt32, UInt32, UInt32) {
        (UInt32(truncatingIfNeeded: a), UInt32(truncatingIfNeeded: b), UInt32(truncatingIfNeeded: c))
    }

    /// Defines `module.name` as a host function of this adapter in the engine's slot form; `body` returns the
    /// `i32` result's slot value, or `nil` for a function without results.
    private func define(
        _ imports: inout WasmImports,
        _ module: String,
        _ name: String,
        _ parameters: [WasmValueType],
        _ results: [WasmValueType],
        _ body: @escaping (ExecStandardStreams, UnsafeMutableBufferPointer<UInt64>, GuestMemory) throws -> UInt64?
    ) {
        let function = WasmHostFunction(type: WasmFunctionType(parameters: parameters, results: results)) {
            caller,
            slots in
            let result: UInt64?
            if let memory = caller.memory {
                result = try memory.withUnsafeMutableBytes { bytes in try body(self, slots, GuestMemory(bytes)) }
            } else {
                result = try body(self, slots, .empty)
            }
            if let result { slots[0] = result }
        }
        imports.define(module: module, name: name, function)
    }
}
