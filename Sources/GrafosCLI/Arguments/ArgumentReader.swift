/// A small command-line reader: options (`--name value` or `--name=value`), flags (`--name`) and positionals.
///
/// Commands read what they expect, in any order, and then call ``finish()`` so that anything left over is an
/// error rather than silently ignored.
package struct ArgumentReader {
    private var remaining: [String]
    private var positionals: [String] = []

    /// Creates a reader over `arguments` (without the program and command names).
    package init(_ arguments: [String]) {
        // Everything after a bare `--` is positional.
        if let split = arguments.firstIndex(of: "--") {
            remaining = Array(arguments[..<split])
            positionals = Array(arguments[(split + 1)...])
        } else {
            remaining = arguments
        }
    }

    /// Whether `--help` or `-h` was given.
    package mutating func wantsHelp() -> Bool {
        flag("help") || flag(short: "h")
    }

    /// Consumes `--name` and returns whether it was there.
    package mutating func flag(_ name: String) -> Bool {
        guard let index = remaining.firstIndex(of: "--\(name)") else { return false }
        remaining.remove(at: index)
        return true
    }

    private mutating func flag(short: Character) -> Bool {
        guard let index = remaining.firstIndex(of: "-\(short)") else { return false }
        remaining.remove(at: index)
        return true
    }

    /// Consumes every `--name value` (or `--name=value`) and returns the values in order.
    package mutating func options(_ name: String) throws(CLIError) -> [String] {
        var values: [String] = []
        var index = 0
        while index < remaining.count {
            let argument = remaining[index]
            if argument == "--\(name)" {
                guard index + 1 < remaining.count else { throw CLIError.usage("--\(name) needs a value") }
                values.append(remaining[index + 1])
                remaining.removeSubrange(index...(index + 1))
            } else if argument.hasPrefix("--\(name)=") {
                values.append(String(argument.dropFirst(name.count + 3)))
                remaining.remove(at: index)
            } else {
                index += 1
            }
        }
        return values
    }

    /// Consumes `--name value` once; giving it twice is an error.
    package mutating func option(_ name: String) throws(CLIError) -> String? {
        let values = try options(name)
        guard values.count <= 1 else { throw CLIError.usage("--\(name) was given \(values.count) times; give it once") }
        return values.first
    }

    /// Consumes `--name N` as an integer within `range`.
    package mutating func integer(
        _ name: String,
        default defaultValue: Int,
        in range: ClosedRange<Int> = 0...Int.max
    ) throws(CLIError) -> Int {
        try integer(name, in: range) ?? defaultValue
    }

    /// Consumes `--name N` as an integer within `range`, or nil when absent.
    package mutating func integer(_ name: String, in range: ClosedRange<Int> = 0...Int.max) throws(CLIError) -> Int? {
        guard let text = try option(name) else { return nil }
        guard let value = Int(text.replacingUnderscores()), range.contains(value) else {
            throw CLIError.usage(
                "--\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'"
            )
        }
        return value
    }

    /// Consumes `--name N` as an unsigned 64-bit integer, or nil when absent.
    package mutating func unsigned(_ name: String) throws(CLIError) -> UInt64? {
        guard let text = try option(name) else { return nil }
        guard let value = UInt64(text.replacingUnderscores()) else {
            throw CLIError.usage("--\(name) takes a whole number of 0 or more, not '\(text)'")
        }
        return value
    }

    /// Takes the positional arguments (everything that is not an option), after all options were read.
    package mutating func positionalArguments() throws(CLIError) -> [String] {
        if let unknown = remaining.first(where: { $0.hasPrefix("-") && $0 != "-" }) {
            throw CLIError.usage("unknown option '\(unknown)'")
        }
        let result = remaining + positionals
        remaining = []
        positionals = []
        return result
    }

    /// Takes every argument not yet consumed, in command-line order, without interpreting any of them: first the
    /// ordinary ones (options included, unparsed), then those after the first bare `--` (which the reader drops).
    ///
    /// `grafos exec` needs the order: its own options come before MODULE, and everything after MODULE belongs to the
    /// program, even words that look like `grafos exec` options.
    /// - Returns: the ordinary arguments and the ones after `--`.
    package mutating func takeRawArguments() -> (ordinary: [String], afterDoubleDash: [String]) {
        defer {
            remaining = []
            positionals = []
        }
        return (remaining, positionals)
    }

    /// Fails if anything was not consumed.
    package mutating func finish() throws(CLIError) {
        let leftover = try positionalArguments()
        if let first = leftover.first { throw CLIError.usage("unexpected argument '\(first)'") }
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(filter { $0 != "_" })
    }
}
