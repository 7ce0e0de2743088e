import Synchronization

/// A flag that stops running WebAssembly from any thread: the cooperative way to end a tasklet whose lease
/// expired or whose task was cancelled.
///
/// The interpreter reads the flag at every backward branch (each loop iteration) and every function entry, so a
/// raised flag stops execution within a bounded amount of work with ``WasmStopError/Reason/interrupted``. The flag
/// stays raised (every later call stops at once) until ``reset()``.
///
/// ```swift
/// let handle = store.interrupt
/// let watchdog = Task.detached { try await Task.sleep(for: .seconds(1)); handle.raise() }
/// do { _ = try instance.invoke("spin", []) } catch let stop as WasmStopError { … }
/// ```
package final class WasmInterruptHandle: @unchecked Sendable {
    // @unchecked Sendable: the only state is an atomic byte, read and written with atomic operations.

    /// The atomic byte (non-zero: stop). Its address is stable for the handle's life.
    let flag: UnsafeMutablePointer<Atomic<UInt8>>

    /// Creates a lowered flag.
    package init() {
        flag = UnsafeMutablePointer<Atomic<UInt8>>.allocate(capacity: 1)
        flag.initialize(to: Atomic<UInt8>(0))
    }

    deinit {
        flag.deinitialize(count: 1)
        flag.deallocate()
    }

    /// Asks running code to stop.
    package func raise() {
        flag.pointee.store(1, ordering: .relaxed)
    }

    /// Lowers the flag so that code can run again.
    package func reset() {
        flag.pointee.store(0, ordering: .relaxed)
    }

    /// Whether the flag is raised.
    package var isRaised: Bool {
        flag.pointee.load(ordering: .relaxed) != 0
    }
}
