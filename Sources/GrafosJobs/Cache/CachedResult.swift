import GrafosStd

/// The stored form of a cached tasklet result.
///
/// Layout, version 1 (integers little-endian):
///
/// | bytes | field |
/// | --- | --- |
/// | 16 | `grafos.result.v1` (ASCII) |
/// | 4 | exit code (signed) |
/// | 8 | fuel consumed |
/// | 8 | the original launch's duration in nanoseconds |
/// | 32 | SHA-256 of the output |
/// | 8 + … | log length + log |
/// | 8 + … | output length + output |
///
/// An entry that does not parse, or whose output does not match its digest (a torn or tampered file), reads as a
/// miss.
enum CachedResult {
    private static let magic = Array("grafos.result.v1".utf8)

    /// Encodes `result`.
    static func encode(_ result: TaskletResult) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(92 + result.stderr.count + result.output.count)
        bytes.append(contentsOf: magic)
        append(UInt64(UInt32(bitPattern: result.exitCode)), width: 4, to: &bytes)
        append(result.fuelConsumed, width: 8, to: &bytes)
        let (seconds, attoseconds) = result.duration.components
        let nanos = max(0, seconds) &* 1_000_000_000 &+ max(0, attoseconds / 1_000_000_000)
        append(UInt64(max(0, nanos)), width: 8, to: &bytes)
        bytes.append(contentsOf: SHA256.hash(result.output).bytes)
        append(UInt64(result.stderr.count), width: 8, to: &bytes)
        bytes.append(contentsOf: result.stderr)
        append(UInt64(result.output.count), width: 8, to: &bytes)
        bytes.append(contentsOf: result.output)
        return bytes
    }

    /// Decodes an entry. - Returns: nil when it is not a valid entry.
    static func decode(_ bytes: [UInt8]) -> TaskletResult? {
        var reader = Reader(bytes: bytes)
        guard reader.take(16).map(Array.init) == magic,
            let exit = reader.integer(4),
            let fuel = reader.integer(8),
            let nanos = reader.integer(8),
            let digest = reader.take(32),
            let logCount = reader.integer(8), let log = reader.take(Int(clamping: logCount)),
            let outputCount = reader.integer(8), let output = reader.take(Int(clamping: outputCount)),
            reader.atEnd,
            SHA256.hash(output).bytes.elementsEqual(digest)
        else { return nil }
        return TaskletResult(
            output: Array(output),
            stderr: Array(log),
            exitCode: Int32(bitPattern: UInt32(truncatingIfNeeded: exit)),
            fuelConsumed: fuel,
            duration: .nanoseconds(Int64(clamping: nanos))
        )
    }

    private static func append(_ value: UInt64, width: Int, to bytes: inout [UInt8]) {
        for index in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(index * 8))) }
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var atEnd: Bool { offset == bytes.count }

        mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard count >= 0, bytes.count - offset >= count else { return nil }
            defer { offset += count }
            return bytes[offset..<offset + count]
        }

        mutating func integer(_ width: Int) -> UInt64? {
            guard let slice = take(width) else { return nil }
            var value: UInt64 = 0
            for (index, byte) in slice.enumerated() { value |= UInt64(byte) << UInt64(index * 8) }
            return value
        }
    }
}
