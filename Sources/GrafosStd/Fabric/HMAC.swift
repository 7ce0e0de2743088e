/// HMAC-SHA-256 (RFC 2104), used to authenticate wire-protocol peers with a shared secret.
///
/// ```swift
/// let tag = HMACSHA256.authenticationCode(for: challenge, key: secret)
/// let ok = HMACSHA256.isValid(tag, for: challenge, key: secret)
/// ```
public enum HMACSHA256 {
    /// The authentication code of `message` under `key`.
    public static func authenticationCode(for message: some Sequence<UInt8>, key: some Sequence<UInt8>) -> Digest {
        var keyBytes = Array(key)
        if keyBytes.count > 64 { keyBytes = SHA256.hash(keyBytes).bytes }
        keyBytes.append(contentsOf: repeatElement(0, count: 64 - keyBytes.count))
        var inner = SHA256()
        inner.update(keyBytes.map { $0 ^ 0x36 })
        inner.update(message)
        let innerDigest = inner.finalize()
        var outer = SHA256()
        outer.update(keyBytes.map { $0 ^ 0x5c })
        outer.update(innerDigest.bytes)
        return outer.finalize()
    }

    /// Whether `code` authenticates `message` under `key`, compared in constant time.
    public static func isValid(_ code: Digest, for message: some Sequence<UInt8>, key: some Sequence<UInt8>) -> Bool {
        let expected = authenticationCode(for: message, key: key).bytes
        let given = code.bytes
        var difference: UInt8 = 0
        for index in 0..<32 { difference |= expected[index] ^ given[index] }
        return difference == 0
    }
}
