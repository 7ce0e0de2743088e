import Testing

#if canImport(GrafosWASIDev)
@testable import GrafosWASIDev
#else
@testable import GrafosStd
#endif

@Suite struct WASIFileDescriptorTests {
    /// Calls of every `fd_*` function (and a few others) on descriptor `fd`.
    static var calls: [(String, (WASIContext, UInt32, GuestMemory) throws -> WASIErrno)] {
        [
            ("fd_read", { c, fd, m in try c.fdRead(fd: fd, iovs: 0x100, iovsCount: 0, resultPointer: 0x40, in: m) }),
            ("fd_write", { c, fd, m in try c.fdWrite(fd: fd, iovs: 0x100, iovsCount: 0, resultPointer: 0x40, in: m) }),
            (
                "fd_pread",
                { c, fd, m in try c.fdPread(fd: fd, iovs: 0x100, iovsCount: 0, offset: 0, resultPointer: 0x40, in: m) }
            ),
            (
                "fd_pwrite",
                { c, fd, m in try c.fdPwrite(fd: fd, iovs: 0x100, iovsCount: 0, offset: 0, resultPointer: 0x40, in: m) }
            ),
            ("fd_seek", { c, fd, m in try c.fdSeek(fd: fd, offset: 0, whence: 0, resultPointer: 0x40, in: m) }),
            ("fd_tell", { c, fd, m in try c.fdTell(fd: fd, resultPointer: 0x40, in: m) }),
            ("fd_close", { c, fd, _ in try c.fdClose(fd: fd) }),
            ("fd_sync", { c, fd, _ in try c.fdSync(fd: fd) }),
            ("fd_datasync", { c, fd, _ in try c.fdDatasync(fd: fd) }),
            ("fd_fdstat_get", { c, fd, m in try c.fdFdstatGet(fd: fd, resultPointer: 0x40, in: m) }),
            ("fd_fdstat_set_flags", { c, fd, _ in try c.fdFdstatSetFlags(fd: fd, flags: 0) }),
            ("fd_fdstat_set_rights", { c, fd, _ in try c.fdFdstatSetRights(fd: fd, base: 0, inheriting: 0) }),
            ("fd_filestat_get", { c, fd, m in try c.fdFilestatGet(fd: fd, resultPointer: 0x40, in: m) }),
            ("fd_filestat_set_size", { c, fd, _ in try c.fdFilestatSetSize(fd: fd, size: 0) }),
            (
                "fd_filestat_set_times",
                { c, fd, _ in try c.fdFilestatSetTimes(fd: fd, accessTime: 0, modificationTime: 0, flags: 0) }
            ),
            ("fd_prestat_get", { c, fd, m in try c.fdPrestatGet(fd: fd, resultPointer: 0x40, in: m) }),
            ("fd_prestat_dir_name", { c, fd, m in try c.fdPrestatDirName(fd: fd, path: 0x100, length: 64, in: m) }),
            (
                "fd_readdir",
                { c, fd, m in try c.fdReaddir(fd: fd, buffer: 0x100, length: 64, cookie: 0, resultPointer: 0x40, in: m)
                }
            ),
            ("fd_advise", { c, fd, _ in try c.fdAdvise(fd: fd, offset: 0, length: 0, advice: 0) }),
            ("fd_allocate", { c, fd, _ in try c.fdAllocate(fd: fd, offset: 0, length: 1) }),
            ("fd_renumber", { c, fd, _ in try c.fdRenumber(fd: fd, to: 1) }),
            (
                "path_open",
                { c, fd, m in
                    try c.pathOpen(
                        fd: fd,
                        lookupFlags: 0,
                        path: 0x100,
                        pathLength: 1,
                        openFlags: 0,
                        rightsBase: 0,
                        rightsInheriting: 0,
                        fdFlags: 0,
                        resultPointer: 0x40,
                        in: m
                    )
                }
            ),
            (
                "path_create_directory",
                { c, fd, m in try c.pathCreateDirectory(fd: fd, path: 0x100, pathLength: 1, in: m) }
            ),
            ("sock_shutdown", { c, fd, _ in c.sockShutdown(fd: fd, how: 0) }),
        ]
    }

    @Test(arguments: [UInt32(4), 99, 0xFFFF_FFFF])
    func everyDescriptorFunctionIsEBADFOnAnUnknownDescriptor(fd: UInt32) throws {
        let harness = try WASIHarness(tree: [:])
        harness.memory.put("x", at: 0x100)
        for (name, call) in Self.calls {
            #expect(try call(harness.context, fd, harness.guest) == .badf, "\(name)")
        }
    }

    @Test func everyDescriptorFunctionIsEBADFOnAClosedDescriptor() throws {
        let harness = try WASIHarness(tree: ["f": .file([1, 2, 3])])
        let fd = try harness.openFile("f")
        #expect(try harness.context.fdClose(fd: fd) == .success)
        harness.memory.put("x", at: 0x100)
        for (name, call) in Self.calls {
            #expect(try call(harness.context, fd, harness.guest) == .badf, "\(name)")
        }
    }

    @Test func closedNumbersAreReusedLowestFirst() throws {
        let harness = try WASIHarness(tree: ["f": .file([])])
        let first = try harness.openFile("f")
        let second = try harness.openFile("f")
        #expect((first, second) == (4, 5))
        #expect(try harness.context.fdClose(fd: first) == .success)
        #expect(try harness.openFile("f") == 4)
    }

    @Test func stdioReportsUnknownFiletypeAndItsRights() throws {
        let harness = try WASIHarness()
        #expect(try harness.context.fdFdstatGet(fd: 1, resultPointer: 0x40, in: harness.guest) == .success)
        #expect(harness.memory.u8(at: 0x40) == WASIABI.Filetype.unknown.rawValue)
        let rights = WASIABI.Rights(rawValue: harness.memory.u64(at: 0x48))
        #expect(rights.contains(.fdWrite) && !rights.contains(.fdRead) && !rights.contains(.fdSeek))
        #expect(try harness.seek(0, 0, .cur).0 == .spipe)
        #expect(try harness.context.fdTell(fd: 1, resultPointer: 0x40, in: harness.guest) == .spipe)
        #expect(try harness.write(0, "x").0 == .badf)
        #expect(try harness.read(1, count: 1).0 == .badf)
    }

    @Test func preopensAreDescribedFromThreeOnAndEndWithEBADF() throws {
        let harness = try WASIHarness(
            WASIConfiguration(),
            preopens: [WASIPreopen("/data", .memory(.directory([:]))), WASIPreopen(".", .memory(.directory([:])))]
        )
        #expect(try harness.context.fdPrestatGet(fd: 3, resultPointer: 0x40, in: harness.guest) == .success)
        #expect(harness.memory.u8(at: 0x40) == 0)
        #expect(harness.memory.u32(at: 0x44) == 5)
        #expect(try harness.context.fdPrestatDirName(fd: 3, path: 0x100, length: 5, in: harness.guest) == .success)
        #expect(harness.memory.bytes(at: 0x100, count: 5) == Array("/data".utf8))
        #expect(try harness.context.fdPrestatDirName(fd: 3, path: 0x100, length: 4, in: harness.guest) == .nametoolong)
        #expect(try harness.context.fdPrestatGet(fd: 4, resultPointer: 0x40, in: harness.guest) == .success)
        #expect(harness.memory.u32(at: 0x44) == 1)
        #expect(try harness.context.fdPrestatGet(fd: 5, resultPointer: 0x40, in: harness.guest) == .badf)
        #expect(try harness.context.fdPrestatGet(fd: 1, resultPointer: 0x40, in: harness.guest) == .badf)
    }

    @Test func aDirectoryDescriptorReportsDirectoryFdstat() throws {
        let harness = try WASIHarness(tree: [:])
        #expect(try harness.context.fdFdstatGet(fd: 3, resultPointer: 0x40, in: harness.guest) == .success)
        #expect(harness.memory.u8(at: 0x40) == WASIABI.Filetype.directory.rawValue)
        #expect(WASIABI.Rights(rawValue: harness.memory.u64(at: 0x48)).contains(.pathOpen))
        #expect(harness.memory.u64(at: 0x50) == WASIABI.Rights.all.rawValue)
        #expect(try harness.read(3, count: 4).0 == .badf)
        #expect(try harness.seek(3, 0, .set).0 == .badf)
    }

    @Test func renumberMovesADescriptorOverAnOpenOne() throws {
        let harness = try WASIHarness(tree: ["a": .file(Array("A".utf8)), "b": .file(Array("B".utf8))])
        let a = try harness.openFile("a")
        let b = try harness.openFile("b")
        #expect(try harness.context.fdRenumber(fd: a, to: b) == .success)
        #expect(try harness.read(b, count: 1).1 == Array("A".utf8))
        #expect(try harness.read(a, count: 1).0 == .badf)
    }

    @Test func rightsCanBeDroppedButNotRegained() throws {
        let harness = try WASIHarness(tree: ["f": .file([1])])
        let fd = try harness.openFile("f")
        let noRead = WASIHarness.readWriteRights.intersection(.regularFile).subtracting(.fdRead)
        #expect(try harness.context.fdFdstatSetRights(fd: fd, base: noRead.rawValue, inheriting: 0) == .success)
        #expect(try harness.read(fd, count: 1).0 == .badf)
        #expect(
            try harness.context.fdFdstatSetRights(fd: fd, base: WASIABI.Rights.fdRead.rawValue, inheriting: 0)
                == .notcapable
        )
    }

    @Test func fdstatFlagsCanBeSetAndUndefinedBitsAreEINVAL() throws {
        let harness = try WASIHarness(tree: ["f": .file([])])
        let fd = try harness.openFile("f")
        #expect(
            try harness.context.fdFdstatSetFlags(fd: fd, flags: UInt32(WASIABI.FDFlags.append.rawValue)) == .success
        )
        #expect(try harness.context.fdFdstatGet(fd: fd, resultPointer: 0x40, in: harness.guest) == .success)
        #expect(harness.memory.u16(at: 0x42) == WASIABI.FDFlags.append.rawValue)
        #expect(try harness.context.fdFdstatSetFlags(fd: fd, flags: 0x20) == .inval)
    }

    @Test func socketsAreNotSockets() throws {
        let harness = try WASIHarness()
        #expect(try harness.context.sockAccept(fd: 0, flags: 0, resultPointer: 0x40, in: harness.guest) == .notsock)
        #expect(
            try harness.context.sockSend(fd: 9, data: 0, dataCount: 0, flags: 0, lengthPointer: 0x40, in: harness.guest)
                == .badf
        )
    }

    @Test func tooManyOpenFilesIsEMFILE() throws {
        var configuration = WASIConfiguration()
        configuration.maxOpenFiles = 6
        let harness = try WASIHarness(
            configuration,
            preopens: [WASIPreopen("/", .memory(.directory(["f": .file([])])))]
        )
        #expect(try harness.open("f").0 == .success)
        #expect(try harness.open("f").0 == .success)
        #expect(try harness.open("f").0 == .mfile)
    }
}
