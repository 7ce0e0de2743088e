import Testing

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// The compiled-module cache.
@Suite struct ModuleCacheTests {
    @Test func aCachedModuleIsCompiledOnceAndTheOldestIsEvicted() throws {
        let cache = WasmModuleCache<String>(capacity: 2)
        var compilations = 0
        func bytes(_ value: Int32) -> () throws -> [UInt8] {
            {
                compilations += 1
                var builder = WasmModuleBuilder()
                builder.function("f", [], [.i32], body: [Op.i32Const(value)])
                return builder.build()
            }
        }
        let first = try cache.module(for: "a", bytes: bytes(1))
        let again = try cache.module(for: "a", bytes: bytes(1))
        #expect(first === again)
        #expect(compilations == 1)
        _ = try cache.module(for: "b", bytes: bytes(2))
        _ = try cache.module(for: "c", bytes: bytes(3))
        #expect(cache.statistics.count == 2)
        _ = try cache.module(for: "a", bytes: bytes(1))
        #expect(compilations == 4)
        #expect(try WasmStore().instantiate(first).invoke("f") == [.i32(1)])
        #expect(throws: WasmCompileError.self) { try cache.module(for: "bad") { [0, 1, 2] } }
        #expect(cache.statistics.count == 2)
    }
}
