import Testing

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// Re-entrancy through host functions is bounded.
@Suite struct ReentrancyTests {
    @Test func hostToWasmRecursionEndsWithCallStackExhausted() throws {
        var builder = WasmModuleBuilder()
        builder.importFunction("env", "again", [], [])
        builder.function("run", [], [], body: [Op.call(0)])
        builder.function("ok", [], [.i32], body: [Op.i32Const(1)])
        let store = WasmStore()
        var instance: WasmInstance?
        var depth = 0
        var imports = WasmImports()
        imports.define(
            module: "env",
            name: "again",
            WasmHostFunction(parameters: [], results: []) { _, _ in
                depth += 1
                _ = try instance!.invoke("run")
                return []
            }
        )
        instance = try builder.instantiate(store: store, imports: imports)
        do {
            _ = try instance!.invoke("run")
            Issue.record("the recursion ended")
        } catch let trap as Trap {
            #expect(trap.reason == .callStackExhausted)
        }
        #expect(depth == WasmStore.maxNestedInvocations)
        #expect(try instance!.invoke("ok") == [.i32(1)])
        instance = nil  // the host closure captures the instance: break the cycle
    }
}
