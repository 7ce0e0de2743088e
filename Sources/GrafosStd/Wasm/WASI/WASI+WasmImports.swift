/// The adapter between ``WASIContext`` and the engine: every preview1 function and the `grafos` module as
/// ``WasmHostFunction``s. The only file of `Wasm/WASI` that knows the engine.
///
/// Each function uses the engine's slot form (no allocation per call): `i32` arguments are the low 32 bits of a
/// slot, `i64` the whole slot; the `i32` result goes to slot 0. The caller's memory is viewed afresh for every
/// call (a `memory.grow` may have moved it); an instance without memory gets an empty one, so every pointer is
/// `EFAULT`. Errors the context throws (``WASIExit``, ``WASIOutputLimitExceeded``, object-store errors) leave the
/// engine unchanged; ``WASIMemoryFault`` becomes the trap "out of bounds memory access".
extension WASIContext {
    /// The module name of WASI preview1.
    package static let wasiModuleName = "wasi_snapshot_preview1"
    /// The module name of the `grafos` host ABI.
    package static let grafosModuleName = "grafos"

    /// Defines all of `wasi_snapshot_preview1` and `grafos` in `imports`, bound to this context.
    ///
    /// ```swift
    /// var imports = WasmImports()
    /// context.define(in: &imports)
    /// let instance = try store.instantiate(compiled, imports: imports)
    /// ```
    package func define(in imports: inout WasmImports) {
        defineWASI(in: &imports)
        defineGrafos(in: &imports)
    }

    /// Defines the 46 functions of `wasi_snapshot_preview1`.
    package func defineWASI(in imports: inout WasmImports) {
        func define(
            _ name: String,
            _ parameters: [WasmValueType],
            _ body: @escaping (WASIContext, Slots, GuestMemory) throws -> WASIErrno
        ) {
            imports.define(
                module: Self.wasiModuleName,
                name: name,
                Self.hostFunction(self, parameters, [.i32]) { context, slots, memory in
                    slots.result(try body(context, slots, memory).rawValue)
                }
            )
        }
        let i32 = WasmValueType.i32
        let i64 = WasmValueType.i64

        define("args_get", [i32, i32]) { c, s, m in try c.argsGet(argv: s.u32(0), buffer: s.u32(1), in: m) }
        define("args_sizes_get", [i32, i32]) { c, s, m in
            try c.argsSizesGet(countPointer: s.u32(0), bufferSizePointer: s.u32(1), in: m)
        }
        define("environ_get", [i32, i32]) { c, s, m in try c.environGet(environ: s.u32(0), buffer: s.u32(1), in: m) }
        define("environ_sizes_get", [i32, i32]) { c, s, m in
            try c.environSizesGet(countPointer: s.u32(0), bufferSizePointer: s.u32(1), in: m)
        }
        define("clock_res_get", [i32, i32]) { c, s, m in try c.clockResGet(id: s.u32(0), resultPointer: s.u32(1), in: m)
        }
        define("clock_time_get", [i32, i64, i32]) { c, s, m in
            try c.clockTimeGet(id: s.u32(0), precision: s.u64(1), resultPointer: s.u32(2), in: m)
        }
        define("random_get", [i32, i32]) { c, s, m in try c.randomGet(buffer: s.u32(0), length: s.u32(1), in: m) }
        define("sched_yield", []) { c, _, _ in c.schedYield() }
        define("proc_raise", [i32]) { c, s, _ in try c.procRaise(signal: s.u32(0)) }
        imports.define(
            module: Self.wasiModuleName,
            name: "proc_exit",
            Self.hostFunction(self, [i32], []) { context, slots, _ in try context.procExit(code: slots.u32(0)) }
        )

        define("fd_advise", [i32, i64, i64, i32]) { c, s, _ in
            try c.fdAdvise(fd: s.u32(0), offset: s.u64(1), length: s.u64(2), advice: s.u32(3))
        }
        define("fd_allocate", [i32, i64, i64]) { c, s, _ in
            try c.fdAllocate(fd: s.u32(0), offset: s.u64(1), length: s.u64(2))
        }
        define("fd_close", [i32]) { c, s, _ in try c.fdClose(fd: s.u32(0)) }
        define("fd_datasync", [i32]) { c, s, _ in try c.fdDatasync(fd: s.u32(0)) }
        define("fd_fdstat_get", [i32, i32]) { c, s, m in try c.fdFdstatGet(fd: s.u32(0), resultPointer: s.u32(1), in: m)
        }
        define("fd_fdstat_set_flags", [i32, i32]) { c, s, _ in try c.fdFdstatSetFlags(fd: s.u32(0), flags: s.u32(1)) }
        define("fd_fdstat_set_rights", [i32, i64, i64]) { c, s, _ in
            try c.fdFdstatSetRights(fd: s.u32(0), base: s.u64(1), inheriting: s.u64(2))
        }
        define("fd_filestat_get", [i32, i32]) { c, s, m in
            try c.fdFilestatGet(fd: s.u32(0), resultPointer: s.u32(1), in: m)
        }
        define("fd_filestat_set_size", [i32, i64]) { c, s, _ in try c.fdFilestatSetSize(fd: s.u32(0), size: s.u64(1)) }
        define("fd_filestat_set_times", [i32, i64, i64, i32]) { c, s, _ in
            try c.fdFilestatSetTimes(fd: s.u32(0), accessTime: s.u64(1), modificationTime: s.u64(2), flags: s.u32(3))
        }
        define("fd_pread", [i32, i32, i32, i64, i32]) { c, s, m in
            try c.fdPread(
                fd: s.u32(0),
                iovs: s.u32(1),
                iovsCount: s.u32(2),
                offset: s.u64(3),
                resultPointer: s.u32(4),
                in: m
            )
        }
        define("fd_prestat_get", [i32, i32]) { c, s, m in
            try c.fdPrestatGet(fd: s.u32(0), resultPointer: s.u32(1), in: m)
        }
        define("fd_prestat_dir_name", [i32, i32, i32]) { c, s, m in
            try c.fdPrestatDirName(fd: s.u32(0), path: s.u32(1), length: s.u32(2), in: m)
        }
        define("fd_pwrite", [i32, i32, i32, i64, i32]) { c, s, m in
            try c.fdPwrite(
                fd: s.u32(0),
                iovs: s.u32(1),
                iovsCount: s.u32(2),
                offset: s.u64(3),
                resultPointer: s.u32(4),
                in: m
            )
        }
        define("fd_read", [i32, i32, i32, i32]) { c, s, m in
            try c.fdRead(fd: s.u32(0), iovs: s.u32(1), iovsCount: s.u32(2), resultPointer: s.u32(3), in: m)
        }
        define("fd_readdir", [i32, i32, i32, i64, i32]) { c, s, m in
            try c.fdReaddir(
                fd: s.u32(0),
                buffer: s.u32(1),
                length: s.u32(2),
                cookie: s.u64(3),
                resultPointer: s.u32(4),
                in: m
            )
        }
        define("fd_renumber", [i32, i32]) { c, s, _ in try c.fdRenumber(fd: s.u32(0), to: s.u32(1)) }
        define("fd_seek", [i32, i64, i32, i32]) { c, s, m in
            try c.fdSeek(fd: s.u32(0), offset: s.i64(1), whence: s.u32(2), resultPointer: s.u32(3), in: m)
        }
        define("fd_sync", [i32]) { c, s, _ in try c.fdSync(fd: s.u32(0)) }
        define("fd_tell", [i32, i32]) { c, s, m in try c.fdTell(fd: s.u32(0), resultPointer: s.u32(1), in: m) }
        define("fd_write", [i32, i32, i32, i32]) { c, s, m in
            try c.fdWrite(fd: s.u32(0), iovs: s.u32(1), iovsCount: s.u32(2), resultPointer: s.u32(3), in: m)
        }

        define("path_create_directory", [i32, i32, i32]) { c, s, m in
            try c.pathCreateDirectory(fd: s.u32(0), path: s.u32(1), pathLength: s.u32(2), in: m)
        }
        define("path_filestat_get", [i32, i32, i32, i32, i32]) { c, s, m in
            try c.pathFilestatGet(
                fd: s.u32(0),
                lookupFlags: s.u32(1),
                path: s.u32(2),
                pathLength: s.u32(3),
                resultPointer: s.u32(4),
                in: m
            )
        }
        define("path_filestat_set_times", [i32, i32, i32, i32, i64, i64, i32]) { c, s, m in
            try c.pathFilestatSetTimes(
                fd: s.u32(0),
                lookupFlags: s.u32(1),
                path: s.u32(2),
                pathLength: s.u32(3),
                accessTime: s.u64(4),
                modificationTime: s.u64(5),
                flags: s.u32(6),
                in: m
            )
        }
        define("path_link", [i32, i32, i32, i32, i32, i32, i32]) { c, s, m in
            try c.pathLink(
                oldFD: s.u32(0),
                oldFlags: s.u32(1),
                oldPath: s.u32(2),
                oldPathLength: s.u32(3),
                newFD: s.u32(4),
                newPath: s.u32(5),
                newPathLength: s.u32(6),
                in: m
            )
        }
        define("path_open", [i32, i32, i32, i32, i32, i64, i64, i32, i32]) { c, s, m in
            try c.pathOpen(
                fd: s.u32(0),
                lookupFlags: s.u32(1),
                path: s.u32(2),
                pathLength: s.u32(3),
                openFlags: s.u32(4),
                rightsBase: s.u64(5),
                rightsInheriting: s.u64(6),
                fdFlags: s.u32(7),
                resultPointer: s.u32(8),
                in: m
            )
        }
        define("path_readlink", [i32, i32, i32, i32, i32, i32]) { c, s, m in
            try c.pathReadlink(
                fd: s.u32(0),
                path: s.u32(1),
                pathLength: s.u32(2),
                buffer: s.u32(3),
                bufferLength: s.u32(4),
                resultPointer: s.u32(5),
                in: m
            )
        }
        define("path_remove_directory", [i32, i32, i32]) { c, s, m in
            try c.pathRemoveDirectory(fd: s.u32(0), path: s.u32(1), pathLength: s.u32(2), in: m)
        }
        define("path_rename", [i32, i32, i32, i32, i32, i32]) { c, s, m in
            try c.pathRename(
                fd: s.u32(0),
                oldPath: s.u32(1),
                oldPathLength: s.u32(2),
                newFD: s.u32(3),
                newPath: s.u32(4),
                newPathLength: s.u32(5),
                in: m
            )
        }
        define("path_symlink", [i32, i32, i32, i32, i32]) { c, s, m in
            try c.pathSymlink(
                target: s.u32(0),
                targetLength: s.u32(1),
                fd: s.u32(2),
                path: s.u32(3),
                pathLength: s.u32(4),
                in: m
            )
        }
        define("path_unlink_file", [i32, i32, i32]) { c, s, m in
            try c.pathUnlinkFile(fd: s.u32(0), path: s.u32(1), pathLength: s.u32(2), in: m)
        }

        define("poll_oneoff", [i32, i32, i32, i32]) { c, s, m in
            try c.pollOneoff(subscriptions: s.u32(0), events: s.u32(1), count: s.u32(2), resultPointer: s.u32(3), in: m)
        }

        define("sock_accept", [i32, i32, i32]) { c, s, m in
            try c.sockAccept(fd: s.u32(0), flags: s.u32(1), resultPointer: s.u32(2), in: m)
        }
        define("sock_recv", [i32, i32, i32, i32, i32, i32]) { c, s, m in
            try c.sockRecv(
                fd: s.u32(0),
                data: s.u32(1),
                dataCount: s.u32(2),
                flags: s.u32(3),
                lengthPointer: s.u32(4),
                flagsPointer: s.u32(5),
                in: m
            )
        }
        define("sock_send", [i32, i32, i32, i32, i32]) { c, s, m in
            try c.sockSend(
                fd: s.u32(0),
                data: s.u32(1),
                dataCount: s.u32(2),
                flags: s.u32(3),
                lengthPointer: s.u32(4),
                in: m
            )
        }
        define("sock_shutdown", [i32, i32]) { c, s, _ in c.sockShutdown(fd: s.u32(0), how: s.u32(1)) }
    }

    /// Defines the 6 functions of the `grafos` module.
    package func defineGrafos(in imports: inout WasmImports) {
        func define(
            _ name: String,
            _ parameters: [WasmValueType],
            _ results: [WasmValueType],
            _ body: @escaping (WASIContext, Slots, GuestMemory) throws -> Void
        ) {
            imports.define(
                module: Self.grafosModuleName,
                name: name,
                Self.hostFunction(self, parameters, results, body)
            )
        }
        let i32 = WasmValueType.i32

        define("input_size", [], [i32]) { c, s, _ in s.result(c.grafosInputSize()) }
        define("input_read", [i32, i32, i32], [i32]) { c, s, m in
            s.result(c.grafosInputRead(destination: s.u32(0), length: s.u32(1), offset: s.u32(2), in: m))
        }
        define("output_write", [i32, i32], [i32]) { c, s, m in
            s.result(c.grafosOutputWrite(source: s.u32(0), length: s.u32(1), in: m))
        }
        define("log", [i32, i32], []) { c, s, m in
            do {
                try c.grafosLog(source: s.u32(0), length: s.u32(1), in: m)
            } catch is WASIMemoryFault {
                throw Trap(.outOfBoundsMemoryAccess)
            }
        }
        define("object_read", [i32, i32, i32, i32], [i32]) { c, s, m in
            s.result(
                try c.grafosObjectRead(
                    key: s.u32(0),
                    keyLength: s.u32(1),
                    destination: s.u32(2),
                    capacity: s.u32(3),
                    in: m
                )
            )
        }
        define("object_write", [i32, i32, i32, i32], [i32]) { c, s, m in
            s.result(
                try c.grafosObjectWrite(key: s.u32(0), keyLength: s.u32(1), source: s.u32(2), length: s.u32(3), in: m)
            )
        }
    }

    /// A host function of `context` in the engine's slot form, with the caller's memory as a ``GuestMemory``.
    private static func hostFunction(
        _ context: WASIContext,
        _ parameters: [WasmValueType],
        _ results: [WasmValueType],
        _ body: @escaping (WASIContext, Slots, GuestMemory) throws -> Void
    ) -> WasmHostFunction {
        WasmHostFunction(type: WasmFunctionType(parameters: parameters, results: results)) { caller, slots in
            guard let memory = caller.memory else {
                try body(context, Slots(slots), .empty)
                return
            }
            try memory.withUnsafeMutableBytes { bytes in try body(context, Slots(slots), GuestMemory(bytes)) }
        }
    }

    /// The argument and result slots of one call.
    struct Slots {
        /// The slots.
        let slots: UnsafeMutableBufferPointer<UInt64>

        init(_ slots: UnsafeMutableBufferPointer<UInt64>) {
            self.slots = slots
        }

        /// Argument `index` as an `i32` (unsigned: pointers, sizes, descriptors, flags).
        @inline(__always) func u32(_ index: Int) -> UInt32 { UInt32(truncatingIfNeeded: slots[index]) }
        /// Argument `index` as an unsigned `i64`.
        @inline(__always) func u64(_ index: Int) -> UInt64 { slots[index] }
        /// Argument `index` as a signed `i64`.
        @inline(__always) func i64(_ index: Int) -> Int64 { Int64(bitPattern: slots[index]) }
        /// Sets the `i32` result to an errno.
        @inline(__always) func result(_ value: UInt16) { slots[0] = UInt64(value) }
        /// Sets the `i32` result.
        @inline(__always) func result(_ value: Int32) { slots[0] = UInt64(UInt32(bitPattern: value)) }
    }
}
