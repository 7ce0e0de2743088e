/// The index spaces of a module, imports first, as the validator (and later the translator) looks them up.
///
/// This is the spec's validation context *C*: function types by function index, tables, memories, globals,
/// element segment types, the data count, and *C.refs* — the functions that may be named by `ref.func` inside
/// function bodies because the module references them elsewhere (exports, element segments, global
/// initializers).
struct WasmModuleContext: Sendable {
    /// The type section.
    var types: [WasmFunctionType]
    /// The type index of every function, imported then defined.
    var functionTypeIndices: [UInt32]
    /// Every table type, imported then defined.
    var tables: [WasmTableType]
    /// Every memory type, imported then defined.
    var memories: [WasmMemoryType]
    /// Every global type, imported then defined.
    var globals: [WasmGlobalType]
    /// How many of ``globals`` are imported: constant expressions may only read those.
    var importedGlobalCount: Int
    /// The reference type of each element segment.
    var elementTypes: [WasmValueType]
    /// The number of data segments (which the data count section, when present, announces).
    var dataCount: UInt32
    /// Bit `i` is set when function `i` is in *C.refs*.
    var declaredReferences: [UInt64]

    /// Builds the context of `module`.
    init(module: WasmModule) {
        types = module.types
        var functionTypeIndices: [UInt32] = []
        var tables: [WasmTableType] = []
        var memories: [WasmMemoryType] = []
        var globals: [WasmGlobalType] = []
        functionTypeIndices.reserveCapacity(module.functionCount)
        tables.reserveCapacity(module.tableCount)
        memories.reserveCapacity(module.memoryCount)
        globals.reserveCapacity(module.globalCount)
        for entry in module.imports {
            switch entry.descriptor {
            case .function(let typeIndex): functionTypeIndices.append(typeIndex)
            case .table(let type): tables.append(type)
            case .memory(let type): memories.append(type)
            case .global(let type): globals.append(type)
            }
        }
        for function in module.functions { functionTypeIndices.append(function.typeIndex) }
        tables += module.tables
        memories += module.memories
        for global in module.globals { globals.append(global.type) }
        self.functionTypeIndices = functionTypeIndices
        self.tables = tables
        self.memories = memories
        self.globals = globals
        importedGlobalCount = module.importedGlobalCount
        elementTypes = module.elements.map(\.type)
        dataCount = UInt32(truncatingIfNeeded: module.datas.count)

        declaredReferences = Array(repeating: 0, count: (functionTypeIndices.count &+ 63) / 64)
        for export in module.exports where export.kind == .function { declareReference(export.index) }
        for global in module.globals { declareReferences(in: global.initializer) }
        for segment in module.elements {
            switch segment.items {
            case .functions(let indices): for index in indices { declareReference(index) }
            case .expressions(let expressions): for expression in expressions { declareReferences(in: expression) }
            }
        }
    }

    /// Adds function `index` to *C.refs* (ignored when out of range; the reference itself is checked elsewhere).
    private mutating func declareReference(_ index: UInt32) {
        let index = Int(index)
        guard index < functionTypeIndices.count else { return }
        declaredReferences[index >> 6] |= 1 << UInt64(index & 63)
    }

    private mutating func declareReferences(in expression: WasmConstExpression) {
        if case .refFunc(let index) = expression.instruction { declareReference(index) }
    }

    /// Whether `ref.func index` may appear in a function body.
    @inline(__always)
    func isDeclaredReference(_ index: UInt32) -> Bool {
        let index = Int(index)
        guard index < functionTypeIndices.count else { return false }
        return declaredReferences[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    /// The signature of function `index`, or `nil` when the function or its type index is out of range.
    @inline(__always)
    func functionType(at index: UInt32) -> WasmFunctionType? {
        let index = Int(index)
        guard index < functionTypeIndices.count else { return nil }
        let typeIndex = Int(functionTypeIndices[index])
        return typeIndex < types.count ? types[typeIndex] : nil
    }
}
