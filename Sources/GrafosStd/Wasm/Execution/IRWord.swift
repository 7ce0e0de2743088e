/// Encoding and decoding of the fields of an IR instruction word (see ``IROpcode``).
///
/// The first word of an instruction is `opcode | A << 16 | B << 32 | C << 48`, where `A`, `B` and `C` are frame
/// slot indices (or `BC` a 32-bit immediate). A branch *edge* word is `UInt32(bitPattern: offset) | fuel << 32`:
/// the target relative to the branching instruction's first word, in words, and the fuel cost of the region
/// that starts at the target.
enum IRWord {
    /// The first word of an instruction.
    @inline(__always)
    static func make(_ opcode: IROpcode, a: Int = 0, b: Int = 0, c: Int = 0) -> UInt64 {
        opcode.code | UInt64(UInt16(truncatingIfNeeded: a)) << 16 | UInt64(UInt16(truncatingIfNeeded: b)) << 32
            | UInt64(UInt16(truncatingIfNeeded: c)) << 48
    }

    /// The first word of an instruction with slot A and a 32-bit immediate BC.
    @inline(__always)
    static func make(_ opcode: IROpcode, a: Int = 0, bc: UInt32) -> UInt64 {
        opcode.code | UInt64(UInt16(truncatingIfNeeded: a)) << 16 | UInt64(bc) << 32
    }

    /// Slot A.
    @inline(__always)
    static func a(_ word: UInt64) -> Int { Int(truncatingIfNeeded: (word >> 16) & 0xFFFF) }

    /// Slot B.
    @inline(__always)
    static func b(_ word: UInt64) -> Int { Int(truncatingIfNeeded: (word >> 32) & 0xFFFF) }

    /// Slot C.
    @inline(__always)
    static func c(_ word: UInt64) -> Int { Int(truncatingIfNeeded: word >> 48) }

    /// The 32-bit immediate BC.
    @inline(__always)
    static func bc(_ word: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: word >> 32) }

    /// Slot A of the instruction at `pc`, read with a 16-bit load (one instruction instead of a shift and mask).
    @inline(__always)
    static func a(_ pc: UnsafeMutablePointer<UInt64>) -> Int {
        #if _endian(little)
        Int(UnsafeRawPointer(pc).load(fromByteOffset: 2, as: UInt16.self))
        #else
        a(pc.pointee)
        #endif
    }

    /// Slot B of the instruction at `pc`.
    @inline(__always)
    static func b(_ pc: UnsafeMutablePointer<UInt64>) -> Int {
        #if _endian(little)
        Int(UnsafeRawPointer(pc).load(fromByteOffset: 4, as: UInt16.self))
        #else
        b(pc.pointee)
        #endif
    }

    /// Slot C of the instruction at `pc`.
    @inline(__always)
    static func c(_ pc: UnsafeMutablePointer<UInt64>) -> Int {
        #if _endian(little)
        Int(UnsafeRawPointer(pc).load(fromByteOffset: 6, as: UInt16.self))
        #else
        c(pc.pointee)
        #endif
    }

    /// Replaces slot A (used when the translator redirects a result into a local).
    @inline(__always)
    static func replacingA(_ word: UInt64, with a: Int) -> UInt64 {
        (word & ~(0xFFFF << 16)) | UInt64(UInt16(truncatingIfNeeded: a)) << 16
    }

    /// The relative target of an edge word, in words.
    @inline(__always)
    static func edgeOffset(_ edge: UInt64) -> Int { Int(Int32(truncatingIfNeeded: edge)) }

    /// The fuel cost carried by an edge word.
    @inline(__always)
    static func edgeFuel(_ edge: UInt64) -> Int64 { Int64(edge >> 32) }
}
