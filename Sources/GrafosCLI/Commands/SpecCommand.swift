import GrafosStd

/// `grafos spec`: run WebAssembly spec test suites in WABT's JSON form against this engine.
///
/// ```console
/// $ grafos spec ../shared/wasm-spec/core
/// 27437 passed, 0 failed, 581 skipped
/// ```
package enum SpecCommand: Command {
    package static let name = "spec"
    package static let summary = "Run WebAssembly spec suites (wast2json output) and count what passes"
    package static let help = """
        Usage: grafos spec [--quiet] DIR…

        Runs every command of every *.json script (the output of WABT's wast2json) found under each DIR,
        recursively, against this engine — each script in a fresh store with the `spectest` module. A DIR may
        also be one .json file. Prints one line per failing command (file:line: command: what was expected and
        what happened), then the summary `N passed, M failed, K skipped`. Text-format modules (.wat, from
        assert_malformed) are skipped, and so are folders named simd or simd_* below a DIR (SIMD is not
        supported).

        Options:
          --quiet   print only the summary line

        Exit status: 0 when nothing failed, 1 when something did, 2 for a usage error.

        """

    package static func run(_ arguments: inout ArgumentReader, output: inout some OutputSink) async throws -> Int32 {
        let quiet = arguments.flag("quiet")
        let paths = try arguments.positionalArguments()
        guard !paths.isEmpty else {
            throw CLIError.usage("give at least one folder of wast2json output: grafos spec DIR…")
        }
        let summary = await TaskletThreadPool.shared.run { WasmSpecRunner().run(paths: paths) }
        if !quiet {
            for failure in summary.failures {
                // One line each: a message that quotes a multi-line error (a backtrace) is joined with " | ".
                output.write("\(failure)".split(separator: "\n").joined(separator: " | ") + "\n")
            }
        }
        output.write(summary.line + "\n")
        return summary.failed == 0 ? 0 : 1
    }
}
