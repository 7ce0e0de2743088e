// wordcount.swift — `wc` for tasklets: lines, words, bytes, characters and more, as JSON.
// An Embedded Swift tasklet on the freestanding `grafos` host ABI (no libc, no allocator).
//
// Input:  any bytes (UTF-8 text is assumed for character counting).
// Output: one line of JSON, for example
//
//   {"lines":23,"words":105,"bytes":937,"chars":935,"blank_lines":2,
//    "longest_line":{"line":11,"columns":97},"invalid_utf8":0}
//
// (on one line), where
//   lines         "\n"s, plus one for a last line without one (as lint and hash count)
//   words         maximal runs of bytes other than space, \t, \n, \v, \f, \r (as `wc -w`)
//   bytes         the input's size
//   chars         Unicode code points: bytes that are not UTF-8 continuation bytes (as `wc -m`
//                 in a UTF-8 locale, for valid UTF-8)
//   blank_lines   lines with nothing but spaces, tabs and a carriage return
//   longest_line  the first longest line and its length in code points, the line ending excluded
//                 (a "\r" before "\n" is part of the ending); {"line":0,"columns":0} for no input
//   invalid_utf8  bytes that break UTF-8's structure: a continuation byte with no lead byte, a lead
//                 byte not followed by enough continuation bytes, or a byte that never occurs in
//                 UTF-8 (0xC0, 0xC1, 0xF5-0xFF). Overlong forms and surrogates are not checked.
// Exit code: 0, or 2 when the host refuses the input or the output (the reason goes to the log).
//
// Build (build.sh says why each flag is there):
//   swiftc -target wasm32-unknown-none-wasm -enable-experimental-feature Embedded \
//     -enable-experimental-feature Extern -wmo -Osize -parse-as-library \
//     -Xfrontend -disable-stack-protector wordcount.swift -c -o wordcount.o
//   wasm-ld --no-entry --strip-debug wordcount.o -o wordcount.wasm

// MARK: - The grafos host ABI
//
// `@_extern(wasm, …)` names the import; `@_extern(c)` gives the function the C calling convention,
// so its WebAssembly signature is exactly the ABI's (without it Swift adds context parameters).

@_extern(wasm, module: "grafos", name: "input_size")
@_extern(c)
func grafosInputSize() -> Int32

@_extern(wasm, module: "grafos", name: "input_read")
@_extern(c)
func grafosInputRead(_ dst: UnsafeMutableRawPointer, _ len: Int32, _ offset: Int32) -> Int32

@_extern(wasm, module: "grafos", name: "output_write")
@_extern(c)
func grafosOutputWrite(_ src: UnsafeRawPointer, _ len: Int32) -> Int32

@_extern(wasm, module: "grafos", name: "log")
@_extern(c)
func grafosLog(_ src: UnsafeRawPointer, _ len: Int32)

/// Writes a static message to the launch's log.
func log(_ message: StaticString) {
    grafosLog(UnsafeRawPointer(message.utf8Start), Int32(message.utf8CodeUnitCount))
}

// MARK: - Counting

/// The counts, updated one byte at a time.
///
/// The arithmetic wraps (`&+=`) instead of trapping on overflow: no count can exceed the input's
/// size, an `Int32`, and leaving out the overflow checks makes the per-byte loop a quarter cheaper.
struct Counts {
    var bytes = 0
    var lines = 0
    var words = 0
    var chars = 0
    var blankLines = 0
    var longestLine = 0  // 1-based line number, 0 while there are no lines
    var longestColumns = 0
    var invalidUTF8 = 0

    // Per-line and per-word state.
    private var columns = 0  // code points on the current line so far
    private var lineIsBlank = true
    private var previousWasCR = false
    private var lastByte: UInt8 = 0x0A  // so that empty input has no open line
    private var inWord = false
    private var continuationsExpected = 0  // UTF-8 continuation bytes still owed

    /// Counts a chunk of input.
    mutating func consume(_ chunk: UnsafeBufferPointer<UInt8>) {
        self = Counts.counting(chunk, from: self)
    }

    /// Counts a chunk starting from `start`. The loop runs on a local value returned by value, which
    /// the optimiser keeps in WebAssembly locals; updating an `inout` struct directly would load and
    /// store its fields in linear memory for every byte, since they might alias the chunk.
    @inline(never)
    private static func counting(_ chunk: UnsafeBufferPointer<UInt8>, from start: Counts) -> Counts {
        var state = start
        for byte in chunk { state.consume(byte) }
        return state
    }

    @inline(__always)
    private mutating func consume(_ byte: UInt8) {
        bytes &+= 1
        // UTF-8 structure.
        if byte & 0xC0 == 0x80 {
            if continuationsExpected > 0 {
                continuationsExpected &-= 1
            } else {
                invalidUTF8 &+= 1
            }
        } else {
            if continuationsExpected > 0 {  // the previous sequence was cut short
                invalidUTF8 &+= 1
                continuationsExpected = 0
            }
            chars &+= 1
            switch byte {
            case 0x00...0x7F: break
            case 0xC2...0xDF: continuationsExpected = 1
            case 0xE0...0xEF: continuationsExpected = 2
            case 0xF0...0xF4: continuationsExpected = 3
            default: invalidUTF8 &+= 1  // 0xC0, 0xC1, 0xF5...0xFF
            }
        }

        // Words: runs of anything but ASCII whitespace.
        let isSpace = byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
        if isSpace {
            inWord = false
        } else if !inWord {
            inWord = true
            words &+= 1
        }

        // Lines.
        if byte == 0x0A {
            endLine(droppingCR: previousWasCR)
        } else {
            if byte & 0xC0 != 0x80 { columns &+= 1 }
            if byte != 0x20 && byte != 0x09 && byte != 0x0D { lineIsBlank = false }
        }
        previousWasCR = byte == 0x0D
        lastByte = byte
    }

    /// Ends the input: a last line without "\n" still counts, and so does a cut-short UTF-8 sequence.
    mutating func finish() {
        if continuationsExpected > 0 {
            invalidUTF8 &+= 1
            continuationsExpected = 0
        }
        if lastByte != 0x0A {
            endLine(droppingCR: false)
        }
    }

    private mutating func endLine(droppingCR: Bool) {
        lines &+= 1
        let length = droppingCR ? columns - 1 : columns
        if lineIsBlank { blankLines &+= 1 }
        if length > longestColumns || longestLine == 0 {
            longestColumns = length
            longestLine = lines
        }
        columns = 0
        lineIsBlank = true
    }
}

// MARK: - Output

/// A tiny JSON writer over a fixed buffer that flushes to `output_write` when full.
struct OutputWriter {
    let buffer: UnsafeMutableBufferPointer<UInt8>
    var count = 0
    var failed = false

    mutating func flush() {
        if count > 0 && !failed {
            failed = grafosOutputWrite(UnsafeRawPointer(buffer.baseAddress!), Int32(count)) < 0
        }
        count = 0
    }

    mutating func write(_ byte: UInt8) {
        if count == buffer.count { flush() }
        buffer[count] = byte
        count += 1
    }

    mutating func write(_ text: StaticString) {
        let bytes = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        for byte in bytes { write(byte) }
    }

    mutating func write(_ value: Int) {
        if value < 0 { write(UInt8(ascii: "-")) }
        writeDigits(value.magnitude)
    }

    private mutating func writeDigits(_ value: UInt) {
        if value >= 10 { writeDigits(value / 10) }
        write(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// Writes `"name":value` with a leading comma unless it is the first field.
    mutating func field(_ name: StaticString, _ value: Int, first: Bool = false) {
        if !first { write(UInt8(ascii: ",")) }
        write(UInt8(ascii: "\""))
        write(name)
        write("\":")
        write(value)
    }
}

// MARK: - Entry point

@_expose(wasm, "run")
@_cdecl("run")
func run() -> Int32 {
    var counts = Counts()
    let size = grafosInputSize()
    var offset: Int32 = 0
    let ok = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { chunk -> Bool in
        while offset < size {
            let n = grafosInputRead(UnsafeMutableRawPointer(chunk.baseAddress!), Int32(chunk.count), offset)
            if n <= 0 { return false }
            counts.consume(UnsafeBufferPointer(rebasing: chunk[..<Int(n)]))
            offset += n
        }
        return true
    }
    if !ok {
        log("wordcount: input_read failed")
        return 2
    }
    counts.finish()

    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { buffer -> Int32 in
        var out = OutputWriter(buffer: buffer)
        out.write("{")
        out.field("lines", counts.lines, first: true)
        out.field("words", counts.words)
        out.field("bytes", counts.bytes)
        out.field("chars", counts.chars)
        out.field("blank_lines", counts.blankLines)
        out.write(",\"longest_line\":{")
        out.field("line", counts.longestLine, first: true)
        out.field("columns", counts.longestColumns)
        out.write("}")
        out.field("invalid_utf8", counts.invalidUTF8)
        out.write("}\n")
        out.flush()
        if out.failed {
            log("wordcount: output_write failed (over the output limit?)")
            return 2
        }
        return 0
    }
}
