/// A function implemented in Swift that WebAssembly can import and call.
///
/// Two forms: a convenient one that takes and returns ``WasmValue`` arrays, and a fast one that reads its
/// arguments from and writes its results to the frame slots directly (encoded as in `Docs/Interpreter.md`:
/// i32/f32 in the low 32 bits, floats as bit patterns). Both receive a ``WasmCaller`` for the calling instance's
/// memory. Errors the body throws end the wasm invocation and are rethrown to the host unchanged.
///
/// ```swift
/// let log = WasmHostFunction(parameters: [.i32, .i32], results: []) { caller, arguments in
///     let bytes = try caller.memory!.read(at: Int(arguments[0].int32Value!), count: Int(arguments[1].int32Value!))
///     print(String(decoding: bytes, as: UTF8.self))
///     return []
/// }
/// var imports = WasmImports()
/// imports.define(module: "env", name: "log", log)
/// ```
package struct WasmHostFunction {
    /// The body of a host function.
    enum Body {
        /// Takes and returns values.
        case values((WasmCaller, [WasmValue]) throws -> [WasmValue])
        /// Reads arguments from and writes results to `max(parameters, results)` slots.
        case slots((WasmCaller, UnsafeMutableBufferPointer<UInt64>) throws -> Void)
    }

    /// The function's signature.
    package let type: WasmFunctionType
    /// The implementation.
    let body: Body

    /// Creates a host function that works on values.
    /// - Parameters:
    ///   - parameters: the parameter types.
    ///   - results: the result types; the body must return exactly these.
    ///   - body: the implementation.
    package init(
        parameters: [WasmValueType],
        results: [WasmValueType],
        _ body: @escaping (WasmCaller, [WasmValue]) throws -> [WasmValue]
    ) {
        self.type = WasmFunctionType(parameters: parameters, results: results)
        self.body = .values(body)
    }

    /// Creates a host function that works on raw slots (no allocation per call).
    /// - Parameters:
    ///   - type: the signature.
    ///   - body: reads `slots[0..<parameters]` and writes `slots[0..<results]`.
    package init(
        type: WasmFunctionType,
        slots body: @escaping (WasmCaller, UnsafeMutableBufferPointer<UInt64>) throws -> Void
    ) {
        self.type = type
        self.body = .slots(body)
    }
}
