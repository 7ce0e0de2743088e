import Foundation
import Testing

@testable import GrafosCLI

/// `grafos exec` through ``GrafosCommandLine/main(_:output:)``: `--invoke` on the hand-written fixtures in
/// `Fixtures/` (`calc.wat`, `echo.wat`; rebuilt by `Fixtures/build.sh`), and WASI programs with the example
/// tasklets in `Examples/Tasklets`, whose expected outputs wasmtime produced.
@Suite struct ExecCommandTests {
    /// `<repo>/Tests/GrafosCLITests/Fixtures`.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        .path
    /// `<repo>/Examples/Tasklets`.
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/Tasklets").path

    static var calc: String { fixtures + "/calc.wasm" }
    static var echo: String { fixtures + "/echo.wasm" }
    static var env: String { fixtures + "/env.wasm" }

    /// Runs `grafos ARGUMENTS` with `stdin` as standard input.
    func grafos(_ arguments: [String], stdin: [UInt8] = []) async -> (status: Int32, output: BufferedOutput) {
        var output = BufferedOutput()
        output.standardInput = stdin
        let status = await GrafosCommandLine.main(arguments, output: &output)
        return (status, output)
    }

    func example(_ relative: String) throws -> String {
        try String(contentsOfFile: Self.examples + "/" + relative, encoding: .utf8)
    }

    // MARK: - --invoke

    struct Invocation: Sendable, CustomStringConvertible {
        var function: String
        var arguments: [String]
        var printed: String
        var description: String { "\(function)(\(arguments.joined(separator: ", ")))" }
    }

    static let invocations: [Invocation] = [
        Invocation(function: "add", arguments: ["i32:2", "i32:40"], printed: "i32:42\n"),
        Invocation(function: "add", arguments: ["i32:2147483647", "i32:1"], printed: "i32:-2147483648\n"),
        Invocation(function: "mul64", arguments: ["i64:3000000000", "i64:-3"], printed: "i64:-9000000000\n"),
        Invocation(function: "half", arguments: ["f32:3"], printed: "f32:1.5\n"),
        Invocation(function: "half", arguments: ["f32:0x7fc00000"], printed: "f32:nan:0x7fc00000\n"),
        Invocation(function: "hypot", arguments: ["f64:3", "f64:4"], printed: "f64:5.0\n"),
        Invocation(function: "divmod", arguments: ["i32:7", "i32:-2"], printed: "i32:-3\ni32:1\n"),
        Invocation(function: "nothing", arguments: [], printed: ""),
    ]

    @Test(arguments: invocations)
    func invokePrintsEachResultAsTypeColonValue(_ invocation: Invocation) async {
        let (status, output) = await grafos(
            ["exec", "--invoke", invocation.function] + invocation.arguments.flatMap { ["--arg", $0] } + [Self.calc]
        )
        #expect(status == 0, "\(output.standardError)")
        #expect(output.standardOutput == invocation.printed)
        #expect(output.standardError == "")
    }

    @Test func invokeCallsInitializeFirstAsForAWASIReactor() async {
        let (status, output) = await grafos(["exec", "--invoke", "ready", Self.calc])
        #expect(status == 0)
        #expect(output.standardOutput == "i32:1\n")
    }

    @Test func invokedFunctionsHaveWASI() async {
        let greet = await grafos(["exec", "--invoke", "greet", Self.calc])
        #expect(greet.status == 0)
        #expect(greet.output.standardOutput == "hello from calc\ni32:0\n")

        let quit = await grafos(["exec", "--invoke", "quit", "--arg", "i32:7", Self.calc])
        #expect(quit.status == 7)
        #expect(quit.output.standardOutput == "")
    }

    @Test func closedAndRenumberedStandardStreamsBehaveAsInWASI() async {
        // After fd_close(1), writing to 1 is EBADF (8) and nothing reaches stdout.
        let closed = await grafos(["exec", "--invoke", "write_after_close", Self.calc])
        #expect(closed.status == 0)
        #expect(closed.output.standardOutput == "i32:8\n")
        // fd_renumber(2, 1): descriptor 1 is our stderr now, and 2 is closed.
        let moved = await grafos(["exec", "--invoke", "stderr_onto_stdout", Self.calc])
        #expect(moved.status == 0)
        #expect(moved.output.standardOutput == "i32:8\n")
        #expect(moved.output.standardError == "hello from calc\n")
    }

    /// Sign-extending loads from an address computed by the `i32.add` before them (`Fixtures/loads.wat`), as
    /// wasmtime computes them. Regression: the translator used to drop the add when the load had no fused form
    /// (`translateLoad` took the address computation before knowing a fused form exists), which made GCC's cc1 and
    /// Boolector diverge from wasmtime.
    @Test func signExtendingLoadsFromComputedAddressesMatchWasmtime() async {
        let cases: [(String, [String], String)] = [
            ("i32_load8_s", ["i32:100"], "i32:-15\n"),
            ("i32_load16_s", ["i32:100"], "i32:-3343\n"),
            ("i64_load8_s", ["i32:100"], "i64:-103\n"),
            ("i64_load16_s", ["i32:100"], "i64:-3343\n"),
            ("i64_load32_s", ["i32:100"], "i64:-185339151\n"),
            ("i64_load32_s_sum", ["i32:100", "i32:4"], "i64:-1667523943\n"),
        ]
        // What each call printed, with a trap's first line (the wrong address may be out of bounds).
        var printed: [String: String] = [:]
        for (function, arguments, _) in cases {
            let (status, output) = await grafos(
                ["exec", "--invoke", function] + arguments.flatMap { ["--arg", $0] } + [Self.fixtures + "/loads.wasm"]
            )
            printed[function] =
                status == 0 ? output.standardOutput : "exit \(status): \(output.standardError.prefix { $0 != "\n" })"
        }
        for (function, _, expected) in cases {
            #expect(printed[function] == expected, "\(function)")
        }
    }

    // MARK: - WASI programs

    @Test func standardInputIsStreamedAndStandardStreamsPassThrough() async {
        // echo reads at most 7 bytes per fd_read, so this takes thousands of reads and writes.
        let input = Array((0..<50_000).map { UInt8(truncatingIfNeeded: $0 % 26 + 97) })
        let (status, output) = await grafos(["exec", Self.echo], stdin: input)
        #expect(status == 3)
        #expect(output.standardOutput == String(decoding: input, as: UTF8.self))
        #expect(output.standardError == "echo: done\n")
    }

    @Test func inputReplacesStandardInput() async throws {
        let (status, output) = await grafos(
            ["exec", "--input", Self.examples + "/inputs/abc.txt", Self.echo],
            stdin: Array("not this".utf8)
        )
        #expect(status == 3)
        #expect(output.standardOutput == (try example("inputs/abc.txt")))
    }

    @Test func hashReadsAFileThroughAPreopenedDirectory() async throws {
        let (status, output) = await grafos(
            ["exec", "--dir", Self.examples + "/inputs::/in", Self.examples + "/hash.wasm", "/in/binary.bin"]
        )
        #expect(status == 0)
        #expect(output.standardOutput == (try example("expected/hash-binary-file.out")))
    }

    @Test func aDirectoryWithoutAGuestNameKeepsItsHostPath() async throws {
        let inputs = Self.examples + "/inputs"
        let (status, output) = await grafos([
            "exec", "--dir", inputs, Self.examples + "/hash.wasm", inputs + "/abc.txt",
        ])
        #expect(status == 0)
        #expect(output.standardOutput == (try example("expected/hash-abc.out")))
    }

    @Test func theProgramsExitCodeBecomesOurs() async throws {
        let (status, output) = await grafos(
            ["exec", "--dir", Self.examples + "/inputs::/in", Self.examples + "/hash.wasm", "/in/missing.txt"]
        )
        #expect(status == 1)
        #expect(output.standardOutput == (try example("expected/hash-missing-file.out")))
        #expect(output.standardError.contains("hash: cannot open /in/missing.txt"))
    }

    @Test func hashReadsStandardInput() async throws {
        let abc = Array(try example("inputs/abc.txt").utf8)
        let (status, output) = await grafos(["exec", Self.examples + "/hash.wasm"], stdin: abc)
        #expect(status == 0)
        #expect(output.standardOutput == (try example("expected/hash-abc.out")))
    }

    @Test func argumentsAfterTheModuleGoToTheProgramEvenWhenTheyLookLikeOptions() async throws {
        // `--level 9` is compress's option; grafos exec must not take it (nor fail on it).
        let (status, output) = await grafos(
            ["exec", "--input", Self.examples + "/inputs/messy.txt", Self.examples + "/compress.wasm", "--level", "9"]
        )
        #expect(status == 0)
        let expected = try Data(contentsOf: URL(fileURLWithPath: Self.examples + "/expected/compress-messy-level9.out"))
        #expect(output.standardOutput == String(decoding: expected, as: UTF8.self))
    }

    @Test func aGrafosTaskletGetsItsInputAndStreamsItsOutputAndLog() async throws {
        let messy = Array(try example("inputs/messy.txt").utf8)
        let lint = await grafos(["exec", Self.examples + "/lint.wasm"], stdin: messy)
        #expect(lint.status == 1)
        #expect(lint.output.standardOutput == (try example("expected/lint-messy.out")))
        // Without an object store, cas logs why and exits 2.
        let cas = await grafos(["exec", Self.examples + "/cas.wasm"], stdin: Array("abc".utf8))
        #expect(cas.status == 2)
        #expect(cas.output.standardError.contains("no block storage is mounted"))
    }

    @Test func argvAndEnvironmentAreWhatTheCommandLineSays() async {
        setenv("GRAFOS_EXEC_TEST_INHERITED", "from us", 1)
        let (status, output) = await grafos(
            ["exec", "--env", "A=1", "--env", "B=x=y", "--env", "GRAFOS_EXEC_TEST_INHERITED", Self.env, "x", "y z"]
        )
        #expect(status == 0)
        #expect(output.standardOutput.hasPrefix("env.wasm\nx\ny z\nA=1\nB=x=y\nGRAFOS_EXEC_TEST_INHERITED=from us\n"))
    }

    @Test func deterministicRunsRepeatAndOthersUseTheHostsClockAndRandomness() async throws {
        func randomAndClock(_ options: [String]) async throws -> (random: String, clock: UInt64) {
            let (status, output) = await grafos(["exec"] + options + [Self.env])
            #expect(status == 0)
            let lines = output.standardOutput.split(separator: "\n").suffix(2).map(String.init)
            let littleEndian = try #require(UInt64(lines[1], radix: 16))
            return (lines[0], littleEndian.byteSwapped)
        }
        let first = try await randomAndClock(["--deterministic"])
        let second = try await randomAndClock(["--deterministic"])
        #expect(first.random == second.random)
        // The virtual clock: 2024-01-01T00:00:00Z plus one 1 µs step.
        #expect(first.clock == 1_704_067_200_000_001_000)
        let host = try await randomAndClock([])
        let again = try await randomAndClock([])
        #expect(host.random != again.random)
        #expect(host.clock > 1_735_689_600_000_000_000)  // after 2025-01-01
    }

    // MARK: - Failures

    @Test func aTrapExitsWith1AndPrintsTheSpecWordingAndABacktrace() async {
        let (status, output) = await grafos([
            "exec", "--invoke", "divmod", "--arg", "i32:1", "--arg", "i32:0", Self.calc,
        ])
        #expect(status == 1)
        #expect(output.standardOutput == "")
        #expect(output.standardError.hasPrefix("error: trap: integer divide by zero\n  #0 "))
    }

    @Test func deepRecursionIsCallStackExhausted() async {
        let (status, output) = await grafos(["exec", "--invoke", "recurse", "--arg", "i32:0", Self.calc])
        #expect(status == 1)
        #expect(output.standardError.contains("callStackExhausted: call stack exhausted"))
        #expect(output.standardError.contains("#0 $recurse"))
    }

    @Test func runningOutOfFuelExitsWith1AndStatsCountTheFuel() async {
        let (status, output) = await grafos(["exec", "--fuel", "1_000", "--stats", "--invoke", "spin", Self.calc])
        #expect(status == 1)
        #expect(output.standardError.contains("fuel consumed: 1000\n"))
        #expect(output.standardError.contains("error: fuelExhausted: the program ran out of fuel after 1000 units; "))
        #expect(output.standardError.contains("#0 $spin"))
        #expect(output.standardError.contains("run with a larger --fuel"))
    }

    @Test func theFuelLimitIsExact() async throws {
        let program = ["--input", Self.examples + "/inputs/abc.txt", Self.examples + "/hash.wasm"]
        let measured = await grafos(["exec", "--stats"] + program)
        #expect(measured.status == 0)
        let line = measured.output.standardError.split(separator: "\n").first { $0.hasPrefix("fuel consumed: ") }
        let fuel = try #require(line.flatMap { Int($0.dropFirst("fuel consumed: ".count)) })
        #expect(fuel > 10_000)
        let enough = await grafos(["exec", "--fuel", "\(fuel)"] + program)
        #expect(enough.status == 0)
        #expect(enough.output.standardOutput == measured.output.standardOutput)
        let short = await grafos(["exec", "--fuel", "\(fuel - 1)"] + program)
        #expect(short.status == 1)
        #expect(short.output.standardError.contains("fuelExhausted"))
    }

    @Test func aMissingModuleExitsWith1() async {
        let (status, output) = await grafos(["exec", Self.fixtures + "/no-such.wasm"])
        #expect(status == 1)
        #expect(output.standardError.contains("cannot open \(Self.fixtures)/no-such.wasm: No such file or directory"))
    }

    @Test func bytesThatAreNotAModuleExitWith1() async {
        let (status, output) = await grafos(["exec", Self.fixtures + "/calc.wat"])
        #expect(status == 1)
        #expect(output.standardError.hasPrefix("error: invalidModule: malformed module"))
    }

    @Test func aModuleWithoutAnEntryPointNeedsInvoke() async {
        let (status, output) = await grafos(["exec", Self.calc])
        #expect(status == 1)
        #expect(output.standardError.contains("--invoke NAME"))
    }

    @Test func aMissingDirectoryExitsWith1() async {
        let (status, output) = await grafos(["exec", "--dir", Self.fixtures + "/no-such-dir::/in", Self.echo])
        #expect(status == 1)
        #expect(output.standardError.contains("cannot preopen"))
        #expect(output.standardError.contains("no-such-dir"))
    }

    static let usageErrors: [[String]] = [
        ["exec"],
        ["exec", "--fuel", "lots", calc],
        ["exec", "--fuel"],
        ["exec", "--frobnicate", calc],
        ["exec", "--arg", "i32:1", calc],
        ["exec", "--invoke", "add", "--arg", "i33:1", "--arg", "i32:1", calc],
        ["exec", "--invoke", "add", "--arg", "i32:1", calc],
        ["exec", "--invoke", "add", "--arg", "i64:1", "--arg", "i32:1", calc],
        ["exec", "--invoke", "no_such_function", calc],
        ["exec", "--dir", "::/in", calc],
        ["exec", "--env", "=value", calc],
        ["exec", "--stats=yes", calc],
        ["exec", "--invoke", "add", "--invoke", "add", calc],
    ]

    @Test(arguments: usageErrors)
    func argumentErrorsExitWith2(_ arguments: [String]) async {
        let (status, output) = await grafos(arguments)
        #expect(status == 2)
        #expect(output.standardError.hasPrefix("error: "))
        #expect(output.standardError.contains("grafos exec --help"))
    }

    // MARK: - Parsing

    @Test func optionsStopAtTheModule() throws {
        let options = try ExecOptions.parse(
            [
                "--fuel=5_000", "--dir", ".", "--dir", "data::/data", "--env", "A=1", "--env", "B=x=y", "--stats",
                "--deterministic", "dir/prog.wasm", "--fuel", "7", "-v",
            ],
            ["--help"]
        )
        #expect(options.fuel == 5_000)
        #expect(options.directories == [.init(host: ".", guest: "."), .init(host: "data", guest: "/data")])
        #expect(options.environment == ["A": "1", "B": "x=y"])
        #expect(options.stats && options.deterministic)
        #expect(options.modulePath == "dir/prog.wasm")
        #expect(options.programName == "prog.wasm")
        #expect(options.programArguments == ["--fuel", "7", "-v", "--help"])
    }

    @Test func aModuleAfterTheDoubleDashIsFound() throws {
        let options = try ExecOptions.parse(["--stats"], ["-odd-name.wasm", "x"])
        #expect(options.modulePath == "-odd-name.wasm")
        #expect(options.programArguments == ["x"])
    }

    @Test func theReaderHandsOverItsArgumentsInOrder() {
        var reader = ArgumentReader(["--fuel", "5", "m.wasm", "--x", "--", "--help", "y"])
        let (ordinary, afterDoubleDash) = reader.takeRawArguments()
        #expect(ordinary == ["--fuel", "5", "m.wasm", "--x"])
        #expect(afterDoubleDash == ["--help", "y"])
    }

    @Test func millisecondsHaveThreeDecimals() {
        #expect(ExecCommand.milliseconds(.microseconds(12_345)) == "12.345")
        #expect(ExecCommand.milliseconds(.microseconds(7)) == "0.007")
        #expect(ExecCommand.milliseconds(.seconds(2)) == "2000.000")
    }
}
