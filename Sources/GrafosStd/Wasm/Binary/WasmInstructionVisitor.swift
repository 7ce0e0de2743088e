/// A consumer of decoded instructions: the validator, and later a translator that runs in the same pass.
///
/// A translator typically wraps a ``WasmFunctionValidator``: in its `visit`, it inspects the validator's
/// stacks, forwards the instruction to it, and emits code. The reader loop itself allocates nothing.
///
/// ```swift
/// struct Counter: WasmInstructionVisitor {
///     var calls = 0
///     mutating func visit(_ instruction: WasmInstruction, at offset: Int) throws(WasmDecodingError) {
///         if case .call = instruction { calls += 1 }
///     }
///     func decodingFailed(_ error: WasmDecodingError) -> WasmDecodingError { error }
/// }
/// ```
protocol WasmInstructionVisitor {
    /// The error the visitor throws.
    associatedtype VisitFailure: Error

    /// Handles one instruction.
    /// - Parameters:
    ///   - instruction: the decoded instruction.
    ///   - offset: its byte offset in the module.
    mutating func visit(_ instruction: WasmInstruction, at offset: Int) throws(VisitFailure)

    /// Converts a decoding error met while reading the instructions into the visitor's error type.
    func decodingFailed(_ error: WasmDecodingError) -> VisitFailure
}

extension WasmInstructionReader {
    /// Decodes every remaining instruction and hands each to `visitor`, in order.
    /// - Parameter visitor: the consumer of the instructions.
    /// - Throws: the visitor's error, or a decoding error converted by the visitor.
    mutating func forEach<Visitor: WasmInstructionVisitor>(
        _ visitor: inout Visitor
    ) throws(Visitor.VisitFailure) {
        while !isAtEnd {
            let offset = self.offset
            let instruction: WasmInstruction
            do {
                instruction = try read()
            } catch {
                throw visitor.decodingFailed(error)
            }
            try visitor.visit(instruction, at: offset)
        }
    }
}
