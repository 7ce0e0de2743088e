import GrafosStd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What `grafos exec` was asked to do: its options (all before MODULE), the module, and the program's arguments.
///
/// ```swift
/// let options = try ExecOptions.parse(["--fuel", "1000000", "--dir", ".", "hash.wasm", "notes.txt"], [])
/// options.modulePath         // "hash.wasm"
/// options.programArguments   // ["notes.txt"]
/// ```
struct ExecOptions: Sendable, Hashable {
    /// A host directory the program finds open.
    struct Directory: Sendable, Hashable {
        /// The directory on this machine.
        var host: String
        /// The name the program opens it by (`.`, `/data`).
        var guest: String
    }

    /// The `.wasm` file.
    var modulePath = ""
    /// `argv[1...]`: everything after MODULE.
    var programArguments: [String] = []
    /// The fuel limit; `nil` for none.
    var fuel: UInt64?
    /// The file whose bytes are the program's stdin; `nil` for our own stdin.
    var inputPath: String?
    /// The preopened host directories, in order (descriptors 3, 4, …).
    var directories: [Directory] = []
    /// The program's environment (nothing else of ours is visible).
    var environment: [String: String] = [:]
    /// Whether to print fuel consumed and wall time to stderr.
    var stats = false
    /// Whether clocks and randomness are derived from the run instead of the host's.
    var deterministic = false
    /// The export to call instead of running the program, if any.
    var invoke: String?
    /// The arguments of ``invoke``.
    var invokeArguments: [WasmValue] = []

    /// `argv[0]`: the module's file name without its directories, as `wasmtime run` gives it.
    var programName: String {
        modulePath.split(separator: "/").last.map(String.init) ?? modulePath
    }

    /// Parses the arguments of `grafos exec`: options up to the first word that is not one (MODULE), then the
    /// program's arguments, verbatim.
    /// - Parameters:
    ///   - ordinary: the arguments before the first bare `--`.
    ///   - afterDoubleDash: those after it (all positional: MODULE if none came before, then program arguments).
    /// - Returns: the options.
    /// - Throws: ``CLIError/usage(_:)`` for an unknown option, a missing or bad value, or no MODULE.
    static func parse(_ ordinary: [String], _ afterDoubleDash: [String]) throws(CLIError) -> ExecOptions {
        var options = ExecOptions()
        var arguments: [String] = []
        var index = 0
        var module: String?
        while index < ordinary.count {
            let word = ordinary[index]
            guard word.hasPrefix("-"), word != "-" else {
                module = word
                arguments = Array(ordinary[(index + 1)...])
                break
            }
            var name = String(word.drop(while: { $0 == "-" }))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            index += 1
            func value() throws(CLIError) -> String {
                if let inlineValue { return inlineValue }
                guard index < ordinary.count else { throw CLIError.usage("--\(name) needs a value") }
                index += 1
                return ordinary[index - 1]
            }
            func flag() throws(CLIError) -> Bool {
                guard inlineValue == nil else { throw CLIError.usage("--\(name) takes no value") }
                return true
            }
            switch name {
            case "fuel":
                let text = try value()
                guard options.fuel == nil else { throw CLIError.usage("--fuel was given twice; give it once") }
                guard let fuel = UInt64(String(text.filter { $0 != "_" })) else {
                    throw CLIError.usage("--fuel takes a whole number of 0 or more, not '\(text)'")
                }
                options.fuel = fuel
            case "input":
                guard options.inputPath == nil else { throw CLIError.usage("--input was given twice; give it once") }
                options.inputPath = try value()
            case "dir":
                options.directories.append(try directory(try value()))
            case "env":
                let (key, entry) = try environmentEntry(try value())
                options.environment[key] = entry
            case "stats":
                options.stats = try flag()
            case "deterministic":
                options.deterministic = try flag()
            case "invoke":
                guard options.invoke == nil else { throw CLIError.usage("--invoke was given twice; give it once") }
                options.invoke = try value()
            case "arg":
                let text = try value()
                guard let argument = WasmValue(argument: text) else {
                    throw CLIError.usage(
                        "--arg takes TYPE:VALUE with TYPE i32, i64, f32 or f64 (e.g. i32:5, f64:1.5, f32:nan), "
                            + "not '\(text)'"
                    )
                }
                options.invokeArguments.append(argument)
            default:
                throw CLIError.usage(
                    "unknown option '\(word)'; options of grafos exec go before MODULE (arguments after MODULE go to "
                        + "the program)"
                )
            }
        }
        if module == nil, let first = afterDoubleDash.first {
            module = first
            arguments = Array(afterDoubleDash.dropFirst())
        } else {
            arguments += afterDoubleDash
        }
        guard let module, !module.isEmpty else { throw CLIError.usage("give the module to run: grafos exec MODULE") }
        if options.invoke == nil && !options.invokeArguments.isEmpty {
            throw CLIError.usage("--arg is only for --invoke NAME")
        }
        options.modulePath = module
        options.programArguments = arguments
        return options
    }

    /// `HOST` (seen as `HOST`) or `HOST::GUEST`.
    private static func directory(_ text: String) throws(CLIError) -> Directory {
        let host: String
        let guest: String
        if let range = text.firstRange(of: "::") {
            host = String(text[..<range.lowerBound])
            guest = String(text[range.upperBound...])
        } else {
            host = text
            guest = text
        }
        guard !host.isEmpty, !guest.isEmpty else {
            throw CLIError.usage("--dir takes HOST or HOST::GUEST (e.g. --dir . or --dir data::/data), not '\(text)'")
        }
        return Directory(host: host, guest: guest)
    }

    /// `KEY=VALUE`, or `KEY` alone for our own value of `KEY` (as `wasmtime run --env KEY` does).
    private static func environmentEntry(_ text: String) throws(CLIError) -> (String, String) {
        guard let equals = text.firstIndex(of: "=") else {
            guard !text.isEmpty, let value = getenv(text) else {
                throw CLIError.usage("--env takes KEY=VALUE, or KEY of a variable that is set here; '\(text)' is not")
            }
            return (text, String(cString: value))
        }
        let key = String(text[..<equals])
        guard !key.isEmpty else { throw CLIError.usage("--env takes KEY=VALUE with a non-empty KEY, not '\(text)'") }
        return (key, String(text[text.index(after: equals)...]))
    }
}
