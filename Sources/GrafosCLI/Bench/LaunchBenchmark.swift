import GrafosObserve
import GrafosStd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `grafos bench launch`: what launching a cached tasklet costs, end to end and piece by piece.
///
/// The headline is a trivial `grafos`-ABI tasklet (its `run` returns 0) launched through
/// `lease.cpu().submit(wasm).launch()` on a ``LocalFabric`` after warm-up (so the module is in the cache), timed
/// per launch. Beside it, as peers measured in the same run: the same request through ``TaskletRuntime`` directly
/// (no fabric), a bare `WasmStore` + `instantiate` + `invoke` on the calling thread (no runtime), the fabric launch
/// with the threads given time to fall asleep between launches, and the trivial tasklet with a linear memory. Two
/// example tasklets show real programs: `lint.wasm` (freestanding, `grafos` ABI) and `hash.wasm` (a WASI command
/// built with wasi-libc), each checked against its expected output. The breakdown times each step of a launch on
/// its own (cache lookup, store and instantiation, the context and imports, the hop to ``TaskletThreadPool``).
///
/// Memory: the resident-set and heap growth (`malloc_info`, the figures `mallinfo2` reports) over more fabric
/// launches, in two halves so that warm-up growth and a steady leak can be told apart, and the heap a live launch
/// holds.
///
/// ```swift
/// let result = try await LaunchBenchmark(launches: 10_000, examplesDirectory: "Examples/Tasklets").run()
/// print(result.report)
/// ```
package struct LaunchBenchmark {
    /// Launches measured per configuration (after warm-up).
    package var launches: Int
    /// Launches run first and not measured (they compile the modules and start the pool's threads).
    package var warmUp: Int
    /// `Examples/Tasklets`, for `lint.wasm` and `hash.wasm`; nil skips the example rows.
    package var examplesDirectory: String?

    /// Creates the benchmark.
    /// - Parameters:
    ///   - launches: launches measured per row.
    ///   - examplesDirectory: the folder holding `lint.wasm`, `hash.wasm`, `inputs/` and `expected/`.
    package init(launches: Int, examplesDirectory: String? = nil) {
        self.launches = launches
        self.warmUp = max(min(100, launches), launches / 10)
        self.examplesDirectory = examplesDirectory
    }

    /// The p50 fabric launch must come in under this (issue 4).
    package static let target: Duration = .microseconds(20)

    /// A `grafos`-ABI tasklet that does nothing: `(func (export "run") (result i32) i32.const 0)`. No imports, no
    /// memory.
    package static let trivialModule: [UInt8] = [
        0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,  // magic, version
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,  // type 0: () -> i32
        0x03, 0x02, 0x01, 0x00,  // function 0: type 0
        0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6E, 0x00, 0x00,  // export "run" = function 0
        0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x00, 0x0B,  // code: i32.const 0
    ]

    /// The trivial tasklet with a one-page linear memory (what a tasklet that reads input or writes output has).
    package static let trivialModuleWithMemory: [UInt8] = [
        0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,
        0x03, 0x02, 0x01, 0x00,
        0x05, 0x03, 0x01, 0x00, 0x01,  // memory 0: 1 page, no maximum
        0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6E, 0x00, 0x00,
        0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x00, 0x0B,
    ]

    /// Per-launch latencies of one configuration.
    package struct Row: Sendable {
        /// What was timed.
        package var name: String
        /// A short machine-readable key for `--json`.
        package var key: String
        /// One sample per launch (or per step).
        package var samples: [Duration]
        /// The fuel the last launch consumed (nil for steps).
        package var fuel: UInt64? = nil

        /// The median.
        package var p50: Duration { percentile(samples, 0.5) }
        /// The 99th percentile.
        package var p99: Duration { percentile(samples, 0.99) }
        /// The mean.
        package var mean: Duration {
            samples.isEmpty ? .zero : samples.reduce(Duration.zero, +) / samples.count
        }
    }

    /// Memory figures.
    package struct MemoryFigures: Sendable {
        /// Launches the growth figures are over (two equal halves).
        package var launches: Int
        /// Resident-set size before, halfway through and after them, in bytes (`/proc/self/statm`; 0 where
        /// unavailable).
        package var resident: (before: Int, half: Int, after: Int)
        /// Heap bytes in use (`mallinfo2`'s `uordblks + hblkhd`, from `malloc_info`) at the same three points.
        package var heap: (before: Int, half: Int, after: Int)
        /// Heap bytes a store and instance of the trivial tasklet hold before their first call.
        package var storeHeap: Int
        /// The same after the call, which allocates the value and frame stacks (reserved by `malloc`, resident only
        /// as deep as the program goes).
        package var storeHeapAfterCall: Int
        /// Heap bytes a live launch of `lint.wasm` holds after `run` returns: its context, imports, store, instance
        /// (the linear memory's bookkeeping, not the memory itself) and stacks. 0 when not measured.
        package var exampleHeap: Int
        /// Bytes of linear memory `lint.wasm` has (mapped, separate from the heap). 0 when not measured.
        package var exampleLinearMemory: Int
    }

    /// The figures of one run.
    package struct Result: Sendable {
        /// Launches measured per row.
        package var launches: Int
        /// The headline and its peers.
        package var rows: [Row]
        /// The runtime's steps, timed one at a time.
        package var breakdown: [Row]
        /// Memory figures.
        package var memory: MemoryFigures
        /// Whether the example tasklets were found and measured.
        package var examplesMeasured: Bool
        /// Every launch's result was checked (exit code 0 and the expected output); this counts them.
        package var verifiedLaunches: Int
        /// `/proc/loadavg`'s 1-minute load when the run started (the machine is shared), or nil.
        package var loadAverage: Double?

        /// The headline row: the trivial tasklet through the fabric.
        package var headline: Row { rows[0] }

        /// The human-readable table.
        package var report: String {
            func line(_ row: Row) -> String {
                columnPadded(row.name, 62) + columnPadded(format(row.p50), 11, left: true)
                    + columnPadded(format(row.p99), 11, left: true) + columnPadded(format(row.mean), 11, left: true)
            }
            var text = """
                grafos bench launch — \(launches) launches per row after warm-up, cached modules, one 1-core lease on a LocalFabric\(loadAverage.map { ", load average \(rounded($0, 2)) at the start" } ?? "")

                  \(columnPadded("per launch", 62))\(columnPadded("p50", 11, left: true))\(columnPadded("p99", 11, left: true))\(columnPadded("mean", 11, left: true))

                """
            for row in rows { text += "  " + line(row) + "\n" }
            let fuels = rows.filter { $0.key.hasSuffix("_fabric") || $0.key == "fabric" }.compactMap { row in
                row.fuel.map { fuel in
                    "\(row.key == "fabric" ? "trivial" : String(row.key.dropLast(7))) \(fuel) "
                        + (fuel <= TaskletRuntime.inlineFuelSlice ? "(inline)" : "(pool)")
                }
            }
            text += """
                  fuel per launch: \(fuels.joined(separator: ", ")); deterministic launches whose last launch used at most
                  \(TaskletRuntime.inlineFuelSlice) fuel run inline on the launching thread, the others on TaskletThreadPool

                """
            text += "\n  breakdown: each step alone, on the calling thread (the hop is the only cross-thread step)\n"
            for row in breakdown { text += "  " + line(row) + "\n" }
            if !examplesMeasured {
                text += "\n  Examples/Tasklets not found (pass --examples DIR): the example rows were skipped\n"
            }
            let m = memory
            let half = Double(max(m.launches / 2, 1))
            func growth(_ values: (before: Int, half: Int, after: Int)) -> String {
                // `+ 0` turns a rounded -0.0 into 0.
                func perLaunch(_ bytes: Int) -> String { rounded((Double(bytes) / half * 10).rounded() / 10 + 0, 1) }
                return "\(byteSize(values.before)) → \(byteSize(values.half)) → \(byteSize(values.after))   "
                    + "(\(perLaunch(values.half - values.before)) then \(perLaunch(values.after - values.half)) B per launch)"
            }
            text += """

                  memory over \(m.launches) more fabric launches of the trivial tasklet, in two halves
                    resident set   \(growth(m.resident))
                    heap in use    \(growth(m.heap))
                  heap held by a live store + instance of the trivial tasklet: \(byteSize(m.storeHeap)), \(byteSize(m.storeHeapAfterCall)) once called (value and frame stacks)

                """
            if examplesMeasured {
                let stacks = m.storeHeapAfterCall - m.storeHeap
                text +=
                    "  heap held by a live lint.wasm launch: \(byteSize(m.exampleHeap)) = the stacks + \(byteSize(m.exampleHeap - stacks)) (context, imports, store, instance); its linear memory: \(byteSize(m.exampleLinearMemory)) mapped\n"
            }
            text += """
                  \(verifiedLaunches) launch results checked (exit code, output)
                  target: p50 fabric launch under \(format(LaunchBenchmark.target)) → \(format(headline.p50)) is \(ratio(headline.p50, LaunchBenchmark.target)) of the target

                """
            return text
        }

        /// One JSON object (microseconds, bytes).
        package var json: String {
            func us(_ duration: Duration) -> String { rounded(duration.milliseconds * 1000, 3) }
            func object(_ row: Row) -> String {
                "\"\(row.key)\":{\"p50_us\":\(us(row.p50)),\"p99_us\":\(us(row.p99)),\"mean_us\":\(us(row.mean))"
                    + (row.fuel.map { ",\"fuel\":\($0)" } ?? "") + "}"
            }
            let m = memory
            return "{\"benchmark\":\"launch\",\"launches\":\(launches),"
                + "\"rows\":{\(rows.map(object).joined(separator: ","))},"
                + "\"breakdown\":{\(breakdown.map(object).joined(separator: ","))},"
                + "\"memory\":{\"launches\":\(m.launches),"
                + "\"resident\":[\(m.resident.before),\(m.resident.half),\(m.resident.after)],"
                + "\"heap\":[\(m.heap.before),\(m.heap.half),\(m.heap.after)],"
                + "\"store_heap\":\(m.storeHeap),\"store_heap_after_call\":\(m.storeHeapAfterCall),"
                + "\"example_heap\":\(m.exampleHeap),\"example_linear_memory\":\(m.exampleLinearMemory)},"
                + "\"examples_measured\":\(examplesMeasured),\"verified_launches\":\(verifiedLaunches),"
                + "\"load_average\":\(loadAverage.map { String($0) } ?? "null"),"
                + "\"target_us\":\(us(LaunchBenchmark.target))}"
        }
    }

    /// Runs every row on a fresh one-node fabric with its own metrics registry.
    /// - Throws: ``CLIError/failure(_:)`` when a launch fails or returns something unexpected.
    package func run() async throws -> Result {
        let load = loadAverage()
        let fabric = LocalFabric(nodes: [LocalFabric.Node(name: "bench", cores: 1)], metrics: MetricsRegistry())
        let lease: CpuLease
        do {
            lease = try await CpuBuilder(on: fabric).cores(1).leaseSecs(3600).acquire()
        } catch {
            throw CLIError.failure("could not lease a core on the benchmark's LocalFabric: \(error)")
        }
        defer { withExtendedLifetime(lease) {} }
        var verified = 0
        var rows: [Row] = []
        var breakdown: [Row] = []
        let trivial = Self.trivialModule
        let withMemory = Self.trivialModuleWithMemory
        let examples = try loadExamples()

        // The headline and its peers.
        rows.append(
            try await measure("trivial tasklet, lease.cpu().submit(wasm).launch()", "fabric", &verified) {
                try await lease.cpu().submit(trivial).launch()
            } check: {
                $0.exitCode == 0 && $0.output.isEmpty
            }
        )
        let runtime = TaskletRuntime()
        let request = TaskletRequest(module: trivial)
        rows.append(
            try await measure("  the same through TaskletRuntime.launch (no fabric)", "runtime", &verified) {
                try await runtime.launch(request)
            } check: {
                $0.exitCode == 0
            }
        )
        let compiled = try Self.compile(trivial)
        rows.append(
            try await measure("  bare WasmStore + instantiate + invoke (no runtime)", "bare", &verified) {
                TaskletResult(output: [], exitCode: try Self.bareRun(compiled))
            } check: {
                $0.exitCode == 0
            }
        )
        rows.append(
            try await measure(
                "  the fabric launch, 1 ms apart (threads asleep)",
                "fabric_spaced",
                &verified,
                count: min(launches, 1000),
                pause: .milliseconds(1)
            ) {
                try await lease.cpu().submit(trivial).launch()
            } check: {
                $0.exitCode == 0
            }
        )
        rows.append(
            try await measure("  on the pool: the fabric launch, non-deterministic", "fabric_pool", &verified) {
                try await lease.cpu().submit(trivial).deterministic(false).launch()
            } check: {
                $0.exitCode == 0
            }
        )
        rows.append(
            try await measure(
                "  on the pool, 1 ms apart (threads asleep)",
                "fabric_pool_spaced",
                &verified,
                count: min(launches, 1000),
                pause: .milliseconds(1)
            ) {
                try await lease.cpu().submit(trivial).deterministic(false).launch()
            } check: {
                $0.exitCode == 0
            }
        )
        rows.append(
            try await measure("trivial tasklet with a 1-page memory, fabric launch", "fabric_memory", &verified) {
                try await lease.cpu().submit(withMemory).launch()
            } check: {
                $0.exitCode == 0
            }
        )
        for example in examples {
            rows.append(
                try await measure("\(example.title), fabric launch", "\(example.key)_fabric", &verified) {
                    try await lease.cpu().submit(example.module).input(example.input).launch()
                } check: {
                    $0.output == example.expected && $0.exitCode == 0
                }
            )
            let exampleRequest = TaskletRequest(module: example.module, input: example.input)
            rows.append(
                try await measure("  the same through TaskletRuntime.launch", "\(example.key)_runtime", &verified) {
                    try await runtime.launch(exampleRequest)
                } check: {
                    $0.output == example.expected && $0.exitCode == 0
                }
            )
        }

        // The steps of one launch, each alone.
        let cache = TaskletModuleCache.shared
        breakdown.append(
            try await step("module cache lookup (hit)", "cache_lookup") {
                _ = try cache.module(for: trivial)
            }
        )
        breakdown.append(
            try await step("trivial: store + instantiate", "instantiate") {
                let store = WasmStore(limits: WasmResourceLimits(fuel: 1 << 40))
                _ = try store.instantiate(compiled)
            }
        )
        breakdown.append(
            try await step("trivial: store + instantiate + invoke `run`", "instantiate_invoke") {
                _ = try Self.bareRun(compiled)
            }
        )
        for example in examples {
            let (exampleCompiled, digest) = try cache.module(for: example.module)
            let exampleRequest = TaskletRequest(module: example.module, input: example.input)
            let hostModules = HostModules(of: exampleCompiled)
            breakdown.append(
                try await step(
                    "\(example.key): configuration + context + \(hostModules.capacity > 8 ? "WASI" : "grafos") imports",
                    "\(example.key)_context"
                ) {
                    let context = try Self.context(exampleRequest, exampleCompiled, digest: digest)
                    withExtendedLifetime(context) {}
                }
            )
            breakdown.append(
                try await step("\(example.key): the above + store + instantiate + run", "\(example.key)_bare") {
                    let launch = try Self.exampleRun(exampleCompiled, exampleRequest, digest: digest)
                    guard launch.context.output == example.expected else {
                        throw CLIError.failure("\(example.key) printed something else than its expected output")
                    }
                }
            )
        }
        let pool = TaskletThreadPool.shared
        breakdown.append(
            try await step("thread-pool hop: TaskletThreadPool.run { } and back", "pool_hop") {
                _ = await pool.run { 0 }
            }
        )

        let memory = try await measureMemory(lease: lease, compiled: compiled, example: examples.first)
        verified += memory.launches
        return Result(
            launches: launches,
            rows: rows,
            breakdown: breakdown,
            memory: memory,
            examplesMeasured: !examples.isEmpty,
            verifiedLaunches: verified,
            loadAverage: load
        )
    }

    // MARK: - Measuring

    /// Times `launch` `count` times (all `launches` by default) after `warmUp` unmeasured ones, checking every
    /// result; with `pause`, sleeps that long before each launch (untimed).
    private func measure(
        _ name: String,
        _ key: String,
        _ verified: inout Int,
        count: Int? = nil,
        pause: Duration? = nil,
        _ launch: () async throws -> TaskletResult,
        check: (TaskletResult) -> Bool
    ) async throws -> Row {
        let clock = ContinuousClock()
        let count = count ?? launches
        let warmUp = pause == nil ? warmUp : min(warmUp, 10)
        var samples: [Duration] = []
        samples.reserveCapacity(count)
        var fuel: UInt64 = 0
        for index in -warmUp..<count {
            if let pause { try await Task.sleep(for: pause) }
            let start = clock.now
            let result: TaskletResult
            do {
                result = try await launch()
            } catch {
                throw CLIError.failure("\(name.trimmingPrefix(" ")): launch \(index + warmUp + 1) failed: \(error)")
            }
            let elapsed = start.duration(to: clock.now)
            guard check(result) else {
                throw CLIError.failure(
                    "\(name.trimmingPrefix(" ")): launch \(index + warmUp + 1) returned exit code \(result.exitCode) "
                        + "and \(result.output.count) output bytes, not what the tasklet gives"
                )
            }
            verified += 1
            fuel = result.fuelConsumed
            if index >= 0 { samples.append(elapsed) }
        }
        return Row(name: name, key: key, samples: samples, fuel: fuel)
    }

    /// Times one step of a launch `launches` times after warm-up.
    private func step(_ name: String, _ key: String, _ body: () async throws -> Void) async throws -> Row {
        let clock = ContinuousClock()
        var samples: [Duration] = []
        samples.reserveCapacity(launches)
        for index in -warmUp..<launches {
            let start = clock.now
            do {
                try await body()
            } catch {
                throw CLIError.failure("\(name): \(error)")
            }
            if index >= 0 { samples.append(start.duration(to: clock.now)) }
        }
        return Row(name: "  " + name, key: key, samples: samples)
    }

    /// Resident-set and heap growth over `launches` more fabric launches, and the heap live launches hold.
    private func measureMemory(
        lease: CpuLease,
        compiled: CompiledWasmModule,
        example: Example?
    ) async throws -> MemoryFigures {
        let trivial = Self.trivialModule
        let half = max(launches / 2, 1)
        var resident = (before: Self.residentBytes(), half: 0, after: 0)
        var heap = (before: Self.heapInUse(), half: 0, after: 0)
        for index in 0..<(2 * half) {
            if index == half {
                heap.half = Self.heapInUse()
                resident.half = Self.residentBytes()
            }
            let result: TaskletResult
            do {
                result = try await lease.cpu().submit(trivial).launch()
            } catch {
                throw CLIError.failure("memory run: launch \(index + 1) failed: \(error)")
            }
            guard result.exitCode == 0 else {
                throw CLIError.failure("memory run: launch \(index + 1) exited with \(result.exitCode)")
            }
        }
        heap.after = Self.heapInUse()
        resident.after = Self.residentBytes()

        // Live state, built on this thread as the runtime builds it on a pool thread.
        let baseline = Self.heapInUse()
        let store = WasmStore(limits: WasmResourceLimits(fuel: 1 << 40, maxMemoryBytes: 256 << 20))
        let instance = try store.instantiate(compiled)
        let storeHeap = Self.heapInUse() - baseline
        _ = try instance.invoke("run")
        let storeHeapAfterCall = Self.heapInUse() - baseline
        withExtendedLifetime((store, instance)) {}

        var exampleHeap = 0
        var exampleLinearMemory = 0
        if let example {
            let (exampleCompiled, digest) = try TaskletModuleCache.shared.module(for: example.module)
            let request = TaskletRequest(module: example.module, input: example.input)
            let exampleBaseline = Self.heapInUse()
            let launch = try Self.exampleRun(exampleCompiled, request, digest: digest)
            exampleHeap = Self.heapInUse() - exampleBaseline
            exampleLinearMemory = launch.instance.memory(named: "memory").map { Int($0.byteCount) } ?? 0
            withExtendedLifetime(launch) {}
        }
        return MemoryFigures(
            launches: 2 * half,
            resident: resident,
            heap: heap,
            storeHeap: storeHeap,
            storeHeapAfterCall: storeHeapAfterCall,
            exampleHeap: exampleHeap,
            exampleLinearMemory: exampleLinearMemory
        )
    }

    /// A context for `request` with the host modules `compiled` imports, as the runtime makes it.
    private static func context(
        _ request: TaskletRequest,
        _ compiled: CompiledWasmModule,
        digest: Digest
    ) throws -> (context: WASIContext, imports: WasmImports) {
        let context = try WASIContext(configuration: WASIConfiguration(request: request, moduleDigest: digest))
        let hostModules = HostModules(of: compiled)
        var imports = WasmImports(capacity: hostModules.capacity)
        hostModules.define(context, in: &imports)
        return (context, imports)
    }

    /// What the runtime does on a pool thread for an example, on this thread: context, imports, store, instance,
    /// the entry point. The launch's state is returned alive.
    private static func exampleRun(
        _ compiled: CompiledWasmModule,
        _ request: TaskletRequest,
        digest: Digest
    ) throws -> (context: WASIContext, imports: WasmImports, store: WasmStore, instance: WasmInstance) {
        let (context, imports) = try context(request, compiled, digest: digest)
        let store = WasmStore(limits: WasmResourceLimits(fuel: 10_000_000_000, maxMemoryBytes: 256 << 20))
        let instance = try store.instantiate(compiled, imports: imports)
        do {
            _ = try instance.invoke(compiled.export(named: "_start") != nil ? "_start" : "run")
        } catch let exit as WASIExit where exit.code == 0 {}
        try context.finish()
        return (context, imports, store, instance)
    }

    /// A store, an instance and a call of `run`, as a tasklet launch does them, without WASI or the pool.
    private static func bareRun(_ compiled: CompiledWasmModule) throws -> Int32 {
        let store = WasmStore(limits: WasmResourceLimits(fuel: 10_000_000_000, maxMemoryBytes: 256 << 20))
        let instance = try store.instantiate(compiled)
        return try instance.invoke("run").first?.int32Value ?? -1
    }

    private static func compile(_ bytes: [UInt8]) throws -> CompiledWasmModule {
        do {
            return try CompiledWasmModule.compile(bytes)
        } catch {
            throw CLIError.failure("the benchmark's own trivial module does not compile: \(error)")
        }
    }

    /// An example tasklet with a small input and its expected output.
    struct Example {
        /// For the table, e.g. `lint.wasm (grafos ABI) on a 937-byte file`.
        var title: String
        /// For `--json` and the breakdown, e.g. `lint`.
        var key: String
        var module: [UInt8]
        var input: [UInt8]
        var expected: [UInt8]
    }

    /// `lint.wasm` (a freestanding `grafos` tasklet) on `inputs/clean.swift` and `hash.wasm` (a WASI command built
    /// with wasi-libc) on `inputs/abc.txt`, with their expected outputs, if the examples folder is known.
    private func loadExamples() throws -> [Example] {
        guard let directory = examplesDirectory else { return [] }
        var examples: [Example] = []
        for (key, abi, input, expected) in [
            ("lint", "grafos ABI", "inputs/clean.swift", "expected/lint-clean.out"),
            ("hash", "WASI command", "inputs/abc.txt", "expected/hash-abc.out"),
        ] {
            let bytes = try readFile(directory + "/" + input)
            examples.append(
                Example(
                    title: "\(key).wasm (\(abi)) on a \(bytes.count)-byte file",
                    key: key,
                    module: try readFile(directory + "/\(key).wasm"),
                    input: bytes,
                    expected: try readFile(directory + "/" + expected)
                )
            )
        }
        return examples
    }

    /// The process's resident set in bytes (`/proc/self/statm`), or 0 where unavailable.
    package static func residentBytes() -> Int {
        guard let text = try? readFile("/proc/self/statm") else { return 0 }
        let fields = text.split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Heap bytes in use in all arenas (what `mallinfo2` calls `uordblks + hblkhd`), or 0 where unavailable.
    ///
    /// `mallinfo2` itself is not visible to Swift (`malloc.h` is not in the `Glibc` module), so this asks glibc's
    /// `malloc_info` (found with `dlsym`) for its XML report and reads the totals after the last arena: the bytes
    /// obtained from the system, minus the free fast-bin and other free chunks, plus the `mmap`ed chunks.
    package static func heapInUse() -> Int {
        #if canImport(Glibc)
        typealias MallocInfo = @convention(c) (Int32, UnsafeMutablePointer<FILE>?) -> Int32
        guard let symbol = dlsym(nil, "malloc_info") else { return 0 }
        let mallocInfo = unsafeBitCast(symbol, to: MallocInfo.self)
        var buffer: UnsafeMutablePointer<CChar>?
        var size = 0
        guard let stream = open_memstream(&buffer, &size) else { return 0 }
        let status = mallocInfo(0, stream)
        fclose(stream)
        guard let buffer else { return 0 }
        defer { free(buffer) }
        guard status == 0 else { return 0 }
        let report = String(cString: buffer)
        guard let lastHeap = report.ranges(of: "</heap>").last else { return 0 }
        let totals = report[lastHeap.upperBound...]
        func value(_ prefix: String) -> Int? {
            guard let start = totals.firstRange(of: prefix) else { return nil }
            let rest = totals[start.upperBound...]
            guard let sizeStart = rest.firstRange(of: "size=\"") else { return nil }
            return Int(rest[sizeStart.upperBound...].prefix { $0.isNumber })
        }
        guard let system = value("<system type=\"current\""), let fast = value("<total type=\"fast\""),
            let rest = value("<total type=\"rest\"")
        else { return 0 }
        return system - fast - rest + (value("<total type=\"mmap\"") ?? 0)
        #else
        return 0
        #endif
    }
}

/// `1.2 MiB`, `340 KiB`, `512 B`.
func byteSize(_ count: Int) -> String {
    let magnitude = abs(count)
    if magnitude >= 1 << 20 { return "\(rounded(Double(count) / Double(1 << 20), 2)) MiB" }
    if magnitude >= 1 << 10 { return "\(rounded(Double(count) / Double(1 << 10), 2)) KiB" }
    return "\(count) B"
}

/// `text` padded with spaces to `width` columns (on the left with `left`).
package func columnPadded(_ text: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return left ? fill + text : text + fill
}
