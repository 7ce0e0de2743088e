import GrafosObserve
import GrafosStd
import Synchronization

/// A content-addressed cache of tasklet outputs: a launch whose ``TaskletAction`` was already run returns the stored
/// result without launching, and identical actions in flight at once are launched once.
///
/// Wrap the launch in `exec` — the coordinator's spelling does not change:
///
/// ```swift
/// let cache = ActionCache(store: BlockLeaseCacheStore(artifacts))     // or DirectoryCacheStore(path: dir)
/// let compile = TaskletAction(module: taskletWasm).fuel(5_000_000)
/// let out = try await coordinator.run(chunks, artifacts,
///     exec: { chunk, store in
///         let r = try await cache.result(for: compile.input(chunk.bytes)) { action in
///             let lease = try await CpuBuilder().cores(2).leaseSecs(120).acquire()   // only on a miss
///             return try await lease.cpu().submit(action).launch()
///         }
///         try await store.write(chunk.id, r.output)
///         return r
///     },
///     aggregate: { $0 })
/// ```
///
/// Only deterministic actions whose launch succeeded with a cacheable exit code (0 by default) are stored; a
/// non-deterministic action always launches. ``TaskletAction/doNotCache`` launches without storing,
/// ``TaskletAction/skipLookup`` launches (and stores) even on a hit, and ``TaskletAction/salt`` changes the key. A
/// hit's result has the stored output, log, exit code and fuel, and a zero duration.
///
/// When an action is already being launched by another caller, a second caller waits for that launch and shares its
/// outcome — unless the launch was cancelled (then it launches itself) or the caller is a speculative duplicate
/// (``JobAttempt/isSpeculative``: it exists to race that launch). A store that fails to read or write never fails
/// the launch; it is counted as a miss or left unstored. Hits and misses are counted in `action_cache_hits_total`
/// and `action_cache_misses_total`.
public final class ActionCache: Sendable {
    /// What the cache did so far.
    public struct Statistics: Hashable, Sendable, CustomStringConvertible {
        /// Results returned from the store without a launch.
        public var hits = 0
        /// Results launched because none was stored (or the lookup was skipped).
        public var misses = 0
        /// Results shared from an identical launch in flight.
        public var joined = 0
        /// Launches made (misses, uncacheable actions, and speculative or post-cancellation launches).
        public var launches = 0
        /// Results written to the store.
        public var stored = 0
        /// Store reads or writes that failed (treated as misses, or left unstored).
        public var storeFailures = 0

        /// Creates statistics.
        public init() {}

        /// `12 hits, 3 misses, 1 joined, 4 launches, 3 stored`.
        public var description: String {
            "\(hits) hits, \(misses) misses, \(joined) joined, \(launches) launches, \(stored) stored"
                + (storeFailures > 0 ? ", \(storeFailures) store failures" : "")
        }
    }

    private final class Flight: Sendable {
        private struct State {
            var outcome: Result<TaskletResult, any Error>?
            var waiters: [CheckedContinuation<Void, Never>] = []
        }

        private let state = Mutex(State())

        func finish(_ outcome: Result<TaskletResult, any Error>) {
            let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.outcome = outcome
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }

        func wait() async -> Result<TaskletResult, any Error> {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done = state.withLock { state -> Bool in
                    if state.outcome != nil { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if done { continuation.resume() }
            }
            return state.withLock { $0.outcome! }
        }
    }

    private enum Role {
        case leader(Flight)
        case follower(Flight)
    }

    /// Where entries live.
    public let store: any ActionCacheStore
    /// Exit codes whose results are stored; `[0]` by default.
    public let cacheableExitCodes: Set<Int32>
    private let inFlight = Mutex<[ActionKey: Flight]>([:])
    private let counts = Mutex(Statistics())
    private let hitsCounter: Counter
    private let missesCounter: Counter

    /// Creates a cache.
    /// - Parameters:
    ///   - store: Where entries live.
    ///   - cacheableExitCodes: Exit codes whose results are stored; only 0 by default.
    ///   - metrics: Where `action_cache_hits_total` and `action_cache_misses_total` go.
    public init(
        store: any ActionCacheStore,
        cacheableExitCodes: Set<Int32> = [0],
        metrics: MetricsRegistry = .default
    ) {
        self.store = store
        self.cacheableExitCodes = cacheableExitCodes
        hitsCounter = metrics.counter("action_cache_hits_total", help: "Tasklet results served from the action cache")
        missesCounter = metrics.counter(
            "action_cache_misses_total",
            help: "Tasklet launches the action cache could not serve"
        )
    }

    /// What the cache did so far.
    public var statistics: Statistics { counts.withLock { $0 } }

    /// The stored result of `action`, or nil.
    public func lookup(_ action: TaskletAction) async -> TaskletResult? {
        await load(action.key)
    }

    /// The result of `action`: stored, shared from an identical launch in flight, or launched by `launch`.
    /// - Parameters:
    ///   - action: What to run.
    ///   - launch: Launches `action` (lease cores, `submit(action)`, `launch()`); called only when needed.
    /// - Returns: The result.
    /// - Throws: What `launch` throws (also to callers that shared the launch).
    public func result(
        for action: TaskletAction,
        launch: @Sendable (TaskletAction) async throws -> TaskletResult
    ) async throws -> TaskletResult {
        guard action.deterministic, !(action.doNotCache && action.skipLookup) else {
            count { $0.launches += 1 }
            return try await launch(action)
        }
        let key = action.key
        if JobAttempt.current?.isSpeculative == true {
            // Racing a straggler that may be this very launch in flight: never wait for it.
            return try await lookupOrLaunch(action, key, launch)
        }
        while true {
            // The flight is registered before the store is read, so a caller that arrives while another reads or
            // launches joins it, and one that arrives after finds the stored result: never two launches.
            let role = inFlight.withLock { flights -> Role in
                if let flight = flights[key] { return .follower(flight) }
                let flight = Flight()
                flights[key] = flight
                return .leader(flight)
            }
            switch role {
            case .follower(let flight):
                let outcome = await flight.wait()
                try Task.checkCancellation()
                if case .failure(let error) = outcome, Self.isCancellation(error) { continue }
                count { $0.joined += 1 }
                return try outcome.get()
            case .leader(let flight):
                let outcome: Result<TaskletResult, any Error>
                do {
                    outcome = .success(try await lookupOrLaunch(action, key, launch))
                } catch {
                    outcome = .failure(error)
                }
                inFlight.withLock { flights in
                    if flights[key] === flight { flights.removeValue(forKey: key) }
                }
                flight.finish(outcome)
                return try outcome.get()
            }
        }
    }

    private func lookupOrLaunch(
        _ action: TaskletAction,
        _ key: ActionKey,
        _ launch: @Sendable (TaskletAction) async throws -> TaskletResult
    ) async throws -> TaskletResult {
        if !action.skipLookup, let hit = await load(key) {
            count { $0.hits += 1 }
            hitsCounter.increment()
            return hit
        }
        return try await launchAndStore(action, key, launch)
    }

    private func launchAndStore(
        _ action: TaskletAction,
        _ key: ActionKey,
        _ launch: @Sendable (TaskletAction) async throws -> TaskletResult
    ) async throws -> TaskletResult {
        count {
            $0.misses += 1
            $0.launches += 1
        }
        missesCounter.increment()
        let result = try await launch(action)
        if !action.doNotCache && cacheableExitCodes.contains(result.exitCode) {
            do {
                try await store.save(key, CachedResult.encode(result))
                count { $0.stored += 1 }
            } catch {
                count { $0.storeFailures += 1 }
            }
        }
        return result
    }

    private func load(_ key: ActionKey) async -> TaskletResult? {
        let entry: [UInt8]?
        do {
            entry = try await store.load(key)
        } catch {
            count { $0.storeFailures += 1 }
            return nil
        }
        guard let entry, var result = CachedResult.decode(entry) else { return nil }
        result.duration = .zero
        return result
    }

    private func count(_ update: (inout Statistics) -> Void) {
        counts.withLock { update(&$0) }
    }

    private static func isCancellation(_ error: any Error) -> Bool {
        error is CancellationError || (error as? FabricError)?.code == .cancelled
    }
}
