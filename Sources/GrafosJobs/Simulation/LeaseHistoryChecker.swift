import GrafosStd

/// Replays a ``SimulatedFabric``'s history, as the simulation drains it, against the lease rules: no lease id granted
/// while it is live, no node's cores (and no storage block) granted twice at once, no renewal, launch or ending of a
/// lease that is not live, and no launch on a lease its holder has replaced. It also folds every event into a
/// digest, so that two runs of one seed can be compared event for event.
package struct LeaseHistoryChecker: Sendable {
    private struct Live: Sendable {
        var node: Int32
        var amount: Int32
    }

    /// Violations found; the first few are kept with a description.
    package private(set) var violations = 0
    /// Descriptions of the first violations.
    package private(set) var examples: [String] = []
    /// Leases granted.
    package private(set) var granted = 0
    /// Requests refused.
    package private(set) var refused = 0
    /// Renewals.
    package private(set) var renewed = 0
    /// Leases released by their holders.
    package private(set) var released = 0
    /// Leases the fabric reclaimed at (or before, by fault injection) their expiry.
    package private(set) var expired = 0
    /// Launches begun.
    package private(set) var launched = 0
    /// Launches failed.
    package private(set) var failedLaunches = 0
    /// Events seen.
    package private(set) var events = 0
    /// The most leases live at once.
    package private(set) var peakLive = 0
    /// A digest of every event, in order.
    package private(set) var digest: UInt64 = 0xCBF2_9CE4_8422_2325

    private let nodeIndex: [String: Int]
    private let capacity: [Int]
    private var used: [Int]
    private var live: [LeaseID: Live] = [:]
    private var replaced: Set<LeaseID> = []

    /// Creates a checker for a fabric whose CPU nodes are `nodes` (name, cores) and whose storage pool, named
    /// `storage`, has `storageBlocks` blocks.
    package init(nodes: [(name: String, cores: Int)], storage: String, storageBlocks: Int) {
        var index: [String: Int] = [:]
        var capacity: [Int] = []
        for node in nodes {
            index[node.name] = capacity.count
            capacity.append(node.cores)
        }
        index[storage] = capacity.count
        capacity.append(storageBlocks)
        nodeIndex = index
        self.capacity = capacity
        used = [Int](repeating: 0, count: capacity.count)
    }

    /// Leases live now.
    package var liveLeases: Int { live.count }

    /// Cores (or blocks) held on `node` now.
    package func held(onNode node: String) -> Int {
        nodeIndex[node].map { used[$0] } ?? 0
    }

    /// Records that the holder of `lease` replaced it: no launch may start on it from now on.
    package mutating func markReplaced(_ lease: LeaseID) {
        replaced.insert(lease)
    }

    /// Checks and folds `events`, in order.
    package mutating func consume(_ batch: [FabricEvent]) {
        for event in batch { consume(event) }
    }

    private mutating func consume(_ event: FabricEvent) {
        events += 1
        switch event {
        case .acquired(let id, let kind, let node, let amount, let expiry):
            fold(1, id, expiry)
            granted += 1
            guard let index = nodeIndex[node] else {
                violation("lease \(id) was granted on unknown node \(node)")
                return
            }
            fold(UInt64(index), UInt64(amount))
            if live[id] != nil { violation("lease \(id) was granted while already live") }
            used[index] += amount
            if used[index] > capacity[index] {
                violation(
                    "\(kind.rawValue) lease \(id) took \(node) to \(used[index]) of its \(capacity[index]) "
                        + (kind == .cpu ? "cores" : "blocks") + ": granted to two holders at once"
                )
            }
            live[id] = Live(node: Int32(index), amount: Int32(amount))
            peakLive = max(peakLive, live.count)
        case .renewed(let id, let expiry):
            fold(2, id, expiry)
            renewed += 1
            if live[id] == nil { violation("lease \(id) was renewed while not live") }
        case .released(let id):
            fold(3, id, .zero)
            released += 1
            end(id, "released")
        case .expired(let id, let at):
            fold(4, id, at)
            expired += 1
            end(id, "expired")
        case .refused(let code):
            fold(5, code.name)
            refused += 1
        case .launched(let id, let at):
            fold(6, id, at)
            launched += 1
            if live[id] == nil { violation("a launch began on lease \(id), which is not live") }
            if replaced.contains(id) { violation("a launch began on lease \(id) after its holder replaced it") }
        case .finished(let id, let exitCode, let at):
            fold(7, id, at)
            fold(UInt64(UInt32(bitPattern: exitCode)), 0)
        case .failed(let id, let code, let at):
            fold(8, id, at)
            fold(0, code.name)
            failedLaunches += 1
        case .nodeDisconnected(let node, let at):
            fold(9 << 32 | UInt64(truncatingIfNeeded: nodeIndex[node] ?? -1), UInt64(bitPattern: at.nanoseconds))
        case .nodeReconnected(let node, let at):
            fold(10 << 32 | UInt64(truncatingIfNeeded: nodeIndex[node] ?? -1), UInt64(bitPattern: at.nanoseconds))
        }
    }

    private mutating func end(_ id: LeaseID, _ how: String) {
        guard let lease = live.removeValue(forKey: id) else {
            violation("lease \(id) was \(how) while not live")
            return
        }
        used[Int(lease.node)] -= Int(lease.amount)
        replaced.remove(id)
    }

    private mutating func violation(_ description: String) {
        violations += 1
        if examples.count < 5 { examples.append(description) }
    }

    // MARK: Digest

    private mutating func fold(_ tag: UInt64, _ id: LeaseID, _ instant: FabricInstant) {
        fold(tag, id.high)
        fold(id.low, UInt64(bitPattern: instant.nanoseconds))
    }

    private mutating func fold(_ tag: UInt64, _ text: String) {
        var value: UInt64 = tag
        for byte in text.utf8 { value = value &* 0x100_0000_01B3 ^ UInt64(byte) }
        fold(tag, value)
    }

    private mutating func fold(_ a: UInt64, _ b: UInt64) {
        digest = SimulationFaults.fmix(digest ^ a) &+ SimulationFaults.fmix(b &+ 0x9E37_79B9_7F4A_7C15)
    }
}
