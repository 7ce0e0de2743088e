import GrafosObserve
import GrafosStd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `grafos bench engine`: the benchmark kernels (`Benchmarks/Kernels`) under this engine with fuel metering on,
/// under WasmKit's command-line runner and natively, in the same run, with the ratios and their geometric means.
///
/// Each kernel of `kernels.tsv` is run at its benchmark argument and its checksum verified on every run, by every
/// runner. Our engine compiles `kernels.wasm` once; each run is a fresh store, an instantiation and one call,
/// with a finite fuel budget of 2^60 (so every region pays its fuel exactly as a tasklet's would). WasmKit runs
/// as a process, `wasmkit run kernels.wasm NAME i32:ARG`; its startup (process, parsing, one tiny call: the best
/// `wasmkit run kernels.wasm fib i32:1`, sampled before and after every WasmKit run) is subtracted from its best
/// time, so both columns are the kernel's execution (ours excludes the one compile, reported apart). The native
/// runner (`native NAME ARG RUNS`, built from the same C) times itself in-process. Every figure is the best of the
/// runs, the runs of ours and WasmKit interleaved.
///
/// ```swift
/// let result = try await EngineBenchmark(kernelsDirectory: "Benchmarks/Kernels", runs: 5).run()
/// print(result.report)
/// ```
package struct EngineBenchmark {
    /// The folder with `kernels.tsv` and `kernels.wasm` (and `native.c`, `kernels.c`, maybe a built `native`).
    package var kernelsDirectory: String
    /// Runs per kernel and runner; the best counts.
    package var runs: Int
    /// The WasmKit command-line runner.
    package var wasmkitPath: String
    /// The C compiler for the native runner, if it must be built.
    package var clangPath: String?

    /// The fuel budget of every run of ours: finite, so metering is on, and far more than any kernel uses.
    package static let fuelBudget: UInt64 = 1 << 60

    /// Creates the benchmark.
    /// - Parameters:
    ///   - kernelsDirectory: where `kernels.tsv` and `kernels.wasm` are.
    ///   - runs: runs per kernel and runner.
    ///   - wasmkitPath: the `wasmkit` executable (skipped, with a note, when it is not there).
    ///   - clangPath: the compiler for the native runner; by default the toolchain's clang, then `clang` on `PATH`.
    package init(
        kernelsDirectory: String,
        runs: Int,
        wasmkitPath: String = "/opt/swift/usr/bin/wasmkit",
        clangPath: String? = findExecutable("/opt/swift/usr/bin/clang") ?? findExecutable("clang")
    ) {
        self.kernelsDirectory = kernelsDirectory
        self.runs = runs
        self.wasmkitPath = wasmkitPath
        self.clangPath = clangPath
    }

    /// One row of `kernels.tsv`.
    package struct Kernel: Sendable, Equatable {
        /// The export's name.
        package var name: String
        /// Its argument.
        package var argument: Int32
        /// The expected result, as an unsigned 32-bit number.
        package var checksum: UInt32
    }

    /// What one runner measured for one kernel.
    package struct Timing: Sendable {
        /// The best time (for WasmKit, with its startup subtracted); nil when the runner did not run.
        package var best: Duration?
        /// Whether every run returned the checksum.
        package var verified: Bool
        /// What went wrong, if anything.
        package var problem: String?

        static let skipped = Timing(best: nil, verified: false, problem: nil)
    }

    /// The figures of one kernel.
    package struct Row: Sendable {
        package var kernel: Kernel
        package var ours: Timing
        /// Fuel our engine consumed in one run (the kernel's wasm instruction count, see `Docs/Fuel.md`).
        package var fuelConsumed: UInt64
        package var wasmkit: Timing
        /// WasmKit's best time as measured, startup included.
        package var wasmkitRaw: Duration?
        package var native: Timing

        /// WasmKit's time ÷ ours (above 1: we are faster).
        package var wasmkitOverOurs: Double? { Self.ratio(wasmkit.best, ours.best) }
        /// Our time ÷ native time.
        package var oursOverNative: Double? { Self.ratio(ours.best, native.best) }

        static func ratio(_ numerator: Duration?, _ denominator: Duration?) -> Double? {
            guard let numerator, let denominator, denominator > .zero, numerator > .zero else { return nil }
            return numerator.inSeconds / denominator.inSeconds
        }
    }

    /// The figures of one run.
    package struct Result: Sendable {
        package var kernelsDirectory: String
        package var runs: Int
        package var rows: [Row]
        /// Time to decode, validate and translate `kernels.wasm` (once).
        package var compileTime: Duration
        /// `wasmkit --version`, or nil when WasmKit was not run.
        package var wasmkitVersion: String?
        /// The best trivial `wasmkit run`, subtracted from WasmKit's times.
        package var wasmkitStartup: Duration?
        /// How many trivial runs the startup is the best of.
        package var wasmkitStartupSamples = 0
        /// `/proc/loadavg`'s 1-minute load when the run started (the machine is shared), or nil.
        package var loadAverage: Double?
        /// Why WasmKit or the native runner did not run, if they did not.
        package var wasmkitNote: String?
        package var nativeNote: String?
        /// The native runner used (and how it was obtained).
        package var nativeDescription: String?

        /// Whether every checksum of every runner that ran matched.
        package var allVerified: Bool {
            rows.allSatisfy { row in
                [row.ours, row.wasmkit, row.native].allSatisfy { $0.best == nil || $0.verified }
                    && row.ours.verified
            }
        }

        /// Geometric mean of the present values (nil when there are none).
        static func geomean(_ values: [Double?]) -> Double? {
            let present = values.compactMap { $0 }.filter { $0 > 0 }
            guard !present.isEmpty else { return nil }
            return exp(present.map { log($0) }.reduce(0, +) / Double(present.count))
        }

        package var geomeanOurs: Double? { Self.geomean(rows.map { $0.ours.best?.inSeconds }) }
        package var geomeanWasmkit: Double? { Self.geomean(rows.map { $0.wasmkit.best?.inSeconds }) }
        package var geomeanNative: Double? { Self.geomean(rows.map { $0.native.best?.inSeconds }) }
        /// Geometric mean of WasmKit ÷ ours over the kernels both ran (issue 3's target: at least 1).
        package var geomeanWasmkitOverOurs: Double? { Self.geomean(rows.map(\.wasmkitOverOurs)) }
        /// Geometric mean of ours ÷ native over the kernels both ran.
        package var geomeanOursOverNative: Double? { Self.geomean(rows.map(\.oursOverNative)) }

        /// The human-readable table.
        package var report: String {
            func time(_ timing: Timing) -> String {
                guard let best = timing.best else { return timing.problem == nil ? "—" : "failed" }
                return (best < .microseconds(1) ? "< 1 µs" : format(best)) + (timing.verified ? "" : " ✗")
            }
            func number(_ value: Double?, _ suffix: String = "×") -> String {
                value.map { rounded($0, $0 >= 100 ? 0 : 2) + suffix } ?? "—"
            }
            func seconds(_ value: Double?) -> String {
                value.map { format(.nanoseconds(Int64($0 * 1e9))) } ?? "—"
            }
            let widths = [9, 10, 11, 11, 11, 14, 13, 10]
            func line(_ cells: [String]) -> String {
                var text = "  "
                for (index, cell) in cells.enumerated() {
                    text +=
                        index < 2 ? columnPadded(cell, widths[index]) : columnPadded(cell, widths[index], left: true)
                }
                return text + "\n"
            }
            var text = """
                grafos bench engine — \(rows.count) kernels from \(kernelsDirectory), best of \(runs) runs each\(loadAverage.map { ", load average \(rounded($0, 2)) at the start" } ?? "")
                  ours: kernels.wasm compiled once in \(format(compileTime)); each run a fresh store + instantiate + call, fuel metering on (budget 2^60)

                """
            if let version = wasmkitVersion, let startup = wasmkitStartup {
                text +=
                    "  wasmkit: \(version); its startup, \(format(startup)) (best of \(wasmkitStartupSamples) `wasmkit run kernels.wasm fib i32:1` spread over the run), is subtracted from each time\n"
            }
            if let wasmkitNote { text += "  wasmkit: \(wasmkitNote)\n" }
            if let nativeDescription { text += "  native: \(nativeDescription), best of \(runs) timed in-process\n" }
            if let nativeNote { text += "  native: \(nativeNote)\n" }
            text += "\n"
            text += line(["kernel", "arg", "ours", "wasmkit", "native", "wasmkit÷ours", "ours÷native", "fuel"])
            for row in rows {
                text += line([
                    row.kernel.name, String(row.kernel.argument), time(row.ours), time(row.wasmkit), time(row.native),
                    number(row.wasmkitOverOurs), number(row.oursOverNative), scientific(row.fuelConsumed),
                ])
            }
            text += line([
                "geomean", "", seconds(geomeanOurs), seconds(geomeanWasmkit), seconds(geomeanNative),
                number(geomeanWasmkitOverOurs), number(geomeanOursOverNative), "",
            ])
            text += "\n"
            for row in rows {
                for (runner, timing) in [("ours", row.ours), ("wasmkit", row.wasmkit), ("native", row.native)] {
                    if let problem = timing.problem { text += "  \(row.kernel.name), \(runner): \(problem)\n" }
                }
            }
            let verifiedCount = rows.filter { $0.ours.verified }.count
            text +=
                allVerified
                ? "  checksums: all verified (\(verifiedCount) kernels, every run of every runner that ran)\n"
                : "  checksums: MISMATCH — see the rows marked ✗ or failed\n"
            if let ratio = geomeanWasmkitOverOurs {
                text +=
                    "  target (issue 3): geomean wasmkit÷ours ≥ 1 with our fuel on → \(rounded(ratio, 2))× (\(ratio >= 1 ? "met" : "NOT met"))\n"
            }
            return text
        }

        /// One JSON object (seconds).
        package var json: String {
            func value(_ duration: Duration?) -> String { duration.map { String($0.inSeconds) } ?? "null" }
            func value(_ number: Double?) -> String { number.map { String($0) } ?? "null" }
            func string(_ text: String?) -> String { text.map(TextEncoding.jsonString) ?? "null" }
            let kernels = rows.map { row in
                "{\"name\":\"\(row.kernel.name)\",\"arg\":\(row.kernel.argument),\"checksum\":\(row.kernel.checksum),"
                    + "\"ours_s\":\(value(row.ours.best)),\"ours_verified\":\(row.ours.verified),"
                    + "\"fuel_consumed\":\(row.fuelConsumed),"
                    + "\"wasmkit_s\":\(value(row.wasmkit.best)),\"wasmkit_raw_s\":\(value(row.wasmkitRaw)),"
                    + "\"wasmkit_verified\":\(row.wasmkit.verified),"
                    + "\"native_s\":\(value(row.native.best)),\"native_verified\":\(row.native.verified),"
                    + "\"wasmkit_over_ours\":\(value(row.wasmkitOverOurs)),"
                    + "\"ours_over_native\":\(value(row.oursOverNative))}"
            }
            return "{\"benchmark\":\"engine\",\"runs\":\(runs),\"compile_s\":\(value(compileTime)),"
                + "\"fuel_budget\":\(EngineBenchmark.fuelBudget),"
                + "\"load_average\":\(value(loadAverage)),"
                + "\"wasmkit_version\":\(string(wasmkitVersion)),\"wasmkit_startup_s\":\(value(wasmkitStartup)),"
                + "\"wasmkit_startup_samples\":\(wasmkitStartupSamples),"
                + "\"wasmkit_note\":\(string(wasmkitNote)),\"native_note\":\(string(nativeNote)),"
                + "\"kernels\":[\(kernels.joined(separator: ","))],"
                + "\"geomean\":{\"ours_s\":\(value(geomeanOurs)),\"wasmkit_s\":\(value(geomeanWasmkit)),"
                + "\"native_s\":\(value(geomeanNative)),\"wasmkit_over_ours\":\(value(geomeanWasmkitOverOurs)),"
                + "\"ours_over_native\":\(value(geomeanOursOverNative))},"
                + "\"all_verified\":\(allVerified)}"
        }
    }

    /// Reads `kernels.tsv`: `NAME ARG CHECKSUM_U32 …` per line, tab-separated, `#` lines are comments.
    /// - Throws: ``CLIError/failure(_:)`` naming the file and line when it cannot be read or parsed.
    package static func readKernels(_ path: String) throws(CLIError) -> [Kernel] {
        let text = String(decoding: try readFile(path), as: UTF8.self)
        var kernels: [Kernel] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingPrefix(while: { $0 == " " })
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 3, let argument = Int32(fields[1]), let checksum = UInt32(fields[2]) else {
                throw CLIError.failure(
                    "\(path):\(number + 1): expected NAME<TAB>ARG<TAB>CHECKSUM_U32, found '\(line)'"
                )
            }
            kernels.append(Kernel(name: String(fields[0]), argument: argument, checksum: checksum))
        }
        guard !kernels.isEmpty else { throw CLIError.failure("\(path) lists no kernels") }
        return kernels
    }

    /// Runs every kernel under every runner available.
    /// - Throws: ``CLIError/failure(_:)`` when `kernels.tsv` or `kernels.wasm` cannot be read or compiled.
    package func run() async throws -> Result {
        let kernels = try Self.readKernels(kernelsDirectory + "/kernels.tsv")
        let modulePath = kernelsDirectory + "/kernels.wasm"
        let bytes = try readFile(modulePath)
        let clock = ContinuousClock()
        let compileStart = clock.now
        let compiled: CompiledWasmModule
        do {
            compiled = try CompiledWasmModule.compile(bytes)
        } catch {
            throw CLIError.failure("\(modulePath) does not compile: \(error)")
        }
        let compileTime = compileStart.duration(to: clock.now)
        for kernel in kernels where compiled.export(named: kernel.name) == nil {
            throw CLIError.failure("\(modulePath) exports no function '\(kernel.name)' (listed in kernels.tsv)")
        }

        var result = Result(
            kernelsDirectory: kernelsDirectory,
            runs: runs,
            rows: [],
            compileTime: compileTime
        )
        result.loadAverage = loadAverage()

        // WasmKit: its version and startup cost.
        var wasmkitAvailable = false
        if findExecutable(wasmkitPath) == nil {
            result.wasmkitNote = "not found at \(wasmkitPath); its column is empty"
        } else if let version = ChildProcess.run(wasmkitPath, ["--version"]), version.status == 0 {
            result.wasmkitVersion =
                "\(wasmkitPath) \(String(decoding: version.standardOutput, as: UTF8.self).trimmingTrailingNewlines)"
            for _ in 0..<max(runs, 5) { timeWasmKitStartup(modulePath, into: &result) }
            if result.wasmkitStartup != nil {
                wasmkitAvailable = true
            } else {
                result.wasmkitNote = "`\(wasmkitPath) run \(modulePath) fib i32:1` failed; its column is empty"
            }
        } else {
            result.wasmkitNote = "`\(wasmkitPath) --version` failed; its column is empty"
        }

        // The native runner: the one next to the kernels if it is up to date, else built into a temporary folder.
        let native = prepareNative()
        result.nativeDescription = native.description
        result.nativeNote = native.note
        defer { if let temporary = native.temporaryDirectory { removeDirectory(temporary) } }

        for kernel in kernels {
            var row = Row(
                kernel: kernel,
                ours: Timing(best: nil, verified: true, problem: nil),
                fuelConsumed: 0,
                wasmkit: wasmkitAvailable ? Timing(best: nil, verified: true, problem: nil) : .skipped,
                wasmkitRaw: nil,
                native: .skipped
            )
            for _ in 0..<runs {
                runOurs(compiled, kernel, into: &row)
                if wasmkitAvailable && row.wasmkit.problem == nil {
                    runWasmKit(modulePath, kernel, into: &row)
                    // The startup is sampled all through the run, so that a busy moment at the start (this machine
                    // is shared) does not inflate it.
                    timeWasmKitStartup(modulePath, into: &result)
                }
            }
            if let path = native.path { row.native = runNative(path, kernel) }
            result.rows.append(row)
        }
        // WasmKit's times less its best startup.
        if let startup = result.wasmkitStartup {
            for index in result.rows.indices {
                guard let raw = result.rows[index].wasmkitRaw else { continue }
                result.rows[index].wasmkit.best = max(raw - startup, .zero)
            }
        }
        return result
    }

    /// One trivial `wasmkit run kernels.wasm fib i32:1`: process start, parsing, instantiation, a tiny call.
    private func timeWasmKitStartup(_ modulePath: String, into result: inout Result) {
        guard let trivial = ChildProcess.run(wasmkitPath, ["run", modulePath, "fib", "i32:1"]), trivial.status == 0
        else { return }
        result.wasmkitStartupSamples += 1
        result.wasmkitStartup = min(result.wasmkitStartup ?? trivial.elapsed, trivial.elapsed)
    }

    // MARK: - The runners

    /// One run under our engine: a fresh store, instantiation and call, with metered fuel.
    private func runOurs(_ compiled: CompiledWasmModule, _ kernel: Kernel, into row: inout Row) {
        let clock = ContinuousClock()
        let start = clock.now
        let value: UInt32
        let store = WasmStore(limits: WasmResourceLimits(fuel: Self.fuelBudget))
        do {
            let instance = try store.instantiate(compiled)
            let results = try instance.invoke(kernel.name, [.i32(UInt32(bitPattern: kernel.argument))])
            guard results.count == 1, case .i32(let bits) = results[0] else {
                row.ours.verified = false
                row.ours.problem = "returned \(results) instead of one i32"
                return
            }
            value = bits
        } catch {
            row.ours.verified = false
            row.ours.problem = "\(error)"
            return
        }
        let elapsed = start.duration(to: clock.now)
        row.fuelConsumed = store.fuelConsumed
        row.ours.best = min(row.ours.best ?? elapsed, elapsed)
        if value != kernel.checksum {
            row.ours.verified = false
            row.ours.problem = "returned \(value), expected \(kernel.checksum)"
        }
    }

    /// One `wasmkit run kernels.wasm NAME i32:ARG` (its startup is subtracted at the end).
    private func runWasmKit(_ modulePath: String, _ kernel: Kernel, into row: inout Row) {
        guard
            let outcome = ChildProcess.run(wasmkitPath, ["run", modulePath, kernel.name, "i32:\(kernel.argument)"])
        else {
            row.wasmkit.verified = false
            row.wasmkit.problem = "could not start \(wasmkitPath)"
            return
        }
        let printed = String(decoding: outcome.standardOutput, as: UTF8.self)
        // WasmKit prints `[WasmTypes.Value.i32(24157817)]`, the i32 as unsigned.
        guard outcome.status == 0, let value = Self.wasmkitResult(printed) else {
            row.wasmkit.verified = false
            row.wasmkit.problem =
                "exit status \(outcome.status), printed '\(printed.trimmingTrailingNewlines)' "
                + String(decoding: outcome.standardError.prefix(200), as: UTF8.self)
            return
        }
        row.wasmkitRaw = min(row.wasmkitRaw ?? outcome.elapsed, outcome.elapsed)
        if value != kernel.checksum {
            row.wasmkit.verified = false
            row.wasmkit.problem = "printed \(value), expected \(kernel.checksum)"
        }
    }

    /// The value in WasmKit's `[WasmTypes.Value.i32(N)]`.
    package static func wasmkitResult(_ printed: String) -> UInt32? {
        guard let open = printed.firstRange(of: ".i32("), let close = printed[open.upperBound...].firstIndex(of: ")")
        else { return nil }
        let digits = printed[open.upperBound..<close]
        return UInt32(digits) ?? Int32(digits).map { UInt32(bitPattern: $0) }
    }

    /// `native NAME ARG RUNS`: it prints `i32:CHECKSUM` (signed) and, on standard error, `seconds=BEST`.
    private func runNative(_ path: String, _ kernel: Kernel) -> Timing {
        guard let outcome = ChildProcess.run(path, [kernel.name, String(kernel.argument), String(runs)]) else {
            return Timing(best: nil, verified: false, problem: "could not start \(path)")
        }
        let printed = String(decoding: outcome.standardOutput, as: UTF8.self).trimmingTrailingNewlines
        let timing = String(decoding: outcome.standardError, as: UTF8.self).trimmingTrailingNewlines
        guard outcome.status == 0, printed.hasPrefix("i32:"), let value = Int32(printed.dropFirst(4)),
            timing.hasPrefix("seconds="), let seconds = Double(timing.dropFirst(8))
        else {
            return Timing(
                best: nil,
                verified: false,
                problem: "exit status \(outcome.status), printed '\(printed)' and '\(timing)'"
            )
        }
        let verified = UInt32(bitPattern: value) == kernel.checksum
        return Timing(
            best: .nanoseconds(Int64(seconds * 1e9)),
            verified: verified,
            problem: verified ? nil : "printed \(UInt32(bitPattern: value)), expected \(kernel.checksum)"
        )
    }

    /// The native runner to use, or why there is none.
    private func prepareNative() -> (
        path: String?, description: String?, note: String?, temporaryDirectory: String?
    ) {
        let source = kernelsDirectory + "/native.c"
        let built = kernelsDirectory + "/native"
        if findExecutable(built) != nil,
            let builtTime = modificationTime(built),
            let sourceTime = modificationTime(source),
            let kernelsTime = modificationTime(kernelsDirectory + "/kernels.c"),
            builtTime >= sourceTime, builtTime >= kernelsTime
        {
            return (built, "\(built) (built by build.sh, newer than its sources)", nil, nil)
        }
        guard modificationTime(source) != nil else {
            return (nil, nil, "no \(source) to build the native runner from; its column is empty", nil)
        }
        guard let clangPath else {
            return (nil, nil, "no clang found (/opt/swift/usr/bin/clang or on PATH); its column is empty", nil)
        }
        var template = Array("/tmp/grafos-bench-native-XXXXXX".utf8CString)
        guard let directory = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            return (nil, nil, "could not make a temporary folder to build the native runner in", nil)
        }
        let temporary = String(cString: directory)
        let output = temporary + "/native"
        let arguments = ["-O2", "-ffp-contract=off", source, "-o", output]
        guard let compile = ChildProcess.run(clangPath, arguments), compile.status == 0 else {
            removeDirectory(temporary)
            return (nil, nil, "`\(clangPath) \(arguments.joined(separator: " "))` failed; its column is empty", nil)
        }
        return (
            output, "built with `\(clangPath) -O2 -ffp-contract=off native.c` into \(temporary)", nil, temporary
        )
    }
}

// MARK: - Finding the kernels

extension EngineBenchmark {
    /// Finds `relative` (a folder holding `marker`) in the current directory or one of its parents, then beside the
    /// running executable or one of its parents.
    /// - Returns: the folder's path, or nil.
    package static func locate(_ relative: String, containing marker: String) -> String? {
        var starts: [String] = []
        if let cwd = currentDirectory() { starts.append(cwd) }
        if let executable = executablePath() { starts.append(parent(of: executable)) }
        for start in starts {
            var directory = start
            while true {
                let candidate = directory == "/" ? "/" + relative : directory + "/" + relative
                if access(candidate + "/" + marker, R_OK) == 0 { return candidate }
                let up = parent(of: directory)
                if up == directory { break }
                directory = up
            }
        }
        return nil
    }

    private static func currentDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

// MARK: - Small process and file helpers

/// A child process run to completion, its output captured.
package struct ChildProcess {
    /// The exit status (128 + signal when killed by a signal).
    package var status: Int32
    package var standardOutput: [UInt8]
    package var standardError: [UInt8]
    /// Wall time from spawn to exit.
    package var elapsed: Duration

    /// Runs `path` with `arguments` and the current environment, and waits for it.
    /// - Returns: the outcome, or nil when the process could not be started.
    package static func run(_ path: String, _ arguments: [String]) -> ChildProcess? {
        var outputPipe: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        guard pipe(&outputPipe) == 0 else { return nil }
        guard pipe(&errorPipe) == 0 else {
            close(outputPipe[0])
            close(outputPipe[1])
            return nil
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        for fd in outputPipe + errorPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }

        let clock = ContinuousClock()
        let start = clock.now
        var pid = pid_t()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        close(outputPipe[1])
        close(errorPipe[1])
        guard spawned == 0 else {
            close(outputPipe[0])
            close(errorPipe[0])
            return nil
        }
        var output: [UInt8] = []
        var errors: [UInt8] = []
        var open: [(fd: Int32, isOutput: Bool)] = [(outputPipe[0], true), (errorPipe[0], false)]
        var chunk = [UInt8](repeating: 0, count: 1 << 14)
        while !open.isEmpty {
            var polls = open.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            if poll(&polls, nfds_t(polls.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            var stillOpen: [(fd: Int32, isOutput: Bool)] = []
            for (index, entry) in open.enumerated() {
                guard polls[index].revents != 0 else {
                    stillOpen.append(entry)
                    continue
                }
                let count = chunk.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress!, $0.count) }
                if count > 0 {
                    if entry.isOutput {
                        output.append(contentsOf: chunk[0..<count])
                    } else {
                        errors.append(contentsOf: chunk[0..<count])
                    }
                    stillOpen.append(entry)
                } else if count < 0 && errno == EINTR {
                    stillOpen.append(entry)
                } else {
                    close(entry.fd)
                }
            }
            open = stillOpen
        }
        for entry in open { close(entry.fd) }
        var waitStatus: Int32 = 0
        while waitpid(pid, &waitStatus, 0) < 0 && errno == EINTR {}
        let elapsed = start.duration(to: clock.now)
        let exited = waitStatus & 0x7F == 0
        let status = exited ? (waitStatus >> 8) & 0xFF : 128 + (waitStatus & 0x7F)
        return ChildProcess(status: status, standardOutput: output, standardError: errors, elapsed: elapsed)
    }
}

/// The 1-minute load average from `/proc/loadavg`, or nil where there is none.
package func loadAverage() -> Double? {
    guard let text = try? readFile("/proc/loadavg"), let first = text.split(separator: UInt8(ascii: " ")).first
    else { return nil }
    return Double(String(decoding: first, as: UTF8.self))
}

/// `path` if it names an executable file, or the first `PATH` entry holding an executable `path` when it has
/// no slash; nil otherwise.
package func findExecutable(_ path: String) -> String? {
    if path.contains("/") { return access(path, X_OK) == 0 ? path : nil }
    guard let variable = getenv("PATH") else { return nil }
    for directory in String(cString: variable).split(separator: ":") {
        let candidate = "\(directory)/\(path)"
        if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
}

/// A file's modification time in nanoseconds since the epoch, or nil when it does not exist.
private func modificationTime(_ path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec
}

/// Removes a folder made by the benchmark and the files in it (one level deep).
private func removeDirectory(_ path: String) {
    if let directory = opendir(path) {
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { unlink(path + "/" + name) }
        }
        closedir(directory)
    }
    rmdir(path)
}

/// `1.23e9` for large counts, the number itself below 10,000.
private func scientific(_ value: UInt64) -> String {
    guard value >= 10_000 else { return String(value) }
    var mantissa = Double(value)
    var exponent = 0
    while mantissa >= 10 {
        mantissa /= 10
        exponent += 1
    }
    return "\(rounded(mantissa, 2))e\(exponent)"
}

extension Duration {
    /// This duration in seconds.
    package var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension String {
    /// The string without trailing `\n` and `\r`.
    fileprivate var trimmingTrailingNewlines: String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == "\r" || last == "\r\n" { text = text.dropLast() }
        return String(text)
    }
}
