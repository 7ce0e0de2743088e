/// The immediate of `br_table`: a list of label depths and a default depth.
///
/// The list is not copied: ``targets`` decodes the label depths on demand from the module's bytes, which the
/// instruction reader has already checked. A `WasmBrTable` is therefore only valid while the buffer it was read
/// from is (inside the `withUnsafeBytes` scope of the reader that produced it). It is 16 bytes, which keeps
/// ``WasmInstruction`` small.
struct WasmBrTable: Equatable {
    /// The first byte of the encoded label depths: `count` LEB128 `u32`s, already checked by the reader.
    let targetsStart: UnsafeRawPointer
    /// The number of label depths, excluding the default.
    let count: UInt32
    /// The label depth used when the operand is out of range.
    let defaultDepth: UInt32

    /// Creates a `br_table` immediate over already-checked encoded targets.
    init(targetsStart: UnsafeRawPointer, count: UInt32, defaultDepth: UInt32) {
        self.targetsStart = targetsStart
        self.count = count
        self.defaultDepth = defaultDepth
    }

    /// The label depths, in order.
    var targets: Targets { Targets(start: targetsStart, count: count) }

    /// The label depths of a `br_table`, decoded lazily.
    struct Targets: Sequence {
        let start: UnsafeRawPointer
        let count: UInt32

        /// Creates an iterator over the label depths.
        func makeIterator() -> Iterator { Iterator(position: start, remaining: count) }

        /// The number of label depths.
        var underestimatedCount: Int { Int(count) }

        /// Decodes one label depth at a time.
        struct Iterator: IteratorProtocol {
            var position: UnsafeRawPointer
            var remaining: UInt32

            /// The next label depth, or `nil` after the last.
            @inline(__always)
            mutating func next() -> UInt32? {
                guard remaining > 0 else { return nil }
                remaining &-= 1
                var result: UInt32 = 0
                var shift: UInt32 = 0
                // The reader checked that each depth is a `u32` LEB128 of at most five bytes.
                for _ in 0..<5 {
                    let byte = position.load(as: UInt8.self)
                    position += 1
                    result |= UInt32(byte & 0x7F) << shift
                    if byte & 0x80 == 0 { break }
                    shift &+= 7
                }
                return result
            }
        }
    }

    /// Two tables are equal when they have the same targets and default.
    static func == (lhs: WasmBrTable, rhs: WasmBrTable) -> Bool {
        lhs.count == rhs.count && lhs.defaultDepth == rhs.defaultDepth
            && lhs.targets.elementsEqual(rhs.targets)
    }
}
