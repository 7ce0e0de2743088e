import Testing

#if canImport(GrafosWASIDev)
@testable import GrafosWASIDev
#else
@testable import GrafosStd
#endif

@Suite struct WASIObjectStoreMountTests {
    func harness(_ store: TestObjectStore) throws -> WASIHarness {
        try WASIHarness(WASIConfiguration(), preopens: [WASIPreopen("/artifacts", .objectStore(store))])
    }

    @Test func aFileWrittenAndClosedBecomesAnObject() throws {
        let store = TestObjectStore()
        let harness = try harness(store)
        let fd = try harness.openFile("report.json", oflags: [.creat, .trunc], rights: WASIHarness.writeRights)
        #expect(try harness.write(fd, "{\"ok\":true}").1 == 11)
        #expect(store.objects["report.json"] == nil, "nothing is stored before close or sync")
        #expect(try harness.context.fdClose(fd: fd) == .success)
        #expect(store.objects["report.json"] == Array("{\"ok\":true}".utf8))
    }

    @Test func finishFlushesFilesTheProgramNeverClosed() throws {
        let store = TestObjectStore()
        let harness = try harness(store)
        let fd = try harness.openFile("out.bin", oflags: .creat)
        #expect(try harness.write(fd, [1, 2, 3]).1 == 3)
        try harness.context.finish()
        #expect(store.objects["out.bin"] == [1, 2, 3])
        let writes = store.writes
        try harness.context.finish()
        #expect(store.writes == writes, "an unchanged file is not written again")
    }

    @Test func objectsAreListedReadAndRemoved() throws {
        let store = TestObjectStore(["a": Array("A".utf8), "b": [], "dir/c": [9]])
        let harness = try harness(store)
        #expect(try harness.list(3) == [".", "..", "a", "b"])
        #expect(
            try harness.read(try harness.openFile("a", rights: WASIHarness.readRights), count: 8).1 == Array("A".utf8)
        )
        #expect(try harness.stat("a").1?.size == 1)
        let length = harness.place("b")
        #expect(
            try harness.context.pathUnlinkFile(fd: 3, path: WASIHarness.path, pathLength: length, in: harness.guest)
                == .success
        )
        #expect(store.objects["b"] == nil)
        #expect(
            try harness.context.pathUnlinkFile(fd: 3, path: WASIHarness.path, pathLength: length, in: harness.guest)
                == .noent
        )
        #expect(try harness.open("missing").0 == .noent)
    }

    @Test func renameMovesAnObject() throws {
        let store = TestObjectStore(["tmp": Array("x".utf8)])
        let harness = try harness(store)
        let from = harness.place("tmp")
        let to = harness.place("final", at: WASIHarness.path2)
        #expect(
            try harness.context.pathRename(
                fd: 3,
                oldPath: WASIHarness.path,
                oldPathLength: from,
                newFD: 3,
                newPath: WASIHarness.path2,
                newPathLength: to,
                in: harness.guest
            ) == .success
        )
        #expect(store.objects == ["final": Array("x".utf8)])
    }

    @Test func directoriesAndLinksAreNotSupported() throws {
        let harness = try harness(TestObjectStore())
        let length = harness.place("d")
        #expect(
            try harness.context.pathCreateDirectory(
                fd: 3,
                path: WASIHarness.path,
                pathLength: length,
                in: harness.guest
            ) == .notsup
        )
    }

    @Test func aFullStoreIsENOSPCOnClose() throws {
        let store = TestObjectStore()
        store.capacity = 4
        let harness = try harness(store)
        let fd = try harness.openFile("big", oflags: .creat)
        #expect(try harness.write(fd, "123456").1 == 6)
        #expect(try harness.context.fdClose(fd: fd) == .nospc)
        #expect(try harness.context.fdClose(fd: fd) == .badf, "the descriptor is closed anyway")
    }

    @Test func otherStoreErrorsEndTheLaunchUnchanged() throws {
        let store = TestObjectStore(["a": [1]])
        let harness = try harness(store)
        store.failure = FabricError.leaseExpired
        #expect(throws: FabricError.leaseExpired) { try harness.open("a") }
        #expect(throws: FabricError.leaseExpired) { try harness.list(3) }
    }
}
