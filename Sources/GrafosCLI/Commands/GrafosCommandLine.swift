/// The `grafos` command line: picks the subcommand and turns errors into messages and exit codes.
package enum GrafosCommandLine {
    /// The subcommands, in `--help` order.
    package static let commands: [any Command.Type] = [
        DemoCommand.self, RunCommand.self, ExecCommand.self, SpecCommand.self, NodeCommand.self, BenchCommand.self,
        SimCommand.self,
    ]

    /// Runs `grafos` with `arguments` (without the program name), printing to standard output and error.
    package static func main(_ arguments: [String]) async -> Int32 {
        var output = StandardOutput()
        return await main(arguments, output: &output)
    }

    /// Runs `grafos` with `arguments` (without the program name) and returns the exit status.
    package static func main(_ arguments: [String], output: inout some OutputSink) async -> Int32 {
        guard let name = arguments.first, name != "--help", name != "-h", name != "help" else {
            output.write(help)
            return arguments.isEmpty ? 2 : 0
        }
        if name == "--version" {
            output.write("grafos \(version)\n")
            return 0
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            output.writeError("error: unknown command '\(name)'\n\n\(help)")
            return 2
        }
        var reader = ArgumentReader(Array(arguments.dropFirst()))
        if reader.wantsHelp() {
            output.write(command.help)
            return 0
        }
        do {
            return try await command.run(&reader, output: &output)
        } catch let error as CLIError {
            output.writeError("error: \(error)\n")
            if case .usage = error { output.writeError("Run 'grafos \(name) --help' for usage.\n") }
            return error.exitCode
        } catch {
            output.writeError("error: \(error)\n")
            return 1
        }
    }

    /// The version printed by `grafos --version`.
    package static let version = "0.1.0-dev"

    /// The top-level `--help` text.
    package static var help: String {
        var text = """
            grafos — lease-based compute: lease cores and storage, run WebAssembly tasklets, give everything back.

            Usage: grafos <command> [options]

            Commands:

            """
        for command in commands {
            text +=
                "  \(command.name + String(repeating: " ", count: max(1, 10 - command.name.count)))\(command.summary)\n"
        }
        text += "\nRun 'grafos <command> --help' for a command's options.\n"
        return text
    }
}
