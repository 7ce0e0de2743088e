import GrafosStd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard error as a `TextOutputStream`.
package struct StandardErrorStream: TextOutputStream {
    package init() {}

    package mutating func write(_ string: String) {
        var text = string
        // Standard error is best effort: nothing to report a failed write to.
        _ = text.withUTF8 { writeAll(2, UnsafeRawBufferPointer($0)) }
    }
}

/// Flushes standard output, so a line printed before blocking reaches pipes at once.
package func flushStandardOutput() {
    fflush(nil)
}
