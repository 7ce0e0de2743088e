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
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

#if canImport(Darwin)
private let systemWrite = Darwin.write
#elseif canImport(Musl)
private let systemWrite = Musl.write
#else
private let systemWrite = Glibc.write
#endif

/// Flushes standard output, so a line printed before blocking reaches pipes at once.
package func flushStandardOutput() {
    fflush(nil)
}
