/// A reference to a function of one store: usable only with the store that produced it.
package struct WasmFunctionReference: Hashable, Sendable, CustomStringConvertible {
    /// The function record's address (see `Docs/Interpreter.md`).
    let bits: UInt64
    /// The store the reference belongs to.
    let store: ObjectIdentifier

    /// An opaque hexadecimal tag.
    package var description: String { "0x\(String(bits, radix: 16))" }
}
