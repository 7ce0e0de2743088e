import Synchronization

/// One client connection to a `grafos node`: connects and authenticates on first use, pipelines requests by id,
/// and fails every pending request with ``FabricError/Code/disconnected`` the moment the connection drops.
package final class NodeConnection: Sendable {
    private struct State {
        var channel: WireChannel?
        /// Writes `channel`'s requests from a thread of its own (see ``FrameWriter``).
        var writer: FrameWriter?
        var nodeName: String?
        var connecting: [CheckedContinuation<WireChannel, any Error>]?
        var pending: [UInt64: CheckedContinuation<WireResponse, any Error>] = [:]
        var nextID: UInt64 = 1
        var lastFailure: (at: FabricInstant, error: FabricError)?
        var closed = false
    }

    /// The endpoint.
    package let address: SocketAddress
    private let secret: [UInt8]
    private let connectTimeout: Duration
    private let retryDelay: Duration
    private let clock = MonotonicClock()
    private let state = Mutex(State())

    package init(address: SocketAddress, secret: [UInt8], connectTimeout: Duration, retryDelay: Duration) {
        self.address = address
        self.secret = secret
        self.connectTimeout = connectTimeout
        self.retryDelay = retryDelay
    }

    /// The node's name, once connected.
    package var nodeName: String? { state.withLock { $0.nodeName } }

    /// Requests sent and not yet answered (for diagnosing a stuck client).
    package var pendingCount: Int { state.withLock { $0.pending.count } }

    /// Whether a connection is open now.
    package var isConnected: Bool { state.withLock { $0.channel != nil } }

    /// Sends `request` and waits for its response.
    /// - Throws: the node's ``FabricError``; `disconnected` when the node cannot be reached or drops;
    ///   `cancelled` when the task is cancelled while waiting.
    package func send(_ request: WireRequest) async throws -> WireResponse {
        let channel = try await connectedChannel()
        let (type, payload) = request.encode()
        let id = state.withLock { state -> UInt64 in
            defer { state.nextID &+= 1 }
            return state.nextID
        }
        let response = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<WireResponse, any Error>) in
                let outcome = state.withLock { state -> Result<FrameWriter, any Error> in
                    if Task.isCancelled {
                        return .failure(FabricError(.cancelled, "the request to \(address) was cancelled"))
                    }
                    guard state.channel === channel, let writer = state.writer else {
                        return .failure(disconnectedError("the connection was lost", knownName: state.nodeName))
                    }
                    state.pending[id] = continuation
                    return .success(writer)
                }
                let writer: FrameWriter
                switch outcome {
                case .failure(let failure):
                    continuation.resume(throwing: failure)
                    return
                case .success(let found):
                    writer = found
                }
                // Queued, not written here: a node that stops reading must not hold this task's thread.
                if !writer.enqueue(WireFrame(type: type, requestID: id, payload: payload)) {
                    if let waiter = state.withLock({ $0.pending.removeValue(forKey: id) }) {
                        waiter.resume(throwing: disconnectedError("the node stopped reading its requests"))
                    }
                    channel.close()
                }
            }
        } onCancel: {
            if let waiter = state.withLock({ $0.pending.removeValue(forKey: id) }) {
                waiter.resume(throwing: FabricError(.cancelled, "the request to \(address) was cancelled"))
            }
        }
        if case .error(let error) = response { throw error }
        return response
    }

    /// Closes the connection for good; pending and later requests fail with `disconnected`.
    package func close() {
        let (channel, writer) = state.withLock { state -> (WireChannel?, FrameWriter?) in
            state.closed = true
            return (state.channel, state.writer)
        }
        writer?.finish()
        channel?.close()
    }

    /// A `disconnected` error; pass `knownName` when already holding the state lock.
    private func disconnectedError(_ detail: String, knownName: String?? = .none) -> FabricError {
        let name = (knownName ?? state.withLock { $0.nodeName }) ?? address.description
        return FabricError(
            .disconnected,
            "node \(name) at \(address) is unreachable: \(detail); retry on another node",
            node: name
        )
    }

    private func connectedChannel() async throws -> WireChannel {
        enum Plan {
            case ready(WireChannel)
            case wait
            case connect
            case fail(any Error)
        }
        let now = clock.now
        return try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<WireChannel, any Error>) in
            let plan = state.withLock { state -> Plan in
                if state.closed {
                    return .fail(disconnectedError("the fabric was shut down", knownName: state.nodeName))
                }
                if let channel = state.channel { return .ready(channel) }
                if state.connecting != nil {
                    state.connecting!.append(continuation)
                    return .wait
                }
                if let failure = state.lastFailure, failure.at.duration(to: now) < retryDelay {
                    return .fail(failure.error)
                }
                state.connecting = [continuation]
                return .connect
            }
            switch plan {
            case .ready(let channel): continuation.resume(returning: channel)
            case .fail(let error): continuation.resume(throwing: error)
            case .wait: break
            case .connect: startThread { [self] in connect() }
            }
        }
    }

    /// Connects and authenticates (on its own thread), then becomes the reader.
    private func connect() {
        let result: Result<(WireChannel, String), FabricError>
        do {
            let connection = try TCPConnection.connect(to: address, timeout: connectTimeout)
            let channel = WireChannel(connection: connection)
            do {
                let name = try WireHandshake.client(channel, secret: secret)
                result = .success((channel, name))
            } catch let error as WireError {
                channel.close()
                if case .unauthenticated(let detail) = error {
                    result = .failure(FabricError(.unauthenticated, "\(address): \(detail); check the shared secret"))
                } else {
                    result = .failure(disconnectedError("\(error)"))
                }
            } catch {
                channel.close()
                result = .failure(disconnectedError("\(error)"))
            }
        } catch {
            result = .failure(disconnectedError("\(error)"))
        }
        let waiters = state.withLock { state -> [CheckedContinuation<WireChannel, any Error>] in
            defer { state.connecting = nil }
            switch result {
            case .success(let (channel, name)):
                state.channel = channel
                state.writer = FrameWriter(
                    channel: channel,
                    maxQueuedBytes: WireChannel.defaultMaxFrameBytes + (1 << 20)
                )
                state.nodeName = name
                state.lastFailure = nil
            case .failure(let error):
                state.lastFailure = (clock.now, error)
            }
            return state.connecting ?? []
        }
        switch result {
        case .success(let (channel, _)):
            for waiter in waiters { waiter.resume(returning: channel) }
            read(channel)
        case .failure(let error):
            for waiter in waiters { waiter.resume(throwing: error) }
        }
    }

    private func read(_ channel: WireChannel) {
        var failure = "connection closed"
        while true {
            do throws(WireError) {
                let frame = try channel.receive()
                let response = try WireResponse.decode(frame.type, frame.payload)
                let waiter = state.withLock { $0.pending.removeValue(forKey: frame.requestID) }
                waiter?.resume(returning: response)
            } catch {
                failure = error.description
                break
            }
        }
        channel.close()
        let error = disconnectedError(failure)
        let waiters = state.withLock { state -> [CheckedContinuation<WireResponse, any Error>] in
            if state.channel === channel {
                state.channel = nil
                state.writer?.finish()
                state.writer = nil
            }
            state.lastFailure = (clock.now, error)
            defer { state.pending = [:] }
            return Array(state.pending.values)
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }
}
