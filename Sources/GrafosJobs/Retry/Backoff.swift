/// How long to wait before each retry: a delay curve plus jitter.
///
/// The default, ``exponential(initialMs:maxMs:jitter:)`` with ``Jitter/full``, is the "full jitter" strategy from
/// AWS's *Exponential Backoff and Jitter*: retry `n` waits a uniformly random time between zero and
/// `min(max, initial × 2^(n-1))`, which spreads retries of many failed chunks instead of bunching them.
///
/// ```swift
/// let policy = RetryPolicy.default.withBackoff(.exponential(initialMs: 100, maxMs: 5000))   // full jitter
/// let exact = Backoff.exponential(initialMs: 100, maxMs: 5000, jitter: .none)    // 100, 200, 400, … 5000 ms
/// let steady = Backoff.constant(ms: 250)
/// let spread = Backoff.decorrelated(initialMs: 100, maxMs: 5000)
/// ```
public struct Backoff: Hashable, Sendable, CustomStringConvertible {
    /// How a delay is randomised below its ceiling.
    public enum Jitter: String, Hashable, Sendable {
        /// Exactly the ceiling: `min(max, initial × multiplier^(n-1))`.
        case none
        /// Uniform in `0...ceiling` (AWS "full jitter").
        case full
        /// Half the ceiling plus uniform in `0...ceiling/2` (AWS "equal jitter").
        case equal
        /// Uniform in `initial...previous × 3`, capped at the maximum (AWS "decorrelated jitter"); the first
        /// retry's previous delay is `initial`.
        case decorrelated
    }

    /// The first retry's delay ceiling.
    public var initial: Duration
    /// The largest delay.
    public var maximum: Duration
    /// How much the ceiling grows per retry: `2` for exponential, `1` for constant.
    public var multiplier: Double
    /// How the delay is randomised.
    public var jitter: Jitter

    /// Creates a backoff.
    /// - Parameters:
    ///   - initial: The first retry's delay ceiling.
    ///   - maximum: The largest delay.
    ///   - multiplier: Growth per retry (at least 1).
    ///   - jitter: How the delay is randomised.
    public init(initial: Duration, maximum: Duration, multiplier: Double = 2, jitter: Jitter = .full) {
        self.initial = max(.zero, initial)
        self.maximum = max(self.initial, maximum)
        self.multiplier = max(1, multiplier)
        self.jitter = jitter
    }

    /// Exponential backoff in milliseconds: ceilings `initialMs`, `2 × initialMs`, `4 × initialMs`, … up to
    /// `maxMs`.
    /// - Parameters:
    ///   - initialMs: The first retry's ceiling in milliseconds.
    ///   - maxMs: The largest delay in milliseconds.
    ///   - jitter: ``Jitter/full`` by default.
    public static func exponential(initialMs: Int, maxMs: Int, jitter: Jitter = .full) -> Backoff {
        Backoff(initial: .milliseconds(initialMs), maximum: .milliseconds(maxMs), multiplier: 2, jitter: jitter)
    }

    /// Exponential backoff: ceilings `initial`, `2 × initial`, … up to `max`.
    public static func exponential(initial: Duration, max: Duration, jitter: Jitter = .full) -> Backoff {
        Backoff(initial: initial, maximum: max, multiplier: 2, jitter: jitter)
    }

    /// The same delay before every retry.
    public static func constant(ms: Int, jitter: Jitter = .none) -> Backoff {
        constant(.milliseconds(ms), jitter: jitter)
    }

    /// The same delay before every retry.
    public static func constant(_ delay: Duration, jitter: Jitter = .none) -> Backoff {
        Backoff(initial: delay, maximum: delay, multiplier: 1, jitter: jitter)
    }

    /// Decorrelated jitter between `initialMs` and `maxMs`.
    public static func decorrelated(initialMs: Int, maxMs: Int) -> Backoff {
        Backoff(initial: .milliseconds(initialMs), maximum: .milliseconds(maxMs), multiplier: 3, jitter: .decorrelated)
    }

    /// Retry at once.
    public static let none = Backoff(initial: .zero, maximum: .zero, multiplier: 1, jitter: .none)

    /// The un-jittered delay before retry `retry` (1 for the first retry):
    /// `min(maximum, initial × multiplier^(retry-1))`.
    public func ceiling(forRetry retry: Int) -> Duration {
        let initialNanos = initial.fabricNanosecondsClamped
        let maximumNanos = maximum.fabricNanosecondsClamped
        var value = Double(initialNanos)
        var step = 1
        while step < retry && value < Double(maximumNanos) {
            value *= multiplier
            step += 1
        }
        return .nanoseconds(value >= Double(maximumNanos) ? maximumNanos : Int64(value))
    }

    /// The delay before retry `retry`.
    /// - Parameters:
    ///   - retry: 1 for the first retry, 2 for the second, …
    ///   - previous: The delay before the previous retry (used by ``Jitter/decorrelated``); nil for the first.
    ///   - random: The random source; seed it for reproducible delays.
    /// - Returns: A delay in `0...maximum`.
    public func delay(
        forRetry retry: Int,
        previous: Duration? = nil,
        using random: inout some RandomNumberGenerator
    ) -> Duration {
        switch jitter {
        case .none:
            return ceiling(forRetry: retry)
        case .full:
            let ceiling = ceiling(forRetry: retry).fabricNanosecondsClamped
            return .nanoseconds(Int64.random(in: 0...ceiling, using: &random))
        case .equal:
            let ceiling = ceiling(forRetry: retry).fabricNanosecondsClamped
            let half = ceiling / 2
            return .nanoseconds(ceiling - half + Int64.random(in: 0...half, using: &random))
        case .decorrelated:
            let low = initial.fabricNanosecondsClamped
            let top = maximum.fabricNanosecondsClamped
            let previous = (previous ?? initial).fabricNanosecondsClamped
            let (tripled, overflow) = previous.multipliedReportingOverflow(by: 3)
            let high = min(top, max(low, overflow ? top : tripled))
            return .nanoseconds(Int64.random(in: low...high, using: &random))
        }
    }

    /// `exponential 100ms…5000ms ×2, full jitter`.
    public var description: String {
        let shape = multiplier == 1 ? "constant" : "exponential"
        return "\(shape) \(initial)…\(maximum) ×\(multiplier), \(jitter.rawValue) jitter"
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to `0...Int64.max`.
    var fabricNanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? .max : max(0, sum)
    }
}
