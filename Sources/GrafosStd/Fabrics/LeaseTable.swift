/// The lease bookkeeping every in-process fabric shares: nodes, placement, leases, expiries and tombstones.
///
/// A pure value type — no locks, no clocks, no concurrency — so every rule in DESIGN.md's "Lease rules" is
/// unit-testable on its own. ``FabricCore`` wraps it in a mutex and drives it with a clock.
package struct LeaseTable: Sendable {
    /// One node's capacity.
    package struct NodeState: Sendable {
        package var name: String
        package var totalCores: Int
        package var freeCores: Int
        package var capabilities: Set<String>
        package var online = true
    }

    /// A live lease.
    package struct Record: Sendable {
        package var grant: LeaseGrant
        /// Index into `nodes` for CPU leases; -1 for block leases (held by the storage pool).
        package var nodeIndex: Int
        /// Per-lease state owned by the fabric (a core gate, a block store); opaque here.
        package var attachment: (any Sendable & AnyObject)?
    }

    /// Why a lease ended.
    package enum Ending: Sendable, Equatable {
        case released
        case expired(at: FabricInstant)
    }

    private struct ExpiryKey: Comparable, Sendable {
        var expiry: FabricInstant
        var id: LeaseID

        static func < (lhs: ExpiryKey, rhs: ExpiryKey) -> Bool {
            if lhs.expiry != rhs.expiry { return lhs.expiry < rhs.expiry }
            return (lhs.id.high, lhs.id.low) < (rhs.id.high, rhs.id.low)
        }
    }

    /// The nodes, in configuration order.
    package private(set) var nodes: [NodeState]
    private var nodeIndexByName: [String: Int] = [:]
    /// The storage pool's name, used as the node of block leases.
    package let storageName: String
    /// Blocks in the storage pool.
    package let storageTotalBlocks: Int
    /// Blocks not leased.
    package private(set) var storageFreeBlocks: Int
    /// Live leases.
    package private(set) var leases: [LeaseID: Record] = [:]
    /// Live CPU leases.
    package private(set) var activeCpuLeases = 0
    /// Live block leases.
    package private(set) var activeBlockLeases = 0

    private var expiries = MinHeap<ExpiryKey>()
    private var endings: [LeaseID: Ending] = [:]
    private var endingOrder: [LeaseID] = []
    private var endingCursor = 0
    private let tombstoneLimit: Int
    private var placementCursor = 0

    /// Creates a table.
    /// - Parameters:
    ///   - nodes: `(name, cores, capabilities)` per node; names must be unique (later duplicates are renamed `name#2`).
    ///   - storageName: The node name given to block leases.
    ///   - storageBlocks: Blocks in the storage pool.
    ///   - tombstoneLimit: How many ended leases are remembered to tell "expired" and "released" from "unknown".
    package init(
        nodes: [(name: String, cores: Int, capabilities: Set<String>)],
        storageName: String,
        storageBlocks: Int,
        tombstoneLimit: Int = 65_536
    ) {
        var states: [NodeState] = []
        var indexByName: [String: Int] = [:]
        for node in nodes {
            var name = node.name
            var suffix = 2
            while indexByName[name] != nil {
                name = "\(node.name)#\(suffix)"
                suffix += 1
            }
            indexByName[name] = states.count
            let cores = max(0, node.cores)
            states.append(NodeState(name: name, totalCores: cores, freeCores: cores, capabilities: node.capabilities))
        }
        self.nodes = states
        self.nodeIndexByName = indexByName
        self.storageName = storageName
        self.storageTotalBlocks = max(0, storageBlocks)
        self.storageFreeBlocks = max(0, storageBlocks)
        self.tombstoneLimit = max(1, tombstoneLimit)
    }

    /// The earliest expiry still queued (possibly of a lease already ended; harmless for a wake-up).
    package var nextExpiry: FabricInstant? { expiries.peek?.expiry }

    /// The index of the node named `name`.
    package func nodeIndex(named name: String) -> Int? { nodeIndexByName[name] }

    /// Marks a node reachable or not. Leases on an unreachable node fail with `disconnected` and it gets no new ones.
    package mutating func setOnline(_ online: Bool, node index: Int) {
        nodes[index].online = online
    }

    /// Places and grants a CPU lease.
    package mutating func acquireCpu(
        _ request: CpuLeaseRequest,
        credential: LeaseCredential,
        now: FabricInstant,
        attachment: (any Sendable & AnyObject)? = nil
    ) throws(FabricError) -> LeaseGrant {
        try request.validate()
        let index = try place(request)
        nodes[index].freeCores -= request.cores
        let grant = LeaseGrant(
            credential: credential,
            kind: .cpu,
            node: nodes[index].name,
            cores: request.cores,
            capabilities: nodes[index].capabilities,
            expiry: now.advanced(by: request.ttl),
            ttl: request.ttl
        )
        leases[credential.id] = Record(grant: grant, nodeIndex: index, attachment: attachment)
        expiries.push(ExpiryKey(expiry: grant.expiry, id: credential.id))
        activeCpuLeases += 1
        return grant
    }

    /// Grants a block lease from the storage pool.
    package mutating func acquireBlock(
        _ request: BlockLeaseRequest,
        credential: LeaseCredential,
        now: FabricInstant,
        attachment: (any Sendable & AnyObject)? = nil
    ) throws(FabricError) -> LeaseGrant {
        try request.validate()
        if let node = request.node, node != storageName {
            throw FabricError(.noMatchingNode, "no storage named '\(node)'; this fabric's storage is '\(storageName)'")
        }
        guard request.blocks <= storageTotalBlocks else {
            throw FabricError(
                .noMatchingNode,
                "\(request.blocks) blocks requested but the storage pool has only \(storageTotalBlocks) in all",
                node: storageName
            )
        }
        guard request.blocks <= storageFreeBlocks else {
            throw FabricError(
                .insufficientCapacity,
                "\(request.blocks) blocks requested but only \(storageFreeBlocks) are free; retry after leases end",
                node: storageName
            )
        }
        storageFreeBlocks -= request.blocks
        let grant = LeaseGrant(
            credential: credential,
            kind: .block,
            node: storageName,
            blocks: request.blocks,
            expiry: now.advanced(by: request.ttl),
            ttl: request.ttl
        )
        leases[credential.id] = Record(grant: grant, nodeIndex: -1, attachment: attachment)
        expiries.push(ExpiryKey(expiry: grant.expiry, id: credential.id))
        activeBlockLeases += 1
        return grant
    }

    /// The live lease `credential` names, checked: the right holder, not expired, its node reachable.
    ///
    /// Call ``sweep(now:)`` first so that expired leases are ended.
    package func check(_ credential: LeaseCredential, kind: LeaseGrant.Kind? = nil) throws(FabricError) -> Record {
        guard let record = leases[credential.id] else {
            switch endings[credential.id] {
            case .released:
                throw FabricError(.leaseReleased, "lease \(credential.id) was released", lease: credential.id)
            case .expired(let at):
                throw FabricError(
                    .leaseExpired,
                    "lease \(credential.id) expired at \(at) and was reclaimed; renew earlier or lease for longer",
                    lease: credential.id
                )
            case nil:
                throw FabricError(.unknownLease, "no lease \(credential.id) on this fabric", lease: credential.id)
            }
        }
        guard record.grant.credential.token == credential.token else {
            throw FabricError(
                .notHolder,
                "lease \(credential.id) belongs to another holder; use the credential that acquired it",
                lease: credential.id
            )
        }
        if let kind, record.grant.kind != kind {
            throw FabricError(
                .invalidRequest,
                "lease \(credential.id) is a \(record.grant.kind.rawValue) lease, not a \(kind.rawValue) lease",
                lease: credential.id
            )
        }
        if record.nodeIndex >= 0 && !nodes[record.nodeIndex].online {
            throw FabricError(
                .disconnected,
                "node \(record.grant.node) is unreachable; retry on another node",
                lease: credential.id,
                node: record.grant.node
            )
        }
        return record
    }

    /// Re-creates a block lease restored from durable storage, with its original credential and a new expiry.
    package mutating func restoreBlock(
        _ grant: LeaseGrant,
        attachment: (any Sendable & AnyObject)?
    ) throws(FabricError) {
        guard grant.kind == .block, leases[grant.credential.id] == nil else {
            throw FabricError(.invalidRequest, "lease \(grant.credential.id) cannot be restored twice")
        }
        guard grant.blocks >= 1, grant.blocks <= storageFreeBlocks else {
            throw FabricError(
                .insufficientCapacity,
                "restoring lease \(grant.credential.id) needs \(grant.blocks) blocks; \(storageFreeBlocks) are free"
            )
        }
        storageFreeBlocks -= grant.blocks
        leases[grant.credential.id] = Record(grant: grant, nodeIndex: -1, attachment: attachment)
        expiries.push(ExpiryKey(expiry: grant.expiry, id: grant.credential.id))
        activeBlockLeases += 1
    }

    /// Extends a live lease to `duration` from `now`.
    package mutating func renew(
        _ credential: LeaseCredential,
        for duration: Duration,
        now: FabricInstant
    ) throws(FabricError) -> FabricInstant {
        guard duration > .zero else {
            throw FabricError(.invalidRequest, "a renewal must be for a positive duration, not \(duration)")
        }
        _ = try check(credential)
        let expiry = now.advanced(by: duration)
        leases[credential.id]!.grant.expiry = expiry
        expiries.push(ExpiryKey(expiry: expiry, id: credential.id))
        return expiry
    }

    /// Ends a live lease by release and returns its record.
    package mutating func release(_ credential: LeaseCredential) throws(FabricError) -> Record {
        let record: Record
        do throws(FabricError) {
            record = try check(credential)
        } catch  where error.code == .disconnected {
            // Releasing a lease on an unreachable node is still the holder's right: the node forgets it.
            record = leases[credential.id]!
        }
        end(credential.id, .released)
        return record
    }

    /// Ends a lease as expired now, whatever its expiry says (fault injection), and returns its record.
    package mutating func forceExpire(_ id: LeaseID, now: FabricInstant) -> Record? {
        guard let record = leases[id] else { return nil }
        end(id, .expired(at: now))
        return record
    }

    /// Ends every lease whose expiry is at or before `now`, in expiry order, and returns them.
    package mutating func sweep(now: FabricInstant) -> [Record] {
        var ended: [Record] = []
        while let top = expiries.peek, top.expiry <= now {
            _ = expiries.pop()
            guard let record = leases[top.id], record.grant.expiry == top.expiry else { continue }
            end(top.id, .expired(at: record.grant.expiry))
            ended.append(record)
        }
        return ended
    }

    /// CPU leases live on node `index`, ordered by id (not by the dictionary's per-process hash order, so that a
    /// seeded simulation stops their launches in the same order on every run).
    package func leases(onNode index: Int) -> [LeaseID] {
        leases.compactMap { $0.value.nodeIndex == index ? $0.key : nil }
            .sorted { ($0.high, $0.low) < ($1.high, $1.low) }
    }

    private mutating func end(_ id: LeaseID, _ ending: Ending) {
        guard let record = leases.removeValue(forKey: id) else { return }
        if record.nodeIndex >= 0 {
            nodes[record.nodeIndex].freeCores += record.grant.cores
            activeCpuLeases -= 1
        } else {
            storageFreeBlocks += record.grant.blocks
            activeBlockLeases -= 1
        }
        rememberEnding(id, ending)
    }

    private mutating func rememberEnding(_ id: LeaseID, _ ending: Ending) {
        if endingOrder.count < tombstoneLimit {
            endingOrder.append(id)
        } else {
            endings.removeValue(forKey: endingOrder[endingCursor])
            endingOrder[endingCursor] = id
            endingCursor = (endingCursor + 1) % tombstoneLimit
        }
        endings[id] = ending
    }

    /// Chooses a node: first fit from a rotating cursor, so leases spread across nodes.
    private mutating func place(_ request: CpuLeaseRequest) throws(FabricError) -> Int {
        if let name = request.node {
            guard let index = nodeIndexByName[name] else {
                throw FabricError(.noMatchingNode, "no node named '\(name)' on this fabric", node: name)
            }
            let node = nodes[index]
            guard request.capabilities.isSubset(of: node.capabilities), request.cores <= node.totalCores else {
                throw FabricError(
                    .noMatchingNode,
                    "node \(name) has \(node.totalCores) cores and capabilities \(node.capabilities.sorted()); "
                        + "the request needs \(request.cores) cores and \(request.capabilities.sorted())",
                    node: name
                )
            }
            guard node.online else {
                throw FabricError(.disconnected, "node \(name) is unreachable; retry later or elsewhere", node: name)
            }
            guard request.cores <= node.freeCores else {
                throw FabricError(
                    .insufficientCapacity,
                    "node \(name) has \(node.freeCores) of \(node.totalCores) cores free; \(request.cores) requested",
                    node: name
                )
            }
            return index
        }
        let count = nodes.count
        var anyCould = false
        var start = placementCursor
        if start >= count { start = 0 }
        for step in 0..<count {
            let index = start + step < count ? start + step : start + step - count
            let node = nodes[index]
            guard request.cores <= node.totalCores, request.capabilities.isSubset(of: node.capabilities) else {
                continue
            }
            anyCould = true
            if node.online && request.cores <= node.freeCores {
                placementCursor = index + 1
                return index
            }
        }
        if anyCould {
            throw FabricError(
                .insufficientCapacity,
                "no node has \(request.cores) free cores"
                    + (request.capabilities.isEmpty ? "" : " with \(request.capabilities.sorted())")
                    + " right now; retry after leases end or add nodes"
            )
        }
        throw FabricError(
            .noMatchingNode,
            "no node can ever hold \(request.cores) cores"
                + (request.capabilities.isEmpty ? "" : " with capabilities \(request.capabilities.sorted())")
                + "; ask for fewer cores or configure such a node"
        )
    }
}
