/// A decoded WebAssembly 2.0 module.
///
/// Decoding checks the binary format only; call ``validate()`` before translating or instantiating the module.
/// Function bodies, data segment bytes and custom section contents are not copied: they are ranges of
/// ``bytes``, which the module keeps.
///
/// ```swift
/// let module = try WasmModule(parsing: Array(wasmBytes))
/// try module.validate()
/// for export in module.exports where export.kind == .function {
///     print(export.name, module.functionType(at: export.index) ?? "?")
/// }
/// ```
package struct WasmModule: Sendable {
    /// The module's binary, which ranges in this model refer to.
    package let bytes: [UInt8]
    /// The type section: the function signatures that functions, imports and blocks refer to.
    package internal(set) var types: [WasmFunctionType] = []
    /// The imports, in order. Imports come first in each index space.
    package internal(set) var imports: [WasmImport] = []
    /// The functions the module defines (index `importedFunctionCount + i` in the function index space).
    package internal(set) var functions: [WasmFunction] = []
    /// The locals of all defined functions; each ``WasmFunction`` owns a range of it.
    package internal(set) var localDeclarations: [WasmLocalDeclaration] = []
    /// The tables the module defines.
    package internal(set) var tables: [WasmTableType] = []
    /// The memories the module defines.
    package internal(set) var memories: [WasmMemoryType] = []
    /// The globals the module defines.
    package internal(set) var globals: [WasmGlobal] = []
    /// The exports, in order.
    package internal(set) var exports: [WasmExport] = []
    /// The start function's index, if the module has one.
    package internal(set) var start: UInt32?
    /// The element segments.
    package internal(set) var elements: [WasmElementSegment] = []
    /// The data segments.
    package internal(set) var datas: [WasmDataSegment] = []
    /// The data count section's value, if the module has one.
    package internal(set) var dataCount: UInt32?
    /// The custom sections, in order, kept by name.
    package internal(set) var customSections: [WasmCustomSection] = []
    /// The names from the first `name` custom section (empty when there is none).
    package internal(set) var names = WasmNameSection()

    /// The number of imported functions, which precede the defined ones in the function index space.
    package internal(set) var importedFunctionCount = 0
    /// The number of imported tables.
    package internal(set) var importedTableCount = 0
    /// The number of imported memories.
    package internal(set) var importedMemoryCount = 0
    /// The number of imported globals.
    package internal(set) var importedGlobalCount = 0

    /// An empty module over `bytes`, filled in by the parser.
    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Decodes a module from its binary format.
    ///
    /// Checks the whole binary format: the header, every section and its size, the order of sections,
    /// LEB128 limits, UTF-8 names, and the syntax of every function body and constant expression (opcodes,
    /// immediates, block nesting). It does not check types or indices; see ``validate()``.
    ///
    /// ```swift
    /// let module = try WasmModule(parsing: [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00])
    /// ```
    /// - Parameter bytes: the module's binary.
    /// - Throws: ``WasmDecodingError`` with the spec's wording and the byte offset of the problem.
    package init(parsing bytes: [UInt8]) throws(WasmDecodingError) {
        let module = bytes.withUnsafeBytes { buffer -> Result<WasmModule, WasmDecodingError> in
            var parser = WasmModuleParser(bytes: buffer, module: WasmModule(bytes: bytes))
            do throws(WasmDecodingError) {
                try parser.parse()
                return .success(parser.module)
            } catch {
                return .failure(error)
            }
        }
        self = try module.get()
    }

    /// The number of functions, imported and defined.
    package var functionCount: Int { importedFunctionCount &+ functions.count }
    /// The number of tables, imported and defined.
    package var tableCount: Int { importedTableCount &+ tables.count }
    /// The number of memories, imported and defined.
    package var memoryCount: Int { importedMemoryCount &+ memories.count }
    /// The number of globals, imported and defined.
    package var globalCount: Int { importedGlobalCount &+ globals.count }

    /// The type index of function `index` (imported or defined), or `nil` when there is no such function.
    package func functionTypeIndex(at index: UInt32) -> UInt32? {
        let index = Int(index)
        if index < importedFunctionCount {
            var seen = 0
            for entry in imports {
                guard case .function(let typeIndex) = entry.descriptor else { continue }
                if seen == index { return typeIndex }
                seen &+= 1
            }
            return nil
        }
        let defined = index &- importedFunctionCount
        return defined < functions.count ? functions[defined].typeIndex : nil
    }

    /// The signature of function `index`, or `nil` when the function or its type does not exist.
    package func functionType(at index: UInt32) -> WasmFunctionType? {
        guard let typeIndex = functionTypeIndex(at: index), Int(typeIndex) < types.count else { return nil }
        return types[Int(typeIndex)]
    }

    /// The function's name from the `name` section, if any (for backtraces).
    package func functionName(at index: UInt32) -> String? {
        names.functionNames[index]
    }

    /// The local declarations of a defined function.
    package func localDeclarations(of function: WasmFunction) -> ArraySlice<WasmLocalDeclaration> {
        localDeclarations[function.localDeclarations]
    }
}
