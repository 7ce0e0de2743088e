import Testing

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// Import resolution, cross-instance calls, host functions, start functions and instantiation.
@Suite struct LinkingTests {
    @Test func aMissingImportIsUnknownAndAWrongOneIsIncompatible() throws {
        var builder = WasmModuleBuilder()
        builder.importFunction("env", "f", [.i32], [])
        let compiled = try builder.compile()
        let store = WasmStore()
        do {
            _ = try store.instantiate(compiled)
            Issue.record("instantiated")
        } catch let error as WasmLinkError {
            #expect(error.reason == .unknownImport)
            #expect(error.description.hasPrefix("unknown import: \"env\".\"f\""))
        }
        var imports = WasmImports()
        imports.define(module: "env", name: "f", WasmHostFunction(parameters: [.i64], results: []) { _, _ in [] })
        do {
            _ = try store.instantiate(compiled, imports: imports)
            Issue.record("instantiated")
        } catch let error as WasmLinkError {
            #expect(error.reason == .incompatibleImportType)
        }
        let spectest = WasmImports.spectest(in: store)
        imports.define(module: "env", name: "f", try #require(spectest.memoryExtern))
        #expect(throws: WasmLinkError.self) { try store.instantiate(compiled, imports: imports) }
    }

    @Test func importedLimitsMustFitTheDeclaredOnes() throws {
        let store = WasmStore()
        let spectest = WasmImports.spectest(in: store)  // memory 1..2, table 10..20
        func link(memoryMin: UInt32, memoryMax: UInt32?) -> Bool {
            var builder = WasmModuleBuilder()
            builder.importMemory("spectest", "memory", min: memoryMin, max: memoryMax)
            return (try? builder.instantiate(store: store, imports: spectest)) != nil
        }
        #expect(link(memoryMin: 1, memoryMax: nil))
        #expect(link(memoryMin: 0, memoryMax: 2))
        #expect(!link(memoryMin: 2, memoryMax: nil))
        #expect(!link(memoryMin: 1, memoryMax: 1))
        var table = WasmModuleBuilder()
        table.importTable("spectest", "table", min: 10, max: 15)
        #expect(throws: WasmLinkError.self) { try table.instantiate(store: store, imports: spectest) }
    }

    @Test func functionsOfAnotherInstanceRunWithTheirOwnMemory() throws {
        let store = WasmStore()
        var library = WasmModuleBuilder()
        library.memory(min: 1)
        library.activeData(offset: 0, [42])
        library.function("peek", [], [.i32], body: [Op.i32Const(0), Op.i32Load8U()])
        let libraryInstance = try library.instantiate(store: store)
        var client = WasmModuleBuilder()
        client.importFunction("lib", "peek", [], [.i32])
        client.memory(min: 1)
        client.activeData(offset: 0, [7])
        client.function(
            "both",
            [],
            [.i32],
            body: [Op.call(0), Op.i32Const(0), Op.i32Load8U(), Op.i32Const(100), Op.i32Mul, Op.i32Add]
        )
        var imports = WasmImports()
        imports.define(module: "lib", instance: libraryInstance)
        let clientInstance = try client.instantiate(store: store, imports: imports)
        #expect(try clientInstance.invoke("both") == [.i32(742)])
    }

    @Test func hostFunctionsReadTheCallersMemoryAndReturnValues() throws {
        var builder = WasmModuleBuilder()
        builder.importFunction("env", "sum", [.i32, .i32], [.i32])
        builder.memory(min: 1)
        builder.activeData(offset: 16, [1, 2, 3, 4, 5])
        builder.function("run", [], [.i32], body: [Op.i32Const(16), Op.i32Const(5), Op.call(0)])
        var imports = WasmImports()
        imports.define(
            module: "env",
            name: "sum",
            WasmHostFunction(parameters: [.i32, .i32], results: [.i32]) { caller, arguments in
                let memory = try #require(caller.memory)
                let bytes = try memory.read(
                    at: Int(arguments[0].int32Value!),
                    count: Int(arguments[1].int32Value!)
                )
                return [.i32(UInt32(bytes.reduce(0) { $0 + Int($1) }))]
            }
        )
        let instance = try builder.instantiate(imports: imports)
        #expect(try instance.invoke("run") == [.i32(15)])
    }

    @Test func rawSlotHostFunctionsAndReentrantCallsWork() throws {
        let store = WasmStore()
        var builder = WasmModuleBuilder()
        builder.importFunction("env", "twice", [.i32], [.i32])
        builder.function("run", [.i32], [.i32], body: [Op.localGet(0), Op.call(0), Op.i32Const(1), Op.i32Add])
        builder.function("inc", [.i32], [.i32], body: [Op.localGet(0), Op.i32Const(1), Op.i32Add])
        var instance: WasmInstance?
        var imports = WasmImports()
        imports.define(
            module: "env",
            name: "twice",
            WasmHostFunction(type: WasmFunctionType(parameters: [.i32], results: [.i32])) { _, slots in
                // Calls back into wasm: inc(inc(x)).
                let inner = try instance!.invoke("inc", [.i32(UInt32(truncatingIfNeeded: slots[0]))])
                let outer = try instance!.invoke("inc", inner)
                slots[0] = UInt64(outer[0].int32Value!)
            }
        )
        instance = try builder.instantiate(store: store, imports: imports)
        #expect(try instance!.invoke("run", [.i32(10)]) == [.i32(13)])
    }

    struct HostFailure: Error, Equatable {}

    @Test func anErrorThrownByAHostFunctionReachesTheHostUnchangedAndTheStoreStaysUsable() throws {
        var builder = WasmModuleBuilder()
        builder.importFunction("env", "fail", [], [])
        builder.function("run", [], [], body: [Op.call(0)])
        builder.function("ok", [], [.i32], body: [Op.i32Const(1)])
        var imports = WasmImports()
        imports.define(
            module: "env",
            name: "fail",
            WasmHostFunction(parameters: [], results: []) { _, _ in
                throw HostFailure()
            }
        )
        let instance = try builder.instantiate(imports: imports)
        #expect(throws: HostFailure.self) { try instance.invoke("run") }
        #expect(try instance.invoke("ok") == [.i32(1)])
    }

    @Test func theStartFunctionRunsAtInstantiationAndATrapThereFailsIt() throws {
        var builder = WasmModuleBuilder()
        builder.global(.i32, mutable: true, initializer: Op.i32Const(0), export: "g")
        let start = builder.function(nil, [], [], body: [Op.i32Const(5), Op.globalSet(0)])
        builder.start = start
        let instance = try builder.instantiate()
        #expect(instance.global(named: "g")?.value == .i32(5))
        var trapping = WasmModuleBuilder()
        trapping.start = trapping.function(nil, [], [], body: [Op.unreachable])
        #expect(throws: Trap.self) { try trapping.instantiate() }
    }

    @Test func segmentsWrittenBeforeAFailingSegmentStayInImportedMemory() throws {
        let store = WasmStore()
        let spectest = WasmImports.spectest(in: store)
        var builder = WasmModuleBuilder()
        builder.importMemory("spectest", "memory", min: 1)
        builder.activeData(offset: 10, [0xEE])
        builder.activeData(offset: 70_000, [1])  // out of bounds: 1 page
        #expect(throws: Trap.self) { try builder.instantiate(store: store, imports: spectest) }
        let memory = try #require(spectest.memoryHandle)
        #expect(try memory.read(at: 10, count: 1) == [0xEE])
    }

    @Test func oneCompiledModuleInstantiatesInManyStoresConcurrently() async throws {
        var builder = WasmModuleBuilder()
        builder.global(.i32, mutable: true, initializer: Op.i32Const(0))
        builder.function(
            "next",
            [],
            [.i32],
            body: [Op.globalGet(0), Op.i32Const(1), Op.i32Add, Op.globalSet(0), Op.globalGet(0)]
        )
        let compiled = try builder.compile()
        let results = try await withThrowingTaskGroup(of: [WasmValue].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let instance = try WasmStore().instantiate(compiled)
                    _ = try instance.invoke("next")
                    return try instance.invoke("next")
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(results == Array(repeating: .i32(2), count: 4))
    }
}

extension WasmImports {
    /// The `spectest` memory as an import value.
    var memoryExtern: WasmExtern? {
        if case .extern(let extern) = value(module: "spectest", name: "memory") { return extern }
        return nil
    }

    /// The `spectest` memory.
    var memoryHandle: WasmMemoryHandle? {
        if case .memory(let memory) = memoryExtern { return memory }
        return nil
    }
}
