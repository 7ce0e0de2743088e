import GrafosJobs
import GrafosObserve
import GrafosStd
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The snippets of `Docs/Recipe.md`'s "Variations" section, compiled and run on an in-process fabric with the
/// shipped lint tasklet. Keep the two in step.
@Suite(.serialized) struct RecipeVariationsTests {
    @Test func theVariationsRunAsWritten() async throws {
        let taskletWasm = RecipeWalkthroughTests.taskletWasm
        #expect(!taskletWasm.isEmpty)
        let chunks = (0..<20).map { Chunk(id: "unit\($0).swift", bytes: Array("let x = \($0)\n".utf8)) }
        var template = Array("/tmp/grafos-recipe-cache-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        try #require(made != nil)
        let cacheDirectory = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let nodes =
            (0..<20).map { LocalFabric.Node(name: "n\($0)", cores: 2, capabilities: []) }
            + [LocalFabric.Node(name: "big", cores: 4, capabilities: ["bigmem"])]
        let fabric = LocalFabric(nodes: nodes, metrics: MetricsRegistry())
        try await Fabric.$current.withValue(fabric) {
            var leased: [CpuLease] = []
            for _ in 0..<6 { leased.append(try await CpuBuilder().cores(2).leaseSecs(120).acquire()) }
            let workers = leased
            leased.removeAll()
            let bigWorker = try await CpuBuilder().cores(4).require("bigmem").leaseSecs(120).acquire()
            let artifacts = try await BlockBuilder().minBlocks(4096).leaseSecs(600).acquire()
            let policy = RetryPolicy.default.withMaxRetries(3).withBackoff(.exponential(initialMs: 100, maxMs: 5000))
            let coordinator = JobCoordinator(policy: policy, maxConcurrency: 10)

            // A content-addressed cache: the second run, with a fresh cache over the same directory, launches
            // nothing and gives the same outputs.
            var outputs: [[[UInt8]]] = []
            for round in 0..<2 {
                let cache = ActionCache(store: try DirectoryCacheStore(path: cacheDirectory))  // kept across runs
                let lint = TaskletAction(module: taskletWasm).fuel(5_000_000)  // the module is hashed once, here

                let linted = try await coordinator.run(
                    chunks,
                    artifacts,
                    exec: { chunk, store in
                        let r = try await cache.result(for: lint.input(chunk.bytes)) { action in  // only on a miss
                            let lease = try await CpuBuilder().cores(2).leaseSecs(120).acquire()
                            return try await lease.cpu().submit(action).launch()
                        }
                        try await store.write(chunk.id, r.output)
                        return r
                    },
                    aggregate: { $0 }
                )
                print(cache.statistics)
                outputs.append(linted.map(\.output))
                if round == 0 {
                    #expect(cache.statistics.launches == 20 && cache.statistics.stored == 20)
                } else {
                    #expect(cache.statistics.launches == 0 && cache.statistics.hits == 20)
                    #expect(cache.statistics.description == "20 hits, 0 misses, 0 joined, 0 launches, 0 stored")
                }
            }
            #expect(outputs[0] == outputs[1])

            // Heterogeneous workers and the heaviest chunks first.
            let units = chunks.map { Chunk(id: $0.id, bytes: $0.bytes, kind: "lint") }
            let link = Chunk(
                id: "link",
                bytes: Array("let app = 1\n".utf8),
                kind: "link",
                requirements: ChunkRequirements(capabilities: ["bigmem"], minimumCores: 2)
            )
            let scheduler = JobCoordinator(policy: policy, scheduling: .default)  // longest first
            let placed = Recorder<(String, String)>()
            let built = try await scheduler.run(
                units + [link],
                on: workers + [bigWorker],
                artifacts,
                exec: { chunk, worker, store in
                    placed.append((chunk.id, worker.node))
                    let r = try await worker.cpu().submit(taskletWasm).fuel(5_000_000).input(chunk.bytes).launch()
                    try await store.write(chunk.id, r.output)
                    return r
                },
                aggregate: { $0 }
            )
            print(scheduler.costs.estimates)
            #expect(built.count == 21)
            #expect(placed.all.filter { $0.0 == "link" }.map(\.1) == ["big"])
            #expect(scheduler.costs.estimate(kind: "lint") ?? 0 > 0 && scheduler.costs.estimate(kind: "link") ?? 0 > 0)

            // Stragglers.
            let racing = JobCoordinator(policy: policy, scheduling: SchedulingPolicy.default.withSpeculation(.default))
            let raced = try await racing.run(
                units,
                on: workers,
                artifacts,
                exec: { chunk, worker, _ in
                    try await worker.cpu().submit(taskletWasm).fuel(5_000_000).input(chunk.bytes).launch()
                },
                aggregate: { $0 }
            )
            #expect(raced.map(\.output) == outputs[0])

            for worker in workers { await worker.release() }
            await bigWorker.release()
            await artifacts.release()
            #expect(fabric.activeCpuLeases == 0)
        }
    }
}
