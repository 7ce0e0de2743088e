import Foundation
import GrafosStd

/// The files a farm run works on: a directory tree read from disk, or a generated one.
package struct Corpus: Sendable {
    /// One file: its path relative to the corpus root, and its bytes.
    package struct File: Sendable {
        package var path: String
        package var bytes: [UInt8]
    }

    /// The files, sorted by path.
    package var files: [File]
    /// Where they came from, for the summary.
    package var origin: String

    /// Total bytes.
    package var bytes: Int { files.reduce(0) { $0 + $1.bytes.count } }

    /// Reads every regular file under `roots` (files are taken as they are; hidden entries — `.build*` among them —
    /// and symbolic links are skipped).
    ///
    /// The walk uses `readdir`/`lstat` directly: Foundation's enumerator with resource values took a sixth of a
    /// cached `grafos demo` run.
    /// - Parameter maxFileBytes: Larger files are left out (and counted in `skipped`).
    package static func load(_ roots: [String], maxFileBytes: Int = 1 << 20) throws -> (Corpus, skipped: Int) {
        var files: [File] = []
        var skipped = 0
        for root in roots {
            var info = stat()
            guard stat(root, &info) == 0 else { throw CLIError.failure("no such file or directory: \(root)") }
            if (info.st_mode & S_IFMT) != S_IFDIR {
                let name = root.split(separator: "/").last.map(String.init) ?? root
                files.append(File(path: name, bytes: try readFile(root)))
                continue
            }
            let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
            let prefix = roots.count > 1 ? (trimmed.split(separator: "/").last.map { $0 + "/" } ?? "") : ""
            try walk(trimmed, relative: "") { relative, path, size in
                if size > maxFileBytes {
                    skipped += 1
                } else {
                    files.append(File(path: prefix + relative, bytes: try readFile(path)))
                }
            }
        }
        files.sort { $0.path < $1.path }
        return (Corpus(files: files, origin: roots.joined(separator: ", ")), skipped)
    }

    /// Calls `visit` with (path relative to the root, full path, size) for each regular file under `directory`.
    private static func walk(
        _ directory: String,
        relative: String,
        _ visit: (String, String, Int) throws -> Void
    ) throws {
        guard let handle = opendir(directory) else {
            throw CLIError.failure("cannot read the directory \(directory): \(String(cString: strerror(errno)))")
        }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        closedir(handle)
        for name in names.sorted() {
            let path = directory + "/" + name
            let inner = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }  // vanished while we looked
            switch info.st_mode & S_IFMT {
            case S_IFDIR: try walk(path, relative: inner, visit)
            case S_IFREG: try visit(inner, path, Int(info.st_size))
            default: continue
            }
        }
    }

    /// A deterministic corpus of source-like text files (some with lint findings), for machines without sources.
    package static func generated(files count: Int, seed: UInt64) -> Corpus {
        var random = SeededRandomNumberGenerator(seed: seed)
        let words = [
            "let", "var", "func", "lease", "fabric", "chunk", "tasklet", "return", "await", "try", "cores", "block",
            "renew", "release", "result", "output", "input", "fuel", "node", "expiry",
        ]
        var files: [File] = []
        for index in 0..<count {
            var text = "// Generated file \(index)\n"
            let lines = Int(random.next() % 200) + 20
            for line in 0..<lines {
                let indent = String(repeating: " ", count: Int(random.next() % 4) * 4)
                let length = Int(random.next() % 18) + 2
                var content = (0..<length).map { _ in words[Int(random.next() % UInt64(words.count))] }
                    .joined(separator: " ")
                if line % 37 == 5 { content += "   " }  // trailing whitespace
                if line % 53 == 7 { content = "\t" + content }  // a tab
                text += indent + content + "\n"
            }
            files.append(File(path: "generated/file\(String(format: "%04d", index)).swift", bytes: Array(text.utf8)))
        }
        return Corpus(files: files, origin: "a generated corpus (seed \(seed))")
    }
}
