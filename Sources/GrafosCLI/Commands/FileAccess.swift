import GrafosStd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file.
/// - Throws: ``CLIError/failure(_:)`` naming the file and the reason.
package func readFile(_ path: String) throws(CLIError) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw CLIError.failure("cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    guard let bytes = readToEnd(fd) else {
        throw CLIError.failure("cannot read \(path): \(String(cString: strerror(errno)))")
    }
    return bytes
}

/// Reads a shared-secret file: its bytes without a trailing newline; empty secrets are refused.
package func readSecret(_ path: String) throws(CLIError) -> [UInt8] {
    var secret = try readFile(path)
    while let last = secret.last, last == 10 || last == 13 { secret.removeLast() }
    guard !secret.isEmpty else { throw CLIError.failure("the secret file \(path) is empty") }
    return secret
}

/// Parses a byte count such as `1073741824`, `512M`, `4G` or `64K` (powers of 1024).
package func parseByteCount(_ text: String) -> Int? {
    let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
    var digits = Substring(text.uppercased())
    if digits.hasSuffix("IB") {
        digits = digits.dropLast(2)
    } else if digits.hasSuffix("B") {
        digits = digits.dropLast()
    }
    var scale = 1
    if let last = digits.last, let unit = units[last] {
        scale = unit
        digits = digits.dropLast()
    }
    guard let value = Int(digits), value >= 0 else { return nil }
    let (product, overflow) = value.multipliedReportingOverflow(by: scale)
    return overflow ? nil : product
}
