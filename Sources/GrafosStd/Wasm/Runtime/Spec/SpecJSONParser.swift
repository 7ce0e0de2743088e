/// A recursive-descent JSON parser over bytes.
struct SpecJSONParser {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipSpace() {
        while offset < bytes.count,
            bytes[offset] == 0x20 || bytes[offset] == 0x0A || bytes[offset] == 0x0D
                || bytes[offset] == 0x09
        {
            offset += 1
        }
    }

    mutating func expect(_ byte: UInt8) throws(SpecJSONError) {
        guard offset < bytes.count, bytes[offset] == byte else {
            throw SpecJSONError(offset: offset, "expected '\(Character(Unicode.Scalar(byte)))'")
        }
        offset += 1
    }

    mutating func literal(_ text: String, _ value: SpecJSON) throws(SpecJSONError) -> SpecJSON {
        for byte in text.utf8 { try expect(byte) }
        return value
    }

    mutating func value(depth: Int) throws(SpecJSONError) -> SpecJSON {
        guard depth < 256 else { throw SpecJSONError(offset: offset, "nesting too deep") }
        guard offset < bytes.count else { throw SpecJSONError(offset: offset, "unexpected end") }
        switch bytes[offset] {
        case UInt8(ascii: "{"):
            offset += 1
            var members: [String: SpecJSON] = [:]
            skipSpace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
                offset += 1
                return .object(members)
            }
            while true {
                skipSpace()
                let key = try string()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                members[key] = try value(depth: depth + 1)
                skipSpace()
                guard offset < bytes.count else { throw SpecJSONError(offset: offset, "unexpected end") }
                if bytes[offset] == UInt8(ascii: ",") {
                    offset += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                return .object(members)
            }
        case UInt8(ascii: "["):
            offset += 1
            var elements: [SpecJSON] = []
            skipSpace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                offset += 1
                return .array(elements)
            }
            while true {
                skipSpace()
                elements.append(try value(depth: depth + 1))
                skipSpace()
                guard offset < bytes.count else { throw SpecJSONError(offset: offset, "unexpected end") }
                if bytes[offset] == UInt8(ascii: ",") {
                    offset += 1
                    continue
                }
                try expect(UInt8(ascii: "]"))
                return .array(elements)
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default:
            let start = offset
            while offset < bytes.count,
                let scalar = Optional(bytes[offset]),
                (scalar >= 0x30 && scalar <= 0x39) || scalar == UInt8(ascii: "-") || scalar == UInt8(ascii: "+")
                    || scalar == UInt8(ascii: ".") || scalar == UInt8(ascii: "e") || scalar == UInt8(ascii: "E")
            {
                offset += 1
            }
            guard offset > start else { throw SpecJSONError(offset: offset, "unexpected character") }
            return .number(String(decoding: bytes[start..<offset], as: UTF8.self))
        }
    }

    mutating func string() throws(SpecJSONError) -> String {
        try expect(UInt8(ascii: "\""))
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            if !run.isEmpty {
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll()
            }
        }
        while true {
            guard offset < bytes.count else { throw SpecJSONError(offset: offset, "unterminated string") }
            let byte = bytes[offset]
            offset += 1
            if byte == UInt8(ascii: "\"") { break }
            if byte != UInt8(ascii: "\\") {
                run.append(byte)
                continue
            }
            guard offset < bytes.count else { throw SpecJSONError(offset: offset, "unterminated escape") }
            let escape = bytes[offset]
            offset += 1
            switch escape {
            case UInt8(ascii: "n"): run.append(0x0A)
            case UInt8(ascii: "t"): run.append(0x09)
            case UInt8(ascii: "r"): run.append(0x0D)
            case UInt8(ascii: "b"): run.append(0x08)
            case UInt8(ascii: "f"): run.append(0x0C)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if code >= 0xD800 && code < 0xDC00, offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
                    bytes[offset + 1] == UInt8(ascii: "u")
                {
                    offset += 2
                    let low = try hex4()
                    code = 0x10000 + ((code - 0xD800) << 10) + (low &- 0xDC00)
                }
                flush()
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: run.append(escape)
            }
        }
        flush()
        return String(scalars)
    }

    mutating func hex4() throws(SpecJSONError) -> UInt32 {
        guard offset + 4 <= bytes.count,
            let value = UInt32(String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self), radix: 16)
        else { throw SpecJSONError(offset: offset, "bad \\u escape") }
        offset += 4
        return value
    }
}
