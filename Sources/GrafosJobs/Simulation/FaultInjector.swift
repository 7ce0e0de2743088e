import GrafosStd
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The timeline faults of a ``ClusterSimulation``: node disconnects (each node comes back after a while, its leases
/// usable again if they have not expired — "back from the dead") and capacity exhaustion (another tenant takes every
/// free core for a few seconds, so acquisitions fail with `insufficientCapacity`).
///
/// Event times are drawn from the seed (exponential gaps at the rates of ``SimulationFaults``); the loop sleeps on the
/// simulation's clock between them and ends when its task is cancelled, giving back every core it took.
final class FaultInjector: Sendable {
    /// What was injected.
    struct Counters: Sendable, Hashable {
        var disconnects = 0
        var reconnects = 0
        var backFromTheDead = 0
        var exhaustions = 0
        var hogLeases = 0
    }

    private struct State {
        var offline: [Bool]
        var counters = Counters()
    }

    private let fabric: SimulatedFabric
    private let clock: ManualClock
    private let faults: SimulationFaults
    private let nodeNames: [String]
    private let maximumAway: Duration
    private let heldOnNode: @Sendable (String) -> Int
    private let state: Mutex<State>

    /// - Parameters:
    ///   - fabric: The fabric to disconnect nodes of and take capacity from.
    ///   - clock: Its clock.
    ///   - faults: Rates and seed.
    ///   - maximumAway: A disconnected node stays away between one second and this long.
    ///   - heldOnNode: Cores held on a node now (to tell a node that comes back with live leases).
    init(
        fabric: SimulatedFabric,
        clock: ManualClock,
        faults: SimulationFaults,
        nodeNames: [String],
        maximumAway: Duration,
        heldOnNode: @escaping @Sendable (String) -> Int
    ) {
        self.fabric = fabric
        self.clock = clock
        self.faults = faults
        self.nodeNames = nodeNames
        self.maximumAway = maximumAway
        self.heldOnNode = heldOnNode
        state = Mutex(State(offline: [Bool](repeating: false, count: nodeNames.count)))
    }

    /// What was injected so far.
    var counters: Counters { state.withLock { $0.counters } }

    /// Whether node `index` is disconnected now.
    func isOffline(node index: Int) -> Bool {
        state.withLock { index >= 0 && index < $0.offline.count && $0.offline[index] }
    }

    /// Injects faults until cancelled, then gives back the capacity it holds.
    func run() async {
        var random = SeededRandomNumberGenerator(seed: faults.mix(0x494E_4A45_4354, 0))
        let disconnectRate = faults.disconnectsPerSecond(nodes: nodeNames.count)
        let exhaustionRate = faults.exhaustionsPerSecond
        var nextDisconnect = next(after: clock.now, rate: disconnectRate, &random)
        var nextExhaustion = next(after: clock.now, rate: exhaustionRate, &random)
        var hogEnd: FabricInstant?
        var hogNext: FabricInstant?
        var hog: [CpuLease] = []
        while !Task.isCancelled {
            let wake = min(nextDisconnect, nextExhaustion, hogNext ?? nextExhaustion)
            guard wake.nanoseconds < .max else { break }
            do {
                try await clock.sleep(until: wake)
            } catch {
                break
            }
            let now = clock.now
            if now >= nextDisconnect {
                disconnect(&random)
                nextDisconnect = next(after: now, rate: disconnectRate, &random)
            }
            if now >= nextExhaustion {
                if hogEnd == nil {
                    let seconds = 2 + 6 * SimulationFaults.unit(random.next())
                    hogEnd = now.advanced(by: .nanoseconds(Int64(seconds * 1e9)))
                    hogNext = now
                    state.withLock { $0.counters.exhaustions += 1 }
                }
                nextExhaustion = next(after: now, rate: exhaustionRate, &random)
            }
            if let due = hogNext, let end = hogEnd, now >= due {
                if now < end {
                    await grab(into: &hog, until: end)
                    hogNext = min(now.advanced(by: .seconds(1)), end)
                } else {
                    for lease in hog { await lease.release() }
                    hog = []
                    hogEnd = nil
                    hogNext = nil
                }
            }
        }
        for lease in hog { await lease.release() }
    }

    /// Takes every free core, one-core leases until the fabric refuses, to hold until `end`.
    private func grab(into hog: inout [CpuLease], until end: FabricInstant) async {
        let ttl = clock.now.duration(to: end) + .seconds(5)
        while let lease = try? await CpuBuilder(on: fabric).cores(1).lease(ttl).acquire() {
            hog.append(lease)
            state.withLock { $0.counters.hogLeases += 1 }
        }
    }

    /// Disconnects a random node (if not already away) and schedules its return.
    private func disconnect(_ random: inout SeededRandomNumberGenerator) {
        let index = Int(random.next() % UInt64(nodeNames.count))
        let awaySeconds = 1 + (maximumAway / .seconds(1) - 1) * SimulationFaults.unit(random.next())
        let started = state.withLock { state -> Bool in
            guard !state.offline[index] else { return false }
            state.offline[index] = true
            state.counters.disconnects += 1
            return true
        }
        guard started else { return }
        fabric.disconnect(node: nodeNames[index])
        let back = clock.now.advanced(by: .nanoseconds(Int64(awaySeconds * 1e9)))
        _ = clock.schedule(at: back) { [weak self] in self?.reconnect(index) }
    }

    /// Brings node `index` back, counting it "back from the dead" when leases on it are still live.
    private func reconnect(_ index: Int) {
        state.withLock { $0.offline[index] = false }
        fabric.reconnect(node: nodeNames[index])
        let alive = heldOnNode(nodeNames[index]) > 0
        state.withLock { state in
            state.counters.reconnects += 1
            if alive { state.counters.backFromTheDead += 1 }
        }
    }

    /// The next event after `now` for a Poisson process of `rate` per second (never, for rate 0).
    private func next(
        after now: FabricInstant,
        rate: Double,
        _ random: inout SeededRandomNumberGenerator
    )
        -> FabricInstant
    {
        guard rate > 0 else { return FabricInstant(nanoseconds: .max) }
        let gap = -log(1 - SimulationFaults.unit(random.next())) / rate
        return now.advanced(by: .nanoseconds(Int64(min(gap, 1e9) * 1e9)))
    }
}
