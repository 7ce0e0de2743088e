import Synchronization

/// Runs tasklets: compiles (once, through the module cache), links the WASI or `grafos` ABI, enforces the
/// launch's limits, and turns every outcome into a ``TaskletResult`` or a typed error.
///
/// A tasklet runs on the ``TaskletThreadPool`` (never on Swift's cooperative pool), in a fresh store confined to
/// that launch. It stops early, with the matching error, when its fuel runs out, its deadline passes, its lease
/// ends (the fabric fires the launch's interrupt), or the launching task is cancelled.
package struct TaskletRuntime: Sendable {
    /// Where a launch's `/artifacts` directory and `grafos.object_*` calls store objects, if anywhere.
    package var objectStore: (@Sendable () -> (any WASIObjectStore)?)?
    /// Extra directories to preopen (the CLI maps host directories).
    package var preopens: @Sendable () -> [WASIPreopen]
    /// The compiled-module cache.
    package var cache: TaskletModuleCache
    /// The threads tasklets run on.
    package var pool: TaskletThreadPool

    /// A runtime over the process's shared cache and thread pool.
    package init(
        cache: TaskletModuleCache = .shared,
        pool: TaskletThreadPool = .shared,
        preopens: @escaping @Sendable () -> [WASIPreopen] = { [] },
        objectStore: (@Sendable () -> (any WASIObjectStore)?)? = nil
    ) {
        self.cache = cache
        self.pool = pool
        self.preopens = preopens
        self.objectStore = objectStore
    }

    /// Why a running tasklet was stopped from outside.
    private enum StopCause: Sendable {
        case fabric(FabricError)
        case deadline(Duration)
        case cancelled
    }

    /// Runs `request` and returns its result.
    /// - Parameters:
    ///   - request: The module, input, limits and environment.
    ///   - interrupt: Fired by the fabric when the lease ends; stops the tasklet with that error.
    /// - Throws: ``TaskletError`` for the tasklet's own failures; ``FabricError`` `outputTooLarge`, `cancelled`,
    ///   or the interrupt's error.
    package func launch(_ request: TaskletRequest, interrupt: LaunchInterrupt? = nil) async throws -> TaskletResult {
        let handle = WasmInterruptHandle()
        let cause = Mutex<StopCause?>(nil)
        let stop: @Sendable (StopCause) -> Void = { reason in
            cause.withLock { if $0 == nil { $0 = reason } }
            handle.raise()
        }
        interrupt?.onFire { stop(.fabric($0)) }
        var deadlineTimer: FabricTimer?
        if let deadline = request.limits.deadline {
            let clock = MonotonicClock()
            deadlineTimer = clock.schedule(at: clock.now.advanced(by: deadline)) { stop(.deadline(deadline)) }
        }
        defer { deadlineTimer?.cancel() }
        let cache = cache
        let objectStore = objectStore
        let preopens = preopens
        let outcome = await withTaskCancellationHandler {
            await pool.run { () -> Result<TaskletResult, any Error> in
                Result {
                    try Self.run(
                        request,
                        handle: handle,
                        cache: cache,
                        preopens: preopens(),
                        objectStore: objectStore?()
                    )
                }
            }
        } onCancel: {
            stop(.cancelled)
        }
        switch outcome {
        case .success(let result):
            return result
        case .failure(let error):
            if let stopped = error as? WasmStopError, stopped.reason == .interrupted {
                switch cause.withLock({ $0 }) {
                case .fabric(let error): throw error
                case .deadline(let deadline):
                    throw TaskletError(
                        .deadlineExceeded,
                        "the tasklet ran past its \(deadline) deadline; raise the deadline or split the work",
                        backtrace: stopped.backtrace.frames.map(\.description),
                        fuelConsumed: stopped.fuelConsumed
                    )
                case .cancelled, nil:
                    throw FabricError(.cancelled, "the launch was cancelled while the tasklet ran")
                }
            }
            throw error
        }
    }

    /// Compiles, links and runs one tasklet on the calling thread.
    private static func run(
        _ request: TaskletRequest,
        handle: WasmInterruptHandle,
        cache: TaskletModuleCache,
        preopens: [WASIPreopen],
        objectStore: (any WASIObjectStore)?
    ) throws -> TaskletResult {
        let start = MonotonicClock().now
        let (compiled, digest) = try cache.module(for: request.module)
        let entry: String
        if compiled.export(named: "_start") != nil {
            entry = "_start"
        } else if compiled.export(named: "run") != nil {
            entry = "run"
        } else {
            throw TaskletError(
                .unsupportedModule,
                "the module exports neither `_start` (a WASI command) nor `run` (the grafos ABI); see Docs/TaskletABI.md"
            )
        }
        var allPreopens = preopens
        if let objectStore { allPreopens.append(WASIPreopen("/artifacts", .objectStore(objectStore))) }
        let context: WASIContext
        do {
            context = try WASIContext(
                configuration: WASIConfiguration(request: request, moduleDigest: digest),
                preopens: allPreopens,
                objectStore: objectStore
            )
        } catch {
            throw TaskletError(.unsupportedModule, "the launch's file system could not be set up: \(error)")
        }
        var imports = WasmImports()
        context.define(in: &imports)
        var limits = WasmResourceLimits()
        limits.fuel = request.limits.fuel
        limits.maxMemoryBytes = UInt64(max(0, request.limits.maxMemoryBytes))
        limits.maxCallDepth = max(1, request.limits.maxCallDepth)
        let store = WasmStore(limits: limits, interrupt: handle)
        var exitCode: Int32 = 0
        do {
            let instance = try store.instantiate(compiled, imports: imports)
            let results = try instance.invoke(entry, [])
            if entry == "run" { exitCode = results.first?.int32Value ?? 0 }
        } catch let exit as WASIExit {
            exitCode = exit.code
        } catch {
            throw Self.translate(error, fuelConsumed: store.fuelConsumed)
        }
        do {
            try context.finish()
        } catch {
            throw Self.translate(error, fuelConsumed: store.fuelConsumed)
        }
        return TaskletResult(
            output: context.output,
            stderr: context.log,
            exitCode: exitCode,
            fuelConsumed: store.fuelConsumed,
            duration: start.duration(to: MonotonicClock().now)
        )
    }

    /// Maps engine and WASI errors to the SDK's typed errors.
    private static func translate(_ error: any Error, fuelConsumed: UInt64) -> any Error {
        switch error {
        case let trap as Trap:
            let frames = trap.backtrace.frames.map(\.description)
            if trap.reason == .callStackExhausted {
                return TaskletError(
                    .callStackExhausted,
                    "call stack exhausted: the tasklet recursed deeper than its maxCallDepth",
                    backtrace: frames,
                    fuelConsumed: fuelConsumed
                )
            }
            return TaskletError(.trap, trap.reason.description, backtrace: frames, fuelConsumed: fuelConsumed)
        case let stop as WasmStopError where stop.reason == .fuelExhausted:
            return TaskletError(
                .fuelExhausted,
                "the tasklet ran out of fuel after \(stop.fuelConsumed) units; raise .fuel(…) or split the work",
                backtrace: stop.backtrace.frames.map(\.description),
                fuelConsumed: stop.fuelConsumed
            )
        case let link as WasmLinkError:
            if link.reason == .resourceLimitExceeded {
                return TaskletError(.resourceLimit, "\(link)", fuelConsumed: fuelConsumed)
            }
            return TaskletError(
                .unsupportedModule,
                "\(link); tasklets may import only wasi_snapshot_preview1 and grafos (Docs/TaskletABI.md)",
                fuelConsumed: fuelConsumed
            )
        case let invocation as WasmInvocationError:
            return TaskletError(
                .unsupportedModule,
                "\(invocation); the entry point must take no arguments",
                fuelConsumed: fuelConsumed
            )
        case is WASIOutputLimitExceeded:
            return FabricError(
                .outputTooLarge,
                "the tasklet wrote more output than its maxOutput limit; raise maxOutput or write large outputs to /artifacts"
            )
        case let memory as WASIMemoryFault:
            return TaskletError(.trap, "out of bounds memory access (\(memory))", fuelConsumed: fuelConsumed)
        default:
            return error
        }
    }
}
