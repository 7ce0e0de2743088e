import Testing

@testable import GrafosStd

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func hashesMatchTheFIPSVectors(message: String, expected: String) {
        #expect(SHA256.hash(Array(message.utf8)).hex == expected)
    }

    @Test func aMillionAsMatchTheLongVector() {
        let digest = SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        #expect(digest.hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func incrementalUpdatesAgreeWithOneShotAtEverySplit() {
        let message = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = SHA256.hash(message)
        for split in [0, 1, 55, 56, 63, 64, 65, 127, 128, 199, 200] {
            var hasher = SHA256()
            hasher.update(message[..<split])
            hasher.update(message[split...])
            #expect(hasher.finalize() == expected, "split at \(split)")
        }
    }

    @Test func digestsRoundTripThroughHexAndBytes() throws {
        let digest = SHA256.hash(Array("grafos".utf8))
        #expect(Digest(hex: digest.hex) == digest)
        #expect(Digest(hex: digest.description) == digest)
        #expect(Digest(bytes: digest.bytes) == digest)
        #expect(Digest(hex: "xyz") == nil)
        #expect(Digest(hex: String(repeating: "g", count: 64)) == nil)
        #expect(Digest(bytes: [1, 2, 3]) == nil)
    }
}

@Suite struct HMACTests {
    private func bytes(hex: String) -> [UInt8] {
        let utf8 = Array(hex.utf8)
        return stride(from: 0, to: utf8.count, by: 2).map { hexValue(utf8[$0])! << 4 | hexValue(utf8[$0 + 1])! }
    }

    @Test func rfc4231TestCase1() {
        let code = HMACSHA256.authenticationCode(
            for: Array("Hi There".utf8),
            key: [UInt8](repeating: 0x0b, count: 20)
        )
        #expect(code.hex == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func rfc4231TestCase2() {
        let code = HMACSHA256.authenticationCode(
            for: Array("what do ya want for nothing?".utf8),
            key: Array("Jefe".utf8)
        )
        #expect(code.hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func rfc4231TestCase6WithAKeyLongerThanABlock() {
        let code = HMACSHA256.authenticationCode(
            for: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            key: [UInt8](repeating: 0xaa, count: 131)
        )
        #expect(code.hex == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func validationRejectsATamperedMessage() {
        let key = Array("secret".utf8)
        let code = HMACSHA256.authenticationCode(for: [1, 2, 3], key: key)
        #expect(HMACSHA256.isValid(code, for: [1, 2, 3], key: key))
        #expect(!HMACSHA256.isValid(code, for: [1, 2, 4], key: key))
        #expect(!HMACSHA256.isValid(code, for: [1, 2, 3], key: Array("Secret".utf8)))
    }
}
