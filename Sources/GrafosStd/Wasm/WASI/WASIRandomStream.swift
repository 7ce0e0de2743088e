/// The bytes `random_get` hands out: a seeded stream (deterministic mode) or the system's generator.
///
/// The seeded stream is the generator's 64-bit words, little-endian, consumed byte by byte: a leftover part of a
/// word is kept for the next call, so `random_get(8)` gives the same bytes as `random_get(3)` then `random_get(5)`.
struct WASIRandomStream {
    /// The generator, or `nil` for the system's.
    private var generator: SeededRandomNumberGenerator?
    /// Unused bytes of the last word, lowest first.
    private var pending: UInt64 = 0
    /// How many bytes of ``pending`` are unused.
    private var pendingCount = 0

    /// Creates the stream for `randomness`.
    init(_ randomness: WASIConfiguration.Randomness) {
        switch randomness {
        case .seeded(let seed): generator = SeededRandomNumberGenerator(seed: seed)
        case .system: generator = nil
        }
    }

    /// Fills `buffer` with the next bytes.
    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard generator != nil else {
            var system = SystemRandomNumberGenerator()
            var index = 0
            while index < buffer.count {
                var word = system.next()
                for _ in 0..<Swift.min(8, buffer.count - index) {
                    buffer[index] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                    index += 1
                }
            }
            return
        }
        for index in 0..<buffer.count {
            if pendingCount == 0 {
                pending = generator!.next()
                pendingCount = 8
            }
            buffer[index] = UInt8(truncatingIfNeeded: pending)
            pending >>= 8
            pendingCount -= 1
        }
    }
}
