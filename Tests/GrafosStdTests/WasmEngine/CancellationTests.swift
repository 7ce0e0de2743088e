import Testing

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// Task cancellation reaches running wasm through the interrupt flag.
@Suite struct CancellationTests {
    @Test func aCancelledTaskStopsTheCallWithInterrupted() async throws {
        let task = Task { () async throws -> [WasmValue] in
            var builder = WasmModuleBuilder()
            builder.function("spin", [], [], body: [Op.loop(), Op.br(0), Op.end])
            // Fuel only bounds the test if cancellation were ignored.
            let instance = try builder.instantiate(store: WasmStore(limits: WasmResourceLimits(fuel: 100_000_000)))
            withUnsafeCurrentTask { $0?.cancel() }
            return try await instance.invokeObservingCancellation("spin")
        }
        do {
            _ = try await task.value
            Issue.record("the loop ended")
        } catch let stop as WasmStopError {
            #expect(stop.reason == .interrupted)
        }
    }
}
