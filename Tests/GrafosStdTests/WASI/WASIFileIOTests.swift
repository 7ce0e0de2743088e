import Testing

#if canImport(GrafosWASIDev)
@testable import GrafosWASIDev
#else
@testable import GrafosStd
#endif

@Suite struct WASIFileIOTests {
    @Test func stdinReadsTheInputThenEndOfFile() throws {
        let harness = try WASIHarness(WASIConfiguration(stdin: Array("hello".utf8)))
        #expect(try harness.read(0, count: 3).1 == Array("hel".utf8))
        #expect(try harness.read(0, count: 10).1 == Array("lo".utf8))
        let (errno, rest) = try harness.read(0, count: 10)
        #expect(errno == .success && rest.isEmpty)
    }

    @Test func readsScatterAcrossIovecs() throws {
        let harness = try WASIHarness(WASIConfiguration(stdin: Array("abcdef".utf8)))
        let memory = harness.memory
        memory.putU32(0x1000, at: 0x100)
        memory.putU32(2, at: 0x104)
        memory.putU32(0x2000, at: 0x108)
        memory.putU32(0, at: 0x10C)
        memory.putU32(0x3000, at: 0x110)
        memory.putU32(10, at: 0x114)
        #expect(
            try harness.context.fdRead(fd: 0, iovs: 0x100, iovsCount: 3, resultPointer: 0x40, in: harness.guest)
                == .success
        )
        #expect(memory.u32(at: 0x40) == 6)
        #expect(memory.bytes(at: 0x1000, count: 2) == Array("ab".utf8))
        #expect(memory.bytes(at: 0x3000, count: 4) == Array("cdef".utf8))
    }

    @Test func anIovecOutsideTheMemoryIsEFAULTAndTooManyAreEINVAL() throws {
        let harness = try WASIHarness()
        harness.memory.putU32(0xFFF0, at: 0x100)
        harness.memory.putU32(0x20, at: 0x104)
        #expect(
            try harness.context.fdWrite(fd: 1, iovs: 0x100, iovsCount: 1, resultPointer: 0x40, in: harness.guest)
                == .fault
        )
        #expect(
            try harness.context.fdWrite(fd: 1, iovs: 0xFFFC, iovsCount: 1, resultPointer: 0x40, in: harness.guest)
                == .fault
        )
        #expect(
            try harness.context.fdWrite(fd: 1, iovs: 0x100, iovsCount: 1025, resultPointer: 0x40, in: harness.guest)
                == .inval
        )
        #expect(harness.context.output.isEmpty)
    }

    @Test func writeSeekAndReadBackAFile() throws {
        let harness = try WASIHarness(tree: [:])
        let fd = try harness.openFile("new.txt", oflags: .creat)
        #expect(try harness.write(fd, "hello world") == (.success, 11))
        #expect(try harness.context.fdTell(fd: fd, resultPointer: 0x40, in: harness.guest) == .success)
        #expect(harness.memory.u64(at: 0x40) == 11)
        #expect(try harness.seek(fd, 6, .set) == (.success, 6))
        #expect(try harness.read(fd, count: 100).1 == Array("world".utf8))
        #expect(try harness.seek(fd, -5, .end) == (.success, 6))
        #expect(try harness.seek(fd, -1, .cur) == (.success, 5))
        #expect(try harness.seek(fd, -6, .cur).0 == .inval)
        #expect(try harness.seek(fd, 0, .cur) == (.success, 5), "a refused seek leaves the position")
        #expect(
            try harness.context.fdSeek(fd: fd, offset: 0, whence: 3, resultPointer: 0x40, in: harness.guest) == .inval
        )
        #expect(harness.context.fileTree(at: "/data")?["new.txt"] == .file(Array("hello world".utf8)))
    }

    @Test func writingPastTheEndZeroFillsTheGap() throws {
        let harness = try WASIHarness(tree: ["f": .file(Array("ab".utf8))])
        let fd = try harness.openFile("f")
        #expect(try harness.seek(fd, 4, .set).1 == 4)
        #expect(try harness.write(fd, "z").1 == 1)
        #expect(harness.context.fileTree(at: "/data")?["f"] == .file([0x61, 0x62, 0, 0, 0x7A]))
    }

    @Test func preadAndPwriteLeaveThePositionAlone() throws {
        let harness = try WASIHarness(tree: ["f": .file(Array("0123456789".utf8))])
        let fd = try harness.openFile("f")
        harness.memory.putU32(0x1000, at: 0x100)
        harness.memory.putU32(3, at: 0x104)
        #expect(
            try harness.context.fdPread(
                fd: fd,
                iovs: 0x100,
                iovsCount: 1,
                offset: 4,
                resultPointer: 0x40,
                in: harness.guest
            ) == .success
        )
        #expect(harness.memory.bytes(at: 0x1000, count: 3) == Array("456".utf8))
        harness.memory.put("xy", at: 0x1000)
        harness.memory.putU32(2, at: 0x104)
        #expect(
            try harness.context.fdPwrite(
                fd: fd,
                iovs: 0x100,
                iovsCount: 1,
                offset: 8,
                resultPointer: 0x40,
                in: harness.guest
            ) == .success
        )
        #expect(try harness.seek(fd, 0, .cur).1 == 0)
        #expect(harness.context.fileTree(at: "/data")?["f"] == .file(Array("01234567xy".utf8)))
        #expect(
            try harness.context.fdPread(
                fd: 0,
                iovs: 0x100,
                iovsCount: 1,
                offset: 0,
                resultPointer: 0x40,
                in: harness.guest
            ) == .spipe
        )
    }

    @Test func appendModeWritesAtTheEnd() throws {
        let harness = try WASIHarness(tree: ["log": .file(Array("a\n".utf8))])
        let (errno, fd) = try harness.open("log", fdflags: .append)
        #expect(errno == .success)
        #expect(try harness.write(fd, "b\n").1 == 2)
        #expect(harness.context.fileTree(at: "/data")?["log"] == .file(Array("a\nb\n".utf8)))
    }

    @Test func truncateOnOpenAndSetSize() throws {
        let harness = try WASIHarness(tree: ["f": .file(Array("abcdef".utf8))])
        let fd = try harness.openFile("f", oflags: .trunc)
        #expect(harness.context.fileTree(at: "/data")?["f"] == .file([]))
        #expect(try harness.context.fdFilestatSetSize(fd: fd, size: 3) == .success)
        #expect(harness.context.fileTree(at: "/data")?["f"] == .file([0, 0, 0]))
        #expect(try harness.context.fdAllocate(fd: fd, offset: 2, length: 4) == .success)
        #expect(try harness.context.fdFilestatGet(fd: fd, resultPointer: 0x200, in: harness.guest) == .success)
        #expect(harness.filestat(at: 0x200).size == 6)
        #expect(try harness.context.fdFilestatSetSize(fd: 1, size: 0) == .inval)
    }

    @Test func accessModeComesFromTheRights() throws {
        let harness = try WASIHarness(tree: ["f": .file(Array("abc".utf8))])
        let reader = try harness.openFile("f", rights: WASIHarness.readRights)
        #expect(try harness.write(reader, "x").0 == .badf)
        #expect(try harness.context.fdFilestatSetSize(fd: reader, size: 0) == .badf)
        let writer = try harness.openFile("f", rights: WASIHarness.writeRights)
        #expect(try harness.read(writer, count: 1).0 == .badf)
        #expect(try harness.write(writer, "x").1 == 1)
    }

    @Test func aReadOnlyMountRefusesWritesWithEROFS() throws {
        let harness = try WASIHarness(
            WASIConfiguration(),
            preopens: [WASIPreopen("/ro", .memory(.directory(["f": .file([1])]), readOnly: true))]
        )
        #expect(try harness.open("f", rights: WASIHarness.readWriteRights).0 == .rofs)
        #expect(try harness.open("f", oflags: .trunc, rights: WASIHarness.readRights).0 == .rofs)
        #expect(try harness.open("g", oflags: .creat).0 == .rofs)
        let fd = try harness.openFile("f", rights: WASIHarness.readRights)
        #expect(try harness.read(fd, count: 4).1 == [1])
        let length = harness.place("d")
        #expect(
            try harness.context.pathCreateDirectory(
                fd: 3,
                path: WASIHarness.path,
                pathLength: length,
                in: harness.guest
            ) == .rofs
        )
    }

    @Test func adviceIsAcceptedForFilesAndCheckedForRange() throws {
        let harness = try WASIHarness(tree: ["f": .file([])])
        let fd = try harness.openFile("f")
        #expect(try harness.context.fdAdvise(fd: fd, offset: 0, length: 10, advice: 5) == .success)
        #expect(try harness.context.fdAdvise(fd: fd, offset: 0, length: 10, advice: 6) == .inval)
        #expect(try harness.context.fdAdvise(fd: 0, offset: 0, length: 10, advice: 0) == .spipe)
        #expect(try harness.context.fdSync(fd: fd) == .success)
        #expect(try harness.context.fdSync(fd: 1) == .inval)
    }

    @Test func theFileSystemBudgetStopsAFileBombWithENOSPC() throws {
        var configuration = WASIConfiguration()
        configuration.maxFileSystemBytes = 1 << 20
        let harness = try WASIHarness(configuration, preopens: [WASIPreopen("/data", .memory(.directory([:])))])
        let fd = try harness.openFile("bomb", oflags: .creat)
        #expect(try harness.seek(fd, 1 << 40, .set).0 == .success)
        #expect(try harness.write(fd, "x").0 == .nospc)
        #expect(try harness.context.fdFilestatSetSize(fd: fd, size: 1 << 21) == .nospc)
        #expect(try harness.context.fdFilestatSetSize(fd: fd, size: 1 << 19) == .success)
        #expect(try harness.context.fdFilestatSetSize(fd: fd, size: 0) == .success)
        var created = 0
        while true {
            let (errno, file) = try harness.open("f\(created)", oflags: .creat)
            guard errno == .success else {
                #expect(errno == .nospc)
                break
            }
            #expect(try harness.context.fdClose(fd: file) == .success)
            created += 1
        }
        #expect(created > 100 && created < (1 << 20) / 64)
    }

    @Test func unlinkedFilesGiveTheirBytesBackWhenTheLastDescriptorCloses() throws {
        let harness = try WASIHarness(tree: [:])
        let before = harness.context.fileSystem.used
        let fd = try harness.openFile("tmp", oflags: .creat)
        #expect(try harness.write(fd, [UInt8](repeating: 7, count: 1000)).1 == 1000)
        let length = harness.place("tmp")
        #expect(
            try harness.context.pathUnlinkFile(fd: 3, path: WASIHarness.path, pathLength: length, in: harness.guest)
                == .success
        )
        #expect(try harness.seek(fd, 0, .set).1 == 0)
        #expect(try harness.read(fd, count: 4).1 == [7, 7, 7, 7], "an unlinked file stays readable while open")
        #expect(harness.context.fileSystem.used > before)
        #expect(try harness.context.fdClose(fd: fd) == .success)
        #expect(harness.context.fileSystem.used == before)
    }
}
