/// The immediate of `br_table`: a list of label depths and a default depth.
///
/// The list is not copied: ``targets`` decodes the label depths on demand from the module's bytes, which the
/// instruction reader has already checked. A `WasmBrTable` is therefore only valid while the buffer it was read
/// from is (inside the `withUnsafeBytes` scope of the reader that produced it).
package struct WasmBrTable: Equatable {
    /// The encoded label depths: `count` LEB128 `u32`s.
    let targetBytes: UnsafeRawBufferPointer
    /// The number of label depths, excluding the default.
    package let count: Int
    /// The label depth used when the operand is out of range.
    package let defaultDepth: UInt32

    /// Creates a `br_table` immediate over already-checked encoded targets.
    init(targetBytes: UnsafeRawBufferPointer, count: Int, defaultDepth: UInt32) {
        self.targetBytes = targetBytes
        self.count = count
        self.defaultDepth = defaultDepth
    }

    /// The label depths, in order.
    package var targets: Targets { Targets(bytes: targetBytes, count: count) }

    /// The label depths of a `br_table`, decoded lazily.
    package struct Targets: Sequence {
        let bytes: UnsafeRawBufferPointer
        let count: Int

        /// Creates an iterator over the label depths.
        package func makeIterator() -> Iterator { Iterator(bytes: bytes, remaining: count) }

        /// The number of label depths.
        package var underestimatedCount: Int { count }

        /// Decodes one label depth at a time.
        package struct Iterator: IteratorProtocol {
            let bytes: UnsafeRawBufferPointer
            var remaining: Int
            var offset = 0

            init(bytes: UnsafeRawBufferPointer, remaining: Int) {
                self.bytes = bytes
                self.remaining = remaining
            }

            /// The next label depth, or `nil` after the last.
            package mutating func next() -> UInt32? {
                guard remaining > 0 else { return nil }
                remaining &-= 1
                var result: UInt32 = 0
                var shift: UInt32 = 0
                while offset < bytes.count {
                    let byte = bytes[offset]
                    offset &+= 1
                    result |= UInt32(byte & 0x7F) << shift
                    if byte & 0x80 == 0 { break }
                    shift &+= 7
                }
                return result
            }
        }
    }

    /// Two tables are equal when they have the same targets and default.
    package static func == (lhs: WasmBrTable, rhs: WasmBrTable) -> Bool {
        lhs.count == rhs.count && lhs.defaultDepth == rhs.defaultDepth
            && lhs.targets.elementsEqual(rhs.targets)
    }
}
