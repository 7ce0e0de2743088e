import GrafosStd

/// The content address of a ``TaskletAction``'s output: SHA-256 over a fixed byte layout of everything that decides
/// it.
///
/// Layout, version 1 (integers little-endian, lengths and counts as 8-byte unsigned integers):
///
/// | bytes | field |
/// | --- | --- |
/// | 16 | `grafos.action.v1` (ASCII) |
/// | 32 | SHA-256 of the module |
/// | 32 | SHA-256 of the input |
/// | 1 + 8 | fuel: `1` and the limit, or `0` and 0 when unlimited |
/// | 8 × 4 | `maxOutput`, `maxLog`, `maxMemoryBytes`, `maxCallDepth` (negative values as 0) |
/// | 1 + 8 | deadline: `1` and nanoseconds, or `0` and 0 when none |
/// | 1 | ABI marker ``abiMarker``: the tasklet ABI and deterministic mode of `Docs/TaskletABI.md` |
/// | 1 | deterministic: `1`, or `0` |
/// | 8 + … | argument count, then each argument as length + UTF-8 |
/// | 8 + … | variable count, then each `KEY=VALUE` as length + UTF-8, sorted by the UTF-8 bytes of the key |
/// | 8 + … | salt length + salt |
///
/// Arguments and environment are in the key because a WASI command's output depends on them. The cache options
/// (``TaskletAction/doNotCache``, ``TaskletAction/skipLookup``) are not. Test vectors pin the layout
/// (`Tests/GrafosJobsTests/ActionKeyTests.swift`); changing it, or the ABI, means a new version and marker.
public struct ActionKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The ABI marker of layout version 1: the WASI preview1 command ABI, the `grafos` host module and deterministic
    /// mode exactly as `Docs/TaskletABI.md` describes them. Bump it when any of those change what a tasklet sees.
    public static let abiMarker: UInt8 = 1

    /// The SHA-256 digest.
    public let digest: Digest

    /// The key of `action`.
    public init(_ action: TaskletAction) {
        digest = SHA256.hash(Self.preimage(action))
    }

    /// A key read back from its hex digits. - Returns: nil for anything but 64 hex digits.
    public init?(hex: String) {
        guard let digest = Digest(hex: hex) else { return nil }
        self.digest = digest
    }

    /// 64 lowercase hex digits.
    public var hex: String { digest.hex }

    /// The object name of the cached output in a block lease: `cache/<hex>`.
    public var objectKey: String { "cache/" + hex }

    /// `action:<hex>`.
    public var description: String { "action:" + hex }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.digest < rhs.digest }

    /// The bytes hashed into the key of `action`.
    package static func preimage(_ action: TaskletAction) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160 + action.salt.count)
        bytes.append(contentsOf: Array("grafos.action.v1".utf8))
        bytes.append(contentsOf: action.moduleDigest.bytes)
        bytes.append(contentsOf: action.inputDigest.bytes)
        let limits = action.limits
        bytes.append(limits.fuel == nil ? 0 : 1)
        append(limits.fuel ?? 0, to: &bytes)
        for value in [limits.maxOutput, limits.maxLog, limits.maxMemoryBytes, limits.maxCallDepth] {
            append(UInt64(max(0, value)), to: &bytes)
        }
        bytes.append(limits.deadline == nil ? 0 : 1)
        append(nanoseconds(limits.deadline ?? .zero), to: &bytes)
        bytes.append(abiMarker)
        bytes.append(action.deterministic ? 1 : 0)
        append(UInt64(action.arguments.count), to: &bytes)
        for argument in action.arguments { appendField(Array(argument.utf8), to: &bytes) }
        let variables = action.environment.map { (Array($0.key.utf8), Array("\($0.key)=\($0.value)".utf8)) }
            .sorted { $0.0.lexicographicallyPrecedes($1.0) }
        append(UInt64(variables.count), to: &bytes)
        for (_, variable) in variables { appendField(variable, to: &bytes) }
        appendField(action.salt, to: &bytes)
        return bytes
    }

    private static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    private static func appendField(_ field: [UInt8], to bytes: inout [UInt8]) {
        append(UInt64(field.count), to: &bytes)
        bytes.append(contentsOf: field)
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (scaled, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(UInt64(max(0, attoseconds / 1_000_000_000)))
        return overflow2 ? .max : sum
    }
}
