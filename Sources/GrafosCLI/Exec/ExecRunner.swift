import GrafosStd

/// Runs one module for `grafos exec` on the calling thread: compile, set up WASI, instantiate, run `_start`
/// (or `run`, or the export named by `--invoke`), and report what happened.
///
/// The runner never prints: the program's bytes go to the ``ProgramStreams`` as it writes them, and the outcome
/// comes back as an ``ExecReport`` for ``ExecCommand`` to turn into results, messages and an exit status.
///
/// ```swift
/// let report = ExecRunner(options: options, module: bytes, input: nil, streams: streams).run()
/// ```
struct ExecRunner: Sendable {
    /// What to run and how.
    var options: ExecOptions
    /// The module's bytes.
    var module: [UInt8]
    /// The bytes of `--input`, or `nil` to read the streams' standard input.
    var input: [UInt8]?
    /// The program's standard streams.
    var streams: any ProgramStreams

    /// Compiles, links and runs the module.
    /// - Returns: the exit code or results, or the error that ended the run, with fuel and timings.
    func run() -> ExecReport {
        let clock = MonotonicClock()
        let start = clock.now
        var report = ExecReport()
        do {
            let (compiled, digest) = try TaskletModuleCache.shared.module(for: module)
            report.compileTime = start.duration(to: clock.now)
            let runStart = clock.now
            defer { report.runTime = runStart.duration(to: clock.now) }
            let context = try makeContext(compiled, digest)
            var imports = WasmImports()
            context.define(in: &imports)
            let stdio = ExecStandardStreams(context: context, streams: streams, streamsInput: input == nil)
            stdio.define(in: &imports)
            var limits = WasmResourceLimits()
            limits.fuel = options.fuel
            let store = WasmStore(limits: limits)
            defer {
                stdio.drain()
                report.fuelConsumed = store.fuelConsumed
            }
            do {
                let instance = try store.instantiate(compiled, imports: imports)
                try call(instance, compiled, into: &report)
                try context.finish()
            } catch let exit as WASIExit {
                report.exitCode = exit.code
            } catch let error as CLIError {
                report.error = error
            } catch {
                report.error = TaskletRuntime.translate(error, fuelConsumed: store.fuelConsumed)
            }
        } catch {
            report.error = error
        }
        return report
    }

    /// The WASI context: argv, environment, stdin, preopens, clocks and randomness as the options say.
    private func makeContext(_ compiled: CompiledWasmModule, _ digest: Digest) throws -> WASIContext {
        var stdin = input ?? []
        if input == nil && compiled.module.imports.contains(where: { $0.module == WASIContext.grafosModuleName }) {
            // The `grafos` ABI asks for the input's size up front: read all of it first.
            do {
                stdin = try streams.readAllInput()
            } catch {
                throw CLIError.failure("cannot read standard input: \(error)")
            }
        }
        var configuration = WASIConfiguration(
            arguments: [options.programName] + options.programArguments,
            environment: options.environment,
            stdin: stdin,
            maxOutput: Int.max,
            maxLog: Int.max,
            clocks: .system,
            randomness: .system
        )
        if options.deterministic {
            let request = TaskletRequest(
                module: module,
                input: stdin,
                arguments: options.programArguments,
                environment: options.environment
            )
            configuration.clocks = .deterministic
            configuration.randomness = .seeded(WASIConfiguration.seed(moduleDigest: digest, request: request))
        }
        do {
            return try WASIContext(
                configuration: configuration,
                preopens: options.directories.map { WASIPreopen($0.guest, .hostDirectory($0.host)) }
            )
        } catch {
            throw CLIError.failure("cannot preopen the --dir directories: \(error)")
        }
    }

    /// Calls the entry point: `--invoke`'s export (after `_initialize`, for WASI reactors), else `_start`, else
    /// the `grafos` ABI's `run` (whose result is the exit code).
    private func call(_ instance: WasmInstance, _ compiled: CompiledWasmModule, into report: inout ExecReport) throws {
        if let name = options.invoke {
            guard let function = instance.function(named: name) else {
                let functions = compiled.module.exports.filter { $0.kind == .function }.map(\.name)
                throw CLIError.usage(
                    "the module exports no function named '\(name)'; it exports "
                        + (functions.isEmpty ? "no functions" : functions.map { "'\($0)'" }.joined(separator: ", "))
                )
            }
            let arguments = options.invokeArguments
            let type = function.type
            guard arguments.map(\.type) == type.parameters else {
                throw CLIError.usage(
                    "'\(name)' has the type \(type); give one --arg TYPE:VALUE per parameter, in order (got "
                        + (arguments.isEmpty ? "none" : arguments.map(\.description).joined(separator: " ")) + ")"
                )
            }
            if name != "_initialize", instance.function(named: "_initialize") != nil {
                _ = try instance.invoke("_initialize", [])
            }
            report.results = try function(arguments)
            return
        }
        if compiled.export(named: "_start") != nil {
            _ = try instance.invoke("_start", [])
        } else if compiled.export(named: "run") != nil {
            report.exitCode = try instance.invoke("run", []).first?.int32Value ?? 0
        } else {
            throw CLIError.failure(
                "the module exports neither `_start` (a WASI command) nor `run` (the grafos ABI); "
                    + "call one of its functions with --invoke NAME"
            )
        }
    }
}

/// How a `grafos exec` run ended.
struct ExecReport: Sendable {
    /// The program's exit code (0 when `_start` returned; `proc_exit`'s code; `run`'s result).
    var exitCode: Int32 = 0
    /// The results of `--invoke`'s function, when it returned.
    var results: [WasmValue]?
    /// What ended the run early: a ``CLIError``, or the typed error of a trap or limit (``TaskletError``).
    var error: (any Error)?
    /// The fuel the program consumed (counted even without a limit).
    var fuelConsumed: UInt64 = 0
    /// Reading and compiling the module.
    var compileTime: Duration = .zero
    /// Setting up, instantiating and running.
    var runTime: Duration = .zero
}
