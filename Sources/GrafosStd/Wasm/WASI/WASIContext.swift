/// The state of one WASI launch, and every `wasi_snapshot_preview1` function as a plain Swift method.
///
/// One context per launch, confined to the launch's task (not `Sendable`). The syscall methods take the guest's
/// integer arguments (pointers and sizes as `UInt32`, 64-bit values as `UInt64`/`Int64`) and the caller's
/// ``GuestMemory``, and return the ``WASIErrno`` the guest gets. They throw only to end the run: ``WASIExit``
/// (`proc_exit`, a terminating `proc_raise`), ``WASIOutputLimitExceeded``, or an error of the object store the
/// launch mounted. `WASI+WasmImports.swift` registers them with the engine; tests call them directly.
///
/// Descriptors: 0 is stdin (the configuration's ``WASIConfiguration/stdin``), 1 stdout (the ``output`` buffer,
/// bounded by `maxOutput`), 2 stderr (the ``log``, bounded by `maxLog`, excess dropped and ``logTruncated`` set),
/// then the preopens from 3 on. The `grafos` host module (`WASIContext+GrafosHost.swift`) shares the output,
/// log and limits.
///
/// ```swift
/// let context = try WASIContext(
///     configuration: WASIConfiguration(request: request, moduleDigest: digest),
///     preopens: [WASIPreopen("/artifacts", .objectStore(artifacts))],
///     objectStore: artifacts
/// )
/// var imports = WasmImports()
/// context.define(in: &imports)
/// var exitCode: Int32 = 0
/// do { _ = try instance.invoke("_start", []) } catch let exit as WASIExit { exitCode = exit.code }
/// try context.finish()
/// let result = TaskletResult(output: context.output, stderr: context.log, exitCode: exitCode)
/// ```
package final class WASIContext {
    /// What the launch sees.
    package let configuration: WASIConfiguration
    /// The store the `grafos` object functions use, if any.
    package let objectStore: (any WASIObjectStore)?
    /// The output (stdout and `grafos.output_write`), at most `maxOutput` bytes.
    package private(set) var output: [UInt8] = []
    /// The log (stderr and `grafos.log`), at most `maxLog` bytes.
    package private(set) var log: [UInt8] = []
    /// Whether log bytes were dropped because the log was full.
    package private(set) var logTruncated = false

    /// The descriptor table; `nil` marks a free number.
    var descriptors: [WASIDescriptor?] = []
    /// The clocks.
    let clock: WASIClock
    /// The `random_get` stream.
    var random: WASIRandomStream
    /// The budget, inode numbers and timestamps shared by the mounts.
    let fileSystem: WASIFileSystemState
    /// How much of stdin was read.
    var stdinOffset = 0
    /// The refused `grafos.output_write`, reported by ``finish()``.
    var refusedOutput: WASIOutputLimitExceeded?
    /// The in-memory mounts' roots, by guest path.
    private var memoryRoots: [String: WASIMemoryDirectory] = [:]
    /// The object-store mounts.
    private var objectMounts: [WASIObjectStoreDirectory] = []
    /// `argv` as NUL-terminated strings.
    let argumentStrings: [[UInt8]]
    /// The environment as NUL-terminated `KEY=VALUE` strings, sorted by key.
    let environmentStrings: [[UInt8]]

    /// Sets up a launch.
    /// - Parameters:
    ///   - configuration: argv, environment, stdin, limits, clocks, randomness.
    ///   - preopens: the directories the tasklet finds open, from descriptor 3 on.
    ///   - objectStore: the store `grafos.object_read`/`object_write` use (`-5` without one).
    /// - Throws: ``WASISetupError`` for a host directory that cannot be opened or a malformed tree.
    package init(
        configuration: WASIConfiguration,
        preopens: [WASIPreopen] = [],
        objectStore: (any WASIObjectStore)? = nil
    ) throws(WASISetupError) {
        self.configuration = configuration
        self.objectStore = objectStore
        clock = WASIClock(mode: configuration.clocks)
        random = WASIRandomStream(configuration.randomness)
        fileSystem = WASIFileSystemState(limit: configuration.maxFileSystemBytes, clock: clock)
        argumentStrings = configuration.arguments.map { Array($0.utf8) + [0] }
        environmentStrings = configuration.environment
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .map { Array("\($0.key)=\($0.value)".utf8) + [0] }
        descriptors = [
            WASIDescriptor(kind: .stdin, rights: WASIDescriptor.stdinRights, inheriting: []),
            WASIDescriptor(kind: .stdout, rights: WASIDescriptor.stdoutRights, inheriting: []),
            WASIDescriptor(kind: .stderr, rights: WASIDescriptor.stdoutRights, inheriting: []),
        ]
        for (index, preopen) in preopens.enumerated() {
            guard !preopen.guestPath.isEmpty, !preopen.guestPath.utf8.contains(0) else {
                throw WASISetupError("preopen \(index) has an empty name or one containing NUL; name it like /data")
            }
            let device = UInt64(index + 1)
            let root: any WASIDirectoryNode
            switch preopen.mount {
            case .memory(let tree, let readOnly):
                let directory = try WASIMemoryDirectory.make(
                    tree: tree,
                    state: fileSystem,
                    device: device,
                    readOnly: readOnly
                )
                memoryRoots[preopen.guestPath] = directory
                root = directory
            case .hostDirectory(let path):
                root = try WASIHostDirectory.open(path: path)
            case .objectStore(let store):
                let directory = WASIObjectStoreDirectory(store: store, state: fileSystem, device: device)
                objectMounts.append(directory)
                root = directory
            }
            descriptors.append(
                WASIDescriptor(
                    kind: .directory(root),
                    rights: .directory,
                    inheriting: .all,
                    preopenName: preopen.guestPath
                )
            )
        }
    }

    /// How a system-mode `poll_oneoff` sleeps (nanoseconds); the runtime may install one that throws to stop the
    /// tasklet when it is cancelled. Virtual clocks never sleep.
    package var sleeper: (UInt64) throws -> Void {
        get { clock.sleeper }
        set { clock.sleeper = newValue }
    }

    /// What the in-memory mount at `guestPath` holds now (after the run: what the tasklet left there).
    package func fileTree(at guestPath: String) -> WASIFileTree? {
        memoryRoots[guestPath]?.snapshot()
    }

    /// Ends the launch: writes back object-store files the tasklet left unflushed, then reports a refused
    /// `grafos.output_write`.
    /// - Throws: ``WASIOutputLimitExceeded`` after a `-2` from `output_write`; `FabricError.storageFull` when an
    ///   object no longer fits; other errors of the object store as they are.
    package func finish() throws {
        for mount in objectMounts {
            for file in mount.liveFiles {
                do {
                    try file.sync()
                } catch WASIErrno.nospc {
                    throw FabricError(.storageFull, "an artifact the tasklet wrote does not fit in the block lease")
                }
            }
        }
        if let refusedOutput { throw refusedOutput }
    }

    // MARK: Helpers of the syscalls

    /// Runs a syscall body: a thrown ``WASIErrno`` is its result, other errors end the run.
    @inline(__always)
    func syscall(_ body: () throws -> Void) throws -> WASIErrno {
        do {
            try body()
            return .success
        } catch let errno as WASIErrno {
            return errno
        }
    }

    /// The open descriptor `fd`.
    /// - Throws: ``WASIErrno/badf`` when it is not open.
    func descriptor(_ fd: UInt32) throws(WASIErrno) -> WASIDescriptor {
        guard Int(fd) < descriptors.count, let descriptor = descriptors[Int(fd)] else { throw .badf }
        return descriptor
    }

    /// The directory descriptor `fd` refers to.
    /// - Throws: `EBADF` when it is not open, `ENOTDIR` when it is not a directory.
    func directory(_ fd: UInt32) throws(WASIErrno) -> any WASIDirectoryNode {
        guard case .directory(let directory) = try descriptor(fd).kind else { throw .notdir }
        return directory
    }

    /// Opens a new descriptor at the lowest free number.
    /// - Throws: `EMFILE` when ``WASIConfiguration/maxOpenFiles`` are open.
    func install(_ descriptor: WASIDescriptor) throws(WASIErrno) -> UInt32 {
        if let free = descriptors.firstIndex(where: { $0 == nil }) {
            descriptors[free] = descriptor
            return UInt32(free)
        }
        guard descriptors.count < configuration.maxOpenFiles else { throw .mfile }
        descriptors.append(descriptor)
        return UInt32(descriptors.count - 1)
    }

    /// The path bytes at `pointer..<pointer+length`.
    func pathBytes(_ memory: GuestMemory, _ pointer: UInt32, _ length: UInt32) throws(WASIErrno) -> [UInt8] {
        guard Int(length) <= WASIPathResolver.maxPathLength else {
            _ = try memory.offset(pointer, count: Int(length))
            throw .nametoolong
        }
        return try memory.read(at: pointer, count: length)
    }

    /// Resolves a guest path relative to directory descriptor `fd`.
    func resolve(
        _ memory: GuestMemory,
        fd: UInt32,
        path: UInt32,
        length: UInt32,
        follow: Bool
    ) throws -> WASIPathResolver.Resolution {
        let root = try directory(fd)
        return try WASIPathResolver.resolve(try pathBytes(memory, path, length), from: root, followLast: follow)
    }

    /// The most iovecs one call takes (Linux's `UIO_MAXIOV`, `wasi-libc`'s `IOV_MAX`); more is `EINVAL`.
    static let maxIovecs: UInt32 = 1024

    /// The buffers of an iovec array.
    /// - Throws: `EINVAL` for more than ``maxIovecs`` or a total over `UInt32.max`; `EFAULT` for a buffer or the
    ///   array outside the memory.
    func iovecs(
        _ memory: GuestMemory,
        _ pointer: UInt32,
        _ count: UInt32
    ) throws(WASIErrno)
        -> [UnsafeMutableRawBufferPointer]
    {
        guard count <= Self.maxIovecs else { throw .inval }
        _ = try memory.offset(pointer, count: Int(count) * Int(WASIABI.Layout.iovecSize))
        var buffers: [UnsafeMutableRawBufferPointer] = []
        buffers.reserveCapacity(Int(count))
        var total = 0
        for index in 0..<count {
            let entry = pointer &+ index &* WASIABI.Layout.iovecSize
            let base = try memory.load(UInt32.self, at: entry)
            let length = try memory.load(UInt32.self, at: entry &+ 4)
            buffers.append(try memory.bytes(at: base, count: length))
            total += Int(length)
        }
        guard total <= Int(UInt32.max) else { throw .inval }
        return buffers
    }

    /// Appends to the output.
    /// - Throws: ``WASIOutputLimitExceeded`` (keeping nothing) when the output would pass `maxOutput`.
    func appendOutput(_ buffers: [UnsafeMutableRawBufferPointer]) throws(WASIOutputLimitExceeded) -> Int {
        var total = 0
        for buffer in buffers { total += buffer.count }
        guard total <= configuration.maxOutput - output.count else {
            throw WASIOutputLimitExceeded(limit: configuration.maxOutput, attempted: output.count + total)
        }
        for buffer in buffers { output.append(contentsOf: buffer) }
        return total
    }

    /// Appends to the log as far as `maxLog` allows, setting ``logTruncated`` when bytes are dropped.
    /// - Returns: the bytes "written" (all of them: the program is not told about dropped ones).
    func appendLog(_ buffers: [UnsafeMutableRawBufferPointer]) -> Int {
        var total = 0
        for buffer in buffers {
            total += buffer.count
            let room = Swift.max(configuration.maxLog - log.count, 0)
            if buffer.count > room { logTruncated = true }
            if room > 0 { log.append(contentsOf: buffer.prefix(room)) }
        }
        return total
    }
}
