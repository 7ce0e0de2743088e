/// LEB128 integers as the WebAssembly binary format encodes them.
///
/// An N-bit integer takes at most ⌈N/7⌉ bytes ("integer representation too long" otherwise), and the unused
/// bits of its last byte must be zero for unsigned integers and copies of the sign bit for signed ones
/// ("integer too large" otherwise). Single-byte values, by far the most common, take a fast path.
extension ByteReader {
    /// Reads an unsigned 32-bit LEB128 integer (`u32`).
    @inline(__always)
    mutating func readVarUInt32() throws(WasmDecodingError) -> UInt32 {
        guard offset < limit else { throw endError() }
        let first = bytes[offset]
        if first < 0x80 {
            offset &+= 1
            return UInt32(first)
        }
        return UInt32(truncatingIfNeeded: try readUnsignedLEB128(bits: 32))
    }

    /// Reads an unsigned 64-bit LEB128 integer (`u64`).
    mutating func readVarUInt64() throws(WasmDecodingError) -> UInt64 {
        try readUnsignedLEB128(bits: 64)
    }

    /// Reads a 1-bit unsigned LEB128 integer, the encoding of limits flags in 2.0.
    mutating func readVarUInt1() throws(WasmDecodingError) -> Bool {
        try readUnsignedLEB128(bits: 1) != 0
    }

    /// Reads a signed 32-bit LEB128 integer (`s32`, the immediate of `i32.const`).
    @inline(__always)
    mutating func readVarInt32() throws(WasmDecodingError) -> Int32 {
        guard offset < limit else { throw endError() }
        let first = bytes[offset]
        if first < 0x80 {
            offset &+= 1
            return Int32(Int8(bitPattern: first << 1) >> 1)
        }
        return Int32(truncatingIfNeeded: try readSignedLEB128(bits: 32))
    }

    /// Reads a signed 33-bit LEB128 integer (`s33`, the encoding of block type indices).
    mutating func readVarInt33() throws(WasmDecodingError) -> Int64 {
        try readSignedLEB128(bits: 33)
    }

    /// Reads a signed 64-bit LEB128 integer (`s64`, the immediate of `i64.const`).
    @inline(__always)
    mutating func readVarInt64() throws(WasmDecodingError) -> Int64 {
        guard offset < limit else { throw endError() }
        let first = bytes[offset]
        if first < 0x80 {
            offset &+= 1
            return Int64(Int8(bitPattern: first << 1) >> 1)
        }
        return try readSignedLEB128(bits: 64)
    }

    /// Reads an unsigned LEB128 integer of at most `bits` bits (1...64).
    mutating func readUnsignedLEB128(bits: Int) throws(WasmDecodingError) -> UInt64 {
        let maxBytes = (bits &+ 6) / 7
        let usedInLast = bits &- 7 &* (maxBytes &- 1)
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = 1
        while true {
            let byte = try readByte()
            if index == maxBytes {
                if byte & 0x80 != 0 { throw error(.integerRepresentationTooLong, at: offset &- 1) }
                let unused = UInt8(0x7F) & ~((UInt8(1) << UInt8(usedInLast)) &- 1)
                if byte & unused != 0 { throw error(.integerTooLarge, at: offset &- 1) }
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift &+= 7
            index &+= 1
        }
    }

    /// Reads a signed LEB128 integer of at most `bits` bits (7...64), sign-extended to 64 bits.
    mutating func readSignedLEB128(bits: Int) throws(WasmDecodingError) -> Int64 {
        let maxBytes = (bits &+ 6) / 7
        let usedInLast = bits &- 7 &* (maxBytes &- 1)
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = 1
        while true {
            let byte = try readByte()
            if index == maxBytes {
                if byte & 0x80 != 0 { throw error(.integerRepresentationTooLong, at: offset &- 1) }
                // The sign bit and every bit above it must agree.
                let signAndAbove = (UInt8(0x7F) << UInt8(usedInLast &- 1)) & 0x7F
                let bitsFound = byte & signAndAbove
                if bitsFound != 0 && bitsFound != signAndAbove { throw error(.integerTooLarge, at: offset &- 1) }
            }
            result |= UInt64(byte & 0x7F) << shift
            shift &+= 7
            if byte & 0x80 == 0 {
                if shift < 64 && byte & 0x40 != 0 { result |= ~0 << shift }
                return Int64(bitPattern: result)
            }
            index &+= 1
        }
    }
}
