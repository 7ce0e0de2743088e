/// A point in time on a fabric's clock, in nanoseconds since that clock's epoch.
///
/// Every lease's expiry is a `FabricInstant`, so expiries from any fabric compare with `clock.now` of the
/// clock that fabric runs on: ``MonotonicClock`` for ``LocalFabric`` and ``RemoteFabric`` (expiries from a
/// remote node are converted to local time), ``ManualClock`` for ``SimulatedFabric`` and for tests.
///
/// ```swift
/// let clock = ManualClock()
/// let deadline = clock.now.advanced(by: .seconds(120))
/// clock.advance(by: .seconds(5))
/// print(clock.now.duration(to: deadline))   // 115.0 seconds
/// ```
public struct FabricInstant: InstantProtocol, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the clock's epoch.
    public var nanoseconds: Int64

    /// Creates an instant `nanoseconds` after the clock's epoch.
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// The clock's epoch.
    public static let zero = FabricInstant(nanoseconds: 0)

    /// The instant `duration` later than this one (saturating at the representable range).
    public func advanced(by duration: Duration) -> FabricInstant {
        let (sum, overflow) = nanoseconds.addingReportingOverflow(duration.fabricNanoseconds)
        if overflow { return FabricInstant(nanoseconds: duration > .zero ? .max : .min) }
        return FabricInstant(nanoseconds: sum)
    }

    /// The duration from this instant to `other` (negative when `other` is earlier).
    public func duration(to other: FabricInstant) -> Duration {
        let (difference, overflow) = other.nanoseconds.subtractingReportingOverflow(nanoseconds)
        if overflow { return other.nanoseconds > nanoseconds ? .nanoseconds(Int64.max) : .nanoseconds(Int64.min) }
        return .nanoseconds(difference)
    }

    public static func < (lhs: FabricInstant, rhs: FabricInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// The instant as seconds since the epoch, e.g. `t+120.000s`.
    public var description: String {
        let millis = nanoseconds / 1_000_000
        let sign = millis < 0 ? "-" : "+"
        let magnitude = millis.magnitude
        let fraction = String(magnitude % 1000)
        return "t\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)s"
    }
}

extension Duration {
    /// This duration in whole nanoseconds, saturating at `Int64`'s range.
    package var fabricNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return sum
    }

    /// This duration in milliseconds, as a `Double`.
    package var fabricMilliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
