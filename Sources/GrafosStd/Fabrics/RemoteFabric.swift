import GrafosObserve
import Synchronization

/// A fabric of `grafos node` agents reached over TCP: the same leases, on other machines.
///
/// Point the coordinator at a list of agents and a shared secret; nothing else in its code changes:
///
/// ```swift
/// let fabric = try RemoteFabric(endpoints: ["10.0.0.5:7070", "10.0.0.6:7070"], secret: Array(secret.utf8))
/// try await Fabric.$current.withValue(fabric) {
///     let lease = try await CpuBuilder().cores(2).leaseSecs(120).acquire()   // placed on a node with room
///     // …
/// }
/// await fabric.shutdown()   // releases every lease it still holds
/// ```
///
/// Placement tries nodes from a rotating start, skipping those that are full, lack a capability, or are
/// unreachable. Each node enforces TTLs itself, so leases of a crashed coordinator return within one TTL. When a
/// node drops, requests in flight to it — launches included — fail at once with ``FabricError/Code/disconnected``;
/// the connection is retried on the next request after a short delay. Expiries are converted to this process's
/// ``MonotonicClock`` conservatively (measured from when the request was sent).
public final class RemoteFabric: FabricProtocol {
    private struct Held: Sendable {
        var credential: LeaseCredential
        var node: Int
        var kind: LeaseGrant.Kind
        var expiry: FabricInstant
    }

    private struct State {
        var leases: [LeaseID: Held] = [:]
        var cursor = 0
        /// Why recently ended leases ended, so that a later use gets the real reason instead of `unknownLease`.
        var ended: [LeaseID: FabricError] = [:]
        var endedOrder: [LeaseID] = []

        /// Remembers why `id` ended (the last ``endedMemory`` endings are kept).
        mutating func recordEnd(_ id: LeaseID, _ error: FabricError) {
            if ended.updateValue(error, forKey: id) == nil { endedOrder.append(id) }
            if endedOrder.count > RemoteFabric.endedMemory {
                let drop = endedOrder.count - RemoteFabric.endedMemory / 2
                for old in endedOrder[..<drop] { ended.removeValue(forKey: old) }
                endedOrder.removeFirst(drop)
            }
        }
    }

    /// How many ended leases a fabric remembers the reason for.
    static let endedMemory = 4096

    /// `remote`, or the name given.
    public let name: String
    /// The agents' addresses, as given.
    public let endpoints: [String]
    /// The registry client-side metrics go to.
    public let metrics: MetricsRegistry
    private let connections: [NodeConnection]
    private let monotonic = MonotonicClock()
    private let state = Mutex(State())
    private let cpuGauge: Gauge
    private let blockGauge: Gauge
    private let launches: TaskletMetrics
    private let artifactBytes: Counter

    /// Creates a fabric over `endpoints`; connections open on first use.
    /// - Parameters:
    ///   - endpoints: `HOST:PORT` (or `tcp://HOST:PORT`) of each agent.
    ///   - secret: The shared secret the agents were started with.
    ///   - connectTimeout: How long to wait for a node to accept a connection.
    ///   - retryDelay: After a node fails, requests to it fail fast for this long before it is tried again.
    ///   - metrics: Where this client records lease gauges and tasklet metrics.
    ///   - name: A name for logs.
    /// - Throws: ``FabricError/Code/invalidRequest`` for an empty list or a malformed endpoint.
    public init(
        endpoints: [String],
        secret: [UInt8],
        connectTimeout: Duration = .seconds(2),
        retryDelay: Duration = .milliseconds(500),
        metrics: MetricsRegistry = .default,
        name: String = "remote"
    ) throws {
        guard !endpoints.isEmpty else {
            throw FabricError(.invalidRequest, "a RemoteFabric needs at least one endpoint")
        }
        var connections: [NodeConnection] = []
        for endpoint in endpoints {
            guard let address = SocketAddress(parsing: endpoint) else {
                throw FabricError(.invalidRequest, "'\(endpoint)' is not HOST:PORT or tcp://HOST:PORT")
            }
            connections.append(
                NodeConnection(address: address, secret: secret, connectTimeout: connectTimeout, retryDelay: retryDelay)
            )
        }
        self.name = name
        self.endpoints = endpoints
        self.metrics = metrics
        self.connections = connections
        cpuGauge = metrics.gauge("cpu_leases_active", help: "CPU leases currently held")
        blockGauge = metrics.gauge("block_leases_active", help: "Block storage leases currently held")
        launches = TaskletMetrics(metrics)
        artifactBytes = metrics.counter("artifact_bytes_written", help: "Bytes newly stored in block leases")
    }

    deinit {
        for connection in connections { connection.close() }
        let held = state.withLock { $0.leases.values }
        for lease in held {
            if lease.kind == .cpu { cpuGauge.decrement() } else { blockGauge.decrement() }
        }
    }

    /// This process's monotonic clock (expiries are converted to it).
    public var clock: any FabricClock { monotonic }

    /// Leases this client holds and believes live.
    public var heldLeases: Int {
        sweep()
        return state.withLock { $0.leases.count }
    }

    /// Asks every node for its status; unreachable nodes are left out.
    public func statuses() async -> [NodeStatus] {
        await withTaskGroup(of: NodeStatus?.self) { group in
            for connection in connections {
                group.addTask {
                    guard case .status(let status) = try? await connection.send(.status) else { return nil }
                    return status
                }
            }
            var result: [NodeStatus] = []
            for await status in group { if let status { result.append(status) } }
            return result.sorted { $0.name < $1.name }
        }
    }

    /// A node's Prometheus metrics text.
    public func metricsText(endpoint index: Int) async throws -> String {
        guard connections.indices.contains(index) else {
            throw FabricError(.invalidRequest, "no endpoint #\(index); there are \(connections.count)")
        }
        guard case .text(let text) = try await connections[index].send(.metrics) else { throw unexpected() }
        return text
    }

    /// Releases every lease this client still holds, then closes the connections.
    ///
    /// Leases on nodes that cannot be reached are reclaimed by those nodes at their TTLs.
    public func shutdown() async {
        let held = state.withLock { Array($0.leases.values) }
        await withTaskGroup(of: Void.self) { group in
            for lease in held {
                group.addTask { [self] in try? await release(lease.credential) }
            }
        }
        for lease in state.withLock({ Array($0.leases.values) }) { forget(lease.credential.id) }
        for connection in connections { connection.close() }
    }

    /// Drops every connection without releasing anything, as a crashed coordinator would.
    package func closeConnectionsForTesting() {
        for connection in connections { connection.close() }
    }

    // MARK: FabricProtocol

    /// For each node: its name (or address), whether a connection is open, and how many requests to it are
    /// unanswered — what a stuck client is waiting for.
    package var connectionReport: String {
        connections.map { connection in
            "\(connection.nodeName ?? connection.address.description): "
                + "\(connection.isConnected ? "connected" : "not connected"), \(connection.pendingCount) pending"
        }.joined(separator: "; ")
    }

    /// The free cores of every reachable node (one status round trip to each).
    public func freeCoreCount() async -> Int? {
        let statuses = await statuses()
        return statuses.isEmpty ? nil : statuses.reduce(0) { $0 + $1.freeCores }
    }

    public func acquireCpu(_ request: CpuLeaseRequest) async throws -> LeaseGrant {
        try request.validate()
        return try await place(kind: .cpu) {
            $0 == nil || request.node == nil || request.node == $0
        } send: {
            .acquireCpu(request)
        }
    }

    public func acquireBlock(_ request: BlockLeaseRequest) async throws -> LeaseGrant {
        try request.validate()
        return try await place(kind: .block) {
            $0 == nil || request.node == nil || request.node == $0
        } send: {
            .acquireBlock(request)
        }
    }

    public func renew(_ lease: LeaseCredential, for duration: Duration) async throws -> FabricInstant {
        let node = try route(lease)
        let sent = monotonic.now
        do {
            guard case .renewed(let remaining) = try await connections[node].send(.renew(lease, duration)) else {
                throw unexpected()
            }
            let expiry = sent.advanced(by: remaining)
            state.withLock { $0.leases[lease.id]?.expiry = expiry }
            return expiry
        } catch let error as FabricError {
            forgetIfGone(lease.id, error)
            throw error
        }
    }

    public func release(_ lease: LeaseCredential) async throws {
        let node = try route(lease)
        do {
            guard case .done = try await connections[node].send(.release(lease)) else { throw unexpected() }
            forget(lease.id)
        } catch let error as FabricError {
            forgetIfGone(lease.id, error)
            throw error
        }
    }

    public func releaseInBackground(_ lease: LeaseCredential) {
        Task.detached { [self] in try? await release(lease) }
    }

    public func launch(_ request: TaskletRequest, on lease: LeaseCredential) async throws -> TaskletResult {
        let node = try route(lease)
        launches.started()
        let start = monotonic.now
        do {
            guard case .result(let result) = try await connections[node].send(.launch(lease, request)) else {
                throw unexpected()
            }
            launches.finished(result, after: start.duration(to: monotonic.now))
            return result
        } catch {
            launches.failed(error, after: start.duration(to: monotonic.now))
            if let error = error as? FabricError { forgetIfGone(lease.id, error) }
            throw error
        }
    }

    public func perform(_ operation: BlockOperation, on lease: LeaseCredential) async throws -> BlockOperationResult {
        let node = try route(lease)
        do {
            guard case .block(let result) = try await connections[node].send(.block(lease, operation)) else {
                throw unexpected()
            }
            switch result {
            case .stored(let bytes), .digest(_, let bytes):
                if bytes > 0 { artifactBytes.increment(by: UInt64(bytes)) }
            default: break
            }
            return result
        } catch let error as FabricError {
            forgetIfGone(lease.id, error)
            throw error
        }
    }

    // MARK: Internals

    /// Tries nodes from a rotating start until one grants the lease.
    private func place(
        kind: LeaseGrant.Kind,
        accepts: (String?) -> Bool,
        send request: () -> WireRequest
    ) async throws -> LeaseGrant {
        sweep()
        let start = state.withLock { state -> Int in
            defer { state.cursor = (state.cursor + 1) % connections.count }
            return state.cursor
        }
        var errors: [FabricError] = []
        for step in 0..<connections.count {
            let index = (start + step) % connections.count
            guard accepts(connections[index].nodeName) else { continue }
            let sent = monotonic.now
            do {
                guard case .grant(var grant, let remaining) = try await connections[index].send(request()) else {
                    throw unexpected()
                }
                grant.expiry = sent.advanced(by: remaining)
                let expiry = grant.expiry
                state.withLock {
                    $0.leases[grant.credential.id] = Held(
                        credential: grant.credential,
                        node: index,
                        kind: kind,
                        expiry: expiry
                    )
                }
                if kind == .cpu { cpuGauge.increment() } else { blockGauge.increment() }
                _ = monotonic.schedule(at: expiry) { [weak self] in self?.sweep() }
                return grant
            } catch let error as FabricError {
                switch error.code {
                case .insufficientCapacity, .noMatchingNode, .disconnected, .unauthenticated: errors.append(error)
                default: throw error
                }
            }
        }
        if let capacity = errors.first(where: { $0.code == .insufficientCapacity }) {
            throw FabricError(
                .insufficientCapacity,
                "no node has room now (\(errors.count) tried; first: \(capacity.message)); retry after leases end"
            )
        }
        if let unauthenticated = errors.first(where: { $0.code == .unauthenticated }) { throw unauthenticated }
        if !errors.isEmpty && errors.allSatisfy({ $0.code == .disconnected }) {
            throw FabricError(
                .disconnected,
                "no node is reachable (\(errors.count) tried; first: \(errors[0].message))"
            )
        }
        throw FabricError(
            .noMatchingNode,
            "no node can satisfy the request" + (errors.first.map { " (first refusal: \($0.message))" } ?? "")
        )
    }

    private func route(_ lease: LeaseCredential) throws(FabricError) -> Int {
        let (node, ended) = state.withLock { ($0.leases[lease.id]?.node, $0.ended[lease.id]) }
        guard let node else {
            if let ended { throw ended }
            throw FabricError(
                .unknownLease,
                "lease \(lease.id) was not acquired through this RemoteFabric, or has already ended",
                lease: lease.id
            )
        }
        return node
    }

    private func forget(_ id: LeaseID, because reason: FabricError? = nil) {
        let held = state.withLock { state -> Held? in
            let held = state.leases.removeValue(forKey: id)
            if held != nil {
                state.recordEnd(id, reason ?? FabricError(.leaseReleased, "lease \(id) was released", lease: id))
            }
            return held
        }
        guard let held else { return }
        if held.kind == .cpu { cpuGauge.decrement() } else { blockGauge.decrement() }
    }

    private func forgetIfGone(_ id: LeaseID, _ error: FabricError) {
        if error.code == .leaseExpired || error.code == .leaseReleased || error.code == .unknownLease {
            forget(id, because: error)
        }
    }

    /// Forgets leases whose expiry has passed (the node reclaimed them).
    private func sweep() {
        let now = monotonic.now
        let expired = state.withLock { state -> [Held] in
            let gone = state.leases.filter { $0.value.expiry <= now }
            for (id, held) in gone {
                state.leases.removeValue(forKey: id)
                let node = connections[held.node]
                let name = node.nodeName ?? node.address.description
                state.recordEnd(
                    id,
                    FabricError(
                        .leaseExpired,
                        "lease \(id) on node \(name) expired at \(held.expiry) without a renewal reaching the node"
                            + " (was it unreachable?); renew earlier or lease for longer",
                        lease: id,
                        node: name
                    )
                )
            }
            return Array(gone.values)
        }
        for held in expired {
            if held.kind == .cpu { cpuGauge.decrement() } else { blockGauge.decrement() }
        }
    }

    private func unexpected() -> FabricError {
        FabricError(.transient, "a node answered with the wrong kind of response")
    }
}
