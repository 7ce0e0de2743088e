import GrafosStd

/// `grafos node`: serve this machine's cores and storage to remote coordinators, or ask a node for its status.
package enum NodeCommand: Command {
    package static let name = "node"
    package static let summary = "Run a node agent, or query one (node status ADDR)"
    package static let help = """
        Usage: grafos node --listen HOST:PORT --cores N --storage BYTES --secret-file FILE
                           [--capability NAME]… [--name NAME] [--data-dir DIR]
               grafos node status HOST:PORT --secret-file FILE [--metrics]

        Runs a node agent that leases N cores and BYTES of block storage (e.g. 4G) to clients that hold the
        shared secret in FILE, enforcing lease TTLs on its own clock, until the process is stopped. Port 0 picks
        a free port; the first line printed names the address actually bound. With --data-dir, block storage
        is durable: objects written survive a restart of the node (their leases too, until their TTLs pass), and an
        interrupted write never leaves a torn object.

        'node status' prints a node's capacity, leases and running tasklets; --metrics prints its Prometheus text.

        """

    package static func run(_ arguments: inout ArgumentReader, output: inout some OutputSink) async throws -> Int32 {
        let secretFile = try arguments.option("secret-file")
        if let first = try peekPositional(&arguments), first == "status" {
            return try await status(&arguments, secretFile: secretFile, output: &output)
        }
        guard let listen = try arguments.option("listen") else {
            throw CLIError.usage("--listen HOST:PORT is required")
        }
        let cores = try arguments.integer("cores", default: LocalFabric.machineCores, in: 1...1_000_000)
        let storageText = try arguments.option("storage") ?? "1G"
        guard let storage = parseByteCount(storageText) else {
            throw CLIError.usage("--storage takes a byte count such as 1073741824, 512M or 4G, not '\(storageText)'")
        }
        let capabilities = Set(try arguments.options("capability"))
        let name = try arguments.option("name") ?? "node-\(listen)"
        let dataDirectory = try arguments.option("data-dir")
        try arguments.finish()
        guard let secretFile else { throw CLIError.usage("--secret-file FILE is required") }
        let secret = try readSecret(secretFile)
        let agent = try NodeAgent(
            configuration: .init(
                listen: listen,
                name: name,
                cores: cores,
                storageBytes: storage,
                capabilities: capabilities,
                secret: secret,
                dataDirectory: dataDirectory,
                log: { message in
                    var stream = StandardErrorStream()
                    print(message, to: &stream)
                }
            )
        )
        let address: String
        do {
            address = try agent.start()
        } catch {
            throw CLIError.failure("cannot listen on \(listen): \(error)")
        }
        output.write(
            "grafos node \(name) listening on \(address) with \(cores) cores and \(storage) bytes of storage\n"
        )
        flushStandardOutput()
        try await agent.run()
        return 0
    }

    private static func peekPositional(_ arguments: inout ArgumentReader) throws(CLIError) -> String? {
        var copy = arguments
        _ = try? copy.options("listen")
        _ = try? copy.options("cores")
        _ = try? copy.options("storage")
        _ = try? copy.options("capability")
        _ = try? copy.options("name")
        _ = try? copy.options("data-dir")
        _ = copy.flag("metrics")
        return (try? copy.positionalArguments())?.first
    }

    private static func status(
        _ arguments: inout ArgumentReader,
        secretFile: String?,
        output: inout some OutputSink
    ) async throws -> Int32 {
        let metrics = arguments.flag("metrics")
        let rest = try arguments.positionalArguments()
        guard rest.count == 2 else { throw CLIError.usage("usage: grafos node status HOST:PORT --secret-file FILE") }
        guard let secretFile else { throw CLIError.usage("--secret-file FILE is required") }
        let fabric = try RemoteFabric(endpoints: [rest[1]], secret: try readSecret(secretFile))
        defer { Task { await fabric.shutdown() } }
        if metrics {
            output.write(try await fabric.metricsText(endpoint: 0))
            return 0
        }
        guard let status = await fabric.statuses().first else {
            throw CLIError.failure("node \(rest[1]) did not answer (unreachable, or it refused the secret)")
        }
        output.write(status.description + "\n")
        return 0
    }
}
