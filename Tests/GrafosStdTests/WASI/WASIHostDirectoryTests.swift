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

/// A temporary host directory tree, removed afterwards.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/grafos-wasi-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    deinit {
        remove(path)
    }

    func file(_ name: String, _ contents: String) {
        let fd = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = Array(contents.utf8).withUnsafeBytes { writeBytes(fd, $0) }
        close(fd)
    }

    func directory(_ name: String) { mkdir(path + "/" + name, 0o755) }
    func symlink(_ name: String, to target: String) { _ = makeSymlink(target, path + "/" + name) }

    private func remove(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            if let stream = opendir(path) {
                while let entry = readdir(stream) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) {
                        String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
                    }
                    if name != "." && name != ".." { remove(path + "/" + name) }
                }
                closedir(stream)
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

private func writeBytes(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
    write(fd, bytes.baseAddress, bytes.count)
}
private func makeSymlink(_ target: String, _ path: String) -> Int32 { symlink(target, path) }

@Suite struct WASIHostDirectoryTests {
    func harness(_ directory: TemporaryDirectory) throws -> WASIHarness {
        try WASIHarness(WASIConfiguration(), preopens: [WASIPreopen(".", .hostDirectory(directory.path + "/root"))])
    }

    func makeTree() -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        directory.file("secret.txt", "outside")
        directory.directory("root")
        directory.file("root/readme.md", "# hi\n")
        directory.directory("root/src")
        directory.file("root/src/main.c", "int main;")
        directory.symlink("root/inside", to: "src/main.c")
        directory.symlink("root/out", to: "../secret.txt")
        directory.symlink("root/abs", to: directory.path + "/secret.txt")
        return directory
    }

    @Test func filesAreReadThroughTheMapping() throws {
        let directory = makeTree()
        let harness = try harness(directory)
        let fd = try harness.openFile("src/main.c", rights: WASIHarness.readRights)
        #expect(try harness.read(fd, count: 64).1 == Array("int main;".utf8))
        #expect(
            try harness.read(try harness.openFile("inside", rights: WASIHarness.readRights), count: 64).1
                == Array("int main;".utf8)
        )
        #expect(try harness.stat("readme.md").1?.size == 5)
        #expect(try harness.stat("out", follow: false).1?.filetype == .symbolicLink)
        #expect(try harness.list(3) == [".", "..", "abs", "inside", "out", "readme.md", "src"])
    }

    @Test func linksOutOfTheMappingAreRefused() throws {
        let directory = makeTree()
        let harness = try harness(directory)
        #expect(try harness.open("out", rights: WASIHarness.readRights).0 == .notcapable)
        #expect(try harness.open("abs", rights: WASIHarness.readRights).0 == .notcapable)
        #expect(try harness.open("../secret.txt", rights: WASIHarness.readRights).0 == .notcapable)
        #expect(try harness.open("src/../../secret.txt", rights: WASIHarness.readRights).0 == .notcapable)
    }

    @Test func theMappingIsReadOnly() throws {
        let directory = makeTree()
        let harness = try harness(directory)
        #expect(try harness.open("readme.md", rights: WASIHarness.readWriteRights).0 == .rofs)
        #expect(try harness.open("new.txt", oflags: .creat).0 == .rofs)
        let length = harness.place("readme.md")
        #expect(
            try harness.context.pathUnlinkFile(fd: 3, path: WASIHarness.path, pathLength: length, in: harness.guest)
                == .rofs
        )
        #expect(try harness.stat("readme.md").0 == .success)
    }

    @Test func aMissingHostDirectoryFailsTheSetup() {
        #expect(throws: WASISetupError.self) {
            try WASIContext(
                configuration: WASIConfiguration(),
                preopens: [WASIPreopen(".", .hostDirectory("/nonexistent/x"))]
            )
        }
    }
}
