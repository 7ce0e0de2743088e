import GrafosObserve
import Synchronization

/// A fabric for tests and deterministic simulation: virtual time, seeded randomness, scripted tasklets and fault
/// injection.
///
/// Leases follow the same rules as on ``LocalFabric`` (they share their bookkeeping), but time is a ``ManualClock``
/// that moves only when the test advances it, ids and fault draws come from `seed`, and launches run a handler you
/// script instead of WebAssembly. The same seed and the same calls in the same order give the same ``history``.
///
/// ```swift
/// let clock = ManualClock()
/// let sim = SimulatedFabric(clock: clock, seed: 42, nodes: [SimulatedFabric.Node(name: "s0", cores: 4)])
/// sim.onLaunch { request in TaskletResult(output: request.input) }    // an echo tasklet
/// sim.failNextLaunch(with: FabricError.disconnected)
///
/// let lease = try await CpuBuilder(on: sim).cores(2).leaseSecs(10).acquire()
/// do { _ = try await lease.cpu().submit([]).input([1]).launch() } catch FabricError.disconnected { }   // injected
/// let r = try await lease.cpu().submit([]).input([1, 2, 3]).launch()                                  // [1, 2, 3]
/// clock.advance(by: .seconds(11))                                                                     // expired
/// ```
public final class SimulatedFabric: FabricProtocol {
    /// One virtual node.
    public struct Node: Hashable, Sendable {
        /// A unique name.
        public var name: String
        /// Logical cores.
        public var cores: Int
        /// Capabilities matched by ``CpuBuilder/require(_:)``.
        public var capabilities: Set<String>

        /// Creates a node.
        public init(name: String, cores: Int, capabilities: Set<String> = []) {
            self.name = name
            self.cores = cores
            self.capabilities = capabilities
        }
    }

    /// What a scripted launch handler receives: the request, plus where it runs.
    @dynamicMemberLookup
    public struct Launch: Sendable {
        /// The tasklet request.
        public var request: TaskletRequest
        /// The lease it runs on.
        public var lease: LeaseID
        /// The node it runs on.
        public var node: String

        /// The request's fields, e.g. `launch.input`.
        public subscript<Value>(dynamicMember keyPath: KeyPath<TaskletRequest, Value>) -> Value {
            request[keyPath: keyPath]
        }
    }

    /// A scripted tasklet.
    public typealias LaunchHandler = @Sendable (Launch) async throws -> TaskletResult

    private struct Script: Sendable {
        var handler: LaunchHandler?
        var launchFailures: [any Error] = []
        var launchDelays: [Duration] = []
        var acquireFailures: [any Error] = []
        var faults = FaultPlan.none
    }

    /// `sim`, or the name given at creation.
    public let name: String
    /// The virtual clock.
    public let manualClock: ManualClock
    /// The seed.
    public let seed: UInt64
    package let core: FabricCore
    private let script = Mutex(Script())

    /// Creates a simulated fabric.
    /// - Parameters:
    ///   - clock: Virtual time; advance it to move leases toward expiry and wake delayed launches.
    ///   - seed: Fixes lease ids, placement and fault draws.
    ///   - nodes: The virtual nodes (thousands are fine).
    ///   - storage: Bytes of block storage to lease out; 1 GiB by default.
    ///   - metrics: Where gauges and counters go; the process registry by default. Give each test its own
    ///     `MetricsRegistry()` when tests run in parallel.
    ///   - recordsHistory: Whether to keep ``history`` (it grows with every event; turn it off for long runs).
    ///   - name: A name for logs.
    public init(
        clock: ManualClock,
        seed: UInt64,
        nodes: [Node],
        storage: Int = 1 << 30,
        metrics: MetricsRegistry = .default,
        recordsHistory: Bool = true,
        name: String = "sim"
    ) {
        self.name = name
        self.manualClock = clock
        self.seed = seed
        core = FabricCore(
            nodes: nodes.map { ($0.name, $0.cores, $0.capabilities) },
            storageName: LocalFabric.storageNodeName,
            storageBlocks: max(0, storage) / BlockStore.blockSize,
            clock: clock,
            metrics: metrics,
            seed: seed,
            recordsHistory: recordsHistory
        )
    }

    /// The virtual clock, as a ``FabricClock``.
    public var clock: any FabricClock { manualClock }
    /// The registry metrics are recorded in.
    public var metrics: MetricsRegistry { core.metrics }
    /// Everything that happened, in order (empty when created with `recordsHistory: false`).
    public var history: [FabricEvent] { core.history }
    /// Live CPU leases (expired ones are reclaimed first).
    public var activeCpuLeases: Int { core.activeCpuLeases }
    /// Live block leases (expired ones are reclaimed first).
    public var activeBlockLeases: Int { core.activeBlockLeases }
    /// Free cores by node name.
    public var freeCores: [String: Int] { core.freeCores }
    /// Node names in configuration order.
    public var nodeNames: [String] { core.nodeNames }

    /// Random faults injected into every launch; ``FaultPlan/none`` by default.
    public var faults: FaultPlan {
        get { script.withLock { $0.faults } }
        set { script.withLock { $0.faults = newValue } }
    }

    // MARK: Scripting

    /// Sets the scripted tasklet every launch runs (replacing any previous one). Without one, launches run the
    /// real WebAssembly engine.
    ///
    /// The handler may sleep on the fabric's clock to take virtual time; it is cancelled if the lease expires, is
    /// released or its node disconnects meanwhile, and the launch then fails with the matching error.
    public func onLaunch(_ handler: @escaping LaunchHandler) {
        script.withLock { $0.handler = handler }
    }

    /// Makes the next launch fail with `error` before running (queued: each call fails one more launch).
    public func failNextLaunch(with error: any Error) {
        script.withLock { $0.launchFailures.append(error) }
    }

    /// Makes the next launch wait `duration` of virtual time before running (queued like ``failNextLaunch(with:)``).
    public func delayNextLaunch(by duration: Duration) {
        script.withLock { $0.launchDelays.append(duration) }
    }

    /// Makes the next CPU or block acquisition fail with `error` (queued).
    public func failNextAcquire(with error: any Error) {
        script.withLock { $0.acquireFailures.append(error) }
    }

    /// Makes a node unreachable: its launches stop with `disconnected`, its leases refuse use, it gets no new ones.
    /// Its leases still expire on time. - Returns: false when there is no such node.
    @discardableResult
    public func disconnect(node: String) -> Bool {
        core.setOnline(false, node: node)
    }

    /// Makes a node reachable again; its leases that have not expired are usable again ("back from the dead").
    @discardableResult
    public func reconnect(node: String) -> Bool {
        core.setOnline(true, node: node)
    }

    /// Disconnects each of `nodes`, as a network partition would.
    public func partition(_ nodes: [String]) {
        for node in nodes { disconnect(node: node) }
    }

    /// Reconnects every node.
    public func heal() {
        for node in core.nodeNames { reconnect(node: node) }
    }

    /// Expires a lease now, whatever its TTL: the fabric reclaims it and stops its launches with `leaseExpired`.
    /// - Returns: false when the lease was not live.
    @discardableResult
    public func expire(lease: LeaseID) -> Bool {
        core.forceExpire(lease)
    }

    // MARK: FabricProtocol

    /// The free cores of all nodes, after reclaiming expired leases.
    public func freeCoreCount() async -> Int? {
        core.freeCores.values.reduce(0, +)
    }

    public func acquireCpu(_ request: CpuLeaseRequest) async throws -> LeaseGrant {
        if let error = script.withLock({ $0.acquireFailures.isEmpty ? nil : $0.acquireFailures.removeFirst() }) {
            throw error
        }
        return try core.acquireCpu(request)
    }

    public func acquireBlock(_ request: BlockLeaseRequest) async throws -> LeaseGrant {
        if let error = script.withLock({ $0.acquireFailures.isEmpty ? nil : $0.acquireFailures.removeFirst() }) {
            throw error
        }
        return try core.acquireBlock(request)
    }

    public func renew(_ lease: LeaseCredential, for duration: Duration) async throws -> FabricInstant {
        try core.renew(lease, for: duration)
    }

    public func release(_ lease: LeaseCredential) async throws {
        try core.release(lease)
    }

    public func releaseInBackground(_ lease: LeaseCredential) {
        try? core.release(lease)
    }

    public func perform(_ operation: BlockOperation, on lease: LeaseCredential) async throws -> BlockOperationResult {
        try core.perform(operation, on: lease)
    }

    public func launch(_ request: TaskletRequest, on lease: LeaseCredential) async throws -> TaskletResult {
        guard script.withLock({ $0.handler != nil }) else {
            // No script: run the real WebAssembly engine; scripted failures, delays and faults still apply first.
            return try await core.launchTasklet(request, on: lease, runtime: TaskletRuntime()) { node in
                let (_, failure, delay, faults) = self.takeScript()
                if let failure { throw failure }
                try self.injectFaults(faults, lease: lease.id, node: node)
                if let delay { try await self.manualClock.sleep(until: self.manualClock.now.advanced(by: delay)) }
            }
        }
        return try await core.withLaunch(on: lease, limits: request.limits) { interrupt, node in
            // Drawn only now, on a live lease: a launch refused by the lease check consumes nothing scripted.
            let (handler, failure, delay, faults) = takeScript()
            if let failure { throw failure }
            try injectFaults(faults, lease: lease.id, node: node)
            let start = manualClock.now
            let launch = Launch(request: request, lease: lease.id, node: node)
            var result = try await race(interrupt) {
                if let delay { try await self.manualClock.sleep(until: start.advanced(by: delay)) }
                guard let handler else {
                    throw FabricError(.noTaskletRuntime, "the launch handler was removed", lease: lease.id)
                }
                return try await handler(launch)
            }
            if result.duration == .zero { result.duration = start.duration(to: manualClock.now) }
            return result
        }
    }

    /// Takes the handler and the next scripted failure and delay, and reads the fault plan.
    private func takeScript() -> (LaunchHandler?, (any Error)?, Duration?, FaultPlan) {
        script.withLock { script in
            (
                script.handler,
                script.launchFailures.isEmpty ? nil : script.launchFailures.removeFirst(),
                script.launchDelays.isEmpty ? nil : script.launchDelays.removeFirst(),
                script.faults
            )
        }
    }

    /// Draws the fault plan's faults for one launch on `node`.
    private func injectFaults(_ faults: FaultPlan, lease: LeaseID, node: String) throws {
        if faults.launchFailureRate > 0 && core.random(in: 0..<1) < faults.launchFailureRate {
            throw FabricError(.transient, "injected launch failure (FaultPlan.launchFailureRate)", lease: lease)
        }
        if faults.disconnectRate > 0 && core.random(in: 0..<1) < faults.disconnectRate {
            disconnect(node: node)
            let back = manualClock.now.advanced(by: faults.disconnectDuration)
            _ = manualClock.schedule(at: back) { [weak self] in self?.reconnect(node: node) }
            throw FabricError(
                .disconnected,
                "injected disconnect of node \(node) (FaultPlan.disconnectRate)",
                lease: lease,
                node: node
            )
        }
        if faults.expiryRate > 0 && core.random(in: 0..<1) < faults.expiryRate {
            expire(lease: lease)
            throw FabricError(.leaseExpired, "injected expiry of lease \(lease) (FaultPlan.expiryRate)", lease: lease)
        }
    }

    /// Runs `body`, stopping it with the interrupt's reason if that fires first.
    private func race(
        _ interrupt: LaunchInterrupt,
        _ body: @escaping @Sendable () async throws -> TaskletResult
    ) async throws -> TaskletResult {
        do {
            return try await withThrowingTaskGroup(of: TaskletResult?.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    if let reason = await interrupt.wait() { throw reason }
                    return nil
                }
                while let next = try await group.next() {
                    if let result = next {
                        group.cancelAll()
                        return result
                    }
                }
                throw CancellationError()
            }
        } catch is CancellationError {
            if let reason = interrupt.reason { throw reason }
            throw FabricError(.cancelled, "the launch was cancelled")
        }
    }
}
