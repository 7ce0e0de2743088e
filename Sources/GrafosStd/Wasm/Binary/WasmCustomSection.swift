/// A custom section, kept by name with its contents left in the module's bytes.
package struct WasmCustomSection: Sendable, Hashable {
    /// The section's name, e.g. `name` or `producers`.
    package var name: String
    /// The section's contents after the name, as a range of ``WasmModule/bytes``.
    package var contents: Range<Int>

    /// Creates a custom section record.
    package init(name: String, contents: Range<Int>) {
        self.name = name
        self.contents = contents
    }
}
