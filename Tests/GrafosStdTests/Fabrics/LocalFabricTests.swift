import GrafosObserve
import Synchronization
import Testing

@testable import GrafosStd

@Suite struct LocalFabricTests {
    let clock = ManualClock()
    let metrics = MetricsRegistry()

    func fabric(nodes: Int = 4, cores: Int = 2, storage: Int = 1 << 20) -> LocalFabric {
        LocalFabric(
            nodes: (0..<nodes).map { LocalFabric.Node(name: "n\($0)", cores: cores) },
            storage: storage,
            clock: clock,
            metrics: metrics
        )
    }

    @Test func theFabricReclaimsExpiredLeasesWithoutAnyCallFromTheHolder() async throws {
        let fabric = fabric()
        let lease = try await CpuBuilder(on: fabric).cores(2).leaseSecs(30).acquire()
        let storage = try await BlockBuilder(on: fabric).minBlocks(16).leaseSecs(60).acquire()
        #expect(metrics.value(of: "cpu_leases_active") == 1)
        #expect(metrics.value(of: "block_leases_active") == 1)
        clock.advance(by: .seconds(30))
        // The reaper ran inside advance(): the gauge dropped before anyone touched the fabric.
        #expect(metrics.value(of: "cpu_leases_active") == 0)
        #expect(metrics.value(of: "block_leases_active") == 1)
        await #expect(throws: FabricError.leaseExpired) { try await lease.renew() }
        clock.advance(by: .seconds(30))
        #expect(metrics.value(of: "block_leases_active") == 0)
        await #expect(throws: FabricError.leaseExpired) { try await storage.read("x") }
        #expect(fabric.freeCores.values.reduce(0, +) == 8)
    }

    @Test func renewExtendsFromNowAndFailsAfterExpiryOrRelease() async throws {
        let fabric = fabric()
        let lease = try await CpuBuilder(on: fabric).leaseSecs(10).acquire()
        clock.advance(by: .seconds(8))
        try await lease.renew()
        #expect(lease.expiry == FabricInstant.zero.advanced(by: .seconds(18)))
        clock.advance(by: .seconds(9))
        #expect(fabric.activeCpuLeases == 1)
        try await lease.renew(for: .seconds(1))
        clock.advance(by: .seconds(1))
        await #expect(throws: FabricError.leaseExpired) { try await lease.renew() }

        let other = try await CpuBuilder(on: fabric).leaseSecs(10).acquire()
        await other.release()
        await #expect(throws: FabricError.leaseReleased) { try await other.renew() }
        await other.release()  // a second release does nothing
        #expect(fabric.activeCpuLeases == 0)
    }

    @Test func staleAndForeignCredentialsAreRefused() async throws {
        let fabric = fabric()
        let lease = try await CpuBuilder(on: fabric).leaseSecs(10).acquire()
        let forged = LeaseCredential(id: lease.id, token: LeaseToken(high: 0, low: 0))
        await #expect(throws: FabricError.notHolder) { try await fabric.release(forged) }
        await #expect(throws: FabricError.notHolder) { try await fabric.renew(forged, for: .seconds(5)) }
        let unknown = LeaseCredential(id: LeaseID(high: 1, low: 2), token: LeaseToken(high: 3, low: 4))
        await #expect(throws: FabricError.unknownLease) { try await fabric.release(unknown) }
        await #expect(throws: FabricError.unknownLease) { try await fabric.perform(.listObjects, on: unknown) }
        let credential = lease.credential
        await lease.release()
        await #expect(throws: FabricError.leaseReleased) { try await fabric.release(credential) }
        // A CPU lease is not a block lease.
        let cpu = try await CpuBuilder(on: fabric).leaseSecs(10).acquire()
        await #expect(throws: FabricError.invalidRequest) { try await fabric.perform(.listObjects, on: cpu.credential) }
    }

    @Test func droppingTheLastReferenceReleasesTheLease() async throws {
        let fabric = fabric(nodes: 1, cores: 2)
        var lease: CpuLease? = try await CpuBuilder(on: fabric).cores(2).leaseSecs(600).acquire()
        #expect(fabric.activeCpuLeases == 1)
        #expect(lease?.cores == 2)
        lease = nil
        #expect(fabric.activeCpuLeases == 0)
        #expect(metrics.value(of: "cpu_leases_active") == 0)
        var storage: BlockLease? = try await BlockBuilder(on: fabric).minBlocks(4).leaseSecs(600).acquire()
        try await storage?.write("a", [1])
        storage = nil
        #expect(fabric.activeBlockLeases == 0)
    }

    @Test func capacityIsNeverOvercommittedUnderAThousandConcurrentAcquires() async throws {
        let fabric = fabric(nodes: 50, cores: 2)
        let cores = PeakCounter()
        let outcomes = try await withThrowingTaskGroup(of: (granted: Int, refused: Int).self) { group in
            for _ in 0..<1000 {
                group.addTask {
                    do {
                        let lease = try await CpuBuilder(on: fabric).cores(1 + Int.random(in: 0...1)).leaseSecs(60)
                            .acquire()
                        cores.enter(lease.cores)
                        await Task.yield()
                        cores.leave(lease.cores)
                        await lease.release()
                        return (1, 0)
                    } catch FabricError.insufficientCapacity {
                        return (0, 1)
                    }
                }
            }
            var total = (granted: 0, refused: 0)
            for try await outcome in group {
                total.granted += outcome.granted
                total.refused += outcome.refused
            }
            return total
        }
        #expect(outcomes.granted + outcomes.refused == 1000)
        #expect(outcomes.granted > 0)
        #expect(cores.peak <= 100)
        #expect(fabric.activeCpuLeases == 0)
        #expect(fabric.freeCores.values.allSatisfy { $0 == 2 })
        #expect(metrics.value(of: "cpu_leases_active") == 0)
    }

    @Test func fiftyLeasesOfTwoCoresFillFiftyNodesAndTheNextIsRefused() async throws {
        let fabric = fabric(nodes: 50, cores: 2)
        var workers: [CpuLease] = []
        for _ in 0..<50 { workers.append(try await CpuBuilder(on: fabric).cores(2).leaseSecs(120).acquire()) }
        #expect(Set(workers.map(\.node)).count == 50)
        #expect(Set(workers.map(\.id)).count == 50)
        await #expect(throws: FabricError.insufficientCapacity) {
            try await CpuBuilder(on: fabric).cores(1).leaseSecs(120).acquire()
        }
        workers.removeAll()
        #expect(metrics.value(of: "cpu_leases_active") == 0)
    }

    @Test func capabilitiesRouteHeterogeneousWork() async throws {
        let fabric = LocalFabric(
            nodes: [
                LocalFabric.Node(name: "small", cores: 2),
                LocalFabric.Node(name: "big", cores: 16, capabilities: ["bigcore", "avx512"]),
            ],
            clock: clock,
            metrics: metrics
        )
        let heavy = try await CpuBuilder(on: fabric).cores(8).require("avx512").require("bigcore").acquire()
        #expect(heavy.node == "big")
        await #expect(throws: FabricError.noMatchingNode) {
            try await CpuBuilder(on: fabric).require("gpu").acquire()
        }
        await #expect(throws: FabricError.noMatchingNode) { try await CpuBuilder(on: fabric).node("nope").acquire() }
        let pinned = try await CpuBuilder(on: fabric).node("small").acquire()
        #expect(pinned.node == "small")
    }

    @Test func theCurrentFabricIsTaskLocal() async throws {
        let fabric = fabric(nodes: 1, cores: 1)
        try await Fabric.$current.withValue(fabric) {
            let lease = try await CpuBuilder().acquire()
            #expect(lease.fabric === fabric)
            #expect(fabric.activeCpuLeases == 1)
        }
        #expect(Fabric.current === LocalFabric.embedded)
        #expect(LocalFabric.embedded.nodes.first?.cores == LocalFabric.machineCores)
    }

    @Test func blockLeasesStoreObjectsAndBoundTheirBlocks() async throws {
        let fabric = fabric()
        let artifacts = try await BlockBuilder(on: fabric).minBlocks(4).leaseSecs(60).acquire()
        #expect(artifacts.capacity == 4 * 4096)
        #expect(try await artifacts.write("c1", [1, 2, 3]) == 3)
        #expect(try await artifacts.write("c1", [1, 2, 3]) == 0)
        #expect(try await artifacts.read("c1") == [1, 2, 3])
        let digest = try await artifacts.put([4, 5])
        #expect(try await artifacts.get(digest) == [4, 5])
        #expect(try await artifacts.list() == ["c1"])
        await #expect(throws: FabricError.outOfBounds) { try await artifacts.readBlock(4) }
        await #expect(throws: FabricError.storageFull) {
            try await artifacts.write("big", [UInt8](repeating: 0, count: 4 * 4096))
        }
        #expect(metrics.value(of: "artifact_bytes_written") == 5)
        await #expect(throws: FabricError.insufficientCapacity) {
            try await BlockBuilder(on: fabric).minBlocks(255).acquire()
        }
    }

    @Test func launchingABadModuleIsATypedErrorOnALiveLeaseOnly() async throws {
        let fabric = fabric()
        let lease = try await CpuBuilder(on: fabric).leaseSecs(10).acquire()
        await #expect(throws: TaskletError.invalidModule) { try await lease.cpu().submit([0, 97, 115, 109]).launch() }
        clock.advance(by: .seconds(10))
        await #expect(throws: FabricError.leaseExpired) { try await lease.cpu().submit([]).launch() }
    }
}

@Suite struct FreeCoreCountTests {
    @Test func fabricsReportTheirFreeCores() async throws {
        let local = LocalFabric(
            nodes: [LocalFabric.Node(name: "a", cores: 4), LocalFabric.Node(name: "b", cores: 2)],
            metrics: MetricsRegistry()
        )
        #expect(await local.freeCoreCount() == 6)
        let lease = try await CpuBuilder(on: local).cores(3).acquire()
        #expect(await local.freeCoreCount() == 3)
        await lease.release()
        let sim = SimulatedFabric(
            clock: ManualClock(),
            seed: 1,
            nodes: [SimulatedFabric.Node(name: "s", cores: 8)],
            metrics: MetricsRegistry()
        )
        #expect(await sim.freeCoreCount() == 8)
    }
}
