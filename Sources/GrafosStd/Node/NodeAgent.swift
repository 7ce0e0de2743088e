import GrafosObserve
import Synchronization

/// A `grafos node` agent: serves one machine's cores and storage to authenticated clients over TCP.
///
/// The agent owns a ``LocalFabric`` with its cores and storage, grants CPU and block leases from it, enforces
/// their TTLs on its own monotonic clock (so a crashed coordinator's leases are reclaimed within one TTL), runs
/// tasklets, and serves block storage. Each connection must first pass the shared-secret handshake
/// (`Docs/WireProtocol.md`); malformed, oversized or unauthenticated traffic closes that connection with a logged
/// reason while the agent carries on serving everyone else.
///
/// ```swift
/// let agent = try NodeAgent(configuration: .init(
///     listen: "127.0.0.1:7070", name: "n1", cores: 8, storageBytes: 1 << 30, secret: Array("s3cret".utf8)))
/// try await agent.run()   // serves until the task is cancelled
/// ```
public final class NodeAgent: Sendable {
    /// How the agent is set up.
    public struct Configuration: Sendable {
        /// `HOST:PORT` to listen on; port 0 picks a free port (see ``NodeAgent/start()``).
        public var listen: String
        /// The node's name, reported in leases and status.
        public var name: String
        /// Logical cores to lease out.
        public var cores: Int
        /// Bytes of block storage to lease out.
        public var storageBytes: Int
        /// Capabilities, e.g. `["avx512", "bigcore"]`.
        public var capabilities: Set<String>
        /// The shared secret clients must prove they hold.
        public var secret: [UInt8]
        /// The largest frame accepted; larger ones close the connection.
        public var maxFrameBytes: Int
        /// Connections served at once; more are refused.
        public var maxConnections: Int
        /// Requests one connection may have in flight; more close the connection.
        public var maxInFlightPerConnection: Int
        /// How long a new connection may take to authenticate.
        public var handshakeTimeout: Duration
        /// Where the agent reports connections refused or closed, and why; nothing by default.
        public var log: (@Sendable (String) -> Void)?
        /// A directory that makes block storage durable: written data (and its leases, until their TTLs pass)
        /// survives a restart of the node. In memory only when nil.
        public var dataDirectory: String?

        /// Creates a configuration.
        public init(
            listen: String,
            name: String,
            cores: Int,
            storageBytes: Int,
            capabilities: Set<String> = [],
            secret: [UInt8],
            maxFrameBytes: Int = 64 << 20,
            maxConnections: Int = 1024,
            maxInFlightPerConnection: Int = 4096,
            handshakeTimeout: Duration = .seconds(10),
            dataDirectory: String? = nil,
            log: (@Sendable (String) -> Void)? = nil
        ) {
            self.listen = listen
            self.name = name
            self.cores = cores
            self.storageBytes = storageBytes
            self.capabilities = capabilities
            self.secret = secret
            self.maxFrameBytes = maxFrameBytes
            self.maxConnections = maxConnections
            self.maxInFlightPerConnection = maxInFlightPerConnection
            self.handshakeTimeout = handshakeTimeout
            self.dataDirectory = dataDirectory
            self.log = log
        }
    }

    private struct State {
        var listener: TCPListener?
        var connections: [ObjectIdentifier: WireChannel] = [:]
        var stopped = false
        var refusedConnections = 0
        var closedForProtocolErrors = 0
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// The configuration.
    public let configuration: Configuration
    /// The node's resources: a ``LocalFabric`` of one node.
    public let fabric: any FabricProtocol
    private let core: FabricCore
    private let totalBlocks: Int
    /// The node's metrics (lease gauges, tasklet counters), served by the `metrics` request.
    public let metrics: MetricsRegistry
    private let state = Mutex(State())
    private let running = AtomicCounter()

    /// Creates an agent; nothing listens until ``start()`` or ``run()``.
    ///
    /// With a ``Configuration/dataDirectory``, block leases left there by a previous run whose TTLs have not passed
    /// are restored with their data.
    /// - Parameters:
    ///   - configuration: Address, resources, secret and limits.
    ///   - clock: The clock TTLs are enforced on.
    ///   - metrics: The node's registry; a fresh one by default.
    /// - Throws: ``FabricError/Code/invalidRequest`` when the data directory cannot be used.
    public init(
        configuration: Configuration,
        clock: some FabricClock = MonotonicClock(),
        metrics: MetricsRegistry = MetricsRegistry()
    ) throws {
        let persistence = try configuration.dataDirectory.map { path throws(FabricError) in
            try DurableBlockStorage(path: path)
        }
        let local = LocalFabric(
            nodes: [
                LocalFabric.Node(
                    name: configuration.name,
                    cores: configuration.cores,
                    capabilities: configuration.capabilities
                )
            ],
            storage: configuration.storageBytes,
            clock: clock,
            metrics: metrics,
            name: configuration.name,
            storageName: configuration.name,
            persistence: persistence
        )
        self.configuration = configuration
        self.metrics = metrics
        fabric = local
        core = local.core
        totalBlocks = local.storageBytes / BlockStore.blockSize
    }

    /// An agent serving a simulated fabric (scripted tasklets, fault injection) over real TCP, for tests.
    package init(configuration: Configuration, serving simulated: SimulatedFabric) {
        self.configuration = configuration
        metrics = simulated.metrics
        fabric = simulated
        core = simulated.core
        totalBlocks = configuration.storageBytes / BlockStore.blockSize
    }

    /// Binds the listening socket and starts serving on background threads.
    /// - Returns: The bound address (with the real port when 0 was configured).
    /// - Throws: ``FabricError/Code/invalidRequest`` for a malformed address; a socket error when binding fails.
    @discardableResult
    public func start() throws -> String {
        if let listening = state.withLock({ $0.listener }) { return listening.address.description }
        guard let address = SocketAddress(parsing: configuration.listen) else {
            throw FabricError(.invalidRequest, "'\(configuration.listen)' is not HOST:PORT")
        }
        let listener = try TCPListener(address: address)
        let earlier = state.withLock { state -> TCPListener? in
            if let earlier = state.listener { return earlier }
            state.listener = listener
            return nil
        }
        if let earlier {  // another start() won the race
            listener.close()
            return earlier.address.description
        }
        startThread { [self] in acceptLoop(listener) }
        return listener.address.description
    }

    /// Serves until the task is cancelled (or ``stop()`` is called), then stops. Starts listening first unless
    /// ``start()`` already did.
    public func run() async throws {
        if state.withLock({ $0.listener == nil && !$0.stopped }) { _ = try start() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let stopped = state.withLock { state -> Bool in
                    if state.stopped { return true }
                    state.stopWaiters.append(continuation)
                    return false
                }
                if stopped { continuation.resume() }
            }
        } onCancel: { [self] in
            stop()
        }
    }

    /// Stops listening and closes every connection. Leases stay until their TTLs pass.
    public func stop() {
        let (listener, connections, waiters) = state.withLock {
            state -> (TCPListener?, [WireChannel], [CheckedContinuation<Void, Never>]) in
            state.stopped = true
            defer {
                state.listener = nil
                state.connections = [:]
                state.stopWaiters = []
            }
            return (state.listener, Array(state.connections.values), state.stopWaiters)
        }
        listener?.close()
        for connection in connections { connection.close() }
        for waiter in waiters { waiter.resume() }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    /// Capacity, leases and running tasklets now.
    public var status: NodeStatus {
        NodeStatus(
            name: configuration.name,
            capabilities: configuration.capabilities,
            totalCores: configuration.cores,
            freeCores: core.freeCores[configuration.name] ?? 0,
            totalBlocks: totalBlocks,
            freeBlocks: core.freeStorageBlocks,
            cpuLeases: core.activeCpuLeases,
            blockLeases: core.activeBlockLeases,
            taskletsRunning: running.value
        )
    }

    /// Connections refused or cut off over a limit (too many connections, or a client that left more than a frame of
    /// answers unread) and connections closed for protocol or authentication errors, so far.
    public var refusals: (overLimit: Int, protocolErrors: Int) {
        state.withLock { ($0.refusedConnections, $0.closedForProtocolErrors) }
    }

    // MARK: Serving

    private func acceptLoop(_ listener: TCPListener) {
        while true {
            let connection: TCPConnection
            do {
                connection = try listener.accept()
            } catch {
                if !isStopped { configuration.log?("node \(configuration.name): accept failed: \(error)") }
                return
            }
            let channel = WireChannel(connection: connection, maxFrameBytes: configuration.maxFrameBytes)
            let admitted = state.withLock { state -> Bool in
                guard !state.stopped, state.connections.count < configuration.maxConnections else {
                    state.refusedConnections += 1
                    return false
                }
                state.connections[ObjectIdentifier(channel)] = channel
                return true
            }
            guard admitted else {
                configuration.log?("node \(configuration.name): refused \(connection.peer): too many connections")
                channel.close()
                continue
            }
            startThread { [self] in serve(channel) }
        }
    }

    private func serve(_ channel: WireChannel) {
        defer {
            channel.close()
            _ = state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(channel)) }
        }
        let peer = channel.connection.peer
        // A client that never completes the handshake is dropped when the socket's read timeout fires.
        channel.connection.setReceiveTimeout(configuration.handshakeTimeout)
        do {
            try WireHandshake.server(channel, name: configuration.name, secret: configuration.secret)
        } catch {
            state.withLock { $0.closedForProtocolErrors += 1 }
            configuration.log?("node \(configuration.name): closed \(peer) during the handshake: \(error)")
            return
        }
        channel.connection.setReceiveTimeout(nil)
        // Answers are written by a thread of this connection's own, so a client that stops reading them blocks only
        // that thread; one that falls more than a frame behind (and a megabyte) is cut off.
        let writer = FrameWriter(channel: channel, maxQueuedBytes: configuration.maxFrameBytes + (1 << 20)) {
            [self] queued in
            state.withLock { $0.refusedConnections += 1 }
            configuration.log?("node \(configuration.name): closed \(peer): \(queued) bytes of answers left unread")
        }
        defer { writer.finish() }
        let inFlight = AtomicCounter()
        while true {
            let frame: WireFrame
            let request: WireRequest
            do throws(WireError) {
                frame = try channel.receive()
                request = try WireRequest.decode(frame.type, frame.payload)
            } catch {
                if case .closed = error { return }
                state.withLock { $0.closedForProtocolErrors += 1 }
                configuration.log?("node \(configuration.name): closed \(peer): \(error)")
                return
            }
            guard inFlight.add() <= configuration.maxInFlightPerConnection else {
                state.withLock { $0.closedForProtocolErrors += 1 }
                configuration.log?(
                    "node \(configuration.name): closed \(peer): more than "
                        + "\(configuration.maxInFlightPerConnection) requests in flight"
                )
                return
            }
            let requestID = frame.requestID
            Task { [self] in
                let response = await handle(request)
                let (type, payload) = response.encode()
                writer.enqueue(WireFrame(type: type, requestID: requestID, payload: payload))
                inFlight.subtract()
            }
        }
    }

    /// Answers one request from the node's fabric.
    package func handle(_ request: WireRequest) async -> WireResponse {
        do {
            switch request {
            case .status:
                return .status(status)
            case .metrics:
                return .text(metrics.prometheusText())
            case .acquireCpu(let request):
                let grant = try await fabric.acquireCpu(request)
                return .grant(grant, remaining: fabric.clock.now.duration(to: grant.expiry))
            case .acquireBlock(let request):
                let grant = try await fabric.acquireBlock(request)
                return .grant(grant, remaining: fabric.clock.now.duration(to: grant.expiry))
            case .renew(let credential, let duration):
                let expiry = try await fabric.renew(credential, for: duration)
                return .renewed(remaining: fabric.clock.now.duration(to: expiry))
            case .release(let credential):
                try await fabric.release(credential)
                return .done
            case .launch(let credential, let tasklet):
                running.add()
                defer { running.subtract() }
                return .result(try await fabric.launch(tasklet, on: credential))
            case .block(let credential, let operation):
                return .block(try await fabric.perform(operation, on: credential))
            }
        } catch let error as FabricError {
            return .error(error)
        } catch {
            return .error(
                FabricError(FabricError.Code(FabricCore.failureReason(error)), "\(error)", node: configuration.name)
            )
        }
    }
}
