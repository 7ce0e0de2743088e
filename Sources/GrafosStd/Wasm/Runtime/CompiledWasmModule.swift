/// A module decoded, validated and translated to the register IR: immutable, `Sendable`, and cheap to
/// instantiate any number of times in any number of stores.
///
/// Compile once (for example keyed by the SHA-256 of the bytes in a `TaskletModuleCache`), then instantiate per
/// run:
///
/// ```swift
/// let compiled = try CompiledWasmModule.compile(wasmBytes)
/// let store = WasmStore(limits: WasmResourceLimits(fuel: 1_000_000))
/// let instance = try store.instantiate(compiled)
/// let results = try instance.invoke("run", [])
/// ```
package final class CompiledWasmModule: @unchecked Sendable {
    // @unchecked Sendable: every stored property is immutable after `compile` returns; the raw buffers (code,
    // descriptors, data bytes) are written only during compilation and only read afterwards.

    /// The decoded module.
    package let module: WasmModule
    /// The canonical signatures the type keys point into.
    let types: FunctionTypeTable
    /// The type key of every type index.
    let typeKeys: [UnsafeRawPointer]
    /// The IR of all defined functions.
    let code: UnsafeMutablePointer<UInt64>
    /// The number of code words.
    package let codeWordCount: Int
    /// One descriptor per defined function.
    let descriptors: UnsafeMutablePointer<FunctionDescriptor>
    /// The constant pools of all functions, back to back.
    let constantPool: UnsafeMutablePointer<UInt64>
    /// The bytes of every data segment, back to back.
    let dataBytes: UnsafeMutableRawPointer
    /// Each data segment's range in ``dataBytes``.
    let dataRanges: [Range<Int>]
    /// The exports by name, keyed by UTF-8 bytes: Swift's `String` equality would merge canonically equivalent
    /// names, which WebAssembly keeps apart.
    let exportsByName: [[UInt8]: WasmExport]

    private init(
        module: WasmModule,
        types: FunctionTypeTable,
        typeKeys: [UnsafeRawPointer],
        code: UnsafeMutablePointer<UInt64>,
        codeWordCount: Int,
        descriptors: UnsafeMutablePointer<FunctionDescriptor>,
        constantPool: UnsafeMutablePointer<UInt64>,
        dataBytes: UnsafeMutableRawPointer,
        dataRanges: [Range<Int>]
    ) {
        self.constantPool = constantPool
        self.module = module
        self.types = types
        self.typeKeys = typeKeys
        self.code = code
        self.codeWordCount = codeWordCount
        self.descriptors = descriptors
        self.dataBytes = dataBytes
        self.dataRanges = dataRanges
        var exports: [[UInt8]: WasmExport] = [:]
        for export in module.exports { exports[Array(export.name.utf8)] = export }
        self.exportsByName = exports
    }

    deinit {
        code.deallocate()
        descriptors.deinitialize(count: module.functions.count)
        descriptors.deallocate()
        dataBytes.deallocate()
        constantPool.deallocate()
    }

    /// Decodes, validates and translates a module.
    ///
    /// ```swift
    /// let compiled = try CompiledWasmModule.compile(Array(bytes))
    /// ```
    /// - Parameter bytes: the module's binary.
    /// - Returns: the compiled module.
    /// - Throws: ``WasmCompileError``: malformed, invalid, or beyond an engine limit.
    package static func compile(_ bytes: [UInt8]) throws(WasmCompileError) -> CompiledWasmModule {
        let module: WasmModule
        do {
            module = try WasmModule(parsing: bytes)
        } catch {
            throw .malformed(error)
        }
        do {
            try module.validate()
        } catch {
            throw .invalid(error)
        }
        return try translate(module)
    }

    /// Translates a validated module.
    static func translate(_ module: WasmModule) throws(WasmCompileError) -> CompiledWasmModule {
        let types = FunctionTypeTable()
        let typeKeys = module.types.map { types.key(for: $0) }
        let definedCount = module.functions.count
        let descriptors = UnsafeMutablePointer<FunctionDescriptor>.allocate(capacity: Swift.max(definedCount, 1))
        var translator = Translator(module: module, typeKeys: typeKeys, descriptors: descriptors)
        var results: [Translator.Result] = []
        results.reserveCapacity(definedCount)
        let outcome = module.bytes.withUnsafeBytes { buffer -> Result<Void, WasmCompileError> in
            do throws(WasmCompileError) {
                for index in 0..<definedCount {
                    results.append(try translator.translate(definedIndex: index, bytes: buffer))
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        if case .failure(let error) = outcome {
            descriptors.deallocate()
            throw error
        }
        let codeWordCount = translator.code.count
        let code = UnsafeMutablePointer<UInt64>.allocate(capacity: Swift.max(codeWordCount, 1))
        translator.code.withUnsafeBufferPointer { words in
            if let base = words.baseAddress { code.initialize(from: base, count: codeWordCount) }
        }
        var dataRanges: [Range<Int>] = []
        var dataCount = 0
        for segment in module.datas {
            dataRanges.append(dataCount..<(dataCount &+ segment.bytes.count))
            dataCount &+= segment.bytes.count
        }
        let dataBytes = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(dataCount, 1), alignment: 8)
        module.bytes.withUnsafeBytes { buffer in
            for (segment, range) in zip(module.datas, dataRanges) where !range.isEmpty {
                (dataBytes + range.lowerBound).copyMemory(
                    from: buffer.baseAddress! + segment.bytes.lowerBound,
                    byteCount: range.count
                )
            }
        }
        // The pool holds each function's constants, then (for small frames) its frame image: zeros for the
        // locals followed by the constants again.
        var poolCount = 0
        for result in results {
            let image = result.localCount &+ result.constants.count
            poolCount &+= result.constants.count &+ (image <= Interpreter.maxFrameImage ? image : 0)
        }
        let constantPool = UnsafeMutablePointer<UInt64>.allocate(capacity: Swift.max(poolCount, 1))
        var constantOffsets: [Int] = []
        var imageOffsets: [Int?] = []
        var next = 0
        for result in results {
            constantOffsets.append(next)
            (constantPool + next).initialize(from: result.constants, count: result.constants.count)
            next &+= result.constants.count
            let image = result.localCount &+ result.constants.count
            if image > 0 && image <= Interpreter.maxFrameImage {
                imageOffsets.append(next)
                (constantPool + next).initialize(repeating: 0, count: result.localCount)
                (constantPool + (next &+ result.localCount)).initialize(
                    from: result.constants,
                    count: result.constants.count
                )
                next &+= image
            } else {
                imageOffsets.append(nil)
            }
        }
        let compiled = CompiledWasmModule(
            module: module,
            types: types,
            typeKeys: typeKeys,
            code: code,
            codeWordCount: codeWordCount,
            descriptors: descriptors,
            constantPool: constantPool,
            dataBytes: dataBytes,
            dataRanges: dataRanges
        )
        let unmanaged = Unmanaged.passUnretained(compiled)
        for (index, result) in results.enumerated() {
            let type = module.types[Int(module.functions[index].typeIndex)]
            (descriptors + index).initialize(
                to: FunctionDescriptor(
                    code: code + result.codeStart,
                    typeKey: typeKeys[Int(module.functions[index].typeIndex)],
                    frameSize: UInt32(result.frameSize),
                    parameterCount: UInt32(type.parameters.count),
                    localCount: UInt32(result.localCount),
                    resultCount: UInt32(type.results.count),
                    constantCount: UInt32(result.constants.count),
                    constants: result.constants.isEmpty ? nil : UnsafePointer(constantPool + constantOffsets[index]),
                    frameImage: imageOffsets[index].map { UnsafePointer(constantPool + $0) },
                    entryFuel: result.entryFuel,
                    index: UInt32(module.importedFunctionCount &+ index),
                    isHost: false,
                    module: unmanaged
                )
            )
        }
        return compiled
    }

    /// The translated IR of function `index` (in the function index space) as text, one instruction per line;
    /// `nil` for an imported function. For tuning and debugging; the format may change.
    package func irListing(ofFunction index: UInt32) -> [String]? {
        let defined = Int(index) &- module.importedFunctionCount
        guard defined >= 0, defined < module.functions.count else { return nil }
        return IRDisassembler.listing(of: self, definedFunction: defined)
    }

    /// The export named `name`, if any.
    package func export(named name: String) -> WasmExport? {
        exportsByName[Array(name.utf8)]
    }
}
