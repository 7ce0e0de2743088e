import Synchronization

/// Observations counted into buckets, such as `tasklet_duration_ms`.
///
/// Each bucket has an upper bound; an observation `v` lands in the first bucket whose bound is `>= v`, or in the
/// implicit `+Inf` bucket. ``observe(_:)`` is lock-free: one relaxed atomic add on the bucket and a
/// compare-and-exchange loop on the sum. The count is the total of the buckets, so `_count` always equals the
/// `+Inf` bucket in every export.
///
/// ```swift
/// let durations = MetricsRegistry.default.histogram("tasklet_duration_ms", help: "Tasklet run time.")
/// durations.observe(12.5)
/// durations.observe(40)
/// print(durations.count, durations.sum)   // 2 52.5
/// print(durations.quantile(0.5))          // 25.0, estimated from the buckets
/// ```
public final class Histogram: Sendable {
    /// Bucket upper bounds tuned for millisecond durations, from 0.1 ms to 10 s (plus the implicit `+Inf`).
    public static let defaultBuckets: [Double] = [
        0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000,
    ]

    /// The metric name, e.g. `tasklet_duration_ms`.
    public let name: String
    /// The labels of this series.
    public let labels: [String: String]
    /// The finite bucket upper bounds in ascending order; the `+Inf` bucket is implicit.
    public let buckets: [Double]

    /// Per-bucket (not cumulative) counts; the last cell is the `+Inf` bucket.
    private let cells: [AtomicCell]
    private let sumBits = Atomic<UInt64>((0.0 as Double).bitPattern)

    /// Creates a histogram; `buckets` must already be normalised (see ``normalizedBuckets(_:)``).
    init(name: String, labels: [String: String], buckets: [Double]) {
        self.name = name
        self.labels = labels
        self.buckets = buckets
        self.cells = (0...buckets.count).map { _ in AtomicCell() }
    }

    /// Records one observation.
    ///
    /// `NaN` counts into the `+Inf` bucket and makes the sum `NaN`, as in the Prometheus Go client.
    ///
    /// - Parameter value: The observed value, in the unit the metric name promises (e.g. milliseconds).
    public func observe(_ value: Double) {
        cells[bucketIndex(for: value)].value.wrappingAdd(1, ordering: .relaxed)
        var current = sumBits.load(ordering: .relaxed)
        while true {
            let desired = (Double(bitPattern: current) + value).bitPattern
            let (exchanged, original) = sumBits.weakCompareExchange(
                expected: current,
                desired: desired,
                ordering: .relaxed
            )
            if exchanged { return }
            current = original
        }
    }

    /// The number of observations.
    public var count: UInt64 {
        cells.reduce(0) { $0 &+ $1.value.load(ordering: .relaxed) }
    }

    /// The sum of all observations.
    public var sum: Double {
        Double(bitPattern: sumBits.load(ordering: .relaxed))
    }

    /// The cumulative count of every bucket, ending with the `+Inf` bucket whose count equals ``count``.
    ///
    /// - Returns: One entry per bucket in ascending order of upper bound; each count includes all smaller buckets.
    public func bucketCounts() -> [(upperBound: Double, cumulativeCount: UInt64)] {
        var total: UInt64 = 0
        var result: [(upperBound: Double, cumulativeCount: UInt64)] = []
        result.reserveCapacity(cells.count)
        for (index, cell) in cells.enumerated() {
            total &+= cell.value.load(ordering: .relaxed)
            result.append((upperBound: index < buckets.count ? buckets[index] : .infinity, cumulativeCount: total))
        }
        return result
    }

    /// Estimates a quantile from the buckets, like PromQL's `histogram_quantile`.
    ///
    /// Within the bucket that holds the requested rank the value is interpolated linearly, assuming the first
    /// bucket starts at 0. A rank in the `+Inf` bucket returns the largest finite bound.
    ///
    /// - Parameter q: The quantile, from 0 to 1 (0.5 is the median, 0.99 the 99th percentile).
    /// - Returns: The estimate; `NaN` with no observations or a `NaN` q, `-Inf` for q < 0, `+Inf` for q > 1.
    public func quantile(_ q: Double) -> Double {
        Histogram.estimateQuantile(q, buckets: bucketCounts())
    }

    /// Sets every bucket and the sum back to zero (see ``MetricsRegistry/reset()``).
    func reset() {
        for cell in cells { cell.value.store(0, ordering: .relaxed) }
        sumBits.store((0.0 as Double).bitPattern, ordering: .relaxed)
    }

    private func bucketIndex(for value: Double) -> Int {
        if value.isNaN { return buckets.count }
        var low = 0
        var high = buckets.count
        while low < high {
            let middle = (low + high) / 2
            if buckets[middle] < value {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}

extension Histogram {
    /// `count` bucket bounds growing by `factor`: `start`, `start * factor`, `start * factor²`, …
    ///
    /// ```swift
    /// Histogram.exponentialBuckets(start: 1, factor: 2, count: 4)   // [1, 2, 4, 8]
    /// ```
    ///
    /// - Parameters:
    ///   - start: The first upper bound; must be finite and greater than 0.
    ///   - factor: The growth factor; must be finite and greater than 1.
    ///   - count: How many bounds to make.
    /// - Returns: The bounds, or an empty array when an argument is out of range (never a crash).
    public static func exponentialBuckets(start: Double, factor: Double, count: Int) -> [Double] {
        guard start > 0, start.isFinite, factor > 1, factor.isFinite, count > 0 else { return [] }
        var bound = start
        var result: [Double] = []
        for _ in 0..<count {
            result.append(bound)
            bound *= factor
        }
        return result
    }

    /// `count` evenly spaced bucket bounds: `start`, `start + width`, `start + 2 * width`, …
    ///
    /// ```swift
    /// Histogram.linearBuckets(start: 10, width: 10, count: 3)   // [10, 20, 30]
    /// ```
    ///
    /// - Parameters:
    ///   - start: The first upper bound; must be finite.
    ///   - width: The distance between bounds; must be finite and greater than 0.
    ///   - count: How many bounds to make.
    /// - Returns: The bounds, or an empty array when an argument is out of range (never a crash).
    public static func linearBuckets(start: Double, width: Double, count: Int) -> [Double] {
        guard start.isFinite, width > 0, width.isFinite, count > 0 else { return [] }
        return (0..<count).map { start + Double($0) * width }
    }

    /// Bucket bounds as a histogram uses them: finite values only, sorted, without duplicates.
    ///
    /// `+Inf` is always implicit, so passing it changes nothing; `NaN` is dropped.
    ///
    /// - Parameter bounds: Requested upper bounds in any order.
    /// - Returns: The normalised bounds.
    public static func normalizedBuckets(_ bounds: [Double]) -> [Double] {
        var result: [Double] = []
        for bound in bounds.filter(\.isFinite).sorted() where result.last != bound {
            result.append(bound + 0)  // + 0 turns -0.0 into 0.0
        }
        return result
    }

    /// The `histogram_quantile` estimate over cumulative buckets ending with `+Inf`.
    ///
    /// Follows Prometheus' `BucketQuantile`, except that q = 0 returns the lower edge of the first non-empty bucket
    /// (Prometheus returns `NaN` when the first bucket is empty).
    static func estimateQuantile(
        _ q: Double,
        buckets: [(upperBound: Double, cumulativeCount: UInt64)]
    ) -> Double {
        if q.isNaN { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        guard buckets.count >= 2, let last = buckets.last, last.upperBound == .infinity else { return .nan }
        let observations = Double(last.cumulativeCount)
        guard observations > 0 else { return .nan }
        let rank = q * observations
        // First bucket (among the finite ones) whose cumulative count reaches the rank; q = 0 skips empty buckets.
        let finite = buckets.count - 1
        var index = 0
        while index < finite {
            let cumulative = Double(buckets[index].cumulativeCount)
            if q == 0 ? cumulative > 0 : cumulative >= rank { break }
            index += 1
        }
        if index == finite { return buckets[finite - 1].upperBound }
        if index == 0, buckets[0].upperBound <= 0 { return buckets[0].upperBound }
        let bucketEnd = buckets[index].upperBound
        var bucketStart = 0.0
        var count = Double(buckets[index].cumulativeCount)
        var rankInBucket = rank
        if index > 0 {
            bucketStart = buckets[index - 1].upperBound
            count -= Double(buckets[index - 1].cumulativeCount)
            rankInBucket -= Double(buckets[index - 1].cumulativeCount)
        }
        return bucketStart + (bucketEnd - bucketStart) * (rankInBucket / count)
    }
}

/// One atomic counter on the heap, so a histogram can hold a run-time number of them.
private final class AtomicCell: Sendable {
    let value = Atomic<UInt64>(0)
}
