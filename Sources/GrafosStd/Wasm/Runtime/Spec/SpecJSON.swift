/// A JSON value, as read by ``SpecJSON/parse(_:)`` (numbers are kept as their text).
package enum SpecJSON: Sendable, Hashable {
    case object([String: SpecJSON])
    case array([SpecJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// The member `key` of an object.
    package subscript(key: String) -> SpecJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The text of a string (or of a number).
    package var text: String? {
        switch self {
        case .string(let text), .number(let text): text
        default: nil
        }
    }

    /// The elements of an array.
    package var elements: [SpecJSON]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// A number as an integer.
    package var int: Int? { text.flatMap { Int($0) } }

    /// Parses a JSON document (RFC 8259, without Foundation).
    /// - Throws: ``SpecJSONError`` with the byte offset of the problem.
    package static func parse(_ bytes: [UInt8]) throws(SpecJSONError) -> SpecJSON {
        var parser = SpecJSONParser(bytes: bytes)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.offset == bytes.count else { throw SpecJSONError(offset: parser.offset, "trailing characters") }
        return value
    }
}
