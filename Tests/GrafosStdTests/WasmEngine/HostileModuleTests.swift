import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// Modules that try to take the host down end with the right typed error, and the store keeps working.
@Suite struct HostileModuleTests {
    @Test func anInfiniteLoopRunsOutOfFuel() throws {
        var builder = WasmModuleBuilder()
        builder.function("spin", [], [], body: [Op.loop(), Op.br(0), Op.end])
        let instance = try builder.instantiate(store: WasmStore(limits: WasmResourceLimits(fuel: 1_000_000)))
        do {
            _ = try instance.invoke("spin")
            Issue.record("the loop ended")
        } catch let stop as WasmStopError {
            #expect(stop.reason == .fuelExhausted)
            #expect(stop.fuelConsumed == 1_000_000)
        }
    }

    @Test func unboundedRecursionExhaustsTheCallStackAndTheStoreRecovers() throws {
        var builder = WasmModuleBuilder()
        builder.function("forever", [], [], body: [Op.call(0)])
        builder.function("ok", [], [.i32], body: [Op.i32Const(1)])
        let instance = try builder.instantiate()
        for _ in 0..<3 {
            do {
                _ = try instance.invoke("forever")
                Issue.record("the recursion ended")
            } catch let trap as Trap {
                #expect(trap.reason == .callStackExhausted)
                #expect(trap.description.hasPrefix("call stack exhausted"))
                #expect(trap.backtrace.frames.count == WasmBacktrace.frameLimit)
                #expect(trap.backtrace.omittedFrames == 10_000 - WasmBacktrace.frameLimit)
                #expect(trap.backtrace.frames.first?.name == "forever")
            }
            #expect(try instance.invoke("ok") == [.i32(1)])
        }
    }

    @Test func theCallDepthLimitIsExact() throws {
        var builder = WasmModuleBuilder()
        // down(n) = n == 0 ? 0 : down(n - 1): n + 1 frames.
        builder.function(
            "down",
            [.i32],
            [.i32],
            body: [
                Op.localGet(0), Op.i32Eqz, Op.if(.i32), Op.i32Const(0), Op.else,
                Op.localGet(0), Op.i32Const(1), Op.i32Sub, Op.call(0), Op.end,
            ]
        )
        let instance = try builder.instantiate(store: WasmStore(limits: WasmResourceLimits(maxCallDepth: 100)))
        #expect(try instance.invoke("down", [.i32(99)]) == [.i32(0)])
        #expect(throws: Trap.self) { try instance.invoke("down", [.i32(100)]) }
    }

    @Test func framesWithManyLocalsExhaustTheValueStack() throws {
        var builder = WasmModuleBuilder()
        builder.function("deep", [], [], locals: Array(repeating: .i64, count: 1_000), body: [Op.call(0)])
        let store = WasmStore(limits: WasmResourceLimits(maxCallDepth: 1_000_000, maxValueStackSlots: 100_000))
        let instance = try builder.instantiate(store: store)
        do {
            _ = try instance.invoke("deep")
            Issue.record("the recursion ended")
        } catch let trap as Trap {
            #expect(trap.reason == .callStackExhausted)
            // 100 frames of 1,000 slots fill the 100,000-slot stack exactly; the 101st call traps.
            #expect(trap.backtrace.frames.count + trap.backtrace.omittedFrames == 100)
        }
    }

    @Test func growingMemoryToTheLimitReturnsMinusOne() throws {
        var builder = WasmModuleBuilder()
        builder.memory(min: 0)
        // grows one page at a time until refused; returns the page count reached
        builder.function(
            "hog",
            [],
            [.i32],
            body: [
                Op.block(), Op.loop(), Op.i32Const(1), Op.memoryGrow, Op.i32Const(-1), Op.i32Eq, Op.brIf(1),
                Op.br(0), Op.end, Op.end, Op.memorySize,
            ]
        )
        let store = WasmStore(limits: WasmResourceLimits(maxMemoryBytes: 16 << 20))
        let instance = try builder.instantiate(store: store)
        #expect(try instance.invoke("hog") == [.i32(256)])
    }

    @Test func aHugeTableGrowIsRefused() throws {
        var builder = WasmModuleBuilder()
        builder.table(min: 0)
        builder.function(
            "grow",
            [.i32],
            [.i32],
            body: [Op.refNull(.funcRef), Op.localGet(0), Op.tableGrow()]
        )
        let instance = try builder.instantiate(store: WasmStore(limits: WasmResourceLimits(maxTableElements: 1 << 16)))
        #expect(try instance.invoke("grow", [.i32(0xFFFF_FFFF)]) == [.int32(-1)])
        #expect(try instance.invoke("grow", [.i32(1 << 16)]) == [.i32(0)])
        #expect(try instance.invoke("grow", [.i32(1)]) == [.int32(-1)])
    }

    @Test func theInterruptFlagStopsALoopFromAnotherThread() throws {
        let started = AtomicFlag()
        var builder = WasmModuleBuilder()
        builder.importFunction("env", "started", [], [])
        builder.function("spin", [], [], body: [Op.call(0), Op.loop(), Op.br(0), Op.end])
        var imports = WasmImports()
        imports.define(
            module: "env",
            name: "started",
            WasmHostFunction(parameters: [], results: []) { _, _ in
                started.value.store(true, ordering: .releasing)
                return []
            }
        )
        let store = WasmStore()
        let instance = try builder.instantiate(store: store, imports: imports)
        let handle = store.interrupt
        let interrupter = HostThread {
            while !started.value.load(ordering: .acquiring) { sched_yield() }
            handle.raise()
        }
        do {
            _ = try instance.invoke("spin")
            Issue.record("the loop ended")
        } catch let stop as WasmStopError {
            #expect(stop.reason == .interrupted)
            #expect(stop.backtrace.frames.first?.name == "spin")
        }
        interrupter.join()
        #expect(throws: WasmStopError.self) { try instance.invoke("spin") }
        store.interrupt.reset()
        #expect(throws: WasmStopError.self) {
            store.setFuel(10_000)
            return try instance.invoke("spin")
        }
    }

    @Test func anInterruptIsSeenAtFunctionEntry() throws {
        var builder = WasmModuleBuilder()
        builder.importFunction("env", "stop", [], [])
        let leaf = builder.function(nil, [], [], body: [])
        builder.function("run", [], [], body: [Op.call(0), Op.call(leaf)])
        let store = WasmStore()
        var imports = WasmImports()
        imports.define(
            module: "env",
            name: "stop",
            WasmHostFunction(parameters: [], results: []) { caller, _ in
                caller.store.interrupt.raise()
                return []
            }
        )
        let instance = try builder.instantiate(store: store, imports: imports)
        do {
            _ = try instance.invoke("run")
            Issue.record("no interrupt")
        } catch let stop as WasmStopError {
            #expect(stop.reason == .interrupted)
            #expect(stop.backtrace.frames.count == 2)
        }
    }
}
