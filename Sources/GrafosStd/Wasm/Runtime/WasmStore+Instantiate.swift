/// Instantiation: resolving imports, allocating the instance's entities, running segments and the start function.
extension WasmStore {
    /// Instantiates a compiled module in this store.
    ///
    /// Follows the spec's order: imports are matched (kinds, function types, limits, global types), globals,
    /// tables and memory are created, active element then data segments are copied in order, and the start
    /// function runs. A trap in a segment or in the start function fails the instantiation but leaves the writes
    /// made before it in imported tables and memories, as the spec requires.
    ///
    /// ```swift
    /// let instance = try store.instantiate(compiled, imports: imports)
    /// ```
    /// - Parameters:
    ///   - compiled: the module.
    ///   - imports: the values of its imports.
    /// - Returns: the instance.
    /// - Throws: ``WasmLinkError`` (missing or mismatched import, limit), ``Trap`` (segment out of bounds, start
    ///   function trapped), ``WasmStopError`` (start function out of fuel or interrupted).
    package func instantiate(
        _ compiled: CompiledWasmModule,
        imports: WasmImports = WasmImports()
    ) throws -> WasmInstance {
        let module = compiled.module
        let context = allocate(InstanceContext.self, count: 1)
        let functions = allocate(UnsafeMutablePointer<FunctionRecord>.self, count: module.functionCount)
        let globals = allocate(UnsafeMutablePointer<GlobalCell>.self, count: module.globalCount)
        let tableList = allocate(UnsafeMutablePointer<TableContext>.self, count: module.tableCount)
        var memory = emptyMemory

        // Imports.
        var functionIndex = 0
        var globalIndex = 0
        var tableIndex = 0
        for entry in module.imports {
            guard let value = imports.value(module: entry.module, name: entry.name) else {
                throw WasmLinkError(
                    .unknownImport,
                    module: entry.module,
                    name: entry.name,
                    detail: "no \(entry.descriptor.kind) is defined under this name; define it in the imports"
                )
            }
            if case .extern(let extern) = value, extern.store !== self {
                throw incompatible(entry, "the value belongs to another store")
            }
            switch (entry.descriptor, value) {
            case (.function(let typeIndex), .hostFunction(let host)):
                let expected = module.types[Int(typeIndex)]
                guard host.type == expected else {
                    throw incompatible(entry, "expected a function \(expected), found \(host.type)")
                }
                functions[functionIndex] = createHostFunction(host)
                functionIndex &+= 1
            case (.function(let typeIndex), .extern(.function(let handle))):
                let key = handle.record.pointee.descriptor.pointee.typeKey
                guard FunctionTypeTable.equal(key, compiled.typeKeys[Int(typeIndex)]) else {
                    throw incompatible(
                        entry,
                        "expected a function \(module.types[Int(typeIndex)]), found \(FunctionTypeTable.type(of: key))"
                    )
                }
                functions[functionIndex] = handle.record
                functionIndex &+= 1
            case (.table(let type), .extern(.table(let handle))):
                let actual = handle.type
                guard actual.elementType == type.elementType, Self.limits(actual.limits, match: type.limits) else {
                    throw incompatible(
                        entry,
                        "expected a table \(type.elementType) \(type.limits), found \(actual.elementType) \(actual.limits)"
                    )
                }
                tableList[tableIndex] = handle.table
                tableIndex &+= 1
            case (.memory(let type), .extern(.memory(let handle))):
                let actual = handle.type
                guard Self.limits(actual.limits, match: type.limits) else {
                    throw incompatible(entry, "expected a memory \(type.limits), found \(actual.limits)")
                }
                memory = handle.memory
            case (.global(let type), .extern(.global(let handle))):
                guard handle.type == type else {
                    throw incompatible(
                        entry,
                        "expected a global \(Self.describe(type)), found \(Self.describe(handle.type))"
                    )
                }
                globals[globalIndex] = handle.cell
                globalIndex &+= 1
            default:
                let found: String =
                    switch value {
                    case .hostFunction: "a host function"
                    case .extern(let extern): "a \(extern.kind)"
                    }
                throw incompatible(entry, "expected a \(entry.descriptor.kind), found \(found)")
            }
        }

        // Defined functions.
        let records = allocate(FunctionRecord.self, count: module.functions.count)
        for index in 0..<module.functions.count {
            (records + index).initialize(
                to: FunctionRecord(descriptor: compiled.descriptors + index, instance: context)
            )
            functions[functionIndex &+ index] = records + index
        }

        // Defined globals, in order (an initializer may read imported globals and refer to functions).
        let cells = allocate(GlobalCell.self, count: module.globals.count)
        for (index, global) in module.globals.enumerated() {
            let value = Self.evaluate(global.initializer, functions: functions, globals: globals)
            (cells + index).initialize(
                to: GlobalCell(value: value, valueType: global.type.valueType, isMutable: global.type.isMutable)
            )
            globals[globalIndex &+ index] = cells + index
        }

        // Defined tables and memory.
        for (index, type) in module.tables.enumerated() {
            guard let table = createTable(type) else {
                throw WasmLinkError(
                    .resourceLimitExceeded,
                    module: "",
                    name: "table \(tableIndex + index)",
                    detail: "its \(type.limits.min) elements exceed the store's limit of \(limits.maxTableElements)"
                )
            }
            tableList[tableIndex &+ index] = table
        }
        if let type = module.memories.first {
            guard let created = createMemory(type) else {
                throw WasmLinkError(
                    .resourceLimitExceeded,
                    module: "",
                    name: "memory 0",
                    detail: "its \(type.limits.min) pages exceed the store's limit of \(limits.maxMemoryBytes) bytes"
                )
            }
            memory = created
        }

        // Segments: passive ones stay available; active and declarative ones are dropped after use.
        let dataSegments = allocate(SegmentState.self, count: module.datas.count)
        for (index, segment) in module.datas.enumerated() {
            let range = compiled.dataRanges[index]
            let isPassive = segment.mode == .passive
            (dataSegments + index).initialize(
                to: SegmentState(
                    base: UnsafeRawPointer(compiled.dataBytes + range.lowerBound),
                    count: isPassive ? range.count : 0
                )
            )
        }
        let elementSegments = allocate(SegmentState.self, count: module.elements.count)
        var activeElements: [(table: Int, offset: UInt64, values: [UInt64])] = []
        for (index, segment) in module.elements.enumerated() {
            let values = Self.elementValues(segment, functions: functions, globals: globals)
            switch segment.mode {
            case .passive:
                let storage = allocate(UInt64.self, count: values.count)
                storage.initialize(from: values, count: values.count)
                (elementSegments + index).initialize(
                    to: SegmentState(base: UnsafeRawPointer(storage), count: values.count)
                )
            case .active(let table, let offset):
                (elementSegments + index).initialize(to: SegmentState(base: nil, count: 0))
                activeElements.append(
                    (Int(table), Self.evaluate(offset, functions: functions, globals: globals), values)
                )
            case .declarative:
                (elementSegments + index).initialize(to: SegmentState(base: nil, count: 0))
            }
        }

        context.initialize(
            to: InstanceContext(
                functions: functions,
                globals: globals,
                memory: memory,
                tables: tableList,
                dataSegments: dataSegments,
                elementSegments: elementSegments
            )
        )
        let storage = WasmInstanceStorage(module: compiled, context: context)
        instances.append(storage)

        // Active segments, in order; a failure leaves earlier writes in place.
        for element in activeElements {
            let table = tableList[element.table]
            let start = element.offset & 0xFFFF_FFFF
            guard start &+ UInt64(element.values.count) <= UInt64(table.pointee.count) else {
                throw Trap(.outOfBoundsTableAccess)
            }
            for (offset, value) in element.values.enumerated() { table.pointee.elements[Int(start) &+ offset] = value }
        }
        for (index, segment) in module.datas.enumerated() {
            guard case .active(_, let offsetExpression) = segment.mode else { continue }
            let start = Self.evaluate(offsetExpression, functions: functions, globals: globals) & 0xFFFF_FFFF
            let range = compiled.dataRanges[index]
            guard start &+ UInt64(range.count) <= memory.pointee.byteCount else { throw Trap(.outOfBoundsMemoryAccess) }
            if !range.isEmpty {
                (memory.pointee.base + Int(start)).copyMemory(
                    from: compiled.dataBytes + range.lowerBound,
                    byteCount: range.count
                )
            }
        }

        let instance = WasmInstance(store: self, storage: storage)
        if let start = module.start {
            _ = try invoke(functions[Int(start)], [])
        }
        return instance
    }

    /// Whether an import's actual limits fit the declared ones (the spec's limits subtyping).
    static func limits(_ actual: WasmLimits, match expected: WasmLimits) -> Bool {
        guard actual.min >= expected.min else { return false }
        guard let expectedMax = expected.max else { return true }
        guard let actualMax = actual.max else { return false }
        return actualMax <= expectedMax
    }

    /// `mut i32`, `i64`, … for messages.
    static func describe(_ type: WasmGlobalType) -> String {
        type.isMutable ? "mut \(type.valueType)" : "\(type.valueType)"
    }

    /// An "incompatible import type" error for `entry`.
    private func incompatible(_ entry: WasmImport, _ detail: String) -> WasmLinkError {
        WasmLinkError(.incompatibleImportType, module: entry.module, name: entry.name, detail: detail)
    }

    /// The value of a (validated, single-instruction) constant expression, as a slot.
    static func evaluate(
        _ expression: WasmConstExpression,
        functions: UnsafeMutablePointer<UnsafeMutablePointer<FunctionRecord>>,
        globals: UnsafeMutablePointer<UnsafeMutablePointer<GlobalCell>>
    ) -> UInt64 {
        switch expression.instruction {
        case .i32Const(let value): UInt64(UInt32(bitPattern: value))
        case .i64Const(let value): UInt64(bitPattern: value)
        case .f32Const(let bits): UInt64(bits)
        case .f64Const(let bits): bits
        case .refNull, nil: 0
        case .refFunc(let index): FunctionRecord.bits(functions[Int(index)])
        case .globalGet(let index): globals[Int(index)].pointee.value
        }
    }

    /// The references of an element segment, as slots.
    static func elementValues(
        _ segment: WasmElementSegment,
        functions: UnsafeMutablePointer<UnsafeMutablePointer<FunctionRecord>>,
        globals: UnsafeMutablePointer<UnsafeMutablePointer<GlobalCell>>
    ) -> [UInt64] {
        switch segment.items {
        case .functions(let indices):
            indices.map { FunctionRecord.bits(functions[Int($0)]) }
        case .expressions(let expressions):
            expressions.map { evaluate($0, functions: functions, globals: globals) }
        }
    }
}
