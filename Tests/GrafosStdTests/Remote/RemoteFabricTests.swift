import Foundation
import GrafosObserve
import Testing

@testable import GrafosStd

/// Node agents on loopback with real TCP, talked to through `RemoteFabric`.
@Suite struct RemoteFabricTests {
    static let secret = Array("correct horse battery staple".utf8)

    struct Cluster {
        var agents: [NodeAgent]
        var addresses: [String]
        var fabric: RemoteFabric
        var metrics: MetricsRegistry

        func stop() async {
            await fabric.shutdown()
            for agent in agents { agent.stop() }
        }
    }

    func cluster(nodes: Int = 3, cores: Int = 4, storage: Int = 1 << 20) throws -> Cluster {
        var agents: [NodeAgent] = []
        var addresses: [String] = []
        for index in 0..<nodes {
            let agent = try NodeAgent(
                configuration: .init(
                    listen: "127.0.0.1:0",
                    name: "node\(index)",
                    cores: cores,
                    storageBytes: storage,
                    capabilities: index == 0 ? ["bigcore"] : [],
                    secret: Self.secret
                )
            )
            addresses.append(try agent.start())
            agents.append(agent)
        }
        let metrics = MetricsRegistry()
        let fabric = try RemoteFabric(endpoints: addresses, secret: Self.secret, metrics: metrics)
        return Cluster(agents: agents, addresses: addresses, fabric: fabric, metrics: metrics)
    }

    @Test func leasesSpreadAcrossNodesAndReturnOnRelease() async throws {
        let cluster = try cluster()
        var leases: [CpuLease] = []
        for _ in 0..<6 { leases.append(try await CpuBuilder(on: cluster.fabric).cores(2).leaseSecs(60).acquire()) }
        #expect(Set(leases.map(\.node)) == ["node0", "node1", "node2"])
        await #expect(throws: FabricError.insufficientCapacity) {
            try await CpuBuilder(on: cluster.fabric).cores(1).acquire()
        }
        #expect(cluster.metrics.value(of: "cpu_leases_active") == 6)
        #expect(cluster.agents.map(\.status.cpuLeases).reduce(0, +) == 6)
        for lease in leases { await lease.release() }
        #expect(cluster.agents.map(\.status.cpuLeases).reduce(0, +) == 0)
        #expect(cluster.agents.map(\.status.freeCores) == [4, 4, 4])
        #expect(cluster.metrics.value(of: "cpu_leases_active") == 0)
        await cluster.stop()
    }

    @Test func capabilitiesAndRenewalWorkOverTheWire() async throws {
        let cluster = try cluster()
        let big = try await CpuBuilder(on: cluster.fabric).require("bigcore").leaseSecs(60).acquire()
        #expect(big.node == "node0")
        let before = big.expiry
        try await big.renew(for: .seconds(600))
        #expect(big.expiry > before)
        await #expect(throws: FabricError.noMatchingNode) {
            try await CpuBuilder(on: cluster.fabric).require("gpu").acquire()
        }
        await big.release()
        await #expect(throws: FabricError.leaseReleased) { try await big.renew() }
        await cluster.stop()
    }

    @Test func blockStorageWorksOverTheWire() async throws {
        let cluster = try cluster()
        let store = try await BlockBuilder(on: cluster.fabric).minBlocks(8).leaseSecs(60).acquire()
        #expect(try await store.write("chunk-1.o", [1, 2, 3]) == 3)
        #expect(try await store.write("chunk-1.o", [1, 2, 3]) == 0)
        #expect(try await store.read("chunk-1.o") == [1, 2, 3])
        let digest = try await store.put([7, 7, 7])
        #expect(try await store.get(digest) == [7, 7, 7])
        #expect(try await store.list() == ["chunk-1.o"])
        try await store.writeBlock(7, [4])
        #expect(try await store.readBlock(7).prefix(2) == [4, 0])
        await #expect(throws: FabricError.outOfBounds) { try await store.readBlock(8) }
        await #expect(throws: FabricError.notFound) { try await store.read("missing") }
        #expect(try await store.usage().objects == 1)
        #expect(cluster.metrics.value(of: "artifact_bytes_written") == 6)
        #expect(["node0", "node1", "node2"].contains(store.node))
        await store.release()
        #expect(cluster.agents.map(\.status.blockLeases).reduce(0, +) == 0)
        await cluster.stop()
    }

    @Test func runAfterStartKeepsServingOnTheSameSocket() async throws {
        let agent = try NodeAgent(
            configuration: .init(listen: "127.0.0.1:0", name: "once", cores: 1, storageBytes: 0, secret: Self.secret)
        )
        let address = try agent.start()
        #expect(try agent.start() == address, "a second start() must not bind a second socket")
        let serving = Task { try await agent.run() }
        let fabric = try RemoteFabric(endpoints: [address], secret: Self.secret, metrics: MetricsRegistry())
        let lease = try await CpuBuilder(on: fabric).leaseSecs(5).acquire()
        #expect(lease.node == "once")
        await lease.release()
        await fabric.shutdown()
        serving.cancel()
        try await serving.value
    }

    /// A node that completes the handshake and then stops reading (a paused process, a wedged peer) must not hold
    /// the client's threads: requests are written by the connection's own writer thread, and past a frame (+1 MiB)
    /// of unread requests the connection is cut off and every request on it fails with `disconnected`.
    @Test func aNodeThatStopsReadingCostsItsRequestsNotTheClientsThreads() async throws {
        let listener = try TCPListener(address: SocketAddress(parsing: "127.0.0.1:0")!)
        let peer = Locked<TCPConnection?>(nil)
        startThread {
            guard let connection = try? listener.accept() else { return }
            peer.update { $0 = connection }
            let channel = WireChannel(connection: connection)
            try? WireHandshake.server(channel, name: "wedged", secret: Self.secret)
            // …and never reads again.
        }
        // Without the writer thread, the requests' tasks would block in socket writes on the cooperative pool — this
        // test's own tasks included; this thread then closes the peer after 30 s so that the test fails, not hangs.
        let rescued = Locked(false)
        startThread {
            Thread.sleep(forTimeInterval: 30)
            if rescued.update({ state -> Bool in
                defer { state = true }
                return !state
            }) {
                peer.value?.close()
            }
        }
        let connection = NodeConnection(
            address: listener.address,
            secret: Self.secret,
            connectTimeout: .seconds(2),
            retryDelay: .milliseconds(100)
        )
        let credential = LeaseCredential(id: LeaseID(high: 1, low: 2), token: LeaseToken(high: 3, low: 4))
        let big = [UInt8](repeating: 7, count: 1 << 20)
        let errors = await withTaskGroup(of: FabricError.Code?.self) { group in
            for _ in 0..<100 {  // 100 MiB of requests: far more than the socket buffers and the 65 MiB queue
                group.addTask {
                    do {
                        _ = try await connection.send(.block(credential, .put(big)))
                        return nil
                    } catch let error as FabricError {
                        return error.code
                    } catch {
                        return .invalidRequest
                    }
                }
            }
            var codes: [FabricError.Code?] = []
            for await code in group { codes.append(code) }
            return codes
        }
        let stalled = rescued.update { state -> Bool in
            defer { state = true }
            return state
        }
        #expect(!stalled, "the client's threads stalled until the peer was closed")
        #expect(errors.count == 100)
        #expect(errors.allSatisfy { $0 == .disconnected })
        #expect(connection.nodeName == "wedged", "the handshake succeeded, so the requests really were sent")
        connection.close()
        listener.close()
    }

    @Test func usingALeaseThatEndedSaysHowItEnded() async throws {
        let cluster = try cluster(nodes: 2)
        let released = try await CpuBuilder(on: cluster.fabric).node("node0").leaseSecs(30).acquire()
        let lost = try await CpuBuilder(on: cluster.fabric).node("node1").lease(.milliseconds(300)).acquire()
        await released.release()
        await #expect(throws: FabricError.leaseReleased) { try await released.renew() }
        // node1 goes away; once the lease's time is up the fabric says it expired, naming the node.
        cluster.agents[1].stop()
        try await Task.sleep(for: .milliseconds(400))
        do {
            try await lost.renew()
            Issue.record("renewed a lease whose node is gone")
        } catch let error as FabricError {
            #expect(error.code == .leaseExpired)
            #expect(error.node == "node1")
            #expect(error.message.contains("node1"))
        }
        await cluster.stop()
    }

    @Test func aBlockLeaseNamesItsNodeAndCanBePlacedOnOne() async throws {
        let cluster = try cluster()
        var stores: [BlockLease] = []
        for name in ["node2", "node0", "node2"] {
            let store = try await BlockBuilder(on: cluster.fabric).node(name).minBlocks(4).leaseSecs(60).acquire()
            #expect(store.node == name)
            try await store.write("on", Array(name.utf8))
            stores.append(store)
        }
        #expect(cluster.agents.map(\.status.blockLeases) == [1, 0, 2])
        await #expect(throws: FabricError.noMatchingNode) {
            try await BlockBuilder(on: cluster.fabric).node("node9").minBlocks(4).acquire()
        }
        for store in stores { await store.release() }
        #expect(cluster.agents.map(\.status.blockLeases) == [0, 0, 0])
        await cluster.stop()
    }

    @Test func anotherClientCannotTouchALeaseWithoutItsToken() async throws {
        let cluster = try cluster(nodes: 1)
        let lease = try await CpuBuilder(on: cluster.fabric).leaseSecs(60).acquire()
        let forged = LeaseCredential(id: lease.id, token: LeaseToken(high: 1, low: 1))
        let response = await cluster.agents[0].handle(.release(forged))
        guard case .error(let error) = response else {
            Issue.record("expected a refusal, got \(response)")
            return
        }
        #expect(error.code == .notHolder)
        #expect(cluster.agents[0].status.cpuLeases == 1)
        await cluster.stop()
    }

    @Test func aWrongSecretIsRefusedAndOthersKeepWorking() async throws {
        let cluster = try cluster(nodes: 1)
        let intruder = try RemoteFabric(
            endpoints: cluster.addresses,
            secret: Array("wrong".utf8),
            metrics: MetricsRegistry()
        )
        await #expect(throws: FabricError.unauthenticated) { try await CpuBuilder(on: intruder).acquire() }
        let lease = try await CpuBuilder(on: cluster.fabric).acquire()
        #expect(lease.node == "node0")
        #expect(cluster.agents[0].refusals.protocolErrors == 1)
        await intruder.shutdown()
        await cluster.stop()
    }

    @Test func anUnreachableNodeIsSkippedAndReportedAsDisconnected() async throws {
        let cluster = try cluster(nodes: 2, cores: 2)
        cluster.agents[1].stop()
        var leases: [CpuLease] = []
        for _ in 0..<2 { leases.append(try await CpuBuilder(on: cluster.fabric).leaseSecs(60).acquire()) }
        #expect(leases.allSatisfy { $0.node == "node0" })
        cluster.agents[0].stop()
        await #expect(throws: FabricError.disconnected) { try await leases[0].renew() }
        let lonely = try RemoteFabric(
            endpoints: [cluster.addresses[1]],
            secret: Self.secret,
            metrics: MetricsRegistry()
        )
        await #expect(throws: FabricError.disconnected) { try await CpuBuilder(on: lonely).acquire() }
        await lonely.shutdown()
        await cluster.stop()
    }

    @Test func aLaunchInFlightFailsAtOnceWhenItsNodeGoesAway() async throws {
        let clock = ManualClock()
        let sim = SimulatedFabric(
            clock: clock,
            seed: 1,
            nodes: [SimulatedFabric.Node(name: "sim0", cores: 2)],
            metrics: MetricsRegistry()
        )
        sim.onLaunch { _ in
            try await clock.sleep(for: .seconds(3600))
            return TaskletResult(output: [])
        }
        let agent = NodeAgent(
            configuration: .init(listen: "127.0.0.1:0", name: "sim0", cores: 2, storageBytes: 0, secret: Self.secret),
            serving: sim
        )
        let address = try agent.start()
        let fabric = try RemoteFabric(endpoints: [address], secret: Self.secret, metrics: MetricsRegistry())
        let lease = try await CpuBuilder(on: fabric).leaseSecs(600).acquire()
        let launch = Task { try await lease.cpu().submit([]).launch() }
        await clock.waitForSleepers(1)
        agent.stop()
        await #expect(throws: FabricError.disconnected) { try await launch.value }
        await fabric.shutdown()
    }

    @Test func theNodeReclaimsLeasesOfAVanishedCoordinatorWithinOneTTL() async throws {
        let clock = ManualClock()
        let agent = try NodeAgent(
            configuration: .init(
                listen: "127.0.0.1:0",
                name: "n",
                cores: 4,
                storageBytes: 1 << 16,
                secret: Self.secret
            ),
            clock: clock
        )
        let address = try agent.start()
        var fabric: RemoteFabric? = try RemoteFabric(
            endpoints: [address],
            secret: Self.secret,
            metrics: MetricsRegistry()
        )
        var leases: [CpuLease] = []
        for _ in 0..<4 { leases.append(try await CpuBuilder(on: fabric!).leaseSecs(30).acquire()) }
        _ = try await BlockBuilder(on: fabric!).minBlocks(4).leaseSecs(30).acquire()
        // The coordinator "crashes": its connections close, nobody releases anything.
        fabric!.closeConnectionsForTesting()
        #expect(agent.status.cpuLeases == 4)
        clock.advance(by: .seconds(30))
        #expect(agent.status.cpuLeases == 0)
        #expect(agent.status.blockLeases == 0)
        #expect(agent.status.freeCores == 4)
        leases.removeAll()
        fabric = nil
        agent.stop()
    }
}

@Suite struct RemoteConcurrencyTests {
    /// Regression: frames were numbered under a lock but written after it, so concurrent responses could reach
    /// the wire out of MAC-sequence order; the client then dropped the connection and leaked granted leases.
    @Test func twoHundredConcurrentAcquiresOnOneConnectionAllSucceed() async throws {
        let secret = Array("concurrency".utf8)
        let agent = try NodeAgent(
            configuration: .init(listen: "127.0.0.1:0", name: "wide", cores: 200, storageBytes: 0, secret: secret)
        )
        let fabric = try RemoteFabric(endpoints: [try agent.start()], secret: secret, metrics: MetricsRegistry())
        let leases = try await withThrowingTaskGroup(of: CpuLease.self) { group in
            for _ in 0..<200 { group.addTask { try await CpuBuilder(on: fabric).leaseSecs(60).acquire() } }
            var leases: [CpuLease] = []
            for try await lease in group { leases.append(lease) }
            return leases
        }
        #expect(leases.count == 200)
        #expect(agent.status.cpuLeases == 200)
        await withTaskGroup(of: Void.self) { group in
            for lease in leases { group.addTask { await lease.release() } }
        }
        #expect(agent.status.cpuLeases == 0)
        await fabric.shutdown()
        agent.stop()
    }
}
