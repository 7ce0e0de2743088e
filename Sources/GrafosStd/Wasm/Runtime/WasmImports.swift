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
    ///
    /// The strings are kept as they are (literals and short names need no allocation) and hashed as whole byte
    /// buffers: a runtime defines some 50 WASI functions per launch, so byte-at-a-time hashing of copied arrays
    /// was most of the cost of setting up a launch.
    struct Name: Hashable {
        var module: String
        var name: String

        init(module: String, name: String) {
            self.module = module
            self.name = name
        }

        static func == (lhs: Name, rhs: Name) -> Bool {
            Self.bytesEqual(lhs.name, rhs.name) && Self.bytesEqual(lhs.module, rhs.module)
        }

        private static func bytesEqual(_ lhs: String, _ rhs: String) -> Bool {
            var lhs = lhs
            var rhs = rhs
            return lhs.withUTF8 { left in
                rhs.withUTF8 { right in left.count == right.count && left.elementsEqual(right) }
            }
        }

        func hash(into hasher: inout Hasher) {
            Self.combine(module, into: &hasher)
            hasher.combine(0xFF as UInt8)  // never part of UTF-8, so ("ab", "c") and ("a", "bc") differ
            Self.combine(name, into: &hasher)
        }

        private static func combine(_ text: String, into hasher: inout Hasher) {
            var text = text
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    /// The values, by name.
    var values: [Name: Value] = [:]

    /// Creates an empty set of imports.
    package init() {}

    /// Creates an empty set of imports with room for `capacity` definitions (no rehashing while they are added).
    package init(capacity: Int) {
        values.reserveCapacity(capacity)
    }

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
