import GrafosJobs
import GrafosObserve
import GrafosStd
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The content-addressed cache: hits launch nothing, identical launches in flight happen once, only deterministic
/// successes are stored.
@Suite struct ActionCacheTests {
    enum StoreKind: String, CaseIterable, Sendable {
        case blockLease, directory
    }

    /// A "compiler": output = input reversed, fuel = 100 per byte.
    private func script(_ h: Harness) {
        h.sim.onLaunch { launch in
            TaskletResult(output: launch.input.reversed(), fuelConsumed: UInt64(launch.input.count) * 100)
        }
    }

    /// The pinned recipe's exec with the launch wrapped in the cache.
    private func exec(
        _ cache: ActionCache,
        _ sim: SimulatedFabric
    ) -> @Sendable (Chunk, BlockLease) async throws -> TaskletResult {
        let compile = TaskletAction(module: Array("compiler".utf8)).fuel(5_000_000)
        return { chunk, store in
            let r = try await cache.result(for: compile.input(chunk.bytes)) { action in
                let lease = try await CpuBuilder(on: sim).cores(1).leaseSecs(120).acquire()
                return try await lease.cpu().submit(action).launch()
            }
            try await store.write(chunk.id, r.output)
            return r
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aSecondIdenticalRunLaunchesNothingAndAChangedInputRerunsOnlyItsChunk(_ kind: StoreKind) async throws {
        let h = Harness()
        script(h)
        let artifacts = try await h.artifacts()
        let directory = try temporaryDirectory()
        // Each run gets a fresh cache object: only what the store kept carries over (a new process, for the
        // directory store).
        func cache() throws -> ActionCache {
            let store: any ActionCacheStore =
                switch kind {
                case .blockLease: BlockLeaseCacheStore(artifacts)
                case .directory: try DirectoryCacheStore(path: directory + "/cache")
                }
            return ActionCache(store: store, metrics: h.metrics)
        }
        let work = chunks(20)
        let first = try cache()
        let one = try await h.coordinator().run(work, artifacts, exec: exec(first, h.sim), aggregate: { $0 })
        #expect(h.launches.count == 20)
        #expect(first.statistics.stored == 20)

        let second = try cache()
        let two = try await h.coordinator().run(work, artifacts, exec: exec(second, h.sim), aggregate: { $0 })
        #expect(h.launches.count == 20)  // zero launches in the second run
        #expect(second.statistics.hits == 20 && second.statistics.launches == 0)
        #expect(two.map(\.output) == one.map(\.output))
        #expect(two.map(\.fuelConsumed) == one.map(\.fuelConsumed))
        #expect(one.map(\.output) == work.map { Array($0.bytes.reversed()) })

        var changed = work
        changed[7].bytes = [42, 43]
        let third = try cache()
        let three = try await h.coordinator().run(changed, artifacts, exec: exec(third, h.sim), aggregate: { $0 })
        #expect(h.launches.count == 21)  // only chunk 7 ran again
        #expect(third.statistics.hits == 19 && third.statistics.misses == 1)
        #expect(three[7].output == [43, 42])
        #expect(try await artifacts.read("c7") == [43, 42])
        #expect(h.value("action_cache_hits_total") == 39)
        #expect(h.value("action_cache_misses_total") == 21)
    }

    @Test(.timeLimit(.minutes(1)))
    func identicalChunksInFlightAreLaunchedOnce() async throws {
        let h = Harness(nodes: 10, cores: 1)
        let clock = h.clock
        h.sim.onLaunch { launch in
            try await clock.sleep(until: clock.now.advanced(by: .seconds(1)))
            return TaskletResult(output: launch.input.reversed())
        }
        let cache = ActionCache(store: MemoryCacheStore(), metrics: h.metrics)
        let work = (0..<10).map { Chunk(id: "same\($0)", bytes: [1, 2, 3]) }
        let artifacts = try await h.artifacts()
        let coordinator = h.coordinator(maxConcurrency: 10)
        let run = exec(cache, h.sim)
        let out = try await drivingClock(clock) {
            try await coordinator.run(work, artifacts, exec: run, aggregate: { $0 })
        }
        #expect(out.map(\.output) == Array(repeating: [3, 2, 1], count: 10))
        #expect(h.launches.count == 1)
        #expect(cache.statistics.launches == 1)
        #expect(cache.statistics.joined + cache.statistics.hits == 9)
    }

    @Test func onlyDeterministicSuccessesAreStored() async throws {
        let cache = ActionCache(store: MemoryCacheStore(), metrics: MetricsRegistry())
        let launches = Mutex(0)
        func launch(exit: Int32 = 0) -> @Sendable (TaskletAction) async throws -> TaskletResult {
            { action in
                launches.withLock { $0 += 1 }
                return TaskletResult(output: action.input, exitCode: exit)
            }
        }
        let base = TaskletAction(module: [7]).input([1])

        _ = try await cache.result(for: base.input([9]), launch: launch(exit: 1))  // a failed build is not stored
        _ = try await cache.result(for: base.input([9]), launch: launch())
        #expect(launches.withLock { $0 } == 2)

        _ = try await cache.result(for: base.deterministic(false), launch: launch())  // never cached
        _ = try await cache.result(for: base.deterministic(false), launch: launch())
        #expect(launches.withLock { $0 } == 4)

        _ = try await cache.result(for: base.doNotCache(), launch: launch())  // launched, not stored
        _ = try await cache.result(for: base, launch: launch())  // so this launches and stores
        _ = try await cache.result(for: base, launch: launch())  // a hit
        #expect(launches.withLock { $0 } == 6)

        _ = try await cache.result(for: base.skipLookup(), launch: launch())  // launches despite the hit
        _ = try await cache.result(for: base.salt("v2"), launch: launch())  // another key
        #expect(launches.withLock { $0 } == 8)
        #expect(cache.statistics.hits == 1)  // base, once

        let tolerant = ActionCache(store: MemoryCacheStore(), cacheableExitCodes: [0, 1], metrics: MetricsRegistry())
        _ = try await tolerant.result(for: base, launch: launch(exit: 1))
        let hit = try #require(await tolerant.lookup(base))
        #expect(hit.exitCode == 1 && hit.output == [1] && hit.duration == .zero)
    }

    @Test func aTornOrTamperedEntryReadsAsAMiss() async throws {
        let store = MemoryCacheStore()
        let cache = ActionCache(store: store, metrics: MetricsRegistry())
        let action = TaskletAction(module: [1]).input([2, 3])
        _ = try await cache.result(for: action) { _ in TaskletResult(output: [5, 6, 7], stderr: [1], fuelConsumed: 9) }
        let entry = try #require(try await store.load(action.key))
        let layout: Int = 16 + 4 + 8 + 8 + 32 + (8 + 1) + (8 + 3)  // magic, exit, fuel, duration, digest, log, output
        #expect(entry.count == layout)
        let stored = try #require(await cache.lookup(action))
        #expect(stored.output == [5, 6, 7] && stored.stderr == [1] && stored.fuelConsumed == 9)

        var tampered = entry
        tampered[tampered.count - 1] ^= 0xFF
        try await store.save(action.key, tampered)
        #expect(await cache.lookup(action) == nil)
        try await store.save(action.key, Array(entry.dropLast()))
        #expect(await cache.lookup(action) == nil)
    }

    @Test func aSpeculativeDuplicateDoesNotWaitForTheLaunchItRaces() async throws {
        let cache = ActionCache(store: MemoryCacheStore(), metrics: MetricsRegistry())
        let action = TaskletAction(module: [1]).input([2])
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        let straggler = Task {
            try await cache.result(for: action) { action in
                for await _ in gate { break }  // stuck until the test opens the gate
                return TaskletResult(output: [0])
            }
        }
        while cache.statistics.launches == 0 { await Task.yield() }
        let duplicate = JobAttempt(chunkID: "c", index: 0, number: 1, isSpeculative: true)
        let raced = try await JobAttempt.$current.withValue(duplicate) {
            try await cache.result(for: action) { _ in TaskletResult(output: [1]) }
        }
        #expect(raced.output == [1])
        open.yield()
        open.finish()
        _ = try await straggler.value
        #expect(cache.statistics.launches == 2 && cache.statistics.joined == 0)
    }

    private func temporaryDirectory() throws -> String {
        var template = Array("/tmp/grafos-cache-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        try #require(made != nil)
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
