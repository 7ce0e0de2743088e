import GrafosStd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard streams of a program that `grafos exec` runs, as bytes: where its stdin comes from and where its
/// stdout and stderr go while it runs.
///
/// ``ProcessProgramStreams`` are the process's own descriptors 0, 1 and 2 (what the `grafos` executable uses);
/// ``BufferedProgramStreams`` are byte buffers (what tests use, through ``BufferedOutput``). An ``OutputSink``
/// says which through ``OutputSink/programStreams()``.
///
/// The streams are used by the one thread that runs the program and, after it finished, by the command; never by
/// two threads at once.
///
/// ```swift
/// let streams = output.programStreams()
/// // … the program runs, reading and writing through `streams` …
/// streams.deliver(to: &output)  // buffered bytes reach the sink; process streams have nothing left to do
/// ```
package protocol ProgramStreams: AnyObject, Sendable {
    /// Reads at most `buffer.count` bytes of standard input, waiting until some are there.
    /// - Returns: how many bytes were read; 0 at end of input.
    /// - Throws: ``WASIErrno/io`` when the input cannot be read.
    func readInput(into buffer: UnsafeMutableRawBufferPointer) throws(WASIErrno) -> Int
    /// Writes all of `bytes` to standard output.
    /// - Throws: ``WASIErrno/pipe`` when the reader went away, ``WASIErrno/io`` for other failures.
    func writeOutput(_ bytes: UnsafeRawBufferPointer) throws(WASIErrno)
    /// Writes all of `bytes` to standard error.
    /// - Throws: as ``writeOutput(_:)``.
    func writeError(_ bytes: UnsafeRawBufferPointer) throws(WASIErrno)
    /// After the run: hands what was collected to `output` (buffers), or does nothing (the process's streams).
    func deliver(to output: inout some OutputSink)
}

extension ProgramStreams {
    /// Reads standard input to its end.
    /// - Throws: ``WASIErrno/io`` when the input cannot be read.
    package func readAllInput() throws(WASIErrno) -> [UInt8] {
        var bytes: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer { chunk.deallocate() }
        while true {
            let count = try readInput(into: chunk)
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}

/// The process's standard input, output and error (descriptors 0, 1 and 2), unbuffered: what the program writes
/// reaches our stdout at once, and its reads wait for our stdin.
package final class ProcessProgramStreams: ProgramStreams {
    /// Creates the streams.
    package init() {}

    package func readInput(into buffer: UnsafeMutableRawBufferPointer) throws(WASIErrno) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let count = read(0, base, buffer.count)
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            // No stdin at all (closed descriptor, as under some CI runners) reads as empty input.
            case EBADF: return 0
            default: throw .io
            }
        }
    }

    package func writeOutput(_ bytes: UnsafeRawBufferPointer) throws(WASIErrno) {
        try Self.write(bytes, to: 1)
    }

    package func writeError(_ bytes: UnsafeRawBufferPointer) throws(WASIErrno) {
        try Self.write(bytes, to: 2)
    }

    package func deliver(to output: inout some OutputSink) {}

    /// Writes all of `bytes` to `descriptor`, retrying after short writes and interruptions.
    private static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws(WASIErrno) {
        guard writeAll(descriptor, bytes) else { throw errno == EPIPE ? .pipe : .io }
    }
}

/// Streams over byte buffers: standard input is given up front, output and error are collected and handed to the
/// sink (decoded as UTF-8) by ``deliver(to:)``.
package final class BufferedProgramStreams: ProgramStreams, @unchecked Sendable {
    // @unchecked Sendable: the buffers are used by one thread at a time — the program's while it runs, then the
    // command's after the pool handed the result back (that hand-off orders the accesses).

    /// What standard input reads.
    private let input: [UInt8]
    /// How much of ``input`` was read.
    private var inputOffset = 0
    /// What the program wrote to standard output.
    package private(set) var output: [UInt8] = []
    /// What the program wrote to standard error.
    package private(set) var error: [UInt8] = []

    /// Creates streams whose standard input reads `input`.
    package init(input: [UInt8]) {
        self.input = input
    }

    package func readInput(into buffer: UnsafeMutableRawBufferPointer) throws(WASIErrno) -> Int {
        let count = min(buffer.count, input.count - inputOffset)
        guard count > 0 else { return 0 }
        input.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + inputOffset, byteCount: count)
        }
        inputOffset += count
        return count
    }

    package func writeOutput(_ bytes: UnsafeRawBufferPointer) throws(WASIErrno) {
        output.append(contentsOf: bytes)
    }

    package func writeError(_ bytes: UnsafeRawBufferPointer) throws(WASIErrno) {
        error.append(contentsOf: bytes)
    }

    package func deliver(to sink: inout some OutputSink) {
        if !output.isEmpty { sink.write(String(decoding: output, as: UTF8.self)) }
        if !error.isEmpty { sink.writeError(String(decoding: error, as: UTF8.self)) }
        output = []
        error = []
    }
}
