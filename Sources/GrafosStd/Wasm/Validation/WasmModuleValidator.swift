/// Checks a decoded module against the WebAssembly 2.0 validation rules.
///
/// Module-level rules first (types, limits, constant expressions, segments, start function, exports), then
/// every function body with one reused ``WasmFunctionValidator``.
struct WasmModuleValidator {
    /// The module being validated.
    let module: WasmModule
    /// Its index spaces.
    let context: WasmModuleContext

    /// Creates a validator for `module`.
    init(module: WasmModule) {
        self.module = module
        self.context = WasmModuleContext(module: module)
    }

    /// Runs every check.
    func validate() throws(WasmValidationError) {
        try validateTypes()
        try validateImports()
        for (index, function) in module.functions.enumerated() {
            try checkTypeIndex(
                function.typeIndex,
                function: UInt32(truncatingIfNeeded: module.importedFunctionCount &+ index)
            )
        }
        for table in module.tables { try validateTable(table) }
        guard context.memories.count <= 1 else {
            throw WasmValidationError(.multipleMemories, detail: "\(context.memories.count) memories")
        }
        for memory in module.memories { try validateMemory(memory) }
        let result = module.bytes.withUnsafeBytes { buffer -> Result<Void, WasmValidationError> in
            do throws(WasmValidationError) {
                var validator = WasmFunctionValidator(context: context)
                try validateGlobals(buffer, &validator)
                try validateElements(buffer, &validator)
                try validateDatas(buffer, &validator)
                try validateStart()
                try validateExports()
                try validateFunctions(buffer, &validator)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    private func validateTypes() throws(WasmValidationError) {
        let maxArity = WasmFunctionValidator.Limits.maxFunctionArity
        for (index, type) in module.types.enumerated() {
            guard type.parameters.count <= maxArity, type.results.count <= maxArity else {
                throw WasmValidationError(
                    .implementationLimit,
                    detail: "type \(index) has \(type.parameters.count) parameters and \(type.results.count) results, "
                        + "at most \(maxArity) of each are supported"
                )
            }
            guard !type.parameters.contains(.v128), !type.results.contains(.v128) else {
                throw WasmValidationError(.simdNotSupported, detail: "type \(index) uses v128")
            }
        }
    }

    private func checkTypeIndex(_ typeIndex: UInt32, function: UInt32) throws(WasmValidationError) {
        guard Int(typeIndex) < module.types.count else {
            throw WasmValidationError(.unknownType, functionIndex: function, detail: "type \(typeIndex)")
        }
    }

    private func validateImports() throws(WasmValidationError) {
        var functionIndex: UInt32 = 0
        for entry in module.imports {
            switch entry.descriptor {
            case .function(let typeIndex):
                try checkTypeIndex(typeIndex, function: functionIndex)
                functionIndex &+= 1
            case .table(let type):
                try validateTable(type)
            case .memory(let type):
                try validateMemory(type)
            case .global(let type):
                guard type.valueType != .v128 else {
                    throw WasmValidationError(.simdNotSupported, detail: "imported v128 global")
                }
            }
        }
    }

    private func validateTable(_ table: WasmTableType) throws(WasmValidationError) {
        if let max = table.limits.max, table.limits.min > max {
            throw WasmValidationError(.sizeMinimumGreaterThanMaximum, detail: "table limits \(table.limits)")
        }
    }

    private func validateMemory(_ memory: WasmMemoryType) throws(WasmValidationError) {
        let limits = memory.limits
        guard limits.min <= WasmMemoryType.maxPages, (limits.max ?? 0) <= WasmMemoryType.maxPages else {
            throw WasmValidationError(.memorySizeTooLarge, detail: "memory limits \(limits)")
        }
        if let max = limits.max, limits.min > max {
            throw WasmValidationError(.sizeMinimumGreaterThanMaximum, detail: "memory limits \(limits)")
        }
    }

    /// Validates a constant expression that must produce one value of `type`.
    private func validateConstant(
        _ expression: WasmConstExpression,
        type: WasmValueType,
        _ buffer: UnsafeRawBufferPointer,
        _ validator: inout WasmFunctionValidator
    ) throws(WasmValidationError) {
        validator.beginConstantExpression(resultType: type, offset: expression.range.lowerBound)
        var reader = WasmInstructionReader(bytes: buffer, range: expression.range)
        try reader.forEach(&validator)
        try validator.finish()
    }

    private func validateGlobals(
        _ buffer: UnsafeRawBufferPointer,
        _ validator: inout WasmFunctionValidator
    ) throws(WasmValidationError) {
        for global in module.globals {
            guard global.type.valueType != .v128 else {
                throw WasmValidationError(
                    .simdNotSupported,
                    offset: global.initializer.range.lowerBound,
                    detail: "v128 global"
                )
            }
            try validateConstant(global.initializer, type: global.type.valueType, buffer, &validator)
        }
    }

    private func validateElements(
        _ buffer: UnsafeRawBufferPointer,
        _ validator: inout WasmFunctionValidator
    ) throws(WasmValidationError) {
        for segment in module.elements {
            if case .active(let table, let offset) = segment.mode {
                guard Int(table) < context.tables.count else {
                    throw WasmValidationError(.unknownTable, offset: segment.offset, detail: "table \(table)")
                }
                guard context.tables[Int(table)].elementType == segment.type else {
                    throw WasmValidationError(
                        .typeMismatch,
                        offset: segment.offset,
                        detail: "\(segment.type) segment for a table of \(context.tables[Int(table)].elementType)"
                    )
                }
                try validateConstant(offset, type: .i32, buffer, &validator)
            }
            switch segment.items {
            case .functions(let indices):
                for index in indices where Int(index) >= context.functionTypeIndices.count {
                    throw WasmValidationError(.unknownFunction, offset: segment.offset, detail: "function \(index)")
                }
            case .expressions(let expressions):
                for expression in expressions {
                    try validateConstant(expression, type: segment.type, buffer, &validator)
                }
            }
        }
    }

    private func validateDatas(
        _ buffer: UnsafeRawBufferPointer,
        _ validator: inout WasmFunctionValidator
    ) throws(WasmValidationError) {
        for segment in module.datas {
            guard case .active(let memory, let offset) = segment.mode else { continue }
            guard Int(memory) < context.memories.count else {
                throw WasmValidationError(.unknownMemory, offset: segment.offset, detail: "memory \(memory)")
            }
            try validateConstant(offset, type: .i32, buffer, &validator)
        }
    }

    private func validateStart() throws(WasmValidationError) {
        guard let start = module.start else { return }
        guard Int(start) < context.functionTypeIndices.count else {
            throw WasmValidationError(.unknownFunction, detail: "start function \(start)")
        }
        guard let type = context.functionType(at: start), type.parameters.isEmpty, type.results.isEmpty else {
            throw WasmValidationError(
                .startFunction,
                functionIndex: start,
                detail: "the start function must be [] -> []"
            )
        }
    }

    private func validateExports() throws(WasmValidationError) {
        // Names are compared as bytes: Swift's String equality would merge canonically equivalent names.
        var names = Set<[UInt8]>(minimumCapacity: module.exports.count)
        for export in module.exports {
            let index = Int(export.index)
            let (count, reason): (Int, WasmValidationError.Reason) =
                switch export.kind {
                case .function: (context.functionTypeIndices.count, .unknownFunction)
                case .table: (context.tables.count, .unknownTable)
                case .memory: (context.memories.count, .unknownMemory)
                case .global: (context.globals.count, .unknownGlobal)
                }
            guard index < count else {
                throw WasmValidationError(reason, detail: "export \"\(export.name)\" of \(export.kind) \(index)")
            }
            guard names.insert(Array(export.name.utf8)).inserted else {
                throw WasmValidationError(.duplicateExportName, detail: "\"\(export.name)\"")
            }
        }
    }

    private func validateFunctions(
        _ buffer: UnsafeRawBufferPointer,
        _ validator: inout WasmFunctionValidator
    ) throws(WasmValidationError) {
        for (index, function) in module.functions.enumerated() {
            try validator.beginFunction(
                index: UInt32(truncatingIfNeeded: module.importedFunctionCount &+ index),
                typeIndex: function.typeIndex,
                locals: module.localDeclarations(of: function),
                offset: function.bodyOffset
            )
            var reader = WasmInstructionReader(bytes: buffer, range: function.code)
            try reader.forEach(&validator)
            try validator.finish()
        }
    }
}
