extension WasmModule {
    /// Checks the module against the WebAssembly 2.0 validation rules.
    ///
    /// Covers the MVP, sign extension, non-trapping float-to-int conversions, multi-value, bulk memory,
    /// reference types and mutable globals. SIMD decodes but does not validate yet ("SIMD not supported").
    /// Validation needs no imports: imported entities are checked by their declared types.
    ///
    /// ```swift
    /// let module = try WasmModule(parsing: bytes)
    /// try module.validate()
    /// ```
    /// - Throws: ``WasmValidationError`` with the spec's wording, the function and the byte offset.
    package func validate() throws(WasmValidationError) {
        try WasmModuleValidator(module: self).validate()
    }
}
