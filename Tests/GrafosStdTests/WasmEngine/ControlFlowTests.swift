import Testing

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// Blocks, loops, branches with values, multi-value blocks, and calls.
@Suite struct ControlFlowTests {
    @Test func aLoopSumsOneToN() throws {
        var builder = WasmModuleBuilder()
        // sum = 0; i = n; loop { sum += i; i -= 1; br_if i != 0 }; sum
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
        let instance = try builder.instantiate()
        #expect(try instance.invoke("sum", [.i32(100)]) == [.i32(5050)])
        #expect(try instance.invoke("sum", [.i32(1)]) == [.i32(1)])
    }

    @Test func ifElseYieldsTheChosenArmsValue() throws {
        var builder = WasmModuleBuilder()
        builder.function(
            "choose",
            [.i32],
            [.i32],
            body: [Op.localGet(0), Op.if(.i32), Op.i32Const(10), Op.else, Op.i32Const(20), Op.end]
        )
        builder.function(
            "max",
            [.i32, .i32],
            [.i32],
            body: [
                Op.localGet(0), Op.localGet(1), Op.i32GtS, Op.if(.i32), Op.localGet(0), Op.else, Op.localGet(1),
                Op.end,
            ]
        )
        let instance = try builder.instantiate()
        #expect(try instance.invoke("choose", [.i32(1)]) == [.i32(10)])
        #expect(try instance.invoke("choose", [.i32(0)]) == [.i32(20)])
        #expect(try instance.invoke("max", [.int32(-3), .int32(2)]) == [.int32(2)])
        #expect(try instance.invoke("max", [.int32(7), .int32(2)]) == [.int32(7)])
    }

    @Test func brTableSelectsTargetsAndClampsToTheDefault() throws {
        var builder = WasmModuleBuilder()
        // block(result i32) x3: br_table carries a value to different depths
        builder.function(
            "table",
            [.i32],
            [.i32],
            body: [
                Op.block(.i32), Op.block(.i32), Op.block(.i32),
                Op.i32Const(100), Op.localGet(0), Op.brTable([0, 1], default: 2),
                Op.end, Op.i32Const(1), Op.i32Add, Op.end, Op.i32Const(2), Op.i32Add, Op.end,
            ]
        )
        let instance = try builder.instantiate()
        #expect(try instance.invoke("table", [.i32(0)]) == [.i32(103)])
        #expect(try instance.invoke("table", [.i32(1)]) == [.i32(102)])
        #expect(try instance.invoke("table", [.i32(2)]) == [.i32(100)])
        #expect(try instance.invoke("table", [.i32(99)]) == [.i32(100)])
    }

    @Test func brIfCarriesValuesOutOfABlockOnlyWhenTaken() throws {
        var builder = WasmModuleBuilder()
        builder.function(
            "f",
            [.i32],
            [.i32],
            body: [
                Op.block(.i32), Op.i32Const(7), Op.localGet(0), Op.brIf(0), Op.drop, Op.i32Const(9), Op.end,
            ]
        )
        let instance = try builder.instantiate()
        #expect(try instance.invoke("f", [.i32(1)]) == [.i32(7)])
        #expect(try instance.invoke("f", [.i32(0)]) == [.i32(9)])
    }

    @Test func multiValueBlocksTakeParametersAndReturnSeveralResults() throws {
        var builder = WasmModuleBuilder()
        let swapType = builder.typeIndex([.i32, .i32], [.i32, .i32])
        // (a, b) -> block [i32 i32] -> [i32 i32] { stash b in a local and push it back } -> a - b
        builder.function(
            "swapSub",
            [.i32, .i32],
            [.i32],
            locals: [.i32],
            body: [
                Op.localGet(0), Op.localGet(1),
                Op.block(typeIndex: swapType), Op.localSet(2), Op.localGet(2), Op.end,
                Op.i32Sub,
            ]
        )
        builder.function("pair", [], [.i32, .i64], body: [Op.i32Const(1), Op.i64Const(-2)])
        let instance = try builder.instantiate()
        #expect(try instance.invoke("swapSub", [.i32(10), .i32(3)]) == [.i32(7)])
        #expect(try instance.invoke("pair") == [.i32(1), .int64(-2)])
    }

    @Test func loopParametersFlowBackOnEachIteration() throws {
        var builder = WasmModuleBuilder()
        let loopType = builder.typeIndex([.i32], [.i32])
        // countdown: value on the stack is the loop parameter; doubles an accumulator in local 1.
        builder.function(
            "pow2",
            [.i32],
            [.i32],
            locals: [.i32],
            body: [
                Op.i32Const(1), Op.localSet(1),
                Op.localGet(0),
                Op.loop(typeIndex: loopType),
                Op.localGet(1), Op.i32Const(2), Op.i32Mul, Op.localSet(1),
                Op.i32Const(1), Op.i32Sub, Op.localTee(0), Op.localGet(0), Op.brIf(0), Op.end, Op.drop,
                Op.localGet(1),
            ]
        )
        let instance = try builder.instantiate()
        #expect(try instance.invoke("pow2", [.i32(5)]) == [.i32(32)])
    }

    @Test func aLocalReadBeforeItIsOverwrittenKeepsItsOldValue() throws {
        var builder = WasmModuleBuilder()
        // local.get 0 (virtual), then local.set 0 := 5, then add the old value: must be old + 5
        builder.function(
            "f",
            [.i32],
            [.i32],
            body: [
                Op.localGet(0), Op.i32Const(5), Op.localSet(0), Op.localGet(0), Op.i32Add,
            ]
        )
        builder.function(
            "tee",
            [.i32],
            [.i32],
            body: [Op.localGet(0), Op.localGet(0), Op.i32Const(1), Op.i32Add, Op.localTee(0), Op.i32Add]
        )
        builder.function(
            "acrossBlock",
            [.i32],
            [.i32],
            body: [Op.localGet(0), Op.block(), Op.i32Const(1), Op.localSet(0), Op.end, Op.localGet(0), Op.i32Sub]
        )
        let instance = try builder.instantiate()
        #expect(try instance.invoke("f", [.i32(10)]) == [.i32(15)])
        #expect(try instance.invoke("tee", [.i32(10)]) == [.i32(21)])
        #expect(try instance.invoke("acrossBlock", [.i32(10)]) == [.i32(9)])
    }

    @Test func recursionComputesFibonacci() throws {
        var builder = WasmModuleBuilder()
        builder.function(
            "fib",
            [.i32],
            [.i32],
            body: [
                Op.localGet(0), Op.i32Const(2), Op.i32LtS, Op.if(.i32), Op.localGet(0), Op.else,
                Op.localGet(0), Op.i32Const(1), Op.i32Sub, Op.call(0),
                Op.localGet(0), Op.i32Const(2), Op.i32Sub, Op.call(0), Op.i32Add, Op.end,
            ]
        )
        let instance = try builder.instantiate()
        #expect(try instance.invoke("fib", [.i32(20)]) == [.i32(6765)])
    }

    @Test func callIndirectChecksTypesAndElements() throws {
        var builder = WasmModuleBuilder()
        let unary = builder.typeIndex([.i32], [.i32])
        let double = builder.function(nil, [.i32], [.i32], body: [Op.localGet(0), Op.i32Const(2), Op.i32Mul])
        let constant = builder.function(nil, [], [.i32], body: [Op.i32Const(42)])
        builder.table(min: 4)
        builder.activeElements(offset: 0, functions: [double, constant])
        builder.function("call", [.i32, .i32], [.i32], body: [Op.localGet(1), Op.localGet(0), Op.callIndirect(unary)])
        let instance = try builder.instantiate()
        #expect(try instance.invoke("call", [.i32(0), .i32(21)]) == [.i32(42)])
        let expectations: [(UInt32, Trap.Reason)] = [
            (1, .indirectCallTypeMismatch), (2, .uninitializedElement), (4, .undefinedElement),
        ]
        for (index, reason) in expectations {
            do {
                _ = try instance.invoke("call", [.i32(index), .i32(1)])
                Issue.record("no trap for element \(index)")
            } catch let trap as Trap {
                #expect(trap.reason == reason)
            }
        }
    }

    @Test func returnFromNestedBlocksSkipsTheRest() throws {
        var builder = WasmModuleBuilder()
        builder.function(
            "f",
            [.i32],
            [.i32],
            body: [
                Op.block(), Op.loop(), Op.localGet(0), Op.if(), Op.i32Const(1), Op.return, Op.end,
                Op.br(1), Op.end, Op.end, Op.i32Const(2),
            ]
        )
        let instance = try builder.instantiate()
        #expect(try instance.invoke("f", [.i32(1)]) == [.i32(1)])
        #expect(try instance.invoke("f", [.i32(0)]) == [.i32(2)])
    }
}
