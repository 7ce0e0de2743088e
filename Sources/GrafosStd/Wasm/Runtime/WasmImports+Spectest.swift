extension WasmImports {
    /// The `spectest` host module of the WebAssembly reference interpreter, created in `store`: no-op `print*`
    /// functions, globals `global_i32`/`global_i64` (666) and `global_f32`/`global_f64` (666.6), a `table` of
    /// funcref with limits 10–20, and a `memory` with limits 1–2 pages.
    ///
    /// ```swift
    /// var imports = WasmImports.spectest(in: store)
    /// imports.define(module: "M", instance: registered)
    /// ```
    package static func spectest(in store: WasmStore) -> WasmImports {
        var imports = WasmImports()
        let printers: [(String, [WasmValueType])] = [
            ("print", []), ("print_i32", [.i32]), ("print_i64", [.i64]), ("print_f32", [.f32]),
            ("print_f64", [.f64]), ("print_i32_f32", [.i32, .f32]), ("print_f64_f64", [.f64, .f64]),
        ]
        for (name, parameters) in printers {
            imports.define(
                module: "spectest",
                name: name,
                WasmHostFunction(parameters: parameters, results: []) { _, _ in [] }
            )
        }
        let globals: [(String, WasmValueType, UInt64)] = [
            ("global_i32", .i32, 666), ("global_i64", .i64, 666), ("global_f32", .f32, 0x4426_A666),
            ("global_f64", .f64, 0x4084_D4CC_CCCC_CCCD),
        ]
        for (name, type, bits) in globals {
            let cell = store.createGlobal(WasmGlobalType(valueType: type, isMutable: false), value: bits)
            imports.define(module: "spectest", name: name, .global(WasmGlobalHandle(store: store, cell: cell)))
        }
        if let table = store.createTable(WasmTableType(elementType: .funcRef, limits: WasmLimits(min: 10, max: 20))) {
            imports.define(module: "spectest", name: "table", .table(WasmTableHandle(store: store, table: table)))
        }
        if let memory = store.createMemory(WasmMemoryType(limits: WasmLimits(min: 1, max: 2))) {
            imports.define(module: "spectest", name: "memory", .memory(WasmMemoryHandle(store: store, memory: memory)))
        }
        return imports
    }
}
