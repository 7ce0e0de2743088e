import Testing

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// Exact fuel numbers (see `Docs/Fuel.md`): one unit per executed wasm instruction, `end` and `else` free,
/// bulk operations one more unit per 64 bytes or elements. A change that moves any number here changes the
/// cost model and must be explained there.
@Suite struct FuelTests {
    static func instance(limits: WasmResourceLimits = WasmResourceLimits()) throws -> WasmInstance {
        var builder = WasmModuleBuilder()
        builder.memory(min: 1)
        builder.function("three", [], [.i32], body: [Op.i32Const(1), Op.i32Const(2), Op.i32Add])
        // sum(n): loop (1) + 9 per iteration + local.get (1) = 9n + 2.
        builder.function(
            "sum",
            [.i32],
            [.i32],
            locals: [.i32],
            body: [
                Op.loop(), Op.localGet(1), Op.localGet(0), Op.i32Add, Op.localSet(1),
                Op.localGet(0), Op.i32Const(1), Op.i32Sub, Op.localTee(0), Op.brIf(0), Op.end,
                Op.localGet(1),
            ]
        )
        let nop = builder.function(nil, [], [], body: [Op.nop])
        builder.function("calls", [], [], body: [Op.call(nop), Op.call(nop)])
        builder.function(
            "branchy",
            [.i32],
            [],
            body: [Op.localGet(0), Op.if(), Op.nop, Op.nop, Op.else, Op.nop, Op.end, Op.nop]
        )
        builder.function(
            "table",
            [.i32],
            [],
            body: [
                Op.block(), Op.block(), Op.localGet(0), Op.brTable([0], default: 1), Op.end, Op.nop, Op.end, Op.nop,
            ]
        )
        builder.function(
            "fill",
            [.i32],
            [],
            body: [Op.i32Const(0), Op.i32Const(1), Op.localGet(0), Op.memoryFill]
        )
        builder.function("spin", [], [], body: [Op.loop(), Op.br(0), Op.end])
        builder.function(
            "divide",
            [],
            [],
            body: [Op.i32Const(1), Op.i32Const(0), Op.i32DivS, Op.drop, Op.nop]
        )
        // fib is function 9 and calls itself; 13 units per call with n >= 2, 5 otherwise.
        let fib = builder.function(
            "fib",
            [.i32],
            [.i32],
            body: [
                Op.localGet(0), Op.i32Const(2), Op.i32LtS, Op.if(.i32), Op.localGet(0), Op.else,
                Op.localGet(0), Op.i32Const(1), Op.i32Sub, Op.call(9),
                Op.localGet(0), Op.i32Const(2), Op.i32Sub, Op.call(9), Op.i32Add, Op.end,
            ]
        )
        precondition(fib == 9)
        return try builder.instantiate(store: WasmStore(limits: limits))
    }

    /// The fuel one call consumes.
    static func cost(_ name: String, _ arguments: [WasmValue] = []) throws -> UInt64 {
        let instance = try instance()
        let before = instance.store.fuelConsumed
        _ = try instance.invoke(name, arguments)
        return instance.store.fuelConsumed - before
    }

    @Test func straightLineCodeCostsOneUnitPerInstruction() throws {
        #expect(try Self.cost("three") == 3)
        #expect(try Self.cost("calls") == 4)
    }

    @Test func loopsCostTheirBodyOnEveryIteration() throws {
        #expect(try Self.cost("sum", [.i32(1)]) == 11)
        #expect(try Self.cost("sum", [.i32(10)]) == 92)
        #expect(try Self.cost("sum", [.i32(1000)]) == 9002)
    }

    @Test func branchesChargeOnlyThePathTaken() throws {
        #expect(try Self.cost("branchy", [.i32(1)]) == 5)
        #expect(try Self.cost("branchy", [.i32(0)]) == 4)
        #expect(try Self.cost("table", [.i32(0)]) == 6)
        #expect(try Self.cost("table", [.i32(1)]) == 5)
        #expect(try Self.cost("table", [.i32(7)]) == 5)
    }

    @Test func recursionCostsTheSumOfItsCalls() throws {
        func expected(_ n: Int) -> UInt64 { n < 2 ? 5 : 13 + expected(n - 1) + expected(n - 2) }
        #expect(try Self.cost("fib", [.i32(15)]) == expected(15))
    }

    @Test(arguments: [(0, 4), (1, 5), (64, 5), (65, 6), (640, 14)] as [(UInt32, UInt64)])
    func bulkOperationsCostOneMoreUnitPer64Bytes(_ testCase: (UInt32, UInt64)) throws {
        #expect(try Self.cost("fill", [.i32(testCase.0)]) == testCase.1)
    }

    @Test func aTrapStillCostsItsWholeRegion() throws {
        let instance = try Self.instance()
        #expect(throws: Trap.self) { try instance.invoke("divide") }
        #expect(instance.store.fuelConsumed == 5)
    }

    @Test func runningOutIsATypedErrorAndTheStoreStaysUsable() throws {
        let instance = try Self.instance(limits: WasmResourceLimits(fuel: 1000))
        do {
            _ = try instance.invoke("spin")
            Issue.record("the loop ended")
        } catch let stop as WasmStopError {
            #expect(stop.reason == .fuelExhausted)
            #expect(stop.fuelConsumed == 1000)
            #expect(stop.description.hasPrefix("fuel exhausted after 1000 units"))
            #expect(stop.backtrace.frames.first?.name == "spin")
        }
        #expect(instance.store.fuelRemaining == 0)
        #expect(throws: WasmStopError.self) { try instance.invoke("three") }
        instance.store.addFuel(3)
        #expect(try instance.invoke("three") == [.i32(3)])
        #expect(instance.store.fuelConsumed == 1003)
        #expect(instance.store.fuelRemaining == 0)
    }

    @Test func aRegionThatCannotBePaidForDoesNotRun() throws {
        let instance = try Self.instance(limits: WasmResourceLimits(fuel: 9))
        // sum's entry region costs 10 (loop + the first iteration).
        #expect(throws: WasmStopError.self) { try instance.invoke("sum", [.i32(3)]) }
        #expect(instance.store.fuelConsumed == 0)
        instance.store.setFuel(29)
        #expect(try instance.invoke("sum", [.i32(3)]) == [.i32(6)])
        #expect(instance.store.fuelRemaining == 0)
    }

    @Test func unlimitedFuelStillCountsConsumption() throws {
        let instance = try Self.instance()
        #expect(instance.store.fuelRemaining == nil)
        _ = try instance.invoke("sum", [.i32(10)])
        #expect(instance.store.fuelConsumed == 92)
    }
}

/// The surcharge of `table.grow` is charged only when the table grows.
@Suite struct TableGrowFuelTests {
    @Test func aRefusedTableGrowCostsOneUnitAndAGrantedOneOnePer64Elements() throws {
        var builder = WasmModuleBuilder()
        builder.table(min: 0, max: 1_000)
        builder.function("grow", [.i32], [.i32], body: [Op.refNull(.funcRef), Op.localGet(0), Op.tableGrow()])
        let instance = try builder.instantiate(store: WasmStore(limits: WasmResourceLimits(fuel: 10)))
        // ref.null + local.get + table.grow = 3; refused (beyond the maximum): no surcharge.
        #expect(try instance.invoke("grow", [.i32(0xFFFF_FFFF)]) == [.int32(-1)])
        #expect(instance.store.fuelConsumed == 3)
        // 65 elements: 3 + 2.
        #expect(try instance.invoke("grow", [.i32(65)]) == [.i32(0)])
        #expect(instance.store.fuelConsumed == 8)
        // With 5 units, the region (3) is paid but the surcharge for 200 elements (4) is not: nothing grows.
        instance.store.setFuel(5)
        #expect(throws: WasmStopError.self) { try instance.invoke("grow", [.i32(200)]) }
        #expect(instance.store.fuelConsumed == 3)
        instance.store.setFuel(nil)
        #expect(try instance.invoke("grow", [.i32(0)]) == [.i32(65)])
    }
}
