#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// Assembles small WebAssembly binaries by hand for the engine tests.
///
/// ```swift
/// var builder = WasmModuleBuilder()
/// builder.function("add", [.i32, .i32], [.i32], body: [Op.localGet(0), Op.localGet(1), [Op.i32Add]])
/// let instance = try builder.instantiate()
/// ```
struct WasmModuleBuilder {
    struct Function {
        var typeIndex: UInt32
        var locals: [WasmValueType]
        var body: [UInt8]
    }

    var types: [WasmFunctionType] = []
    var imports: [[UInt8]] = []
    var importedFunctions = 0
    var importedGlobals = 0
    var functions: [Function] = []
    var tables: [[UInt8]] = []
    var memories: [[UInt8]] = []
    var globals: [[UInt8]] = []
    var exports: [[UInt8]] = []
    var start: UInt32?
    var elements: [[UInt8]] = []
    var datas: [[UInt8]] = []
    var functionNames: [(UInt32, String)] = []
    var dataCount = false

    /// The index of `type` in the type section, adding it if needed.
    mutating func typeIndex(_ parameters: [WasmValueType], _ results: [WasmValueType]) -> UInt32 {
        let type = WasmFunctionType(parameters: parameters, results: results)
        if let index = types.firstIndex(of: type) { return UInt32(index) }
        types.append(type)
        return UInt32(types.count - 1)
    }

    /// Adds a function; the body is a list of instruction byte groups (the final `end` is appended).
    @discardableResult
    mutating func function(
        _ export: String? = nil,
        _ parameters: [WasmValueType] = [],
        _ results: [WasmValueType] = [],
        locals: [WasmValueType] = [],
        name: String? = nil,
        body: [[UInt8]]
    ) -> UInt32 {
        let type = typeIndex(parameters, results)
        functions.append(Function(typeIndex: type, locals: locals, body: body.flatMap { $0 } + [0x0B]))
        let index = UInt32(importedFunctions + functions.count - 1)
        if let export { exports.append(Enc.name(export) + [0x00] + Enc.u(index)) }
        if let name = name ?? export { functionNames.append((index, name)) }
        return index
    }

    /// Imports a function.
    @discardableResult
    mutating func importFunction(
        _ module: String,
        _ name: String,
        _ parameters: [WasmValueType],
        _ results: [WasmValueType]
    ) -> UInt32 {
        precondition(functions.isEmpty, "import functions before defining any")
        let type = typeIndex(parameters, results)
        imports.append(Enc.name(module) + Enc.name(name) + [0x00] + Enc.u(type))
        importedFunctions += 1
        return UInt32(importedFunctions - 1)
    }

    /// Imports a memory.
    mutating func importMemory(_ module: String, _ name: String, min: UInt32, max: UInt32? = nil) {
        imports.append(Enc.name(module) + Enc.name(name) + [0x02] + Enc.limits(min, max))
    }

    /// Imports a table of funcref.
    mutating func importTable(_ module: String, _ name: String, min: UInt32, max: UInt32? = nil) {
        imports.append(Enc.name(module) + Enc.name(name) + [0x01, 0x70] + Enc.limits(min, max))
    }

    /// Imports a global.
    @discardableResult
    mutating func importGlobal(_ module: String, _ name: String, _ type: WasmValueType, mutable: Bool) -> UInt32 {
        imports.append(Enc.name(module) + Enc.name(name) + [0x03, type.rawValue, mutable ? 1 : 0])
        importedGlobals += 1
        return UInt32(importedGlobals - 1)
    }

    /// Adds a memory (exported as `memory` when `export` is set).
    mutating func memory(min: UInt32, max: UInt32? = nil, export: String? = "memory") {
        memories.append(Enc.limits(min, max))
        if let export { exports.append(Enc.name(export) + [0x02, 0x00]) }
    }

    /// Adds a table.
    @discardableResult
    mutating func table(
        _ type: WasmValueType = .funcRef,
        min: UInt32,
        max: UInt32? = nil,
        export: String? = nil
    ) -> UInt32 {
        tables.append([type.rawValue] + Enc.limits(min, max))
        let index = UInt32(tables.count - 1)
        if let export { exports.append(Enc.name(export) + [0x01] + Enc.u(index)) }
        return index
    }

    /// Adds a global with a constant initializer expression (without `end`).
    @discardableResult
    mutating func global(
        _ type: WasmValueType,
        mutable: Bool,
        initializer: [UInt8],
        export: String? = nil
    ) -> UInt32 {
        globals.append([type.rawValue, mutable ? 1 : 0] + initializer + [0x0B])
        let index = UInt32(importedGlobals + globals.count - 1)
        if let export { exports.append(Enc.name(export) + [0x03] + Enc.u(index)) }
        return index
    }

    /// Adds an active element segment of function indices into table 0.
    mutating func activeElements(offset: Int32, functions: [UInt32]) {
        elements.append([0x00] + Op.i32Const(offset) + [0x0B] + Enc.vector(functions.map(Enc.u)))
    }

    /// Adds a passive element segment of function indices.
    mutating func passiveElements(functions: [UInt32]) {
        elements.append([0x01, 0x00] + Enc.vector(functions.map(Enc.u)))
    }

    /// Adds a declarative element segment (so `ref.func` may name the functions).
    mutating func declareFunctions(_ functions: [UInt32]) {
        elements.append([0x03, 0x00] + Enc.vector(functions.map(Enc.u)))
    }

    /// Adds an active data segment for memory 0.
    mutating func activeData(offset: Int32, _ bytes: [UInt8]) {
        datas.append([0x00] + Op.i32Const(offset) + [0x0B] + Enc.u(UInt32(bytes.count)) + bytes)
    }

    /// Adds a passive data segment (and a data count section).
    mutating func passiveData(_ bytes: [UInt8]) {
        datas.append([0x01] + Enc.u(UInt32(bytes.count)) + bytes)
        dataCount = true
    }

    /// The module's binary.
    func build() -> [UInt8] {
        var module: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
        func section(_ id: UInt8, _ contents: [UInt8]) {
            module += [id] + Enc.u(UInt32(contents.count)) + contents
        }
        if !types.isEmpty {
            section(
                1,
                Enc.vector(
                    types.map { type in
                        [0x60] + Enc.vector(type.parameters.map { [$0.rawValue] })
                            + Enc.vector(type.results.map { [$0.rawValue] })
                    }
                )
            )
        }
        if !imports.isEmpty { section(2, Enc.vector(imports)) }
        if !functions.isEmpty { section(3, Enc.vector(functions.map { Enc.u($0.typeIndex) })) }
        if !tables.isEmpty { section(4, Enc.vector(tables)) }
        if !memories.isEmpty { section(5, Enc.vector(memories)) }
        if !globals.isEmpty { section(6, Enc.vector(globals)) }
        if !exports.isEmpty { section(7, Enc.vector(exports)) }
        if let start { section(8, Enc.u(start)) }
        if !elements.isEmpty { section(9, Enc.vector(elements)) }
        if dataCount { section(12, Enc.u(UInt32(datas.count))) }
        if !functions.isEmpty {
            section(
                10,
                Enc.vector(
                    functions.map { function in
                        let locals = Enc.vector(function.locals.map { Enc.u(1) + [$0.rawValue] })
                        let body = locals + function.body
                        return Enc.u(UInt32(body.count)) + body
                    }
                )
            )
        }
        if !datas.isEmpty { section(11, Enc.vector(datas)) }
        if !functionNames.isEmpty {
            let names = Enc.vector(functionNames.map { Enc.u($0.0) + Enc.name($0.1) })
            section(0, Enc.name("name") + [0x01] + Enc.u(UInt32(names.count)) + names)
        }
        return module
    }

    /// Compiles the module.
    func compile() throws -> CompiledWasmModule {
        try CompiledWasmModule.compile(build())
    }

    /// Compiles and instantiates the module in a new store (or `store`).
    func instantiate(
        store: WasmStore = WasmStore(),
        imports: WasmImports = WasmImports()
    ) throws -> WasmInstance {
        try store.instantiate(compile(), imports: imports)
    }
}

/// Binary encodings.
enum Enc {
    static func u(_ value: UInt32) -> [UInt8] { u64(UInt64(value)) }

    static func u64(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return bytes
    }

    static func s(_ value: Int64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while true {
            let byte = UInt8(truncatingIfNeeded: value) & 0x7F
            value >>= 7
            if (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0) {
                bytes.append(byte)
                return bytes
            }
            bytes.append(byte | 0x80)
        }
    }

    static func name(_ text: String) -> [UInt8] { u(UInt32(text.utf8.count)) + Array(text.utf8) }

    static func vector(_ items: [[UInt8]]) -> [UInt8] { u(UInt32(items.count)) + items.flatMap { $0 } }

    static func limits(_ min: UInt32, _ max: UInt32?) -> [UInt8] {
        if let max { return [0x01] + u(min) + u(max) }
        return [0x00] + u(min)
    }
}
