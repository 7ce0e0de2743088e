/// One `grafos` subcommand.
package protocol Command: Sendable {
    /// The word that selects it, e.g. `bench`.
    static var name: String { get }
    /// One line for `grafos --help`.
    static var summary: String { get }
    /// The full `--help` text.
    static var help: String { get }
    /// Parses and runs the command; returns the exit status.
    static func run(_ arguments: inout ArgumentReader, output: inout some OutputSink) async throws -> Int32
}

/// Where commands print: standard output and standard error, or buffers in tests.
package protocol OutputSink {
    mutating func write(_ text: String)
    mutating func writeError(_ text: String)
    /// The byte streams a program run by `grafos exec` reads and writes while it runs.
    func programStreams() -> any ProgramStreams
}

extension OutputSink {
    /// The process's own standard input, output and error.
    package func programStreams() -> any ProgramStreams {
        ProcessProgramStreams()
    }
}

/// The process's standard output and error.
package struct StandardOutput: OutputSink {
    package init() {}

    package mutating func write(_ text: String) {
        print(text, terminator: "")
    }

    package mutating func writeError(_ text: String) {
        var stream = StandardErrorStream()
        print(text, terminator: "", to: &stream)
    }
}

/// A buffer that collects output, for tests.
package struct BufferedOutput: OutputSink {
    package var standardOutput = ""
    package var standardError = ""
    /// What a program run by `grafos exec` reads as its standard input (its stdout and stderr land in
    /// ``standardOutput`` and ``standardError``, decoded as UTF-8).
    package var standardInput: [UInt8] = []

    package init() {}

    package func programStreams() -> any ProgramStreams {
        BufferedProgramStreams(input: standardInput)
    }

    package mutating func write(_ text: String) {
        standardOutput += text
    }

    package mutating func writeError(_ text: String) {
        standardError += text
    }
}
