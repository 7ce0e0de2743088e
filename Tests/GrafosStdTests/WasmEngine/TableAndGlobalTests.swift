import Testing

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// Tables (get, set, grow, fill, copy, init, drop, limits), references and globals.
@Suite struct TableAndGlobalTests {
    static func tableModule(max: UInt32? = nil) -> WasmModuleBuilder {
        var builder = WasmModuleBuilder()
        builder.table(.externRef, min: 2, max: max, export: "table")
        builder.function("get", [.i32], [.externRef], body: [Op.localGet(0), Op.tableGet()])
        builder.function("set", [.i32, .externRef], [], body: [Op.localGet(0), Op.localGet(1), Op.tableSet()])
        builder.function("grow", [.externRef, .i32], [.i32], body: [Op.localGet(0), Op.localGet(1), Op.tableGrow()])
        builder.function("size", [], [.i32], body: [Op.tableSize()])
        builder.function(
            "fill",
            [.i32, .externRef, .i32],
            [],
            body: [Op.localGet(0), Op.localGet(1), Op.localGet(2), Op.tableFill()]
        )
        builder.function(
            "copy",
            [.i32, .i32, .i32],
            [],
            body: [Op.localGet(0), Op.localGet(1), Op.localGet(2), Op.tableCopy()]
        )
        builder.function("isNull", [.externRef], [.i32], body: [Op.localGet(0), Op.refIsNull])
        return builder
    }

    @Test func tableElementsAreSetGrownFilledAndCopied() throws {
        let instance = try Self.tableModule().instantiate()
        #expect(try instance.invoke("get", [.i32(0)]) == [.externRef(nil)])
        _ = try instance.invoke("set", [.i32(1), .externRef(7)])
        #expect(try instance.invoke("get", [.i32(1)]) == [.externRef(7)])
        #expect(try instance.invoke("grow", [.externRef(0), .i32(3)]) == [.i32(2)])
        #expect(try instance.invoke("size") == [.i32(5)])
        #expect(try instance.invoke("get", [.i32(4)]) == [.externRef(0)])
        _ = try instance.invoke("fill", [.i32(2), .externRef(nil), .i32(2)])
        #expect(try instance.invoke("get", [.i32(3)]) == [.externRef(nil)])
        _ = try instance.invoke("copy", [.i32(2), .i32(0), .i32(2)])
        #expect(try instance.invoke("get", [.i32(3)]) == [.externRef(7)])
        #expect(try instance.invoke("isNull", [.externRef(nil)]) == [.i32(1)])
        #expect(try instance.invoke("isNull", [.externRef(0)]) == [.i32(0)])
        do {
            _ = try instance.invoke("get", [.i32(5)])
            Issue.record("no trap")
        } catch let trap as Trap {
            #expect(trap.reason == .outOfBoundsTableAccess)
        }
    }

    @Test func tableGrowStopsAtTheDeclaredMaximumAndTheStoreLimit() throws {
        let bounded = try Self.tableModule(max: 4).instantiate()
        #expect(try bounded.invoke("grow", [.externRef(nil), .i32(3)]) == [.int32(-1)])
        #expect(try bounded.invoke("grow", [.externRef(nil), .i32(2)]) == [.i32(2)])
        let store = WasmStore(limits: WasmResourceLimits(maxTableElements: 10))
        let limited = try Self.tableModule().instantiate(store: store)
        #expect(try limited.invoke("grow", [.externRef(nil), .i32(9)]) == [.int32(-1)])
        #expect(try limited.invoke("grow", [.externRef(nil), .i32(8)]) == [.i32(2)])
        #expect(try limited.invoke("grow", [.externRef(nil), .i32(0x7FFF_FFFF)]) == [.int32(-1)])
    }

    @Test func aHugeTableIsRefusedAtInstantiation() throws {
        var builder = WasmModuleBuilder()
        builder.table(min: 1_000_000_000)
        let store = WasmStore(limits: WasmResourceLimits(maxTableElements: 1_000))
        do {
            _ = try builder.instantiate(store: store)
            Issue.record("instantiated")
        } catch let error as WasmLinkError {
            #expect(error.reason == .resourceLimitExceeded)
        }
    }

    @Test func passiveElementsInitializeTablesUntilDropped() throws {
        var builder = WasmModuleBuilder()
        let type = builder.typeIndex([], [.i32])
        let one = builder.function(nil, [], [.i32], body: [Op.i32Const(1)])
        let two = builder.function(nil, [], [.i32], body: [Op.i32Const(2)])
        builder.table(min: 3)
        builder.passiveElements(functions: [one, two])
        builder.function(
            "initialize",
            [.i32, .i32, .i32],
            [],
            body: [Op.localGet(0), Op.localGet(1), Op.localGet(2), Op.tableInit(0)]
        )
        builder.function("drop", [], [], body: [Op.elemDrop(0)])
        builder.function("call", [.i32], [.i32], body: [Op.localGet(0), Op.callIndirect(type)])
        let instance = try builder.instantiate()
        _ = try instance.invoke("initialize", [.i32(1), .i32(0), .i32(2)])
        #expect(try instance.invoke("call", [.i32(1)]) == [.i32(1)])
        #expect(try instance.invoke("call", [.i32(2)]) == [.i32(2)])
        _ = try instance.invoke("drop")
        #expect(throws: Trap.self) { try instance.invoke("initialize", [.i32(0), .i32(0), .i32(1)]) }
    }

    @Test func refFuncProducesACallableReference() throws {
        var builder = WasmModuleBuilder()
        let target = builder.function("target", [], [.i32], body: [Op.i32Const(99)])
        builder.declareFunctions([target])
        builder.function("reference", [], [.funcRef], body: [Op.refFunc(target)])
        let instance = try builder.instantiate()
        let result = try instance.invoke("reference")
        guard case .funcRef(let reference?) = result.first else {
            Issue.record("not a function reference: \(result)")
            return
        }
        #expect(
            reference
                == instance.function(named: "target").map { $0.reference }.flatMap {
                    if case .funcRef(let inner) = $0 { inner } else { nil }
                }
        )
    }

    @Test func mutableGlobalsAreSharedWithImporters() throws {
        let store = WasmStore()
        var exporter = WasmModuleBuilder()
        exporter.global(.i64, mutable: true, initializer: Op.i64Const(5), export: "counter")
        exporter.function("read", [], [.i64], body: [Op.globalGet(0)])
        let first = try exporter.instantiate(store: store)
        var importer = WasmModuleBuilder()
        importer.importGlobal("lib", "counter", .i64, mutable: true)
        importer.function(
            "bump",
            [],
            [],
            body: [Op.globalGet(0), Op.i64Const(1), Op.i64Add, Op.globalSet(0)]
        )
        var imports = WasmImports()
        imports.define(module: "lib", instance: first)
        let second = try importer.instantiate(store: store, imports: imports)
        _ = try second.invoke("bump")
        _ = try second.invoke("bump")
        #expect(try first.invoke("read") == [.int64(7)])
        let global = try #require(first.global(named: "counter"))
        try global.set(.int64(40))
        _ = try second.invoke("bump")
        #expect(global.value == .int64(41))
    }
}
