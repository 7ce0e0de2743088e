/// The values a module's imports are resolved against, by module and field name.
///
/// ```swift
/// var imports = WasmImports()
/// imports.define(module: "env", name: "print", WasmHostFunction(parameters: [.i32], results: []) { _, args in
///     print(args[0]); return []
/// })
/// imports.define(module: "lib", instance: libraryInstance)  // every export of another instance
/// let instance = try store.instantiate(compiled, imports: imports)
/// ```
package struct WasmImports {
    /// An import value.
    package enum Value {
        /// A host function, added to the store when a module imports it.
        case hostFunction(WasmHostFunction)
        /// An entity of the store.
        case extern(WasmExtern)
    }

    /// A two-level import name, compared as UTF-8 bytes (not as canonically equivalent Swift strings).
    struct Name: Hashable {
        var module: [UInt8]
        var name: [UInt8]

        init(module: String, name: String) {
            self.module = Array(module.utf8)
            self.name = Array(name.utf8)
        }
    }

    /// The values, by name.
    var values: [Name: Value] = [:]

    /// Creates an empty set of imports.
    package init() {}

    /// Defines `module.name` as a host function.
    package mutating func define(module: String, name: String, _ function: WasmHostFunction) {
        values[Name(module: module, name: name)] = .hostFunction(function)
    }

    /// Defines `module.name` as an entity of the store.
    package mutating func define(module: String, name: String, _ extern: WasmExtern) {
        values[Name(module: module, name: name)] = .extern(extern)
    }

    /// Defines every export of `instance` under the module name `module` (the spec's `register`).
    package mutating func define(module: String, instance: WasmInstance) {
        for export in instance.module.module.exports {
            if let extern = instance.export(named: export.name) { define(module: module, name: export.name, extern) }
        }
    }

    /// The value of `module.name`, if defined.
    package func value(module: String, name: String) -> Value? {
        values[Name(module: module, name: name)]
    }
}
