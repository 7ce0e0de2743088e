/// Appends big-endian integers, length-prefixed bytes and strings to a frame payload.
package struct WireWriter: Sendable {
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 64) {
        bytes.reserveCapacity(capacity)
    }

    package mutating func u8(_ value: UInt8) { bytes.append(value) }

    package mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    package mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    package mutating func u32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    package mutating func u64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    package mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }

    /// A count or index, as an unsigned 64-bit integer.
    package mutating func int(_ value: Int) { u64(UInt64(truncatingIfNeeded: value)) }

    package mutating func bytes(_ value: [UInt8]) {
        u32(UInt32(truncatingIfNeeded: value.count))
        bytes.append(contentsOf: value)
    }

    package mutating func raw(_ value: [UInt8]) { bytes.append(contentsOf: value) }

    package mutating func string(_ value: String) { bytes(Array(value.utf8)) }

    package mutating func optionalString(_ value: String?) {
        bool(value != nil)
        if let value { string(value) }
    }

    package mutating func strings(_ values: [String]) {
        u32(UInt32(truncatingIfNeeded: values.count))
        for value in values { string(value) }
    }

    package mutating func duration(_ value: Duration) { i64(value.fabricNanoseconds) }

    package mutating func leaseID(_ id: LeaseID) {
        u64(id.high)
        u64(id.low)
    }

    package mutating func credential(_ credential: LeaseCredential) {
        leaseID(credential.id)
        u64(credential.token.high)
        u64(credential.token.low)
    }

    package mutating func digest(_ digest: Digest) { raw(digest.bytes) }
}

/// Reads what ``WireWriter`` wrote; every read is bounds-checked and fails with ``WireError/malformed(_:)``.
package struct WireReader: Sendable {
    private let data: [UInt8]
    private var offset = 0

    package init(_ bytes: [UInt8]) {
        self.data = bytes
    }

    package var isAtEnd: Bool { offset == data.count }

    private mutating func take(_ count: Int, _ what: String) throws(WireError) -> ArraySlice<UInt8> {
        guard count >= 0, data.count - offset >= count else {
            throw WireError.malformed("truncated \(what) at byte \(offset) of \(data.count)")
        }
        defer { offset += count }
        return data[offset..<offset + count]
    }

    package mutating func u8() throws(WireError) -> UInt8 { try take(1, "u8").first! }

    package mutating func bool() throws(WireError) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        case let other: throw WireError.malformed("a boolean must be 0 or 1, not \(other)")
        }
    }

    package mutating func u16() throws(WireError) -> UInt16 {
        try take(2, "u16").reduce(0) { $0 << 8 | UInt16($1) }
    }

    package mutating func u32() throws(WireError) -> UInt32 {
        try take(4, "u32").reduce(0) { $0 << 8 | UInt32($1) }
    }

    package mutating func u64() throws(WireError) -> UInt64 {
        try take(8, "u64").reduce(0) { $0 << 8 | UInt64($1) }
    }

    package mutating func i64() throws(WireError) -> Int64 { Int64(bitPattern: try u64()) }

    /// A count or index; values beyond `Int.max` are malformed.
    package mutating func int() throws(WireError) -> Int {
        let value = try u64()
        guard value <= UInt64(Int.max) else { throw WireError.malformed("integer \(value) out of range") }
        return Int(value)
    }

    package mutating func bytes() throws(WireError) -> [UInt8] {
        let count = Int(try u32())
        return Array(try take(count, "byte string of \(count) bytes"))
    }

    package mutating func raw(_ count: Int) throws(WireError) -> [UInt8] { Array(try take(count, "\(count) bytes")) }

    package mutating func string() throws(WireError) -> String {
        let utf8 = try bytes()
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw WireError.malformed("a string is not valid UTF-8")
        }
        return text
    }

    package mutating func optionalString() throws(WireError) -> String? {
        try bool() ? try string() : nil
    }

    package mutating func strings() throws(WireError) -> [String] {
        let count = Int(try u32())
        guard count <= data.count - offset else { throw WireError.malformed("string list of \(count) is too long") }
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try string()) }
        return values
    }

    package mutating func duration() throws(WireError) -> Duration { .nanoseconds(try i64()) }

    package mutating func leaseID() throws(WireError) -> LeaseID { LeaseID(high: try u64(), low: try u64()) }

    package mutating func credential() throws(WireError) -> LeaseCredential {
        LeaseCredential(id: try leaseID(), token: LeaseToken(high: try u64(), low: try u64()))
    }

    package mutating func digest() throws(WireError) -> Digest { Digest(bytes: try raw(32))! }

    /// Fails unless every byte was read.
    package func finish() throws(WireError) {
        guard isAtEnd else { throw WireError.malformed("\(data.count - offset) unexpected trailing bytes") }
    }
}

/// A wire-protocol failure.
package enum WireError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A frame or payload does not follow the protocol.
    case malformed(String)
    /// A frame is larger than the limit.
    case frameTooLarge(Int, limit: Int)
    /// The peer speaks another protocol version.
    case unsupportedVersion(UInt8)
    /// Authentication failed.
    case unauthenticated(String)
    /// The connection is gone.
    case closed(String)

    package var description: String {
        switch self {
        case .malformed(let detail): "malformed frame: \(detail)"
        case .frameTooLarge(let size, let limit): "frame of \(size) bytes exceeds the \(limit)-byte limit"
        case .unsupportedVersion(let version): "unsupported protocol version \(version)"
        case .unauthenticated(let detail): "authentication failed: \(detail)"
        case .closed(let detail): "connection closed: \(detail)"
        }
    }
}
