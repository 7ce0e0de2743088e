/// A data segment: bytes used to initialize linear memory, passively or at instantiation.
package struct WasmDataSegment: Sendable, Hashable {
    /// When and where the segment is used.
    package enum Mode: Sendable, Hashable {
        /// Available to `memory.init` until dropped.
        case passive
        /// Copied into `memory` at `offset` during instantiation, then dropped.
        case active(memory: UInt32, offset: WasmConstExpression)
    }

    /// When and where the segment is used.
    package var mode: Mode
    /// The segment's bytes, as a range of ``WasmModule/bytes``.
    package var bytes: Range<Int>
    /// The byte offset of the segment in the data section.
    package var offset: Int

    /// Creates a data segment.
    package init(mode: Mode, bytes: Range<Int>, offset: Int) {
        self.mode = mode
        self.bytes = bytes
        self.offset = offset
    }
}
