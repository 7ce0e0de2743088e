import GrafosObserve
import Testing

@testable import GrafosStd

/// Tiny `grafos`-ABI tasklets, hand-assembled.
enum TaskletModules {
    /// Copies its input to its output and returns 0.
    static let echo: [UInt8] = {
        var builder = WasmModuleBuilder()
        let inputSize = builder.importFunction("grafos", "input_size", [], [.i32])
        let inputRead = builder.importFunction("grafos", "input_read", [.i32, .i32, .i32], [.i32])
        let outputWrite = builder.importFunction("grafos", "output_write", [.i32, .i32], [.i32])
        builder.memory(min: 1, max: 16)
        builder.function(
            "run",
            [],
            [.i32],
            locals: [.i32],
            body: [
                Op.call(inputSize), Op.localSet(0),
                Op.i32Const(0), Op.localGet(0), Op.i32Const(0), Op.call(inputRead), Op.drop,
                Op.i32Const(0), Op.localGet(0), Op.call(outputWrite), Op.drop,
                Op.i32Const(0),
            ]
        )
        return builder.build()
    }()

    /// Spins forever.
    static let spin: [UInt8] = {
        var builder = WasmModuleBuilder()
        builder.function("run", [], [.i32], body: [Op.loop(), Op.br(0), Op.end, Op.i32Const(0)])
        return builder.build()
    }()

    /// Recurses without end.
    static let recurse: [UInt8] = {
        var builder = WasmModuleBuilder()
        builder.function("run", [], [.i32], body: [Op.call(0)])
        return builder.build()
    }()

    /// Divides by zero.
    static let divide: [UInt8] = {
        var builder = WasmModuleBuilder()
        builder.function("run", [], [.i32], name: "divide", body: [Op.i32Const(1), Op.i32Const(0), [0x6D]])
        return builder.build()
    }()

    /// Writes `count` bytes of output.
    static func flood(_ count: Int32) -> [UInt8] {
        var builder = WasmModuleBuilder()
        let outputWrite = builder.importFunction("grafos", "output_write", [.i32, .i32], [.i32])
        builder.memory(min: 16)
        builder.function("run", [], [.i32], body: [Op.i32Const(0), Op.i32Const(count), Op.call(outputWrite)])
        return builder.build()
    }

    /// Stores its input as the object "artifact" and returns what object_write returned.
    static let storeArtifact: [UInt8] = {
        var builder = WasmModuleBuilder()
        let inputSize = builder.importFunction("grafos", "input_size", [], [.i32])
        let inputRead = builder.importFunction("grafos", "input_read", [.i32, .i32, .i32], [.i32])
        let objectWrite = builder.importFunction("grafos", "object_write", [.i32, .i32, .i32, .i32], [.i32])
        builder.memory(min: 1)
        builder.activeData(offset: 0, Array("artifact".utf8))
        builder.function(
            "run",
            [],
            [.i32],
            locals: [.i32],
            body: [
                Op.call(inputSize), Op.localSet(0),
                Op.i32Const(64), Op.localGet(0), Op.i32Const(0), Op.call(inputRead), Op.drop,
                Op.i32Const(0), Op.i32Const(8), Op.i32Const(64), Op.localGet(0), Op.call(objectWrite),
            ]
        )
        return builder.build()
    }()

    /// Grows memory 1 MiB at a time until refused, then reports the pages it reached as its exit code.
    static let memoryBomb: [UInt8] = {
        var builder = WasmModuleBuilder()
        builder.memory(min: 1)
        builder.function(
            "run",
            [],
            [.i32],
            body: [
                Op.loop(), Op.i32Const(16), Op.memoryGrow, Op.i32Const(-1), [0x47], Op.brIf(0), Op.end,
                Op.memorySize,
            ]
        )
        return builder.build()
    }()

    /// Imports something no ABI provides.
    static let foreignImport: [UInt8] = {
        var builder = WasmModuleBuilder()
        builder.importFunction("env", "mystery", [], [])
        builder.function("run", [], [.i32], body: [Op.i32Const(0)])
        return builder.build()
    }()
}

@Suite struct TaskletLaunchTests {
    let clock = ManualClock()
    let metrics = MetricsRegistry()

    func fabric(cores: Int = 2) -> LocalFabric {
        LocalFabric(nodes: [LocalFabric.Node(name: "n0", cores: cores)], clock: clock, metrics: metrics)
    }

    @Test func anEchoTaskletRunsOnLocalFabric() async throws {
        let lease = try await CpuBuilder(on: fabric()).leaseSecs(60).acquire()
        let r = try await lease.cpu().submit(TaskletModules.echo).fuel(5_000_000).input([1, 2, 3]).launch()
        #expect(r.output == [1, 2, 3])
        #expect(r.exitCode == 0)
        #expect(r.fuelConsumed > 0)
        #expect(metrics.value(of: "tasklets_launched_total") == 1)
        #expect(metrics.value(of: "fuel_consumed_total") == Double(r.fuelConsumed))
    }

    @Test func theSameLaunchConsumesTheSameFuelOnEveryFabric() async throws {
        let local = try await CpuBuilder(on: fabric()).acquire()
        let sim = SimulatedFabric(clock: clock, seed: 1, nodes: [.init(name: "s", cores: 1)], metrics: metrics)
        let simulated = try await CpuBuilder(on: sim).acquire()
        let a = try await local.cpu().submit(TaskletModules.echo).input(Array("same".utf8)).launch()
        let b = try await simulated.cpu().submit(TaskletModules.echo).input(Array("same".utf8)).launch()
        #expect(a.output == b.output)
        #expect(a.fuelConsumed == b.fuelConsumed)
    }

    @Test func anInfiniteLoopRunsOutOfFuelAsATypedError() async throws {
        let lease = try await CpuBuilder(on: fabric()).acquire()
        do {
            _ = try await lease.cpu().submit(TaskletModules.spin).fuel(100_000).launch()
            Issue.record("the loop ended")
        } catch let error as TaskletError {
            #expect(error.code == .fuelExhausted)
            #expect(error.fuelConsumed == 100_000)
        }
        #expect(metrics.value(of: "tasklet_failures_total", labels: ["reason": "fuelExhausted"]) == 1)
    }

    @Test func unboundedRecursionIsCallStackExhaustedAndTheProcessSurvives() async throws {
        let lease = try await CpuBuilder(on: fabric()).acquire()
        await #expect(throws: TaskletError.callStackExhausted) {
            try await lease.cpu().submit(TaskletModules.recurse).launch()
        }
        let r = try await lease.cpu().submit(TaskletModules.echo).input([9]).launch()
        #expect(r.output == [9])
    }

    @Test func aTrapCarriesTheSpecWordingAndABacktrace() async throws {
        let lease = try await CpuBuilder(on: fabric()).acquire()
        do {
            _ = try await lease.cpu().submit(TaskletModules.divide).launch()
            Issue.record("no trap")
        } catch let error as TaskletError {
            #expect(error.code == .trap)
            #expect(error.message == "integer divide by zero")
            #expect(error.backtrace.first?.contains("divide") == true)
        }
    }

    @Test func outputOverMaxOutputIsAnErrorNotATruncation() async throws {
        let lease = try await CpuBuilder(on: fabric()).acquire()
        await #expect(throws: FabricError.outputTooLarge) {
            try await lease.cpu().submit(TaskletModules.flood(5000)).maxOutput(4096).launch()
        }
        let r = try await lease.cpu().submit(TaskletModules.flood(4096)).maxOutput(4096).launch()
        #expect(r.output.count == 4096)
    }

    @Test func aLeaseExpiringMidRunStopsTheTasklet() async throws {
        let lease = try await CpuBuilder(on: fabric()).leaseSecs(10).acquire()
        let launch = Task { try await lease.cpu().submit(TaskletModules.spin).unlimitedFuel().launch() }
        // Let it start spinning, then move time past the lease's expiry: the fabric's reaper fires the interrupt.
        await waitUntil { metrics.value(of: "tasklets_launched_total") == 1 }
        clock.advance(by: .seconds(10))
        await #expect(throws: FabricError.leaseExpired) { try await launch.value }
    }

    @Test func releasingTheLeaseStopsItsTasklet() async throws {
        let lease = try await CpuBuilder(on: fabric()).leaseSecs(600).acquire()
        let credential = lease.credential
        let fabric = lease.fabric
        let launch = Task { try await lease.cpu().submit(TaskletModules.spin).unlimitedFuel().launch() }
        await waitUntil { metrics.value(of: "tasklets_launched_total") == 1 }
        try await fabric.release(credential)
        await #expect(throws: FabricError.leaseReleased) { try await launch.value }
    }

    @Test func cancellingTheLaunchingTaskStopsTheTasklet() async throws {
        let lease = try await CpuBuilder(on: fabric()).acquire()
        let launch = Task { try await lease.cpu().submit(TaskletModules.spin).unlimitedFuel().launch() }
        await waitUntil { metrics.value(of: "tasklets_launched_total") == 1 }
        launch.cancel()
        await #expect(throws: FabricError.cancelled) { try await launch.value }
    }

    @Test func aDeadlineStopsARunawayTasklet() async throws {
        let lease = try await CpuBuilder(on: fabric()).acquire()
        await #expect(throws: TaskletError.deadlineExceeded) {
            try await lease.cpu().submit(TaskletModules.spin).unlimitedFuel().deadline(.milliseconds(20)).launch()
        }
    }

    @Test func artifactsGoToTheMountedBlockLease() async throws {
        let fabric = fabric()
        let lease = try await CpuBuilder(on: fabric).acquire()
        let store = try await BlockBuilder(on: fabric).minBlocks(8).acquire()
        let r = try await lease.cpu().submit(TaskletModules.storeArtifact).input(Array("object code".utf8))
            .artifacts(store).launch()
        #expect(r.exitCode == 0)
        #expect(try await store.read("artifact") == Array("object code".utf8))
        let none = try await lease.cpu().submit(TaskletModules.storeArtifact).input([1]).launch()
        #expect(none.exitCode == -5)  // no storage mounted
    }

    @Test func badModulesAreTypedErrors() async throws {
        let lease = try await CpuBuilder(on: fabric()).acquire()
        await #expect(throws: TaskletError.invalidModule) { try await lease.cpu().submit([0, 97, 115, 109]).launch() }
        var noEntry = WasmModuleBuilder()
        noEntry.function("main", [], [], body: [])
        await #expect(throws: TaskletError.unsupportedModule) { try await lease.cpu().submit(noEntry.build()).launch() }
        await #expect(throws: TaskletError.unsupportedModule) {
            try await lease.cpu().submit(TaskletModules.foreignImport).launch()
        }
    }

    @Test func aMemoryBombStopsAtTheMemoryLimitAndTheProcessCarriesOn() async throws {
        let lease = try await CpuBuilder(on: fabric()).acquire()
        let r = try await lease.cpu().submit(TaskletModules.memoryBomb).maxMemory(bytes: 8 << 20).launch()
        // 8 MiB is 128 pages: from 1 page, seven grows of 16 reach 113; the eighth (129) is refused with -1.
        #expect(r.exitCode == 113)
        let bigger = try await lease.cpu().submit(TaskletModules.memoryBomb).maxMemory(bytes: 16 << 20).launch()
        #expect(bigger.exitCode == 241)
    }

    @Test func aCachedModuleIsCompiledOnce() async throws {
        let cache = TaskletModuleCache(budgetBytes: 1 << 20)
        let module = TaskletModules.echo
        _ = try cache.module(for: module)
        _ = try cache.module(for: module)
        _ = try cache.module(for: Array(module))  // a different buffer with the same bytes: found by digest
        #expect(cache.statistics.misses == 1)
        #expect(cache.statistics.hits == 2)
    }
}
