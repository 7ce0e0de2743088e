import Synchronization

/// A monotonically increasing count, such as `tasklets_launched_total`.
///
/// Get one from a registry and keep it: ``increment(by:)`` is a single relaxed atomic add, safe to call from any
/// thread or task, while the registry lookup takes a lock.
///
/// ```swift
/// let launched = MetricsRegistry.default.counter("tasklets_launched_total", help: "Tasklets launched.")
/// launched.increment()
/// launched.increment(by: 4)
/// print(launched.value)   // 5
/// ```
public final class Counter: Sendable {
    /// The metric name, e.g. `tasklets_launched_total`.
    public let name: String
    /// The labels of this series, e.g. `["reason": "trap"]`.
    public let labels: [String: String]

    private let storage = Atomic<UInt64>(0)

    init(name: String, labels: [String: String]) {
        self.name = name
        self.labels = labels
    }

    /// Adds to the count.
    ///
    /// Lock-free; wraps around at `UInt64.max` instead of trapping.
    ///
    /// - Parameter amount: How much to add; `1` by default.
    public func increment(by amount: UInt64 = 1) {
        storage.wrappingAdd(amount, ordering: .relaxed)
    }

    /// The current count.
    public var value: UInt64 {
        storage.load(ordering: .relaxed)
    }

    /// Sets the count back to zero (see ``MetricsRegistry/reset()``).
    func reset() {
        storage.store(0, ordering: .relaxed)
    }
}
