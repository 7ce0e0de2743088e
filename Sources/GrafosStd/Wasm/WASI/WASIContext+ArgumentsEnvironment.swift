/// `args_*` and `environ_*`: the program's argv and environment.
extension WASIContext {
    /// `args_sizes_get(argc: *size, argv_buf_size: *size)`: the argument count and the bytes of all arguments,
    /// each with its NUL.
    package func argsSizesGet(
        countPointer: UInt32,
        bufferSizePointer: UInt32,
        in memory: GuestMemory
    ) throws
        -> WASIErrno
    {
        try syscall { try Self.storeSizes(argumentStrings, countPointer, bufferSizePointer, memory) }
    }

    /// `args_get(argv: **u8, argv_buf: *u8)`: writes the NUL-terminated arguments back to back at `buffer` and a
    /// pointer to each at `argv[i]` (the array has `argc` entries; no NULL entry is added, `wasi-libc` adds it).
    package func argsGet(argv: UInt32, buffer: UInt32, in memory: GuestMemory) throws -> WASIErrno {
        try syscall { try Self.storeStrings(argumentStrings, argv, buffer, memory) }
    }

    /// `environ_sizes_get(environc: *size, environ_buf_size: *size)`: the variable count and the bytes of all
    /// `KEY=VALUE` strings, each with its NUL.
    package func environSizesGet(
        countPointer: UInt32,
        bufferSizePointer: UInt32,
        in memory: GuestMemory
    ) throws
        -> WASIErrno
    {
        try syscall { try Self.storeSizes(environmentStrings, countPointer, bufferSizePointer, memory) }
    }

    /// `environ_get(environ: **u8, environ_buf: *u8)`: as ``argsGet(argv:buffer:in:)``, for `KEY=VALUE` strings
    /// sorted by key.
    package func environGet(environ: UInt32, buffer: UInt32, in memory: GuestMemory) throws -> WASIErrno {
        try syscall { try Self.storeStrings(environmentStrings, environ, buffer, memory) }
    }

    /// Stores the count and total size of `strings`.
    private static func storeSizes(
        _ strings: [[UInt8]],
        _ countPointer: UInt32,
        _ sizePointer: UInt32,
        _ memory: GuestMemory
    ) throws(WASIErrno) {
        var size = 0
        for string in strings { size += string.count }
        try memory.store(UInt32(strings.count), at: countPointer)
        try memory.store(UInt32(clamping: size), at: sizePointer)
    }

    /// Stores `strings` back to back at `buffer` and their addresses at `pointers`.
    private static func storeStrings(
        _ strings: [[UInt8]],
        _ pointers: UInt32,
        _ buffer: UInt32,
        _ memory: GuestMemory
    ) throws(WASIErrno) {
        var next = buffer
        for (index, string) in strings.enumerated() {
            try memory.write(string, at: next)
            try memory.store(next, at: pointers &+ UInt32(index) &* 4)
            next &+= UInt32(string.count)
        }
    }
}
