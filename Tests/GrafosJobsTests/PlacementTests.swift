import GrafosJobs
import GrafosObserve
import GrafosStd
import Testing

/// Heterogeneous placement: requirements matched to workers, learned costs, heaviest first on the biggest workers.
@Suite struct PlacementTests {
    @Test(.timeLimit(.minutes(1)))
    func chunksRunOnlyOnWorkersThatMeetTheirRequirements() async throws {
        let h = Harness(nodes: [
            SimulatedFabric.Node(name: "big", cores: 4, capabilities: ["bigcore", "avx512"]),
            SimulatedFabric.Node(name: "s0", cores: 1),
            SimulatedFabric.Node(name: "s1", cores: 1, capabilities: ["avx512"]),
        ])
        let workers = try await h.workers([("big", 4), ("s0", 1), ("s1", 1)])
        var work: [Chunk] = []
        for index in 0..<12 {
            let requirements: ChunkRequirements =
                switch index % 4 {
                case 0: ChunkRequirements(capabilities: ["bigcore"])
                case 1: ChunkRequirements(minimumCores: 4)
                case 2: ChunkRequirements(capabilities: ["avx512"])
                default: .none
                }
            work.append(Chunk(id: "c\(index)", bytes: [UInt8(index)], requirements: requirements))
        }
        work.append(Chunk(id: "gpu", bytes: [99], requirements: ChunkRequirements(capabilities: ["gpu"])))
        let placed = Recorder<(String, String)>()
        let coordinator = h.coordinator(maxConcurrency: nil)
        let error = await #expect(throws: JobError.self) {
            try await coordinator.run(
                work,
                on: workers,
                (),
                exec: { chunk, worker, _ in
                    placed.append((chunk.id, worker.node))
                    return try await worker.cpu().submit([]).input(chunk.bytes).launch()
                },
                aggregate: { $0 }
            )
        }
        // The chunk no worker can run fails as unplaceable; every other chunk ran where it fits.
        #expect(error?.failures.map(\.chunkID) == ["gpu"])
        #expect(error?.failures.first?.reason == .unplaceable)
        #expect(error?.succeeded == 12)
        let nodeOf = Dictionary(placed.all, uniquingKeysWith: { first, _ in first })
        for chunk in work.dropLast() {
            let node = try #require(nodeOf[chunk.id])
            switch chunk.requirements {
            case ChunkRequirements(capabilities: ["bigcore"]), ChunkRequirements(minimumCores: 4):
                #expect(node == "big", "\(chunk.id) needs the big worker")
            case ChunkRequirements(capabilities: ["avx512"]):
                #expect(node == "big" || node == "s1", "\(chunk.id) needs avx512")
            default: break
            }
        }
        #expect(!placed.all.contains { $0.0 == "gpu" })
    }

    @Test(.timeLimit(.minutes(1)))
    func heavyChunksStartFirstAndOnTheBiggestWorkerOnceCostsAreLearned() async throws {
        // 6 heavy chunks (8 s) among 18 light ones (1 s), light first in chunk order. One 4-core worker, four 1-core
        // workers. A FIFO run teaches the cost model from fuel; the LPT run then starts the heavy chunks first, the
        // first four on the big worker, and finishes sooner in virtual time.
        let nodes =
            [SimulatedFabric.Node(name: "big", cores: 4)]
            + (0..<4).map { SimulatedFabric.Node(name: "s\($0)", cores: 1) }
        let work = (0..<24).map { index in
            let heavy = index % 4 == 3
            return workChunk("c\(index)", heavy ? .seconds(8) : .seconds(1), kind: heavy ? "heavy" : "light")
        }
        let costs = ChunkCostModel()

        func run(_ scheduling: SchedulingPolicy) async throws -> (starts: [(String, String, FabricInstant)], Duration) {
            let h = Harness(nodes: nodes)
            h.scriptWork()
            let starts = Recorder<(String, String, FabricInstant)>()
            let workers = try await h.workers([("big", 4), ("s0", 1), ("s1", 1), ("s2", 1), ("s3", 1)])
            let coordinator = h.coordinator(maxConcurrency: nil, scheduling: scheduling, costs: costs)
            let clock = h.clock
            let out = try await coordinator.simulate(on: clock) {
                try await coordinator.run(
                    work,
                    on: workers,
                    (),
                    exec: { chunk, worker, _ in
                        starts.append((chunk.id, worker.node, clock.now))
                        return try await worker.cpu().submit([]).input(chunk.bytes).launch()
                    },
                    aggregate: { $0 }
                )
            }
            #expect(out.map(\.output) == work.map(\.bytes))
            return (starts.all, FabricInstant.zero.duration(to: clock.now))
        }

        let (fifoStarts, fifo) = try await run(.fifo)
        #expect(costs.estimate(kind: "heavy") == 8e9)  // fuel: one unit per nanosecond of scripted work
        #expect(costs.estimate(kind: "light") == 1e9)
        // FIFO hands the big worker's four lanes the first four chunks (in whatever order the lanes start).
        #expect(Set(fifoStarts.filter { $0.1 == "big" }.prefix(4).map(\.0)) == ["c0", "c1", "c2", "c3"])

        let (lptStarts, lpt) = try await run(.default)
        let heavy = Set(work.filter { $0.kind == "heavy" }.map(\.id))
        let firstOnBig = lptStarts.filter { $0.1 == "big" }.prefix(4).map(\.0)
        #expect(firstOnBig.allSatisfy(heavy.contains), "the big worker's first chunks: \(firstOnBig)")
        // Eight lanes: all six heavy chunks start at once, at t+0, the light ones fill the rest.
        let heavyStarts = lptStarts.filter { heavy.contains($0.0) }.map(\.2)
        #expect(heavyStarts.count == 6 && heavyStarts.allSatisfy { $0 == .zero })
        #expect(fifoStarts.filter { heavy.contains($0.0) }.map(\.2).max()! > .zero)
        #expect(lpt < fifo, "LPT \(lpt) vs FIFO \(fifo)")
    }

    @Test func aKindNotYetMeasuredStartsBeforeKnownOnesAndCostsAccumulateAcrossRuns() async throws {
        // One lane, instant tasklets reporting fuel = the chunk's first byte × 1000.
        let h = Harness(nodes: 1, cores: 1)
        h.sim.onLaunch { launch in TaskletResult(output: launch.input, fuelConsumed: UInt64(launch.input[0]) * 1000) }
        let costs = ChunkCostModel()
        costs.record(kind: "a", cost: 1000)
        let coordinator = h.coordinator(maxConcurrency: 1, costs: costs)
        let work = [
            Chunk(id: "a0", bytes: [1], kind: "a"), Chunk(id: "b0", bytes: [9], kind: "b"),
            Chunk(id: "a1", bytes: [1], kind: "a"), Chunk(id: "b1", bytes: [9], kind: "b"),
        ]
        let order = Recorder<String>()
        let sim = h.sim
        _ = try await coordinator.run(
            work,
            exec: { chunk in
                order.append(chunk.id)
                let lease = try await CpuBuilder(on: sim).leaseSecs(60).acquire()
                return try await lease.cpu().submit([]).input(chunk.bytes).launch()
            },
            aggregate: { $0 }
        )
        // b is unknown, so b0 goes first and teaches it (9000 > 1000): b1 follows before the a chunks.
        #expect(order.all == ["b0", "b1", "a0", "a1"])
        #expect(costs.estimate(kind: "b") == 9000)
        #expect(costs.estimate(kind: "a") == 1000)
    }

    @Test func requirementsPassOnToALeaseBuilder() {
        let builder = CpuBuilder().cores(2).meeting(
            ChunkRequirements(capabilities: ["gpu", "avx512"], minimumCores: 4)
        )
        #expect(builder.request.cores == 4)
        #expect(builder.request.capabilities == ["gpu", "avx512"])
        #expect(CpuBuilder().cores(8).meeting(.none).request.cores == 8)
    }
}
