import Testing

#if canImport(GrafosWASIDev)
@testable import GrafosWASIDev
#else
@testable import GrafosStd
#endif

@Suite struct WASIPathEscapeTests {
    static let tree: [String: WASIFileTree] = [
        "sub": .directory(["f": .file(Array("in".utf8)), "up": .symlink(".."), "out": .symlink("../..")]),
        "abs": .symlink("/etc/passwd"),
        "escape": .symlink("sub/../../x"),
        "loop1": .symlink("loop2"),
        "loop2": .symlink("loop1"),
        "self": .symlink("self/x"),
    ]

    @Test(arguments: [
        ("/etc/passwd", WASIErrno.notcapable), ("..", .notcapable), ("../data/sub/f", .notcapable),
        ("sub/../../x", .notcapable), ("sub/../..", .notcapable), ("abs", .notcapable), ("escape", .notcapable),
        ("sub/out", .notcapable), ("sub/out/x", .notcapable), ("loop1", .loop), ("self", .loop),
    ])
    func escapingPathsAreRefused(path: String, errno: WASIErrno) throws {
        let harness = try WASIHarness(tree: Self.tree)
        #expect(try harness.open(path).0 == errno)
        #expect(try harness.stat(path).0 == errno)
    }

    @Test(arguments: ["sub/f", "./sub/f", "sub/../sub/f", "sub//f", "sub/up/sub/f", "sub/./up/sub/./f"])
    func pathsThatStayInsideResolve(path: String) throws {
        let harness = try WASIHarness(tree: Self.tree)
        let (errno, fd) = try harness.open(path)
        #expect(errno == .success)
        #expect(try harness.read(fd, count: 8).1 == Array("in".utf8))
    }

    @Test func aSubdirectoryDescriptorConfinesToItself() throws {
        let harness = try WASIHarness(tree: Self.tree)
        let (_, sub) = try harness.open("sub", oflags: .directory, rights: WASIHarness.readRights)
        #expect(try harness.open("../abs", in: sub).0 == .notcapable)
        #expect(try harness.open("up/sub/f", in: sub).0 == .notcapable)
        #expect(try harness.open("f", in: sub).0 == .success)
    }

    @Test func everyPathOperationRefusesAnEscape() throws {
        let harness = try WASIHarness(tree: Self.tree)
        let context = harness.context
        let length = harness.place("../x")
        let other = harness.place("y", at: WASIHarness.path2)
        let guest = harness.guest
        #expect(
            try context.pathCreateDirectory(fd: 3, path: WASIHarness.path, pathLength: length, in: guest) == .notcapable
        )
        #expect(
            try context.pathRemoveDirectory(fd: 3, path: WASIHarness.path, pathLength: length, in: guest) == .notcapable
        )
        #expect(try context.pathUnlinkFile(fd: 3, path: WASIHarness.path, pathLength: length, in: guest) == .notcapable)
        #expect(
            try context.pathRename(
                fd: 3,
                oldPath: WASIHarness.path2,
                oldPathLength: other,
                newFD: 3,
                newPath: WASIHarness.path,
                newPathLength: length,
                in: guest
            ) == .notcapable
        )
        #expect(
            try context.pathSymlink(
                target: WASIHarness.path2,
                targetLength: other,
                fd: 3,
                path: WASIHarness.path,
                pathLength: length,
                in: guest
            ) == .notcapable
        )
        #expect(
            try context.pathReadlink(
                fd: 3,
                path: WASIHarness.path,
                pathLength: length,
                buffer: 0x1000,
                bufferLength: 8,
                resultPointer: 0x40,
                in: guest
            ) == .notcapable
        )
    }

    @Test func malformedPathsAreRefused() throws {
        let harness = try WASIHarness(tree: Self.tree)
        #expect(try harness.open("").0 == .noent)
        #expect(try harness.open("sub/f\u{0}").0 == .ilseq)
        #expect(try harness.open(String(repeating: "n", count: 256)).0 == .nametoolong)
        harness.memory.put([0x66, 0xFF], at: WASIHarness.path)
        #expect(
            try harness.context.pathOpen(
                fd: 3,
                lookupFlags: 1,
                path: WASIHarness.path,
                pathLength: 2,
                openFlags: 0,
                rightsBase: 0,
                rightsInheriting: 0,
                fdFlags: 0,
                resultPointer: 0x40,
                in: harness.guest
            ) == .ilseq
        )
        #expect(
            try harness.context.pathOpen(
                fd: 3,
                lookupFlags: 1,
                path: 0xFFFF,
                pathLength: 2,
                openFlags: 0,
                rightsBase: 0,
                rightsInheriting: 0,
                fdFlags: 0,
                resultPointer: 0x40,
                in: harness.guest
            ) == .fault
        )
        #expect(try harness.open("sub/f/").0 == .notdir)
        #expect(try harness.open("new/", oflags: .creat).0 == .isdir)
    }

    @Test func pathOpenFlagRules() throws {
        let harness = try WASIHarness(tree: Self.tree)
        #expect(try harness.open("sub/f", oflags: [.creat, .excl]).0 == .exist)
        #expect(try harness.open("nothing").0 == .noent)
        #expect(try harness.open("sub/f", oflags: WASIABI.OFlags(rawValue: 0x10)).0 == .inval)
        #expect(try harness.open("new", oflags: [.creat, .directory]).0 == .inval)
        #expect(try harness.open("new", oflags: [.creat, .excl]).0 == .success)
        #expect(try harness.open("sub/f", in: 1).0 == .notdir)
    }
}
