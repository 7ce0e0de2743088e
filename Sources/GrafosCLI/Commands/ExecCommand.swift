import GrafosStd

/// `grafos exec`: run one WebAssembly module on this engine — a WASI program as `wasmtime run` would, or one
/// exported function with typed arguments.
///
/// ```console
/// $ grafos exec --dir . hash.wasm README.md
/// $ grafos exec --fuel 1000000 --stats --input notes.txt lint.wasm
/// $ grafos exec --invoke add --arg i32:2 --arg i32:40 math.wasm
/// i32:42
/// ```
package enum ExecCommand: Command {
    package static let name = "exec"
    package static let summary = "Run a WebAssembly module: a WASI program, or one export (--invoke)"
    package static let help = """
        Usage: grafos exec [--fuel N] [--input FILE] [--dir HOST[::GUEST]]… [--env KEY=VALUE]… [--stats]
                           [--deterministic] [--invoke NAME [--arg TYPE:VALUE]…] MODULE [ARGS…]

        Runs MODULE, a WASI preview1 command (it exports `_start`) or a freestanding grafos tasklet (it exports
        `run`), as `wasmtime run` does: everything after MODULE is the program's argv[1...] (argv[0] is MODULE's
        file name), so grafos exec's own options go before MODULE. Its stdout and stderr are passed through as it
        writes them, with no size limit; its exit code becomes ours.

        Options:
          --fuel N             stop the program after N units of fuel (one per instruction executed, see
                               Docs/Fuel.md); without it there is no limit
          --input FILE         the program's stdin is FILE; without it, our own stdin, read as the program
                               reads it (a grafos tasklet, which asks for its input's size, gets all of it)
          --dir HOST[::GUEST]  preopen the host directory HOST, read-only, as GUEST (default: as HOST);
                               '--dir .' makes the current directory '.'
          --env KEY=VALUE      set an environment variable (KEY alone passes ours); nothing else is visible
          --stats              print the fuel consumed and the wall time to stderr
          --deterministic      virtual clocks and seeded randomness, as tasklets get by default (without it,
                               the host's clocks and random numbers, as wasmtime gives)
          --invoke NAME        call the export NAME (after `_initialize`, if exported) instead of running the
                               program, and print each result as TYPE:VALUE, one per line
          --arg TYPE:VALUE     one argument of NAME, in order: i32:5, i64:-3, f32:1.5, f64:2.5e10, f64:nan,
                               or a bit pattern such as f32:0x7fc00000

        Exit status: the program's exit code; 1 when it traps, runs out of fuel or cannot be loaded (the typed
        error and the wasm backtrace go to stderr); 2 for a usage error.

        Two words are grafos's own wherever they stand: -h/--help (grafos answers it), and the first '--' (not
        passed on). So 'grafos exec prog.wasm -- --help' gives the program --help, and 'grafos exec prog.wasm
        -- a -- b' gives it a, --, b.

        """

    package static func run(_ arguments: inout ArgumentReader, output: inout some OutputSink) async throws -> Int32 {
        let (ordinary, afterDoubleDash) = arguments.takeRawArguments()
        let options = try ExecOptions.parse(ordinary, afterDoubleDash)
        let module = try readFile(options.modulePath)
        let input = try options.inputPath.map { path throws(CLIError) in try readFile(path) }
        let streams = output.programStreams()
        flushStandardOutput()
        let runner = ExecRunner(options: options, module: module, input: input, streams: streams)
        let report = await TaskletThreadPool.shared.run { runner.run() }
        streams.deliver(to: &output)
        for value in report.results ?? [] { output.write("\(value)\n") }
        if options.stats {
            output.writeError(
                "fuel consumed: \(report.fuelConsumed)\n"
                    + "wall time: \(milliseconds(report.compileTime + report.runTime)) ms "
                    + "(compile \(milliseconds(report.compileTime)) ms, run \(milliseconds(report.runTime)) ms)\n"
            )
        }
        guard let error = report.error else { return report.exitCode }
        if let error = error as? CLIError { throw error }
        output.writeError("error: \(commandLineWording(error))\n")
        return 1
    }

    /// The error as the command line says it: running out of fuel points at `--fuel` (the shared wording names
    /// the API's `.fuel(…)`); everything else reads as from `launch()`.
    static func commandLineWording(_ error: any Error) -> any Error {
        guard var error = error as? TaskletError, error.code == .fuelExhausted else { return error }
        error.message =
            "the program ran out of fuel after \(error.fuelConsumed ?? 0) units; run with a larger --fuel, or "
            + "without --fuel for no limit"
        return error
    }

    /// `12.345` for a duration of 12,345 µs.
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let microseconds = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        let fraction = String(microseconds % 1_000)
        return "\(microseconds / 1_000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
