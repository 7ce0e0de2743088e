/// A function defined by the module: its signature, its locals and where its code is.
///
/// The code is not copied out of the module: ``code`` is the byte range of the instructions in
/// ``WasmModule/bytes`` (ending with the function's final `end`), read with a ``WasmInstructionReader``.
/// The locals are runs in ``WasmModule/localDeclarations`` so that a module with thousands of functions costs
/// no allocation per function.
package struct WasmFunction: Sendable, Hashable {
    /// The index of the function's signature in ``WasmModule/types``.
    package var typeIndex: UInt32
    /// The function's runs of locals, as a range of ``WasmModule/localDeclarations``.
    package var localDeclarations: Range<Int>
    /// The number of locals declared, excluding parameters.
    package var localCount: UInt32
    /// The byte range of the instructions, up to and including the final `end`.
    package var code: Range<Int>
    /// The byte offset of the body's size prefix, where the function's entry in the code section starts.
    package var bodyOffset: Int

    /// Creates a function record.
    package init(
        typeIndex: UInt32,
        localDeclarations: Range<Int>,
        localCount: UInt32,
        code: Range<Int>,
        bodyOffset: Int
    ) {
        self.typeIndex = typeIndex
        self.localDeclarations = localDeclarations
        self.localCount = localCount
        self.code = code
        self.bodyOffset = bodyOffset
    }
}
