/// A WebAssembly binary that does not follow the binary format ("malformed" in the spec's terms).
///
/// The ``reason`` uses the wording of the WebAssembly reference interpreter (the texts the spec test suite
/// expects from `assert_malformed`), ``offset`` is the byte offset in the module where decoding stopped, and
/// ``detail`` adds what was found there when that helps a reader fix the producer of the module.
///
/// ```swift
/// do {
///     _ = try WasmModule(parsing: bytes)
/// } catch {
///     print(error)  // "unexpected end at byte offset 0x1f (section 10)"
/// }
/// ```
package struct WasmDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why decoding failed, worded as in the WebAssembly specification's test suite.
    package enum Reason: String, Sendable, Hashable, CaseIterable {
        /// The input ended before a complete module was read.
        case unexpectedEnd = "unexpected end"
        /// A section, function body or segment ended before its contents were complete.
        case unexpectedEndOfSectionOrFunction = "unexpected end of section or function"
        /// A LEB128 integer uses more bytes than its type allows.
        case integerRepresentationTooLong = "integer representation too long"
        /// A LEB128 integer's last byte sets bits beyond the width of its type.
        case integerTooLarge = "integer too large"
        /// A section's declared size differs from the size of its contents.
        case sectionSizeMismatch = "section size mismatch"
        /// A section id is not one of the ids the format defines.
        case malformedSectionID = "malformed section id"
        /// The module does not start with `\0asm`.
        case magicHeaderNotDetected = "magic header not detected"
        /// The binary version is not 1.
        case unknownBinaryVersion = "unknown binary version"
        /// A name is not valid UTF-8.
        case malformedUTF8 = "malformed UTF-8 encoding"
        /// A function declares more than 2³² − 1 locals.
        case tooManyLocals = "too many locals"
        /// The function and code sections declare different numbers of functions.
        case functionAndCodeInconsistent = "function and code section have inconsistent lengths"
        /// The data count section and the data section declare different numbers of segments.
        case dataCountInconsistent = "data count and data section have inconsistent lengths"
        /// `memory.init` or `data.drop` is used without a data count section.
        case dataCountSectionRequired = "data count section required"
        /// A byte that should be a reference type (`funcref`, `externref`) is not one.
        case malformedReferenceType = "malformed reference type"
        /// A byte that should be a value type is not one.
        case malformedValueType = "malformed value type"
        /// A function type does not start with `0x60`.
        case malformedFunctionType = "malformed function type"
        /// A reserved immediate byte (a memory index in 2.0) is not zero.
        case zeroByteExpected = "zero byte expected"
        /// An opcode is not defined by WebAssembly 2.0.
        case illegalOpcode = "illegal opcode"
        /// A global's mutability flag is neither 0 nor 1.
        case malformedMutability = "malformed mutability"
        /// An import's kind byte is not function, table, memory or global.
        case malformedImportKind = "malformed import kind"
        /// An export's kind byte is not function, table, memory or global.
        case malformedExportKind = "malformed export kind"
        /// A length or count is larger than the bytes that remain.
        case lengthOutOfBounds = "length out of bounds"
        /// An element segment's flags are not one of the eight encodings.
        case malformedElementsSegmentKind = "malformed elements segment kind"
        /// An element segment's element kind is not `0x00` (funcref).
        case malformedElementKind = "malformed element kind"
        /// A data segment's flags are not one of the three encodings.
        case malformedDataSegmentKind = "malformed data segment kind"
        /// A memory instruction's alignment field is out of range.
        case malformedMemopFlags = "malformed memop flags"
        /// A block, function body or constant expression is not closed by `end`.
        case endOpcodeExpected = "END opcode expected"
        /// A section appears out of order, twice, or bytes follow the last section.
        case unexpectedContentAfterLastSection = "unexpected content after last section"
    }

    /// Why decoding failed.
    package var reason: Reason
    /// The byte offset in the module where the problem was found.
    package var offset: Int
    /// Extra context, such as the byte found or the section being read.
    package var detail: String?

    /// Creates a decoding error.
    /// - Parameters:
    ///   - reason: why decoding failed.
    ///   - offset: the byte offset in the module where the problem was found.
    ///   - detail: optional context for the reader.
    package init(_ reason: Reason, offset: Int, detail: String? = nil) {
        self.reason = reason
        self.offset = offset
        self.detail = detail
    }

    /// The spec's wording followed by the offset and any detail.
    package var description: String {
        var text = "\(reason.rawValue) at byte offset 0x\(String(offset, radix: 16))"
        if let detail { text += " (\(detail))" }
        return text
    }
}
