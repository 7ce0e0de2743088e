/// Runs WebAssembly spec test scripts in WABT's JSON form (`wast2json` output) against this engine.
///
/// Every command of every script is executed in order, each script in its own ``WasmStore`` with the
/// `spectest` host module. Text-form `assert_malformed` modules (`.wat`) are skipped (this engine reads only
/// binaries), and so are folders named `simd`/`simd_*` when ``skipSIMD`` is set. Failures are reported one by
/// one through ``report`` as they happen; the ``WasmSpecSummary`` counts them per command type.
///
/// ```swift
/// var runner = WasmSpecRunner()
/// runner.report = { print($0) }
/// let summary = runner.run(paths: ["../shared/wasm-spec/core"])
/// print(summary.line)  // "28018 passed, 0 failed, 581 skipped"
/// ```
package struct WasmSpecRunner {
    /// Whether folders named `simd` or `simd_*` are skipped.
    package var skipSIMD = true
    /// The limits of each script's store (the defaults: spec behaviour, unlimited fuel).
    package var limits = WasmResourceLimits()
    /// Called with each failure as it happens.
    package var report: ((WasmSpecFailure) -> Void)?

    /// Creates a runner with the default settings.
    package init() {}

    /// Runs every script found at `paths`: JSON files, folders holding them, or folders of such folders.
    /// - Returns: the counts and failures.
    package func run(paths: [String]) -> WasmSpecSummary {
        var summary = WasmSpecSummary()
        for path in paths { runPath(path, into: &summary) }
        return summary
    }

    private func runPath(_ path: String, into summary: inout WasmSpecSummary) {
        if path.hasSuffix(".json") {
            runScript(path, into: &summary)
            return
        }
        guard let names = SpecFiles.list(path) else {
            record(
                WasmSpecFailure(file: path, line: 0, command: "read", message: "no such file or directory"),
                &summary
            )
            return
        }
        for name in names where name.hasSuffix(".json") { runScript("\(path)/\(name)", into: &summary) }
        for name in names where SpecFiles.isDirectory("\(path)/\(name)") {
            if skipSIMD && (name == "simd" || name.hasPrefix("simd_")) { continue }
            runPath("\(path)/\(name)", into: &summary)
        }
    }

    /// Runs one script.
    func runScript(_ path: String, into summary: inout WasmSpecSummary) {
        let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let fileName = String(path.split(separator: "/").last ?? "")
        guard let bytes = SpecFiles.read(path) else {
            record(WasmSpecFailure(file: fileName, line: 0, command: "read", message: "cannot read \(path)"), &summary)
            return
        }
        let script: SpecJSON
        do {
            script = try SpecJSON.parse(bytes)
        } catch {
            record(WasmSpecFailure(file: fileName, line: 0, command: "parse", message: "\(error)"), &summary)
            return
        }
        let scriptName = script["source_filename"]?.text ?? fileName
        var state = WasmSpecScriptState(store: WasmStore(limits: limits), folder: folder)
        for command in script["commands"]?.elements ?? [] {
            let type = command["type"]?.text ?? "?"
            let line = command["line"]?.int ?? 0
            let outcome = state.execute(command, type: type)
            switch outcome {
            case .passed:
                summary.count(type, \.passed)
            case .skipped:
                summary.count(type, \.skipped)
            case .failed(let message):
                summary.count(type, \.failed)
                record(WasmSpecFailure(file: scriptName, line: line, command: type, message: message), &summary)
            }
        }
    }

    private func record(_ failure: WasmSpecFailure, _ summary: inout WasmSpecSummary) {
        summary.failures.append(failure)
        if failure.command == "read" || failure.command == "parse" { summary.count(failure.command, \.failed) }
        report?(failure)
    }
}
