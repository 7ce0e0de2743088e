import Foundation
import GrafosJobs
import GrafosLeaseKit
import GrafosObserve
import GrafosStd
import Testing

/// Every Swift snippet of `Docs/Recipe.md`, compiled and run here on a 60-node in-process fabric with the shipped
/// lint tasklet (`Examples/Tasklets/lint.wasm`). Keep the two in step: a snippet that stops compiling here is a
/// snippet that stopped being true there.
@Suite(.serialized) struct RecipeWalkthroughTests {
    static let taskletWasm: [UInt8] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/Tasklets/lint.wasm")
        return (try? Array(Data(contentsOf: url))) ?? []
    }()

    let chunks = (0..<20).map { Chunk(id: "unit\($0).swift", bytes: Array("let x = \($0)\n".utf8)) }

    @Test func theWholeRecipeRunsAsWritten() async throws {
        let taskletWasm = Self.taskletWasm
        #expect(!taskletWasm.isEmpty)
        let chunks = self.chunks
        let fabric = LocalFabric(nodes: (0..<60).map { LocalFabric.Node(name: "n\($0)", cores: 2, capabilities: []) })
        try await Fabric.$current.withValue(fabric) {
            // Step 1: the coordinator acquires CPU leases.
            var leased: [CpuLease] = []
            for _ in 0..<50 { leased.append(try await CpuBuilder().cores(2).leaseSecs(120).acquire()) }
            let workers = leased
            leased.removeAll()

            // Step 2: a block lease for artifacts.
            let artifacts = try await BlockBuilder().minBlocks(4096).leaseSecs(600).acquire()

            // Step 3: dispatch work as tasklets.
            let result = try await workers[0].cpu()
                .submit(taskletWasm)
                .fuel(5_000_000)
                .input(chunks[0].bytes)
                .launch()
            print(result.output.count, result.fuelConsumed, result.duration, result.exitCode)

            // Step 4: retry and failure handling.
            let policy = RetryPolicy.default
                .withMaxRetries(3)
                .withBackoff(.exponential(initialMs: 100, maxMs: 5000))
            let coordinator = JobCoordinator(policy: policy, maxConcurrency: 10)
            let results = try await coordinator.run(
                chunks,
                artifacts,
                exec: { chunk, store in
                    let lease = try await CpuBuilder().cores(2).leaseSecs(120).acquire()
                    let r = try await lease.cpu().submit(taskletWasm).fuel(5_000_000).input(chunk.bytes).launch()
                    try await store.write(chunk.id, r.output)
                    return r
                },
                aggregate: { results in results }
            )
            #expect(results.count == chunks.count)

            // Step 5: lease renewal.
            let renewals = RenewalManager { id in try await workers[Int(id)].renew() }
            for (i, worker) in workers.enumerated() {
                renewals.register(UInt64(i), expiry: worker.expiry, policy: .default)
            }
            let summary = await renewals.tick(now: MonotonicClock().now)
            #expect(summary.failed.isEmpty)

            // Step 6: teardown — drop the handles (or release them); the gauges go back to zero.
            for worker in workers { await worker.release() }
            await artifacts.release()
            #expect(fabric.activeCpuLeases == 0)
            #expect(fabric.activeBlockLeases == 0)
        }
    }

    @Test func everyLeaseGoesBackWhenTheHandlesAreDropped() async throws {
        let fabric = LocalFabric(
            nodes: (0..<50).map { LocalFabric.Node(name: "n\($0)", cores: 2) },
            metrics: MetricsRegistry()
        )
        do {
            var workers: [CpuLease] = []
            for _ in 0..<50 { workers.append(try await CpuBuilder(on: fabric).cores(2).leaseSecs(120).acquire()) }
            let artifacts = try await BlockBuilder(on: fabric).minBlocks(4096).leaseSecs(600).acquire()
            #expect(fabric.activeCpuLeases == 50)
            withExtendedLifetime((workers, artifacts)) {}
        }
        #expect(fabric.activeCpuLeases == 0)
        #expect(fabric.activeBlockLeases == 0)
        #expect(fabric.metrics.value(of: "cpu_leases_active") == 0)
    }
}
