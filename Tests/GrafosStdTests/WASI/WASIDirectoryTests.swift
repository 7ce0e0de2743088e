import Testing

#if canImport(GrafosWASIDev)
@testable import GrafosWASIDev
#else
@testable import GrafosStd
#endif

@Suite struct WASIDirectoryTests {
    static let tree: [String: WASIFileTree] = [
        "b.txt": .file(Array("bee".utf8)),
        "a.txt": .file(Array("a".utf8)),
        "sub": .directory(["inner": .file([])]),
        "link": .symlink("a.txt"),
    ]

    @Test func readdirListsDotDotDotThenEntriesByName() throws {
        let harness = try WASIHarness(tree: Self.tree)
        #expect(try harness.list(3) == [".", "..", "a.txt", "b.txt", "link", "sub"])
    }

    @Test func readdirDirentLayoutAndCookies() throws {
        let harness = try WASIHarness(tree: Self.tree)
        let memory = harness.memory
        #expect(
            try harness.context.fdReaddir(
                fd: 3,
                buffer: 0x1000,
                length: 4096,
                cookie: 2,
                resultPointer: 0x40,
                in: harness.guest
            )
                == .success
        )
        // The first entry from cookie 2 is a.txt: d_next 3, d_namlen 5, d_type regular file, then the name.
        #expect(memory.u64(at: 0x1000) == 3)
        #expect(memory.u32(at: 0x1010) == 5)
        #expect(memory.u8(at: 0x1014) == WASIABI.Filetype.regularFile.rawValue)
        #expect(memory.bytes(at: 0x1018, count: 5) == Array("a.txt".utf8))
        // The next entry starts right after the name (no padding), and is b.txt with d_next 4.
        #expect(memory.u64(at: 0x101D) == 4)
        #expect(memory.bytes(at: 0x101D + 24, count: 5) == Array("b.txt".utf8))
        #expect(memory.u8(at: 0x101D + 20) == WASIABI.Filetype.regularFile.rawValue)
        let total: UInt32 = 113  // four 24-byte headers and "a.txt", "b.txt", "link", "sub"
        #expect(memory.u32(at: 0x40) == total, "bufused < buf_len marks the end of the directory")
        // A cookie past the end gives nothing.
        #expect(
            try harness.context.fdReaddir(
                fd: 3,
                buffer: 0x1000,
                length: 4096,
                cookie: 99,
                resultPointer: 0x40,
                in: harness.guest
            )
                == .success
        )
        #expect(memory.u32(at: 0x40) == 0)
    }

    @Test(arguments: [UInt32(29), 30, 40, 64])
    func smallBuffersFillCompletelyAndResumeFromTheCookie(bufferSize: UInt32) throws {
        let harness = try WASIHarness(tree: Self.tree)
        #expect(try harness.list(3, bufferSize: bufferSize) == [".", "..", "a.txt", "b.txt", "link", "sub"])
        #expect(
            try harness.context.fdReaddir(
                fd: 3,
                buffer: 0x1000,
                length: 10,
                cookie: 0,
                resultPointer: 0x40,
                in: harness.guest
            )
                == .success
        )
        #expect(harness.memory.u32(at: 0x40) == 10, "a cut entry fills the buffer")
    }

    @Test func readdirOnAFileIsENOTDIR() throws {
        let harness = try WASIHarness(tree: Self.tree)
        let fd = try harness.openFile("a.txt")
        #expect(
            try harness.context.fdReaddir(
                fd: fd,
                buffer: 0x1000,
                length: 64,
                cookie: 0,
                resultPointer: 0x40,
                in: harness.guest
            )
                == .notdir
        )
    }

    @Test func openingASubdirectoryGivesADescriptorPathsResolveFrom() throws {
        let harness = try WASIHarness(tree: Self.tree)
        let (errno, sub) = try harness.open("sub", oflags: .directory, rights: WASIHarness.readRights)
        #expect(errno == .success)
        #expect(try harness.list(sub) == [".", "..", "inner"])
        #expect(try harness.open("inner", in: sub).0 == .success)
        #expect(try harness.open("a.txt", oflags: .directory).0 == .notdir)
        #expect(try harness.open("sub", rights: WASIHarness.readWriteRights).0 == .isdir)
    }

    @Test func createAndRemoveDirectories() throws {
        let harness = try WASIHarness(tree: Self.tree)
        let context = harness.context
        func call(_ body: (UInt32) throws -> WASIErrno, _ path: String) throws -> WASIErrno {
            try body(harness.place(path))
        }
        let mkdir = { (length: UInt32) in
            try context.pathCreateDirectory(fd: 3, path: WASIHarness.path, pathLength: length, in: harness.guest)
        }
        let rmdir = { (length: UInt32) in
            try context.pathRemoveDirectory(fd: 3, path: WASIHarness.path, pathLength: length, in: harness.guest)
        }
        let unlink = { (length: UInt32) in
            try context.pathUnlinkFile(fd: 3, path: WASIHarness.path, pathLength: length, in: harness.guest)
        }
        #expect(try call(mkdir, "new") == .success)
        #expect(try call(mkdir, "new") == .exist)
        #expect(try call(mkdir, "a.txt") == .exist)
        #expect(try call(mkdir, "missing/new") == .noent)
        #expect(try call(mkdir, "a.txt/new") == .notdir)
        #expect(try call(rmdir, "sub") == .notempty)
        #expect(try call(rmdir, "a.txt") == .notdir)
        #expect(try call(rmdir, "nothing") == .noent)
        #expect(try call(unlink, "sub") == .isdir)
        #expect(try call(unlink, "sub/inner") == .success)
        #expect(try call(rmdir, "sub") == .success)
        #expect(try call(rmdir, "new/") == .success)
        #expect(try call(unlink, "link") == .success)
        #expect(try harness.stat("a.txt").0 == .success, "unlinking a link leaves its target")
        #expect(try call(unlink, "a.txt/") == .notdir)
        #expect(try harness.list(3) == [".", "..", "a.txt", "b.txt"])
    }

    @Test func renameFollowsPOSIXRules() throws {
        let harness = try WASIHarness(tree: [
            "f": .file(Array("F".utf8)), "g": .file(Array("G".utf8)),
            "d": .directory(["x": .file([])]), "e": .directory([:]),
        ])
        func rename(_ from: String, _ to: String) throws -> WASIErrno {
            let fromLength = harness.place(from)
            let toLength = harness.place(to, at: WASIHarness.path2)
            return try harness.context.pathRename(
                fd: 3,
                oldPath: WASIHarness.path,
                oldPathLength: fromLength,
                newFD: 3,
                newPath: WASIHarness.path2,
                newPathLength: toLength,
                in: harness.guest
            )
        }
        #expect(try rename("f", "d") == .isdir)
        #expect(try rename("d", "f") == .notdir)
        #expect(try rename("e", "d") == .notempty)
        #expect(try rename("d", "d/x2") == .inval)
        #expect(try rename("missing", "z") == .noent)
        #expect(try rename("f", "f") == .success)
        #expect(try rename("f", "g") == .success)
        #expect(try rename("d", "e") == .success)
        #expect(try rename("g", "e/moved") == .success)
        let tree = harness.context.fileTree(at: "/data")
        #expect(tree == .directory(["e": .directory(["x": .file([]), "moved": .file(Array("F".utf8))])]))
    }

    @Test func renameAcrossMountsIsEXDEV() throws {
        let harness = try WASIHarness(
            WASIConfiguration(),
            preopens: [
                WASIPreopen("/a", .memory(.directory(["f": .file([])]))), WASIPreopen("/b", .memory(.directory([:]))),
            ]
        )
        let from = harness.place("f")
        let to = harness.place("f", at: WASIHarness.path2)
        #expect(
            try harness.context.pathRename(
                fd: 3,
                oldPath: WASIHarness.path,
                oldPathLength: from,
                newFD: 4,
                newPath: WASIHarness.path2,
                newPathLength: to,
                in: harness.guest
            ) == .xdev
        )
    }

    @Test func symlinksReadlinkAndStatWithAndWithoutFollowing() throws {
        let harness = try WASIHarness(tree: Self.tree)
        let target = harness.place("sub/inner", at: WASIHarness.path2)
        let name = harness.place("deep")
        #expect(
            try harness.context.pathSymlink(
                target: WASIHarness.path2,
                targetLength: target,
                fd: 3,
                path: WASIHarness.path,
                pathLength: name,
                in: harness.guest
            ) == .success
        )
        #expect(
            try harness.context.pathSymlink(
                target: WASIHarness.path2,
                targetLength: target,
                fd: 3,
                path: WASIHarness.path,
                pathLength: name,
                in: harness.guest
            ) == .exist
        )
        #expect(
            try harness.context.pathReadlink(
                fd: 3,
                path: WASIHarness.path,
                pathLength: name,
                buffer: 0x1000,
                bufferLength: 4,
                resultPointer: 0x40,
                in: harness.guest
            ) == .success
        )
        #expect(harness.memory.u32(at: 0x40) == 4, "readlink cuts the target to the buffer")
        #expect(harness.memory.bytes(at: 0x1000, count: 4) == Array("sub/".utf8))
        #expect(try harness.stat("deep", follow: false).1?.filetype == .symbolicLink)
        #expect(try harness.stat("deep", follow: false).1?.size == 9)
        #expect(try harness.stat("deep").1?.filetype == .regularFile)
        let file = harness.place("a.txt")
        #expect(
            try harness.context.pathReadlink(
                fd: 3,
                path: WASIHarness.path,
                pathLength: file,
                buffer: 0x1000,
                bufferLength: 64,
                resultPointer: 0x40,
                in: harness.guest
            ) == .inval
        )
        #expect(try harness.open("link", follow: false).0 == .loop)
        #expect(try harness.read(try harness.openFile("link"), count: 8).1 == Array("a".utf8))
    }

    @Test func hardLinksShareContentsAndCountLinks() throws {
        let harness = try WASIHarness(tree: Self.tree)
        let old = harness.place("a.txt")
        let new = harness.place("again", at: WASIHarness.path2)
        #expect(
            try harness.context.pathLink(
                oldFD: 3,
                oldFlags: 0,
                oldPath: WASIHarness.path,
                oldPathLength: old,
                newFD: 3,
                newPath: WASIHarness.path2,
                newPathLength: new,
                in: harness.guest
            ) == .success
        )
        #expect(try harness.stat("a.txt").1?.linkCount == 2)
        #expect(try harness.write(try harness.openFile("again"), "Z").1 == 1)
        #expect(harness.context.fileTree(at: "/data")?["a.txt"] == .file(Array("Z".utf8)))
        let directory = harness.place("sub")
        #expect(
            try harness.context.pathLink(
                oldFD: 3,
                oldFlags: 0,
                oldPath: WASIHarness.path,
                oldPathLength: directory,
                newFD: 3,
                newPath: WASIHarness.path2,
                newPathLength: new,
                in: harness.guest
            ) == .perm
        )
    }

    @Test func filestatReportsTypeSizeAndSettableTimes() throws {
        let harness = try WASIHarness(tree: Self.tree)
        let (errno, stat) = try harness.stat("b.txt")
        #expect(errno == .success)
        #expect(stat?.filetype == .regularFile && stat?.size == 3 && stat?.linkCount == 1 && stat?.device == 1)
        #expect(stat?.modificationTime == 1_704_067_200_000_000_000, "files of the given tree carry the virtual start")
        #expect(try harness.stat("sub").1?.filetype == .directory)
        #expect(try harness.stat("nothing").0 == .noent)
        let length = harness.place("b.txt")
        let flags = UInt32(WASIABI.FSTFlags.mtim.rawValue)
        #expect(
            try harness.context.pathFilestatSetTimes(
                fd: 3,
                lookupFlags: 1,
                path: WASIHarness.path,
                pathLength: length,
                accessTime: 0,
                modificationTime: 42,
                flags: flags,
                in: harness.guest
            ) == .success
        )
        #expect(try harness.stat("b.txt").1?.modificationTime == 42)
        let both = UInt32(WASIABI.FSTFlags([.mtim, .mtimNow]).rawValue)
        #expect(
            try harness.context.pathFilestatSetTimes(
                fd: 3,
                lookupFlags: 1,
                path: WASIHarness.path,
                pathLength: length,
                accessTime: 0,
                modificationTime: 42,
                flags: both,
                in: harness.guest
            ) == .inval
        )
    }
}
