import Testing

@testable import GrafosStd

@Suite struct LeaseTableTests {
    private var generator = SeededRandomNumberGenerator(seed: 7)

    private mutating func credential() -> LeaseCredential {
        LeaseCredential(id: .random(using: &generator), token: .random(using: &generator))
    }

    private func table(_ nodes: [(String, Int, Set<String>)] = [("a", 2, []), ("b", 2, [])]) -> LeaseTable {
        LeaseTable(nodes: nodes.map { ($0.0, $0.1, $0.2) }, storageName: "storage", storageBlocks: 100)
    }

    @Test mutating func placementSpreadsLeasesAcrossNodesAndNeverOvercommits() throws {
        var table = table()
        let now = FabricInstant.zero
        let a = try table.acquireCpu(CpuLeaseRequest(cores: 1, ttl: .seconds(10)), credential: credential(), now: now)
        let b = try table.acquireCpu(CpuLeaseRequest(cores: 1, ttl: .seconds(10)), credential: credential(), now: now)
        #expect(a.node == "a")
        #expect(b.node == "b")
        _ = try table.acquireCpu(CpuLeaseRequest(cores: 1, ttl: .seconds(10)), credential: credential(), now: now)
        _ = try table.acquireCpu(CpuLeaseRequest(cores: 1, ttl: .seconds(10)), credential: credential(), now: now)
        #expect(table.nodes.allSatisfy { $0.freeCores == 0 })
        #expect(throws: FabricError.insufficientCapacity) {
            try table.acquireCpu(CpuLeaseRequest(cores: 1, ttl: .seconds(10)), credential: credential(), now: now)
        }
        #expect(throws: FabricError.noMatchingNode) {
            try table.acquireCpu(CpuLeaseRequest(cores: 3, ttl: .seconds(10)), credential: credential(), now: now)
        }
    }

    @Test mutating func capabilitiesSelectTheNode() throws {
        var table = table([("plain", 8, []), ("fast", 4, ["avx512", "bigcore"])])
        let grant = try table.acquireCpu(
            CpuLeaseRequest(cores: 2, ttl: .seconds(5), capabilities: ["avx512"]),
            credential: credential(),
            now: .zero
        )
        #expect(grant.node == "fast")
        #expect(grant.capabilities == ["avx512", "bigcore"])
        #expect(throws: FabricError.noMatchingNode) {
            try table.acquireCpu(
                CpuLeaseRequest(cores: 1, ttl: .seconds(5), capabilities: ["gpu"]),
                credential: credential(),
                now: .zero
            )
        }
    }

    @Test mutating func invalidRequestsAreRefused() {
        var table = table()
        #expect(throws: FabricError.invalidRequest) {
            try table.acquireCpu(CpuLeaseRequest(cores: 0, ttl: .seconds(5)), credential: credential(), now: .zero)
        }
        #expect(throws: FabricError.invalidRequest) {
            try table.acquireCpu(CpuLeaseRequest(cores: 1, ttl: .zero), credential: credential(), now: .zero)
        }
        #expect(throws: FabricError.invalidRequest) {
            try table.acquireBlock(BlockLeaseRequest(blocks: 0, ttl: .seconds(5)), credential: credential(), now: .zero)
        }
    }

    @Test mutating func sweepEndsExactlyTheExpiredLeasesInExpiryOrder() throws {
        var table = table()
        let early = credential()
        let late = credential()
        _ = try table.acquireCpu(CpuLeaseRequest(cores: 1, ttl: .seconds(20)), credential: late, now: .zero)
        _ = try table.acquireCpu(CpuLeaseRequest(cores: 1, ttl: .seconds(10)), credential: early, now: .zero)
        #expect(table.sweep(now: FabricInstant.zero.advanced(by: .seconds(9))).isEmpty)
        let ended = table.sweep(now: FabricInstant.zero.advanced(by: .seconds(30)))
        #expect(ended.map(\.grant.credential) == [early, late])
        #expect(table.activeCpuLeases == 0)
        #expect(table.nodes.allSatisfy { $0.freeCores == 2 })
        #expect(throws: FabricError.leaseExpired) { try table.check(early) }
    }

    @Test mutating func renewExtendsFromNowAndOldExpiriesNoLongerApply() throws {
        var table = table()
        let lease = credential()
        _ = try table.acquireCpu(CpuLeaseRequest(cores: 1, ttl: .seconds(10)), credential: lease, now: .zero)
        let renewed = try table.renew(lease, for: .seconds(10), now: FabricInstant.zero.advanced(by: .seconds(8)))
        #expect(renewed == FabricInstant.zero.advanced(by: .seconds(18)))
        #expect(table.sweep(now: FabricInstant.zero.advanced(by: .seconds(12))).isEmpty)
        #expect(table.sweep(now: FabricInstant.zero.advanced(by: .seconds(18))).count == 1)
        #expect(throws: FabricError.leaseExpired) {
            try table.renew(lease, for: .seconds(10), now: FabricInstant.zero.advanced(by: .seconds(19)))
        }
    }

    @Test mutating func staleAndForeignCredentialsAreRefused() throws {
        var table = table()
        let lease = credential()
        _ = try table.acquireCpu(CpuLeaseRequest(cores: 1, ttl: .seconds(10)), credential: lease, now: .zero)
        let thief = LeaseCredential(id: lease.id, token: LeaseToken(high: 1, low: 1))
        #expect(throws: FabricError.notHolder) { try table.check(thief) }
        #expect(throws: FabricError.notHolder) { try table.release(thief) }
        #expect(throws: FabricError.unknownLease) { try table.check(credential()) }
        _ = try table.release(lease)
        #expect(throws: FabricError.leaseReleased) { try table.check(lease) }
        #expect(throws: FabricError.leaseReleased) { try table.release(lease) }
        #expect(throws: FabricError.leaseReleased) { try table.renew(lease, for: .seconds(1), now: .zero) }
    }

    @Test mutating func blockLeasesDrawOnTheStoragePool() throws {
        var table = table()
        let first = credential()
        _ = try table.acquireBlock(BlockLeaseRequest(blocks: 60, ttl: .seconds(5)), credential: first, now: .zero)
        #expect(throws: FabricError.insufficientCapacity) {
            try table.acquireBlock(
                BlockLeaseRequest(blocks: 60, ttl: .seconds(5)),
                credential: credential(),
                now: .zero
            )
        }
        #expect(throws: FabricError.noMatchingNode) {
            try table.acquireBlock(
                BlockLeaseRequest(blocks: 101, ttl: .seconds(5)),
                credential: credential(),
                now: .zero
            )
        }
        _ = try table.release(first)
        #expect(table.storageFreeBlocks == 100)
        #expect(table.activeBlockLeases == 0)
    }

    @Test mutating func tombstonesAreBoundedAndOldOnesBecomeUnknown() throws {
        var table = LeaseTable(nodes: [("a", 1, [])], storageName: "s", storageBlocks: 0, tombstoneLimit: 2)
        var ended: [LeaseCredential] = []
        for _ in 0..<3 {
            let lease = credential()
            _ = try table.acquireCpu(CpuLeaseRequest(cores: 1, ttl: .seconds(1)), credential: lease, now: .zero)
            _ = try table.release(lease)
            ended.append(lease)
        }
        #expect(throws: FabricError.unknownLease) { try table.check(ended[0]) }
        #expect(throws: FabricError.leaseReleased) { try table.check(ended[2]) }
    }

    @Test mutating func offlineNodesRefuseUseButStillAcceptRelease() throws {
        var table = table([("a", 1, [])])
        let lease = credential()
        _ = try table.acquireCpu(CpuLeaseRequest(cores: 1, ttl: .seconds(10)), credential: lease, now: .zero)
        table.setOnline(false, node: 0)
        #expect(throws: FabricError.disconnected) { try table.check(lease) }
        _ = try table.release(lease)
        #expect(throws: FabricError.insufficientCapacity) {
            try table.acquireCpu(CpuLeaseRequest(cores: 1, ttl: .seconds(10)), credential: credential(), now: .zero)
        }
    }
}
