import Synchronization

/// A value that goes up and down, such as `cpu_leases_active`.
///
/// The value is a `Double` kept as its bit pattern in an atomic word: ``set(_:)`` is one atomic store, and
/// ``increment(by:)`` / ``decrement(by:)`` are lock-free compare-and-exchange loops, so concurrent changes are never
/// lost. Sums of integers stay exact up to 2^53.
///
/// ```swift
/// let active = MetricsRegistry.default.gauge("cpu_leases_active", help: "CPU leases held.")
/// active.increment()      // a lease was acquired
/// active.decrement()      // … and released
/// print(active.value)     // 0.0
/// ```
public final class Gauge: Sendable {
    /// The metric name, e.g. `cpu_leases_active`.
    public let name: String
    /// The labels of this series.
    public let labels: [String: String]

    private let bits = Atomic<UInt64>((0.0 as Double).bitPattern)

    init(name: String, labels: [String: String]) {
        self.name = name
        self.labels = labels
    }

    /// Adds to the value.
    ///
    /// - Parameter amount: How much to add; `1` by default. Negative amounts subtract.
    public func increment(by amount: Double = 1) {
        var current = bits.load(ordering: .relaxed)
        while true {
            let desired = (Double(bitPattern: current) + amount).bitPattern
            let (exchanged, original) = bits.weakCompareExchange(
                expected: current,
                desired: desired,
                ordering: .relaxed
            )
            if exchanged { return }
            current = original
        }
    }

    /// Subtracts from the value.
    ///
    /// - Parameter amount: How much to subtract; `1` by default.
    public func decrement(by amount: Double = 1) {
        increment(by: -amount)
    }

    /// Replaces the value.
    ///
    /// - Parameter value: The new value; `NaN` and infinities are kept and exported as `NaN`, `+Inf`, `-Inf`.
    public func set(_ value: Double) {
        bits.store(value.bitPattern, ordering: .relaxed)
    }

    /// The current value.
    public var value: Double {
        Double(bitPattern: bits.load(ordering: .relaxed))
    }

    /// Sets the value back to zero (see ``MetricsRegistry/reset()``).
    func reset() {
        set(0)
    }
}
