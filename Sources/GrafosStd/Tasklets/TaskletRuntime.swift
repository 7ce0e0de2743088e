import Synchronization

/// Runs tasklets: compiles (once, through the module cache), links the WASI or `grafos` ABI, enforces the
/// launch's limits, and turns every outcome into a ``TaskletResult`` or a typed error.
///
/// A tasklet runs in a fresh store confined to that launch, on the ``TaskletThreadPool`` — so that a long run
/// never holds one of Swift's cooperative threads — with one exception for short runs, below. It stops early, with
/// the matching error, when its fuel runs out, its deadline passes, its lease ends (the fabric fires the launch's
/// interrupt), or the launching task is cancelled.
///
/// **Short tasklets run inline.** Handing a run to the pool and resuming the launching task afterwards costs two
/// thread wake-ups (10–30 µs), more than a short tasklet takes. So when the module's last finished launch used at
/// most ``inlineFuelSlice`` fuel (the cache remembers it), the launch first runs on the launching thread with its
/// fuel capped at the slice (some 40–60 µs of interpretation). If the slice runs out, that attempt is thrown
/// away and the launch runs again from the start on the pool, with its full budget. This is only done when an
/// attempt can have no effect outside its own store and context, so running it twice is unobservable except for
/// time: the request is deterministic (virtual clocks never sleep, randomness is seeded), mounts no artifacts
/// and no host directories, and its module is already compiled (nothing is compiled on the launching thread).
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

    /// The most fuel a launch may use inline, on the launching task's thread, before it moves to the pool.
    package static let inlineFuelSlice: UInt64 = 100_000

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
            if let inline = runInline(request, handle: handle) { return inline }
            return await pool.run { () -> Outcome in
                Result {
                    let start = MonotonicClock().now
                    let (compiled, digest) = try cache.module(for: request.module)
                    return try Self.run(
                        request,
                        compiled: compiled,
                        digest: digest,
                        start: start,
                        handle: handle,
                        cache: cache,
                        preopens: preopens(),
                        objectStore: objectStore?(),
                        fuelSlice: nil
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

    /// The inline attempt at a short launch (see the type's documentation), or nil when the launch must go to
    /// the pool: it is not eligible, or its fuel slice ran out.
    private func runInline(_ request: TaskletRequest, handle: WasmInterruptHandle) -> Outcome? {
        guard request.deterministic, request.artifacts == nil, objectStore == nil else { return nil }
        let start = MonotonicClock().now
        guard let known = cache.cached(sameBufferAs: request.module), let lastFuel = known.lastFuel,
            lastFuel <= Self.inlineFuelSlice, preopens().isEmpty
        else { return nil }
        do {
            return .success(
                try Self.run(
                    request,
                    compiled: known.module,
                    digest: known.digest,
                    start: start,
                    handle: handle,
                    cache: cache,
                    preopens: [],
                    objectStore: nil,
                    fuelSlice: Self.inlineFuelSlice
                )
            )
        } catch is SliceExhausted {
            cache.recordFuel(Self.inlineFuelSlice + 1, for: known.digest)
            return nil
        } catch {
            return .failure(error)
        }
    }

    /// How a run ended.
    private typealias Outcome = Result<TaskletResult, any Error>

    /// The inline attempt used its whole fuel slice; the launch starts over on the pool.
    private struct SliceExhausted: Error {}

    /// Links and runs one compiled tasklet on the calling thread.
    /// - Parameter fuelSlice: Caps the fuel below the request's limit for an inline attempt; running out of the
    ///   slice (but not of the request's own budget) throws ``SliceExhausted``.
    private static func run(
        _ request: TaskletRequest,
        compiled: CompiledWasmModule,
        digest: Digest,
        start: FabricInstant,
        handle: WasmInterruptHandle,
        cache: TaskletModuleCache,
        preopens: [WASIPreopen],
        objectStore: (any WASIObjectStore)?,
        fuelSlice: UInt64?
    ) throws -> TaskletResult {
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
        // Only the host modules the tasklet imports are defined (WASI is some 50 functions, each a closure bound
        // to this launch's context); a module that imports nothing needs no context at all.
        let hostModules = HostModules(of: compiled)
        var context: WASIContext?
        var imports = WasmImports()
        if hostModules.wasi || hostModules.grafos {
            var allPreopens = preopens
            if let objectStore { allPreopens.append(WASIPreopen("/artifacts", .objectStore(objectStore))) }
            let created: WASIContext
            do {
                created = try WASIContext(
                    configuration: WASIConfiguration(request: request, moduleDigest: digest),
                    preopens: allPreopens,
                    objectStore: objectStore
                )
            } catch {
                throw TaskletError(.unsupportedModule, "the launch's file system could not be set up: \(error)")
            }
            imports = WasmImports(capacity: hostModules.capacity)
            hostModules.define(created, in: &imports)
            context = created
        }
        var limits = WasmResourceLimits()
        limits.fuel = request.limits.fuel
        let sliced = fuelSlice.map { $0 < (request.limits.fuel ?? UInt64.max) } ?? false
        if sliced { limits.fuel = fuelSlice }
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
        } catch let stop as WasmStopError where sliced && stop.reason == .fuelExhausted {
            throw SliceExhausted()
        } catch {
            throw Self.translate(error, fuelConsumed: store.fuelConsumed)
        }
        do {
            try context?.finish()
        } catch {
            throw Self.translate(error, fuelConsumed: store.fuelConsumed)
        }
        cache.recordFuel(store.fuelConsumed, for: digest)
        return TaskletResult(
            output: context?.output ?? [],
            stderr: context?.log ?? [],
            exitCode: exitCode,
            fuelConsumed: store.fuelConsumed,
            duration: start.duration(to: MonotonicClock().now)
        )
    }

    /// Maps engine and WASI errors to the SDK's typed errors (also used by `grafos exec`, so a trap or a limit
    /// reads the same on the command line as from `launch()`).
    /// - Parameters:
    ///   - error: what the engine, the linker or the WASI layer threw.
    ///   - fuelConsumed: the store's fuel consumption when it was thrown.
    /// - Returns: a ``TaskletError``, a ``FabricError`` (`outputTooLarge`), or `error` itself when it is neither.
    package static func translate(_ error: any Error, fuelConsumed: UInt64) -> any Error {
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

/// Which of the runtime's host modules a compiled tasklet imports from; the runtime defines only those.
package struct HostModules: Sendable, Equatable {
    /// It imports from `wasi_snapshot_preview1`.
    package var wasi = false
    /// It imports from `grafos`.
    package var grafos = false

    /// Scans the module's imports (names compared as UTF-8 bytes, as the linker compares them).
    package init(of compiled: CompiledWasmModule) {
        for entry in compiled.module.imports {
            if entry.module.utf8.elementsEqual(WASIContext.wasiModuleName.utf8) {
                wasi = true
            } else if entry.module.utf8.elementsEqual(WASIContext.grafosModuleName.utf8) {
                grafos = true
            }
        }
    }

    /// Defines the imported host modules of `context` in `imports`.
    package func define(_ context: WASIContext, in imports: inout WasmImports) {
        if wasi { context.defineWASI(in: &imports) }
        if grafos { context.defineGrafos(in: &imports) }
    }

    /// Room for the definitions ``define(_:in:)`` makes.
    package var capacity: Int {
        (wasi ? 48 : 0) + (grafos ? 8 : 0)
    }
}
