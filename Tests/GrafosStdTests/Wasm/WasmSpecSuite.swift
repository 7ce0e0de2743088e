import Foundation

#if canImport(GrafosWasmDev)
@testable import GrafosWasmDev
#else
@testable import GrafosStd
#endif

/// The WebAssembly spec test suite in `../shared/wasm-spec` (wabt JSON scripts plus binary modules), located
/// from this file: `<repo>/Tests/GrafosStdTests/Wasm/WasmSpecSuite.swift` → `<repo>/../shared/wasm-spec`.
/// `GRAFOS_WASM_SPEC_DIR` overrides the location.
struct WasmSpecSuite {
    /// One command of a JSON script.
    struct Command: Decodable {
        var type: String
        var line: Int
        var filename: String?
        var module_type: String?
        var text: String?
    }

    /// A JSON script.
    struct Script: Decodable {
        var commands: [Command]
    }

    /// A command with the folder its files are in.
    struct Located {
        var command: Command
        var folder: URL
        var scriptName: String

        /// The bytes of the command's module file.
        func moduleBytes() throws -> [UInt8] {
            guard let filename = command.filename else { throw CocoaError(.fileNoSuchFile) }
            return Array(try Data(contentsOf: folder.appendingPathComponent(filename)))
        }

        /// `file.wast:line (module.wasm)`, for failure messages.
        var location: String {
            "\(scriptName):\(command.line) (\(command.filename ?? "-"))"
        }
    }

    /// The suite's root folder (holding `core/` and `simd/`), or `nil` when it is not on this machine.
    static let root: URL? = {
        let fileManager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["GRAFOS_WASM_SPEC_DIR"] {
            let root = URL(fileURLWithPath: override)
            return fileManager.fileExists(atPath: root.appendingPathComponent("core").path) ? root : nil
        }
        // Tests/GrafosStdTests/Wasm/<file> → the repository, whose sibling is shared/.
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let root = repository.deletingLastPathComponent().appendingPathComponent("shared/wasm-spec")
        return fileManager.fileExists(atPath: root.appendingPathComponent("core").path) ? root : nil
    }()

    /// Why the suite is unavailable, for skipped tests.
    static let unavailableReason =
        "the spec suite was not found at <repo>/../shared/wasm-spec (set GRAFOS_WASM_SPEC_DIR to point at it)"

    /// Every command of every script in `root/<folder>`, in file order.
    static func commands(in folder: String) throws -> [Located] {
        guard let root else { return [] }
        let directory = root.appendingPathComponent(folder)
        let fileManager = FileManager.default
        var result: [Located] = []
        let names = try fileManager.contentsOfDirectory(atPath: directory.path).sorted()
        for name in names {
            let scriptFolder = directory.appendingPathComponent(name)
            let json = scriptFolder.appendingPathComponent("\(name).json")
            guard fileManager.fileExists(atPath: json.path) else { continue }
            let script = try JSONDecoder().decode(Script.self, from: Data(contentsOf: json))
            for command in script.commands {
                result.append(Located(command: command, folder: scriptFolder, scriptName: "\(name).wast"))
            }
        }
        return result
    }

    /// Whether our error text says the same as the spec's expected text (which sometimes appends an index).
    static func textMatches(_ ours: String, expected: String) -> Bool {
        ours == expected || expected.hasPrefix(ours + " ")
    }
}
