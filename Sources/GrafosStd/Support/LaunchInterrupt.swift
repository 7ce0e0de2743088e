import Synchronization

/// A one-shot signal that stops a running launch: fired when its lease expires, is released or its node drops.
///
/// The engine polls ``reason`` at its fuel checks; scripted launches race ``wait()`` against their handler.
package final class LaunchInterrupt: Sendable {
    private struct State {
        var reason: FabricError?
        var waiters: [CheckedContinuation<FabricError?, Never>] = []
        var observers: [@Sendable (FabricError) -> Void] = []
    }

    private let state = Mutex(State())

    package init() {}

    /// Why the launch must stop, once fired.
    package var reason: FabricError? {
        state.withLock { $0.reason }
    }

    /// Fires the signal; later calls do nothing.
    package func fire(_ error: FabricError) {
        let (waiters, observers) = state.withLock {
            state -> ([CheckedContinuation<FabricError?, Never>], [@Sendable (FabricError) -> Void]) in
            guard state.reason == nil else { return ([], []) }
            state.reason = error
            defer {
                state.waiters = []
                state.observers = []
            }
            return (state.waiters, state.observers)
        }
        for waiter in waiters { waiter.resume(returning: error) }
        for observer in observers { observer(error) }
    }

    /// Calls `observer` when the signal fires (at once if it already has). Observers must be quick: they run on
    /// the thread that fires the signal. The engine uses this to raise its interrupt flag.
    package func onFire(_ observer: @escaping @Sendable (FabricError) -> Void) {
        let fired = state.withLock { state -> FabricError? in
            if let reason = state.reason { return reason }
            state.observers.append(observer)
            return nil
        }
        if let fired { observer(fired) }
    }

    /// Suspends until the signal fires (returning why) or the task is cancelled (returning nil).
    package func wait() async -> FabricError? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<FabricError?, Never>) in
                let immediate = state.withLock { state -> (Bool, FabricError?) in
                    if let reason = state.reason { return (true, reason) }
                    if Task.isCancelled { return (true, nil) }
                    state.waiters.append(continuation)
                    return (false, nil)
                }
                if immediate.0 { continuation.resume(returning: immediate.1) }
            }
        } onCancel: {
            let waiters = state.withLock { state -> [CheckedContinuation<FabricError?, Never>] in
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: nil) }
        }
    }
}
