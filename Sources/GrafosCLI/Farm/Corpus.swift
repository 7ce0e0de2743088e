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

    /// Reads every regular file under `roots` (files are taken as they are; hidden entries and `.build*` are skipped).
    /// - Parameter maxFileBytes: Larger files are left out (and counted in `skipped`).
    package static func load(_ roots: [String], maxFileBytes: Int = 1 << 20) throws -> (Corpus, skipped: Int) {
        var files: [File] = []
        var skipped = 0
        let manager = FileManager.default
        for root in roots {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: root, isDirectory: &isDirectory) else {
                throw CLIError.failure("no such file or directory: \(root)")
            }
            if !isDirectory.boolValue {
                let url = URL(fileURLWithPath: root)
                files.append(File(path: url.lastPathComponent, bytes: Array(try Data(contentsOf: url))))
                continue
            }
            let base = URL(fileURLWithPath: root).standardizedFileURL
            guard
                let walker = manager.enumerator(
                    at: base,
                    includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey],
                    options: [.skipsHiddenFiles]
                )
            else { continue }
            for case let url as URL in walker {
                if url.lastPathComponent.hasPrefix(".build") {
                    walker.skipDescendants()
                    continue
                }
                let values = try url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
                guard values.isRegularFile == true else { continue }
                if (values.fileSize ?? 0) > maxFileBytes {
                    skipped += 1
                    continue
                }
                let relative = String(url.standardizedFileURL.path.dropFirst(base.path.count + 1))
                let prefix = roots.count > 1 ? base.lastPathComponent + "/" : ""
                files.append(File(path: prefix + relative, bytes: Array(try Data(contentsOf: url))))
            }
        }
        files.sort { $0.path < $1.path }
        return (Corpus(files: files, origin: roots.joined(separator: ", ")), skipped)
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
