import Testing

#if canImport(GrafosWasmDev)
@testable import GrafosWasmDev
#else
@testable import GrafosStd
#endif

@Suite struct LEB128Tests {
    typealias Reason = WasmDecodingError.Reason

    @Test(
        arguments: [
            ([0x00], 0),
            ([0x7F], 127),
            ([0x80, 0x01], 128),
            ([0xE5, 0x8E, 0x26], 624_485),
            ([0x80, 0x80, 0x80, 0x80, 0x00], 0),  // padded with redundant zero groups: allowed up to 5 bytes
            ([0xFF, 0xFF, 0xFF, 0xFF, 0x0F], 4_294_967_295),
        ] as [([UInt8], UInt32)]
    )
    func unsigned32BitValuesDecode(bytes: [UInt8], expected: UInt32) throws {
        let result = WasmTestBytes.read(bytes) { (reader) throws(WasmDecodingError) in
            let value = try reader.readVarUInt32()
            #expect(reader.isAtEnd)
            return value
        }
        #expect(try result.get() == expected)
    }

    @Test(
        arguments: [
            ([0x80, 0x80, 0x80, 0x80, 0x80, 0x00], Reason.integerRepresentationTooLong),
            ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], .integerRepresentationTooLong),
            ([0xFF, 0xFF, 0xFF, 0xFF, 0x1F], .integerTooLarge),
            ([0x80, 0x80, 0x80, 0x80, 0x10], .integerTooLarge),
            ([0x82, 0x80, 0x80, 0x80, 0x70], .integerTooLarge),
            ([0x80], .unexpectedEnd),
            ([], .unexpectedEnd),
        ] as [([UInt8], Reason)]
    )
    func unsigned32BitOverlongOrOversizedValuesFail(bytes: [UInt8], reason: Reason) {
        let result = WasmTestBytes.read(bytes) { (reader) throws(WasmDecodingError) in try reader.readVarUInt32() }
        #expect(throws: WasmDecodingError.self) { try result.get() }
        if case .failure(let error) = result { #expect(error.reason == reason) }
    }

    @Test(
        arguments: [
            ([0x00], 0),
            ([0x7F], -1),
            ([0x3F], 63),
            ([0x40], -64),
            ([0x80, 0x7F], -128),
            ([0xFF, 0xFF, 0xFF, 0xFF, 0x07], Int32.max),
            ([0x80, 0x80, 0x80, 0x80, 0x78], Int32.min),
            ([0xFF, 0xFF, 0xFF, 0xFF, 0x7F], -1),  // redundant sign groups are allowed within 5 bytes
        ] as [([UInt8], Int32)]
    )
    func signed32BitValuesDecode(bytes: [UInt8], expected: Int32) throws {
        let result = WasmTestBytes.read(bytes) { (reader) throws(WasmDecodingError) in try reader.readVarInt32() }
        #expect(try result.get() == expected)
    }

    @Test(
        arguments: [
            ([0xFF, 0xFF, 0xFF, 0xFF, 0x0F], Reason.integerTooLarge),  // sign bit set, bits above it clear
            ([0x80, 0x80, 0x80, 0x80, 0x70], .integerTooLarge),  // sign bit clear, bits above it set
            ([0xFF, 0xFF, 0xFF, 0xFF, 0x4F], .integerTooLarge),
            ([0x80, 0x80, 0x80, 0x80, 0x80, 0x00], .integerRepresentationTooLong),
            ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], .integerRepresentationTooLong),
        ] as [([UInt8], Reason)]
    )
    func signed32BitInvalidEncodingsFail(bytes: [UInt8], reason: Reason) {
        let result = WasmTestBytes.read(bytes) { (reader) throws(WasmDecodingError) in try reader.readVarInt32() }
        #expect(throws: WasmDecodingError.self) { try result.get() }
        if case .failure(let error) = result { #expect(error.reason == reason) }
    }

    @Test func signed64BitExtremesDecodeAndTheTenthByteIsChecked() throws {
        let cases: [([UInt8], Int64)] = [
            (WasmTestBytes.sleb(Int64.max), Int64.max),
            (WasmTestBytes.sleb(Int64.min), Int64.min),
            ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], -1),
            ([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 0),
        ]
        for (bytes, expected) in cases {
            let result = WasmTestBytes.read(bytes) { (reader) throws(WasmDecodingError) in try reader.readVarInt64() }
            #expect(try result.get() == expected)
        }
        let failures: [([UInt8], Reason)] = [
            ([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7E], .integerTooLarge),
            ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], .integerTooLarge),
            ([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], .integerRepresentationTooLong),
        ]
        for (bytes, reason) in failures {
            let result = WasmTestBytes.read(bytes) { (reader) throws(WasmDecodingError) in try reader.readVarInt64() }
            guard case .failure(let error) = result else {
                Issue.record("\(bytes) decoded")
                continue
            }
            #expect(error.reason == reason)
        }
    }

    @Test func signed33BitBlockTypeIndicesCoverTheFullUnsigned32BitRange() throws {
        let maxIndex = WasmTestBytes.read([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) { (reader) throws(WasmDecodingError) in
            try reader.readVarInt33()
        }
        #expect(try maxIndex.get() == 4_294_967_295)
        let tooLarge = WasmTestBytes.read([0xFF, 0xFF, 0xFF, 0xFF, 0x2F]) { (reader) throws(WasmDecodingError) in
            try reader.readVarInt33()
        }
        #expect(throws: WasmDecodingError(.integerTooLarge, offset: 4)) { try tooLarge.get() }
    }

    @Test func oneBitLimitsFlagsAcceptOnlyZeroAndOne() throws {
        for (byte, expected) in [(UInt8(0), false), (1, true)] {
            let result = WasmTestBytes.read([byte]) { (reader) throws(WasmDecodingError) in try reader.readVarUInt1() }
            #expect(try result.get() == expected)
        }
        let two = WasmTestBytes.read([0x02]) { (reader) throws(WasmDecodingError) in try reader.readVarUInt1() }
        #expect(throws: WasmDecodingError(.integerTooLarge, offset: 0)) { try two.get() }
        let long = WasmTestBytes.read([0x81, 0x00]) { (reader) throws(WasmDecodingError) in try reader.readVarUInt1() }
        #expect(throws: WasmDecodingError(.integerRepresentationTooLong, offset: 0)) { try long.get() }
    }

    @Test func encodingsRoundTripAcrossTheRange() throws {
        var generator = WasmTestRandom(seed: 7)
        for _ in 0..<2_000 {
            let unsigned = UInt32(truncatingIfNeeded: generator.next() >> (generator.next() % 32))
            let signed = Int64(bitPattern: generator.next()) >> (generator.next() % 64)
            let u = WasmTestBytes.read(WasmTestBytes.uleb(UInt64(unsigned))) { (reader) throws(WasmDecodingError) in
                try reader.readVarUInt32()
            }
            let s = WasmTestBytes.read(WasmTestBytes.sleb(signed)) { (reader) throws(WasmDecodingError) in
                try reader.readVarInt64()
            }
            #expect(try u.get() == unsigned)
            #expect(try s.get() == signed)
        }
    }
}

/// A small seeded generator (WasmTestRandom) so that randomized tests are reproducible.
struct WasmTestRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
