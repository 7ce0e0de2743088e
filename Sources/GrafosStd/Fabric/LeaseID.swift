/// A lease's identity: 128 random bits, unguessable, printed as 32 hex digits.
public struct LeaseID: Hashable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    /// The high 64 bits.
    public var high: UInt64
    /// The low 64 bits.
    public var low: UInt64

    /// Creates an id from its two halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses 32 hex digits, as printed by `description`.
    public init?(_ description: String) {
        guard let (high, low) = parseHex128(description) else { return nil }
        self.init(high: high, low: low)
    }

    /// A fresh id drawn from `generator`.
    public static func random(using generator: inout some RandomNumberGenerator) -> LeaseID {
        LeaseID(high: generator.next(), low: generator.next())
    }

    /// 32 lowercase hex digits.
    public var description: String { hex128(high, low) }
}

/// The secret that proves a caller holds a lease: 128 random bits handed out only to the acquirer.
///
/// Operations on a lease present its ``LeaseCredential`` (id plus token); a wrong token is refused with
/// ``FabricError/Code/notHolder``. Its description never prints the secret.
public struct LeaseToken: Hashable, Sendable, CustomStringConvertible {
    /// The high 64 bits.
    public var high: UInt64
    /// The low 64 bits.
    public var low: UInt64

    /// Creates a token from its two halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A fresh token drawn from `generator`.
    public static func random(using generator: inout some RandomNumberGenerator) -> LeaseToken {
        LeaseToken(high: generator.next(), low: generator.next())
    }

    /// `LeaseToken(redacted)`: tokens are secrets.
    public var description: String { "LeaseToken(redacted)" }
}

/// What a holder presents to operate on a lease: its id and its token.
public struct LeaseCredential: Hashable, Sendable, CustomStringConvertible {
    /// The lease.
    public var id: LeaseID
    /// The holder's proof.
    public var token: LeaseToken

    /// Creates a credential.
    public init(id: LeaseID, token: LeaseToken) {
        self.id = id
        self.token = token
    }

    /// The lease id (the token is never printed).
    public var description: String { id.description }
}

private let hexDigits: [Character] = Array("0123456789abcdef")

private func hex128(_ high: UInt64, _ low: UInt64) -> String {
    var characters: [Character] = []
    characters.reserveCapacity(32)
    for word in [high, low] {
        for shift in stride(from: 60, through: 0, by: -4) {
            characters.append(hexDigits[Int((word >> UInt64(shift)) & 0xF)])
        }
    }
    return String(characters)
}

private func parseHex128(_ text: String) -> (UInt64, UInt64)? {
    let utf8 = Array(text.utf8)
    guard utf8.count == 32 else { return nil }
    var words: [UInt64] = [0, 0]
    for (index, byte) in utf8.enumerated() {
        guard let nibble = hexValue(byte) else { return nil }
        words[index / 16] = words[index / 16] << 4 | UInt64(nibble)
    }
    return (words[0], words[1])
}

/// The value of an ASCII hex digit, either case.
package func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
