import Testing

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// The shape of the IR the translator emits: operand elision, immediate forms, fusions and the constant pool.
/// These pin the optimizations `Docs/Interpreter.md` describes (each one changes dispatch counts).
@Suite struct TranslatorTests {
    /// The IR listing of function 0 of a one-function module, without offsets.
    static func listing(
        _ parameters: [WasmValueType],
        _ results: [WasmValueType],
        locals: [WasmValueType] = [],
        memory: Bool = false,
        _ body: [[UInt8]]
    ) throws -> [String] {
        var builder = WasmModuleBuilder()
        if memory { builder.memory(min: 1) }
        builder.function("f", parameters, results, locals: locals, body: body)
        let compiled = try builder.compile()
        return try #require(compiled.irListing(ofFunction: 0)).map { line in
            String(line.drop(while: { $0 != " " }).dropFirst())
        }
    }

    @Test func localGetsAndConstantsEmitNothingAndResultsGoStraightIntoLocals() throws {
        // local.get 0; i32.const 1; i32.add; local.set 0; local.get 0
        let ir = try Self.listing(
            [.i32],
            [.i32],
            [Op.localGet(0), Op.i32Const(1), Op.i32Add, Op.localSet(0), Op.localGet(0)]
        )
        #expect(ir == ["i32AddImm s0 = s0, 1", "ret1 s0"])
    }

    @Test func aComparisonFeedingBrIfBecomesOneBranch() throws {
        let ir = try Self.listing(
            [.i32, .i32],
            [],
            [Op.block(), Op.localGet(0), Op.localGet(1), Op.i32LtS, Op.brIf(0), Op.end]
        )
        #expect(ir.count == 2)
        #expect(ir[0].hasPrefix("brIfI32LtS s0, s1"))
        #expect(ir[1] == "ret")
    }

    @Test func aLoopIncrementAndItsTestBecomeOneBranch() throws {
        // loop: local.get 0; i32.const 1; i32.add; local.tee 0; local.get 1; i32.ne; br_if 0
        let ir = try Self.listing(
            [.i32, .i32],
            [],
            [
                Op.loop(), Op.localGet(0), Op.i32Const(1), Op.i32Add, Op.localTee(0), Op.localGet(1),
                [0x47], Op.brIf(0), Op.end,
            ]
        )
        #expect(ir.count == 2)
        #expect(ir[0].hasPrefix("i32AddImmBrIfNe s0 = s0 + 1, s1 → 0"))
    }

    @Test func addressArithmeticIsFusedIntoLoadsAndStores() throws {
        let ir = try Self.listing(
            [.i32, .i32],
            [.i32],
            memory: true,
            [
                Op.localGet(0), Op.localGet(1), Op.i32Add, Op.localGet(1), Op.i32Store(offset: 8),
                Op.localGet(0), Op.i32Const(100), Op.i32Add, Op.i32Load(offset: 4),
            ]
        )
        #expect(ir.count == 3)
        #expect(ir[0].hasPrefix("i32StoreAdd [(s0 + s1) + 12] = s1"))
        #expect(ir[1].hasPrefix("i32LoadAddImm"))
        #expect(ir[1].contains("(s0 + 100) + 8"))
    }

    @Test func constantsWithoutAnImmediateFormAreReadFromThePool() throws {
        // f64.mul by a constant: the constant lives in a slot after the locals, filled on entry.
        let ir = try Self.listing([.f64], [.f64], [Op.localGet(0), Op.f64Const(2.5), Op.numeric(.f64Mul)])
        #expect(ir == ["f64Mul s2 = s0, s1", "ret1 s2"])
        var builder = WasmModuleBuilder()
        builder.function("f", [.f64], [.f64], body: [Op.localGet(0), Op.f64Const(2.5), Op.numeric(.f64Mul)])
        let instance = try builder.instantiate()
        #expect(try instance.invoke("f", [.float64(4)]) == [.float64(10)])
    }

    @Test func consecutiveCopiesMergeIntoOne() throws {
        let ir = try Self.listing(
            [.i32, .i32],
            [],
            locals: [.i32, .i32],
            [Op.localGet(0), Op.localSet(2), Op.localGet(1), Op.localSet(3)]
        )
        #expect(ir == ["copy2 s2 = s0, s3 = s1", "ret"])
    }

    @Test func fusedInstructionsKeepWasmSemanticsAtTheEdges() throws {
        var builder = WasmModuleBuilder()
        builder.memory(min: 1)
        // The fused address add wraps at 2^32 before the offset is added: (0xFFFF_FFFF + 5) + 0 = 4.
        builder.function(
            "wrap",
            [.i32],
            [.i32],
            body: [Op.localGet(0), Op.i32Const(5), Op.i32Add, Op.i32Load8U()]
        )
        builder.activeData(offset: 4, [77])
        // A store whose value is computed after the address cannot be fused, and still runs in order.
        builder.function(
            "ordered",
            [.i32],
            [.i32],
            body: [
                Op.localGet(0), Op.i32Const(8), Op.i32Add, Op.localGet(0), Op.i32Const(1), Op.i32Add, Op.i32Store(),
                Op.localGet(0), Op.i32Load(offset: 8),
            ]
        )
        let instance = try builder.instantiate()
        #expect(try instance.invoke("wrap", [.i32(0xFFFF_FFFF)]) == [.i32(77)])
        #expect(try instance.invoke("ordered", [.i32(16)]) == [.i32(17)])
        do {
            _ = try instance.invoke("wrap", [.i32(65531)])
            Issue.record("no trap")
        } catch let trap as Trap {
            #expect(trap.reason == .outOfBoundsMemoryAccess)
        }
    }
}
