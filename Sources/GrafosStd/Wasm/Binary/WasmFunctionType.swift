/// The signature of a function or a multi-value block: parameter types to result types.
package struct WasmFunctionType: Sendable, Hashable, CustomStringConvertible {
    /// The types of the parameters, first parameter first.
    package var parameters: [WasmValueType]
    /// The types of the results, first result first.
    package var results: [WasmValueType]

    /// Creates a function type.
    package init(parameters: [WasmValueType] = [], results: [WasmValueType] = []) {
        self.parameters = parameters
        self.results = results
    }

    /// The text-format shape, e.g. `[i32 i64] -> [f32]`.
    package var description: String {
        let parameters = parameters.map(\.description).joined(separator: " ")
        let results = results.map(\.description).joined(separator: " ")
        return "[\(parameters)] -> [\(results)]"
    }
}
