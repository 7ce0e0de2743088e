/// A forward-only cursor over the bytes of a WebAssembly module.
///
/// The reader never reads outside `bytes` and never past ``limit``, the end of the region being decoded (the
/// whole module, a section, a function body). Running into ``limit`` throws a ``WasmDecodingError`` whose
/// reason is ``endReason``, so the caller decides whether that is an "unexpected end" of the module or of a
/// section or function.
///
/// The reader borrows its bytes: it is only valid inside the `withUnsafeBytes` call that produced them.
struct ByteReader {
    /// The whole module.
    let bytes: UnsafeRawBufferPointer
    /// The position of the next byte to read.
    var offset: Int
    /// The end of the region being decoded; reads stop here.
    var limit: Int
    /// The reason reported when a read runs into ``limit``.
    var endReason: WasmDecodingError.Reason

    /// Creates a reader over `bytes[range]`.
    /// - Parameters:
    ///   - bytes: the whole module; offsets in errors are relative to its start.
    ///   - range: the region to read; defaults to all of `bytes`.
    ///   - endReason: the reason reported when a read runs past the region.
    init(
        bytes: UnsafeRawBufferPointer,
        range: Range<Int>? = nil,
        endReason: WasmDecodingError.Reason = .unexpectedEnd
    ) {
        self.bytes = bytes
        let range = range ?? 0..<bytes.count
        self.offset = max(0, range.lowerBound)
        self.limit = min(bytes.count, max(self.offset, range.upperBound))
        self.endReason = endReason
    }

    /// Whether every byte of the region has been read.
    @inline(__always)
    var isAtEnd: Bool { offset >= limit }

    /// The number of bytes left in the region.
    @inline(__always)
    var remaining: Int { limit &- offset }

    /// An error of `reason` at `offset` (the current position when `nil`).
    func error(_ reason: WasmDecodingError.Reason, at offset: Int? = nil, detail: String? = nil) -> WasmDecodingError {
        WasmDecodingError(reason, offset: offset ?? self.offset, detail: detail)
    }

    /// The error for a read that ran into ``limit``.
    @inline(never)
    func endError() -> WasmDecodingError {
        WasmDecodingError(endReason, offset: offset)
    }

    /// Reads one byte.
    /// - Throws: ``endReason`` when the region is exhausted.
    @inline(__always)
    mutating func readByte() throws(WasmDecodingError) -> UInt8 {
        guard offset < limit else { throw endError() }
        let byte = bytes[offset]
        offset &+= 1
        return byte
    }

    /// The next byte without consuming it, or `nil` at the end of the region.
    @inline(__always)
    func peekByte() -> UInt8? {
        offset < limit ? bytes[offset] : nil
    }

    /// Skips `count` bytes and returns their range.
    /// - Throws: ``endReason`` when fewer than `count` bytes remain in the region.
    mutating func readBytes(count: Int) throws(WasmDecodingError) -> Range<Int> {
        guard count >= 0, count <= remaining else {
            offset = limit
            throw endError()
        }
        let start = offset
        offset &+= count
        return start..<offset
    }

    /// Reads the length of a vector: a `u32` that cannot exceed the bytes left, since every element takes at
    /// least one byte. Callers may therefore reserve capacity for the result without trusting the input.
    /// - Throws: ``endReason`` when the count exceeds the bytes left in the region.
    mutating func readCount() throws(WasmDecodingError) -> Int {
        let start = offset
        let count = Int(try readVarUInt32())
        guard count <= remaining else {
            throw error(endReason, at: start, detail: "\(count) elements declared, \(remaining) bytes left")
        }
        return count
    }

    /// Reads a size prefix (of a section or function body) and checks that the module holds that many bytes.
    /// - Returns: the range of the sized contents, which starts at the current position.
    /// - Throws: "length out of bounds" when the module is shorter than the declared size.
    mutating func readSizedRange() throws(WasmDecodingError) -> Range<Int> {
        let start = offset
        let size = Int(try readVarUInt32())
        guard size <= bytes.count &- offset else {
            throw error(.lengthOutOfBounds, at: start, detail: "size \(size), \(bytes.count &- offset) bytes left")
        }
        return offset..<(offset &+ size)
    }

    /// Reads a name: a length-prefixed, strictly valid UTF-8 string.
    /// - Throws: "length out of bounds", ``endReason`` or "malformed UTF-8 encoding".
    mutating func readName() throws(WasmDecodingError) -> String {
        let start = offset
        let length = Int(try readVarUInt32())
        guard length <= bytes.count &- offset else {
            throw error(.lengthOutOfBounds, at: start, detail: "name of \(length) bytes, \(bytes.count &- offset) left")
        }
        let range = try readBytes(count: length)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
        guard UTF8Validation.isValid(slice) else { throw error(.malformedUTF8, at: start) }
        return String(decoding: slice, as: UTF8.self)
    }

    /// Reads a value type byte.
    /// - Throws: "malformed value type" for a byte that is not a 2.0 value type.
    mutating func readValueType() throws(WasmDecodingError) -> WasmValueType {
        let byte = try readByte()
        guard let type = WasmValueType(rawValue: byte) else {
            throw error(.malformedValueType, at: offset &- 1, detail: "byte 0x\(String(byte, radix: 16))")
        }
        return type
    }

    /// Reads a reference type byte (`funcref` or `externref`).
    /// - Throws: "malformed reference type" for any other byte.
    mutating func readReferenceType() throws(WasmDecodingError) -> WasmValueType {
        let byte = try readByte()
        guard let type = WasmValueType(rawValue: byte), type.isReference else {
            throw error(.malformedReferenceType, at: offset &- 1, detail: "byte 0x\(String(byte, radix: 16))")
        }
        return type
    }

    /// Reads a byte that must be zero (a reserved memory index in 2.0).
    /// - Throws: "zero byte expected" for any other byte.
    @inline(__always)
    mutating func readZeroByte() throws(WasmDecodingError) {
        guard try readByte() == 0 else { throw error(.zeroByteExpected, at: offset &- 1) }
    }

    /// Reads a little-endian 32-bit value.
    mutating func readUInt32LittleEndian() throws(WasmDecodingError) -> UInt32 {
        guard remaining >= 4 else {
            offset = limit
            throw endError()
        }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset &+= 4
        return UInt32(littleEndian: value)
    }

    /// Reads a little-endian 64-bit value.
    mutating func readUInt64LittleEndian() throws(WasmDecodingError) -> UInt64 {
        guard remaining >= 8 else {
            offset = limit
            throw endError()
        }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset &+= 8
        return UInt64(littleEndian: value)
    }
}
