/// An instantiated module: its exports, callable from the host.
///
/// A handle into its ``WasmStore`` (which owns the instance's memories, tables, globals and functions); like
/// the store, it is confined to one task.
///
/// ```swift
/// let instance = try store.instantiate(compiled)
/// let sum = try instance.invoke("add", [.i32(1), .i32(2)])   // [i32:3]
/// let memory = instance.memory(named: "memory")
/// ```
package struct WasmInstance {
    /// The store the instance lives in.
    package let store: WasmStore
    /// The instance's run-time data.
    let storage: WasmInstanceStorage

    /// The compiled module the instance was created from.
    package var module: CompiledWasmModule { storage.module }

    /// The export named `name`, if any.
    package func export(named name: String) -> WasmExtern? {
        guard let export = storage.module.export(named: name) else { return nil }
        let context = storage.context.pointee
        let index = Int(export.index)
        switch export.kind {
        case .function: return .function(WasmFunctionHandle(store: store, record: context.functions[index]))
        case .table: return .table(WasmTableHandle(store: store, table: context.tables[index]))
        case .memory: return .memory(WasmMemoryHandle(store: store, memory: context.memory))
        case .global: return .global(WasmGlobalHandle(store: store, cell: context.globals[index]))
        }
    }

    /// The exported function named `name`, if any.
    package func function(named name: String) -> WasmFunctionHandle? {
        if case .function(let handle) = export(named: name) { return handle }
        return nil
    }

    /// The exported memory named `name`, if any.
    package func memory(named name: String) -> WasmMemoryHandle? {
        if case .memory(let handle) = export(named: name) { return handle }
        return nil
    }

    /// The exported global named `name`, if any.
    package func global(named name: String) -> WasmGlobalHandle? {
        if case .global(let handle) = export(named: name) { return handle }
        return nil
    }

    /// Calls the exported function `name`.
    ///
    /// ```swift
    /// let results = try instance.invoke("fib", [.i32(20)])
    /// ```
    /// - Parameters:
    ///   - name: the export's name.
    ///   - arguments: one value per parameter, of the parameter's type.
    /// - Returns: the function's results.
    /// - Throws: ``Trap`` (the program trapped), ``WasmStopError`` (fuel or interrupt),
    ///   ``WasmInvocationError`` (no such function, wrong arguments), or whatever a host function threw.
    package func invoke(_ name: String, _ arguments: [WasmValue] = []) throws -> [WasmValue] {
        guard let export = storage.module.export(named: name) else {
            throw WasmInvocationError(.unknownExport, "the module exports nothing named \"\(name)\"")
        }
        guard export.kind == .function else {
            throw WasmInvocationError(.wrongExportKind, "the export \"\(name)\" is a \(export.kind), not a function")
        }
        return try store.invoke(storage.context.pointee.functions[Int(export.index)], arguments)
    }
}
