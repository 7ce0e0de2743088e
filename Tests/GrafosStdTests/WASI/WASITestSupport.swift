#if canImport(GrafosWASIDev)
@testable import GrafosWASIDev
#else
@testable import GrafosStd
#endif

/// A zeroed byte buffer standing in for a wasm linear memory.
final class TestMemory {
    let buffer: UnsafeMutableRawBufferPointer

    init(size: Int = 1 << 16) {
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
    }

    deinit {
        buffer.deallocate()
    }

    /// The memory as host functions see it.
    var guest: GuestMemory { GuestMemory(buffer) }

    func put(_ bytes: [UInt8], at address: UInt32) {
        for (index, byte) in bytes.enumerated() { buffer[Int(address) + index] = byte }
    }

    func put(_ string: String, at address: UInt32) {
        put(Array(string.utf8), at: address)
    }

    func bytes(at address: UInt32, count: Int) -> [UInt8] {
        Array(buffer[Int(address)..<Int(address) + count])
    }

    func u8(at address: UInt32) -> UInt8 { buffer[Int(address)] }
    func u16(at address: UInt32) -> UInt16 { UInt16(u64(at: address, bytes: 2)) }
    func u32(at address: UInt32) -> UInt32 { UInt32(u64(at: address, bytes: 4)) }
    func u64(at address: UInt32) -> UInt64 { u64(at: address, bytes: 8) }

    private func u64(at address: UInt32, bytes: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in (0..<bytes).reversed() { value = value << 8 | UInt64(buffer[Int(address) + index]) }
        return value
    }

    func putU32(_ value: UInt32, at address: UInt32) {
        for index in 0..<4 { buffer[Int(address) + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
    }

    func putU64(_ value: UInt64, at address: UInt32) {
        for index in 0..<8 { buffer[Int(address) + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
    }
}

/// An object store in a dictionary, with a capacity and an optional failure to inject.
final class TestObjectStore: WASIObjectStore {
    var objects: [String: [UInt8]] = [:]
    var capacity = Int.max
    var failure: (any Error)?
    var writes = 0

    init(_ objects: [String: [UInt8]] = [:]) {
        self.objects = objects
    }

    func read(_ key: String) throws -> [UInt8] {
        if let failure { throw failure }
        guard let bytes = objects[key] else { throw FabricError.notFound }
        return bytes
    }

    func write(_ key: String, _ bytes: [UInt8]) throws {
        if let failure { throw failure }
        let used = objects.filter { $0.key != key }.values.reduce(0) { $0 + $1.count }
        guard used + bytes.count <= capacity else { throw FabricError.storageFull }
        objects[key] = bytes
        writes += 1
    }

    func list() throws -> [String] {
        if let failure { throw failure }
        return objects.keys.sorted()
    }

    func remove(_ key: String) throws {
        if let failure { throw failure }
        guard objects.removeValue(forKey: key) != nil else { throw FabricError.notFound }
    }
}

/// A context and a memory with a fixed layout, and short forms of the syscalls tests use most.
///
/// Layout: results at 0x40…0x7F, iovecs at 0x100, paths at 0x400, a second path at 0x800, data from 0x1000.
final class WASIHarness {
    static let result: UInt32 = 0x40
    static let iovecs: UInt32 = 0x100
    static let path: UInt32 = 0x400
    static let path2: UInt32 = 0x800
    static let data: UInt32 = 0x1000

    let context: WASIContext
    let memory = TestMemory()
    var guest: GuestMemory { memory.guest }

    init(
        _ configuration: WASIConfiguration = WASIConfiguration(),
        preopens: [WASIPreopen] = [],
        objectStore: (any WASIObjectStore)? = nil
    ) throws {
        context = try WASIContext(configuration: configuration, preopens: preopens, objectStore: objectStore)
    }

    /// A harness with one in-memory preopen `/data` (descriptor 3).
    convenience init(tree: [String: WASIFileTree], configuration: WASIConfiguration = WASIConfiguration()) throws {
        try self.init(configuration, preopens: [WASIPreopen("/data", .memory(.directory(tree)))])
    }

    /// Places `path` at ``path`` and returns its length.
    func place(_ path: String, at address: UInt32 = WASIHarness.path) -> UInt32 {
        memory.put(path, at: address)
        return UInt32(path.utf8.count)
    }

    /// The rights `wasi-libc` asks for with `O_RDONLY`, `O_WRONLY` or `O_RDWR`.
    static let readRights = WASIABI.Rights.all.subtracting([.fdWrite, .fdAllocate, .fdFilestatSetSize, .fdDatasync])
    static let writeRights = WASIABI.Rights.all.subtracting([.fdRead, .fdReaddir])
    static let readWriteRights = WASIABI.Rights.all

    /// `path_open` relative to `directory`; returns the errno and the new descriptor.
    func open(
        _ path: String,
        in directory: UInt32 = 3,
        oflags: WASIABI.OFlags = [],
        rights: WASIABI.Rights = WASIHarness.readWriteRights,
        fdflags: WASIABI.FDFlags = [],
        follow: Bool = true
    ) throws -> (WASIErrno, UInt32) {
        let length = place(path)
        memory.putU32(0xFFFF_FFFF, at: Self.result)
        let errno = try context.pathOpen(
            fd: directory,
            lookupFlags: follow ? 1 : 0,
            path: Self.path,
            pathLength: length,
            openFlags: UInt32(oflags.rawValue),
            rightsBase: rights.rawValue,
            rightsInheriting: rights.rawValue,
            fdFlags: UInt32(fdflags.rawValue),
            resultPointer: Self.result,
            in: guest
        )
        return (errno, memory.u32(at: Self.result))
    }

    /// Opens `path` and returns the descriptor, failing the test's expectation through the errno.
    func openFile(
        _ path: String,
        oflags: WASIABI.OFlags = [],
        rights: WASIABI.Rights = WASIHarness.readWriteRights
    )
        throws -> UInt32
    {
        let (errno, fd) = try open(path, oflags: oflags, rights: rights)
        guard errno == .success else { throw errno }
        return fd
    }

    /// `fd_write` of `bytes` (one iovec); returns the errno and bytes written.
    func write(_ fd: UInt32, _ bytes: [UInt8]) throws -> (WASIErrno, UInt32) {
        memory.put(bytes, at: Self.data)
        memory.putU32(Self.data, at: Self.iovecs)
        memory.putU32(UInt32(bytes.count), at: Self.iovecs + 4)
        let errno = try context.fdWrite(fd: fd, iovs: Self.iovecs, iovsCount: 1, resultPointer: Self.result, in: guest)
        return (errno, memory.u32(at: Self.result))
    }

    func write(_ fd: UInt32, _ text: String) throws -> (WASIErrno, UInt32) {
        try write(fd, Array(text.utf8))
    }

    /// `fd_read` of up to `count` bytes (one iovec); returns the errno and the bytes read.
    func read(_ fd: UInt32, count: UInt32) throws -> (WASIErrno, [UInt8]) {
        memory.putU32(Self.data, at: Self.iovecs)
        memory.putU32(count, at: Self.iovecs + 4)
        let errno = try context.fdRead(fd: fd, iovs: Self.iovecs, iovsCount: 1, resultPointer: Self.result, in: guest)
        return (errno, errno == .success ? memory.bytes(at: Self.data, count: Int(memory.u32(at: Self.result))) : [])
    }

    /// `fd_seek`; returns the errno and the new position.
    func seek(_ fd: UInt32, _ offset: Int64, _ whence: WASIABI.Whence) throws -> (WASIErrno, UInt64) {
        let errno = try context.fdSeek(
            fd: fd,
            offset: offset,
            whence: UInt32(whence.rawValue),
            resultPointer: Self.result,
            in: guest
        )
        return (errno, memory.u64(at: Self.result))
    }

    /// `path_filestat_get`; returns the errno and the filestat.
    func stat(_ path: String, in directory: UInt32 = 3, follow: Bool = true) throws -> (WASIErrno, WASIFilestat?) {
        let length = place(path)
        let errno = try context.pathFilestatGet(
            fd: directory,
            lookupFlags: follow ? 1 : 0,
            path: Self.path,
            pathLength: length,
            resultPointer: Self.data,
            in: guest
        )
        guard errno == .success else { return (errno, nil) }
        return (errno, filestat(at: Self.data))
    }

    /// Decodes a `filestat` at `address`.
    func filestat(at address: UInt32) -> WASIFilestat {
        WASIFilestat(
            device: memory.u64(at: address),
            inode: memory.u64(at: address + 8),
            filetype: WASIABI.Filetype(rawValue: memory.u8(at: address + 16))!,
            linkCount: memory.u64(at: address + 24),
            size: memory.u64(at: address + 32),
            accessTime: memory.u64(at: address + 40),
            modificationTime: memory.u64(at: address + 48),
            changeTime: memory.u64(at: address + 56)
        )
    }

    /// Every entry name `fd_readdir` gives for `fd`, reading with a buffer of `bufferSize` bytes.
    func list(_ fd: UInt32, bufferSize: UInt32 = 4096) throws -> [String] {
        var names: [String] = []
        var cookie: UInt64 = 0
        while true {
            let errno = try context.fdReaddir(
                fd: fd,
                buffer: Self.data,
                length: bufferSize,
                cookie: cookie,
                resultPointer: Self.result,
                in: guest
            )
            guard errno == .success else { throw errno }
            let used = memory.u32(at: Self.result)
            var offset: UInt32 = 0
            var progressed = false
            while offset + 24 <= used {
                let length = memory.u32(at: Self.data + offset + 16)
                guard offset + 24 + length <= used else { break }
                names.append(
                    String(decoding: memory.bytes(at: Self.data + offset + 24, count: Int(length)), as: UTF8.self)
                )
                cookie = memory.u64(at: Self.data + offset)
                offset += 24 + length
                progressed = true
            }
            if used < bufferSize { return names }
            guard progressed else { throw WASIErrno.inval }  // an entry larger than the buffer
        }
    }
}
