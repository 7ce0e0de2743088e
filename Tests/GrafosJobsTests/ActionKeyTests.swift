import GrafosJobs
import GrafosStd
import Testing

/// The action key's byte layout, pinned by vectors computed independently from its documentation.
@Suite struct ActionKeyTests {
    /// `(module)` with every default: no input, the default limits, deterministic, no arguments, environment or salt.
    @Test func theMinimalActionsKeyAndPreimageArePinned() {
        let action = TaskletAction(module: Array("(module)".utf8))
        let expected = [
            "677261666f732e616374696f6e2e76311885772b94ca41b360d9bd07535547f4c8ef16cbe7e49d2c8e9780247e26c4de",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550100e40b540200000000000001000000",
            "000000010000000000000000100000000010270000000000000000000000000000000101000000000000000000000000",
            "000000000000000000000000",
        ].joined()
        #expect(hex(ActionKey.preimage(action)) == expected)
        #expect(action.key.hex == "7c88bc571c8364339cbebaf1c3822b26ac5fa47b88757c1615ffa414c91b74d0")
        #expect(action.key.objectKey == "cache/7c88bc571c8364339cbebaf1c3822b26ac5fa47b88757c1615ffa414c91b74d0")
    }

    @Test func everyFieldIsInTheKey() {
        var limits = TaskletLimits.default
        limits.deadline = .seconds(2)
        let action = TaskletAction(module: [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00], limits: limits)
            .input([1, 2, 3])
            .fuel(5_000_000)
            .arguments(["-O2", "main.c"])
            .environment(["PATH": "/bin", "CC": "clang", "Z": ""])
            .salt("toolchain-1")
        #expect(ActionKey.preimage(action).count == 235)
        #expect(action.key.hex == "57189c8373426308eb259cf52c8a10796933e2cdfa3811cd236baa43450c437e")
        let unlimited = TaskletAction(module: Array("(module)".utf8), input: Array("hello".utf8))
            .fuel(nil)
            .deterministic(false)
        #expect(unlimited.key.hex == "b74f29bfb81f2ea23444ff83743f9ae08f30581f91a960d01db856a454d75178")
    }

    @Test func theCacheOptionsAreNotInTheKeyButTheSaltIs() {
        let base = TaskletAction(module: [1, 2, 3]).input([4])
        #expect(base.doNotCache().key == base.key)
        #expect(base.skipLookup().key == base.key)
        #expect(base.salt("x").key != base.key)
        #expect(base.input([5]).key != base.key)
        #expect(base.fuel(1).key != base.key)
        #expect(base.environment(["A": "1"]).key != base.environment(["A": "2"]).key)
        #expect(ActionKey(hex: base.key.hex) == base.key)
    }

    @Test func aSuppliedInputDigestGivesTheSameKeyAndIsForgottenWithTheInput() {
        let base = TaskletAction(module: [1, 2, 3])
        let input: [UInt8] = Array("an input shared by several actions".utf8)
        let known = base.input(input, digest: SHA256.hash(input))
        #expect(known.key == base.input(input).key)
        #expect(known.inputDigest == SHA256.hash(input))
        #expect(known == base.input(input))
        // A wrong digest makes a wrong key (the documented contract) — and setting the input again forgets it.
        let wrong = base.input(input, digest: SHA256.hash([9]))
        #expect(wrong.key != base.input(input).key)
        var reset = wrong
        reset.input = input
        #expect(reset.key == base.input(input).key)
        #expect(wrong.input([4]).key == base.input([4]).key)
    }

    private func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}
