/// Execution was stopped by a limit or by the host rather than by the program.
///
/// Unlike a ``Trap``, this is not the program's fault: it ran out of fuel, or the host asked it to stop (a lease
/// expired, the task was cancelled). The store stays usable: add fuel or clear the interrupt and call again.
///
/// ```swift
/// store.fuelLimit = 1_000
/// do {
///     _ = try instance.invoke("spin", [])
/// } catch let stop as WasmStopError where stop.reason == .fuelExhausted {
///     print(stop)  // fuel exhausted after 1000 units of fuel …
/// }
/// ```
package struct WasmStopError: Error, Sendable, CustomStringConvertible {
    /// Why execution stopped.
    package enum Reason: UInt8, Sendable, Hashable {
        /// The store's fuel could not pay for the next region of code.
        case fuelExhausted
        /// The store's interrupt flag was raised (see ``WasmInterruptHandle``).
        case interrupted
    }

    /// Why execution stopped.
    package var reason: Reason
    /// The fuel the store had consumed when it stopped.
    package var fuelConsumed: UInt64
    /// The wasm functions active when execution stopped, innermost first.
    package var backtrace: WasmBacktrace

    /// Creates a stop error.
    package init(_ reason: Reason, fuelConsumed: UInt64, backtrace: WasmBacktrace = WasmBacktrace()) {
        self.reason = reason
        self.fuelConsumed = fuelConsumed
        self.backtrace = backtrace
    }

    /// What happened and what to do next.
    package var description: String {
        let what: String =
            switch reason {
            case .fuelExhausted:
                "fuel exhausted after \(fuelConsumed) units of fuel; raise the fuel limit or add fuel to the store"
            case .interrupted:
                "execution interrupted by the host after \(fuelConsumed) units of fuel; clear the interrupt to run again"
            }
        return backtrace.frames.isEmpty ? what : "\(what)\n\(backtrace)"
    }
}
