/// A point-in-time copy of every metric in a registry: plain values, safe to keep, compare and send anywhere.
///
/// Families are sorted by name and samples by their labels (pairwise by name, then value), so two snapshots of
/// the same state are equal and export to the same text.
///
/// ```swift
/// let snapshot = registry.snapshot()
/// snapshot.value(of: "cpu_leases_active")                 // 0.0
/// snapshot.family(named: "tasklet_duration_ms")?.type      // .histogram
/// let json = try JSONEncoder().encode(snapshot)            // Codable; see also jsonText()
/// ```
///
/// Counter values are carried as `Double`, exact up to 2^53. Equality treats two `NaN`s as equal, so a snapshot
/// always equals itself.
public struct MetricsSnapshot: Sendable, Equatable, Codable {
    /// All metrics with one name: their type, help text and one sample per label set.
    public struct Family: Sendable, Equatable, Codable {
        /// The metric name.
        public var name: String
        /// The help text; empty when none was given.
        public var help: String
        /// The metric type.
        public var type: MetricType
        /// One sample per label set, in canonical label order.
        public var samples: [Sample]

        /// Creates a family.
        ///
        /// - Parameters:
        ///   - name: The metric name.
        ///   - help: The help text.
        ///   - type: The metric type.
        ///   - samples: The samples, one per label set.
        public init(name: String, help: String, type: MetricType, samples: [Sample]) {
            self.name = name
            self.help = help
            self.type = type
            self.samples = samples
        }
    }

    /// The value of one series (one label set) of a family.
    public struct Sample: Sendable, Equatable {
        /// The labels of the series.
        public var labels: [String: String]
        /// The value of a counter or gauge; `nil` for a histogram.
        public var value: Double?
        /// The buckets, sum and count of a histogram; `nil` for a counter or gauge.
        public var histogram: HistogramSample?

        /// Creates a sample.
        ///
        /// - Parameters:
        ///   - labels: The labels of the series.
        ///   - value: The counter or gauge value.
        ///   - histogram: The histogram data.
        public init(labels: [String: String] = [:], value: Double? = nil, histogram: HistogramSample? = nil) {
            self.labels = labels
            self.value = value
            self.histogram = histogram
        }

        public static func == (lhs: Sample, rhs: Sample) -> Bool {
            lhs.labels == rhs.labels && lhs.histogram == rhs.histogram
                && (lhs.value == rhs.value || (lhs.value?.isNaN == true && rhs.value?.isNaN == true))
        }
    }

    /// The state of one histogram series.
    public struct HistogramSample: Sendable, Equatable {
        /// One cumulative bucket.
        public struct Bucket: Sendable, Hashable {
            /// The upper bound (`le`); the last bucket's is `+Inf`.
            public var upperBound: Double
            /// Observations less than or equal to the bound, including those of smaller buckets.
            public var cumulativeCount: UInt64

            /// Creates a bucket.
            ///
            /// - Parameters:
            ///   - upperBound: The upper bound (`le`).
            ///   - cumulativeCount: Observations at or below the bound.
            public init(upperBound: Double, cumulativeCount: UInt64) {
                self.upperBound = upperBound
                self.cumulativeCount = cumulativeCount
            }
        }

        /// Cumulative buckets in ascending order, ending with `+Inf`.
        public var buckets: [Bucket]
        /// The number of observations (equal to the `+Inf` bucket).
        public var count: UInt64
        /// The sum of the observations.
        public var sum: Double

        /// Creates a histogram sample.
        ///
        /// - Parameters:
        ///   - buckets: Cumulative buckets ending with `+Inf`.
        ///   - count: The number of observations.
        ///   - sum: The sum of the observations.
        public init(buckets: [Bucket], count: UInt64, sum: Double) {
            self.buckets = buckets
            self.count = count
            self.sum = sum
        }

        /// Estimates a quantile from the buckets, like ``Histogram/quantile(_:)``.
        ///
        /// - Parameter q: The quantile, from 0 to 1.
        /// - Returns: The estimate, or `NaN` when there are no observations.
        public func quantile(_ q: Double) -> Double {
            Histogram.estimateQuantile(
                q,
                buckets: buckets.map { (upperBound: $0.upperBound, cumulativeCount: $0.cumulativeCount) }
            )
        }

        public static func == (lhs: HistogramSample, rhs: HistogramSample) -> Bool {
            lhs.buckets == rhs.buckets && lhs.count == rhs.count
                && (lhs.sum == rhs.sum || (lhs.sum.isNaN && rhs.sum.isNaN))
        }
    }

    /// Every metric family, sorted by name.
    public var families: [Family]

    /// Creates a snapshot.
    ///
    /// - Parameter families: The families, expected in ascending order of name.
    public init(families: [Family] = []) {
        self.families = families
    }

    /// The family with a name.
    ///
    /// - Parameter name: The metric name.
    /// - Returns: The family, or `nil` when the snapshot has none of that name.
    public func family(named name: String) -> Family? {
        families.first { $0.name == name }
    }

    /// The value of a counter or gauge series.
    ///
    /// - Parameters:
    ///   - name: The metric name.
    ///   - labels: The exact label set of the series; none by default.
    /// - Returns: The value, or `nil` when there is no such counter or gauge series.
    public func value(of name: String, labels: [String: String] = [:]) -> Double? {
        family(named: name)?.samples.first { $0.labels == labels }?.value
    }
}
