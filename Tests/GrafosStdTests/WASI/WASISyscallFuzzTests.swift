import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(GrafosWASIDev)
@testable import GrafosWASIDev
#else
@testable import GrafosStd
#endif

/// Random sequences of WASI calls — opens, reads, writes, seeks, directory listings, creations, removals,
/// renames, links, stats and descriptor juggling, with garbage descriptors, pointers, lengths, offsets and flags —
/// against in-memory, read-only, object-store and host-directory mounts.
///
/// Invariants checked after every call: the call returns an errno or ends the run with one of the documented
/// errors; the bytes around the guest memory are untouched; a descriptor closed successfully is `EBADF` at once;
/// the file-system budget is never exceeded; nothing outside the host directory's sandbox is ever read into guest
/// memory or written to stdout. After each sequence: the same sequence on a fresh context gives the same errnos
/// and leaves the same files, and when the context goes away every byte charged to the budget is given back.
///
/// Seeded: `GRAFOS_FUZZ_SEED` and `GRAFOS_FUZZ_WASI_SEQUENCES` explore further; `GRAFOS_FUZZ_DEBUG` prints each
/// sequence's calls and errnos.
@Suite struct WASISyscallFuzzTests {
    static let seed: UInt64 = ProcessInfo.processInfo.environment["GRAFOS_FUZZ_SEED"].flatMap { UInt64($0) } ?? 2026
    static let sequences =
        ProcessInfo.processInfo.environment["GRAFOS_FUZZ_WASI_SEQUENCES"].flatMap { Int($0) } ?? 120
    static let callsPerSequence = 60
    /// What the file outside the host sandbox holds; it must never reach the guest.
    static let secret = Array("S3CR3T-OUTSIDE-THE-SANDBOX-7f3a".utf8)
    static let memorySize = 1 << 16
    static let canary: UInt8 = 0xA5
    static let guardSize = 4096

    /// A host directory sandbox beside a secret file, with links that try to reach it.
    final class HostSandbox {
        let root: String
        var sandbox: String { root + "/sandbox" }

        init() throws {
            root = NSTemporaryDirectory() + "grafos-wasi-fuzz-\(UInt32.random(in: .min ... .max))"
            let files = FileManager.default
            try files.createDirectory(atPath: root + "/sandbox/sub", withIntermediateDirectories: true)
            _ = files.createFile(atPath: root + "/secret.txt", contents: Data(WASISyscallFuzzTests.secret))
            _ = files.createFile(atPath: root + "/sandbox/inside.txt", contents: Data("inside\n".utf8))
            _ = files.createFile(atPath: root + "/sandbox/sub/deep.txt", contents: Data("deep\n".utf8))
            try files.createSymbolicLink(atPath: root + "/sandbox/escape", withDestinationPath: "../secret.txt")
            try files.createSymbolicLink(atPath: root + "/sandbox/abs", withDestinationPath: root + "/secret.txt")
            try files.createSymbolicLink(atPath: root + "/sandbox/sub/up", withDestinationPath: "../../secret.txt")
            try files.createSymbolicLink(atPath: root + "/sandbox/loop", withDestinationPath: "loop")
            try files.createSymbolicLink(atPath: root + "/sandbox/ok", withDestinationPath: "sub/deep.txt")
        }

        deinit {
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    /// Guest memory with guard bytes on both sides.
    final class GuardedMemory {
        let buffer: UnsafeMutableRawBufferPointer

        init() {
            buffer = .allocate(byteCount: memorySize + 2 * WASISyscallFuzzTests.guardSize, alignment: 16)
            buffer.initializeMemory(as: UInt8.self, repeating: canary)
            guest.buffer.initializeMemory(as: UInt8.self, repeating: 0)
        }

        deinit { buffer.deallocate() }

        var guest: GuestMemory {
            GuestMemory(
                UnsafeMutableRawBufferPointer(
                    rebasing: buffer[WASISyscallFuzzTests.guardSize..<WASISyscallFuzzTests.guardSize + memorySize]
                )
            )
        }

        var guardsIntact: Bool {
            let expected = [UInt8](repeating: canary, count: WASISyscallFuzzTests.guardSize)
            let end = WASISyscallFuzzTests.guardSize + memorySize
            return memcmp(buffer.baseAddress!, expected, expected.count) == 0
                && memcmp(buffer.baseAddress! + end, expected, expected.count) == 0
        }

        func contains(_ needle: [UInt8]) -> Bool {
            let base = UnsafeRawPointer(guest.buffer.baseAddress!)
            var offset = 0
            while offset + needle.count <= memorySize {
                guard let hit = memchr(base + offset, Int32(needle[0]), memorySize - offset) else { return false }
                let position = base.distance(to: UnsafeRawPointer(hit))
                if position + needle.count <= memorySize && memcmp(hit, needle, needle.count) == 0 { return true }
                offset = position + 1
            }
            return false
        }
    }

    static let tree = WASIFileTree.directory([
        "a.txt": .file(Array("alpha\n".utf8)),
        "empty": .file([]),
        "dir": .directory([
            "b.txt": .file(Array(repeating: 0x62, count: 300)),
            "nested": .directory(["c.txt": .file(Array("c".utf8))]),
        ]),
        "link": .symlink("a.txt"),
        "dirlink": .symlink("dir"),
        "out": .symlink("../../etc/passwd"),
        "absolute": .symlink("/etc/passwd"),
        "cycle": .symlink("cycle2"),
        "cycle2": .symlink("cycle"),
    ])

    static let paths: [[UInt8]] = {
        var paths = [
            "a.txt", "empty", "dir", "dir/b.txt", "dir/nested", "dir/nested/c.txt", "link", "dirlink/b.txt",
            "out", "absolute", "cycle", "new", "new2", "dir/new", "dir/nested/new", "newdir", "newdir/x", ".", "..",
            "../a.txt", "dir/../a.txt", "dir/../../a.txt", "/etc/passwd", "a.txt/", "dir/", "//a.txt", "./dir/./b.txt",
            "inside.txt", "sub/deep.txt", "escape", "abs", "sub/up", "loop", "ok", "sub", "k1", "k2", "", "x/../..",
        ].map { Array($0.utf8) }
        paths.append(Array(String(repeating: "n", count: 300).utf8))
        paths.append([0xFF, 0xFE, 0x41])
        paths.append(Array("a\u{0}b".utf8))
        return paths
    }()

    /// One fuzz run: a fresh context over fresh mounts, driven by `seed`.
    final class Run {
        let memory = GuardedMemory()
        let objects = TestObjectStore(["k1": Array("object one".utf8), "k2": []])
        let context: WASIContext
        var random: SeededRandomNumberGenerator
        var trace: [String] = []
        var opened: [UInt32] = [0, 1, 2, 3, 4, 5, 6]
        let limit = 24 << 10

        init(seed: UInt64, host: HostSandbox) throws {
            random = SeededRandomNumberGenerator(seed: seed)
            context = try WASIContext(
                configuration: WASIConfiguration(
                    stdin: Array("stdin bytes\n".utf8),
                    maxOutput: 1 << 20,
                    maxLog: 256,
                    maxFileSystemBytes: limit,
                    maxOpenFiles: 14
                ),
                preopens: [
                    WASIPreopen("/data", .memory(WASISyscallFuzzTests.tree)),
                    WASIPreopen("/ro", .memory(WASISyscallFuzzTests.tree, readOnly: true)),
                    WASIPreopen("/artifacts", .objectStore(objects)),
                    WASIPreopen("/host", .hostDirectory(host.sandbox)),
                ],
                objectStore: objects
            )
        }

        var guest: GuestMemory { memory.guest }

        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &random) < p }
        func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

        /// A descriptor: mostly one the sequence opened, else stdio, a preopen or anything.
        func fd() -> UInt32 {
            let mine = opened.filter { $0 > 6 }
            switch int(0...19) {
            case 0..<11 where !mine.isEmpty: return mine.randomElement(using: &random)!
            case 0..<16: return opened.randomElement(using: &random)!
            case 16..<19: return UInt32(int(0...20))
            default: return UInt32.random(in: .min ... .max, using: &random)
            }
        }

        /// A directory descriptor for a path call: mostly a preopen.
        func directory() -> UInt32 { chance(0.75) ? UInt32(int(3...6)) : fd() }

        /// A descriptor to close or renumber: rarely stdio or a preopen, which would starve the rest of the run.
        func disposable() -> UInt32 {
            let mine = opened.filter { $0 > 6 }
            if !mine.isEmpty && chance(0.9) { return mine.randomElement(using: &random)! }
            return chance(0.9) ? UInt32(int(7...30)) : fd()
        }

        /// A pointer to `count` bytes: mostly inside memory, sometimes across its end or far outside.
        func pointer(_ count: Int = 8) -> UInt32 {
            switch int(0...19) {
            case 0..<17: UInt32(int(0x40...0x8000))
            case 17: UInt32(memorySize - int(0...count))
            case 18: UInt32(memorySize + int(0...16))
            default: UInt32.random(in: .min ... .max, using: &random)
            }
        }

        func length() -> UInt32 {
            switch int(0...9) {
            case 0..<8: UInt32(int(0...600))
            case 8: UInt32(memorySize)
            default: UInt32.random(in: .min ... .max, using: &random)
            }
        }

        func u64() -> UInt64 {
            switch int(0...5) {
            case 0..<3: UInt64(int(0...1000))
            case 3: UInt64.max
            case 4: UInt64(Int64.max)
            default: UInt64.random(in: .min ... .max, using: &random)
            }
        }

        /// Places a path in memory; returns its pointer and length (sometimes lies about either).
        func path(at base: UInt32 = 0x9000) -> (UInt32, UInt32) {
            let bytes = WASISyscallFuzzTests.paths.randomElement(using: &random)!
            let address = chance(0.05) ? UInt32(memorySize - bytes.count / 2) : base
            let fit = max(0, min(bytes.count, memorySize - Int(address)))
            if fit > 0 { guest.buffer.baseAddress!.advanced(by: Int(address)).copyMemory(from: bytes, byteCount: fit) }
            let length = chance(0.03) ? UInt32.random(in: .min ... .max, using: &random) : UInt32(bytes.count)
            return (address, length)
        }

        /// An iovec array of `count` entries at 0x100 over buffers at 0x2000 and up (with the odd bad one).
        func iovecs() -> (UInt32, UInt32) {
            let count = chance(0.03) ? UInt32(int(1000...1100)) : UInt32(int(0...4))
            for index in 0..<min(count, 64) {
                let entry = 0x100 + index * 8
                let base = chance(0.9) ? UInt32(0x2000 + Int(index) * 0x400) : pointer()
                let size = chance(0.9) ? UInt32(int(0...0x300)) : length()
                try? guest.store(base, at: entry)
                try? guest.store(size, at: entry + 4)
            }
            return (chance(0.95) ? 0x100 : pointer(), count)
        }

        func rights() -> UInt64 {
            switch int(0...3) {
            case 0: WASIHarness.readRights.rawValue
            case 1: WASIHarness.writeRights.rawValue
            case 2: WASIHarness.readWriteRights.rawValue
            default: UInt64.random(in: .min ... .max, using: &random)
            }
        }

        /// One random call; returns its name and errno (or the error that ended the run).
        func step() throws -> (String, WASIErrno) {
            let result: UInt32 = chance(0.9) ? 0x40 : pointer()
            switch int(0...27) {
            case 0, 1, 2:
                let (p, n) = path()
                let oflags: UInt32 =
                    switch int(0...19) {
                    case 0..<8: 0
                    case 8..<12: 1  // creat
                    case 12..<14: 9  // creat|trunc
                    case 14..<15: 2  // directory
                    case 15..<19: UInt32(int(0...15))
                    default: UInt32(int(16...0xFFFF))
                    }
                let errno = try context.pathOpen(
                    fd: directory(),
                    lookupFlags: UInt32(int(0...1)),
                    path: p,
                    pathLength: n,
                    openFlags: oflags,
                    rightsBase: rights(),
                    rightsInheriting: rights(),
                    fdFlags: chance(0.95) ? UInt32(int(0...31)) : UInt32(int(32...0xFFFF)),
                    resultPointer: result,
                    in: guest
                )
                if errno == .success, let opened = try? guest.load(UInt32.self, at: result) {
                    self.opened.append(opened)
                }
                return ("path_open", errno)
            case 3, 4:
                let fd = disposable()
                let errno = try context.fdClose(fd: fd)
                if errno == .success {
                    let again = try context.fdFdstatGet(fd: fd, resultPointer: 0x40, in: guest)
                    #expect(again == .badf, "fd \(fd) still answers after fd_close: \(again)")
                }
                return ("fd_close", errno)
            case 5, 6:
                let (iovs, count) = iovecs()
                return (
                    "fd_read",
                    try context.fdRead(fd: fd(), iovs: iovs, iovsCount: count, resultPointer: result, in: guest)
                )
            case 7:
                let (iovs, count) = iovecs()
                let errno = try context.fdPread(
                    fd: fd(),
                    iovs: iovs,
                    iovsCount: count,
                    offset: u64(),
                    resultPointer: result,
                    in: guest
                )
                return ("fd_pread", errno)
            case 8, 9:
                let (iovs, count) = iovecs()
                let errno = try context.fdWrite(
                    fd: fd(),
                    iovs: iovs,
                    iovsCount: count,
                    resultPointer: result,
                    in: guest
                )
                return ("fd_write", errno)
            case 10:
                let (iovs, count) = iovecs()
                let errno = try context.fdPwrite(
                    fd: fd(),
                    iovs: iovs,
                    iovsCount: count,
                    offset: u64(),
                    resultPointer: result,
                    in: guest
                )
                return ("fd_pwrite", errno)
            case 11:
                let offset = chance(0.7) ? Int64(int(-100...1000)) : Int64(bitPattern: u64())
                let whence = UInt32(int(0...3))
                return (
                    "fd_seek",
                    try context.fdSeek(fd: fd(), offset: offset, whence: whence, resultPointer: result, in: guest)
                )
            case 12:
                return ("fd_tell", try context.fdTell(fd: fd(), resultPointer: result, in: guest))
            case 13:
                let errno = try context.fdReaddir(
                    fd: fd(),
                    buffer: pointer(64),
                    length: length(),
                    cookie: chance(0.8) ? UInt64(int(0...12)) : u64(),
                    resultPointer: result,
                    in: guest
                )
                return ("fd_readdir", errno)
            case 14:
                return ("fd_filestat_get", try context.fdFilestatGet(fd: fd(), resultPointer: pointer(64), in: guest))
            case 15:
                let size = chance(0.8) ? UInt64(int(0...5000)) : u64()
                return ("fd_filestat_set_size", try context.fdFilestatSetSize(fd: fd(), size: size))
            case 16:
                let errno = try context.fdFilestatSetTimes(
                    fd: fd(),
                    accessTime: u64(),
                    modificationTime: u64(),
                    flags: UInt32(int(0...17))
                )
                return ("fd_filestat_set_times", errno)
            case 17:
                switch int(0...3) {
                case 0: return ("fd_fdstat_get", try context.fdFdstatGet(fd: fd(), resultPointer: result, in: guest))
                case 1:
                    return ("fd_fdstat_set_flags", try context.fdFdstatSetFlags(fd: fd(), flags: UInt32(int(0...40))))
                case 2:
                    return (
                        "fd_fdstat_set_rights",
                        try context.fdFdstatSetRights(fd: fd(), base: rights(), inheriting: rights())
                    )
                default:
                    let errno = try context.fdPrestatDirName(
                        fd: fd(),
                        path: pointer(),
                        length: UInt32(int(0...20)),
                        in: guest
                    )
                    return ("fd_prestat_dir_name", errno)
                }
            case 18:
                let target = chance(0.5) ? disposable() : UInt32(int(7...30))
                let errno = try context.fdRenumber(fd: disposable(), to: target)
                if errno == .success { opened.append(target) }
                return ("fd_renumber", errno)
            case 19:
                switch int(0...3) {
                case 0: return ("fd_sync", try context.fdSync(fd: fd()))
                case 1: return ("fd_datasync", try context.fdDatasync(fd: fd()))
                case 2:
                    return (
                        "fd_advise",
                        try context.fdAdvise(fd: fd(), offset: u64(), length: u64(), advice: UInt32(int(0...7)))
                    )
                default: return ("fd_allocate", try context.fdAllocate(fd: fd(), offset: u64(), length: u64()))
                }
            case 20:
                let (p, n) = path()
                return (
                    "path_create_directory",
                    try context.pathCreateDirectory(fd: directory(), path: p, pathLength: n, in: guest)
                )
            case 21:
                let (p, n) = path()
                return (
                    "path_remove_directory",
                    try context.pathRemoveDirectory(fd: directory(), path: p, pathLength: n, in: guest)
                )
            case 22:
                let (p, n) = path()
                return (
                    "path_unlink_file", try context.pathUnlinkFile(fd: directory(), path: p, pathLength: n, in: guest)
                )
            case 23:
                let (p, n) = path()
                let (q, m) = path(at: 0xA000)
                let errno = try context.pathRename(
                    fd: directory(),
                    oldPath: p,
                    oldPathLength: n,
                    newFD: directory(),
                    newPath: q,
                    newPathLength: m,
                    in: guest
                )
                return ("path_rename", errno)
            case 24:
                let (p, n) = path()
                let errno = try context.pathFilestatGet(
                    fd: directory(),
                    lookupFlags: UInt32(int(0...1)),
                    path: p,
                    pathLength: n,
                    resultPointer: pointer(64),
                    in: guest
                )
                return ("path_filestat_get", errno)
            case 25:
                let (p, n) = path()
                let errno = try context.pathReadlink(
                    fd: directory(),
                    path: p,
                    pathLength: n,
                    buffer: pointer(),
                    bufferLength: UInt32(int(0...300)),
                    resultPointer: result,
                    in: guest
                )
                return ("path_readlink", errno)
            case 26:
                let (p, n) = path()
                let (q, m) = path(at: 0xA000)
                return (
                    "path_symlink",
                    try context.pathSymlink(
                        target: p,
                        targetLength: n,
                        fd: directory(),
                        path: q,
                        pathLength: m,
                        in: guest
                    )
                )
            default:
                let (p, n) = path()
                let (q, m) = path(at: 0xA000)
                let errno = try context.pathLink(
                    oldFD: directory(),
                    oldFlags: UInt32(int(0...1)),
                    oldPath: p,
                    oldPathLength: n,
                    newFD: directory(),
                    newPath: q,
                    newPathLength: m,
                    in: guest
                )
                return ("path_link", errno)
            }
        }

        /// Runs `calls` calls, checking the invariants after each; returns the errno trace.
        func run(calls: Int) -> [String] {
            for index in 0..<calls {
                do {
                    let (name, errno) = try step()
                    trace.append("\(name)=\(errno.rawValue)")
                } catch is WASIOutputLimitExceeded {
                    trace.append("output limit")
                    break
                } catch {
                    Issue.record("call \(index) ended the run with an undocumented error: \(error)")
                    break
                }
                #expect(memory.guardsIntact, "call \(index) (\(trace.last!)) wrote outside the guest memory")
                #expect(
                    !memory.contains(WASISyscallFuzzTests.secret),
                    "call \(index) (\(trace.last!)) read outside the sandbox"
                )
                #expect(
                    context.fileSystem.used <= limit,
                    "call \(index) (\(trace.last!)) passed the file-system budget"
                )
                if !memory.guardsIntact { break }
            }
            #expect(
                Array(context.output).firstRange(of: WASISyscallFuzzTests.secret) == nil,
                "the secret reached stdout"
            )
            return trace
        }
    }

    @Test func randomSyscallSequencesKeepTheirInvariants() throws {
        let host = try HostSandbox()
        var errnos: [String: Int] = [:]
        var succeeded: [String: Int] = [:]
        var calls = 0
        for index in 0..<Self.sequences {
            let seed = Self.seed &+ UInt64(index)
            var state: WASIFileSystemState?
            var first: [String] = []
            var tree: WASIFileTree?
            var objects: [String: [UInt8]] = [:]
            do {
                let run = try Run(seed: seed, host: host)
                first = run.run(calls: Self.callsPerSequence)
                tree = run.context.fileTree(at: "/data")
                try? run.context.finish()
                objects = run.objects.objects
                state = run.context.fileSystem
            }
            // Every byte charged for files, directories and names is given back with the context.
            #expect(state?.used == 0, "seed \(seed): \(state?.used ?? -1) bytes still charged after the run")
            let again = try Run(seed: seed, host: host)
            let second = again.run(calls: Self.callsPerSequence)
            try? again.context.finish()
            #expect(first == second, "seed \(seed): the same calls gave different errnos")
            #expect(again.context.fileTree(at: "/data") == tree, "seed \(seed): the same calls left different files")
            #expect(again.objects.objects == objects, "seed \(seed): the same calls left different objects")
            calls += first.count
            if ProcessInfo.processInfo.environment["GRAFOS_FUZZ_DEBUG"] != nil { print(first.joined(separator: " ")) }
            for entry in first {
                errnos[String(entry.split(separator: "=").last ?? ""), default: 0] += 1
                if entry.hasSuffix("=0") { succeeded[String(entry.dropLast(2)), default: 0] += 1 }
            }
        }
        let successes = errnos["0", default: 0]
        print(
            "wasi fuzz (seed \(Self.seed)): \(Self.sequences) sequences, \(calls) calls, \(successes) succeeded, "
                + "\(errnos.count - 1) distinct errnos; successes: "
                + succeeded.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        )
        #expect(succeeded.count > 20, "most kinds of call should succeed sometimes")
        #expect(successes > calls / 10, "too few calls succeeded to reach deep states")
        #expect(errnos.count > 10, "the calls should reach many different errnos")
    }
}
