/// A registration that ``MetricsRegistry`` refused, kept in ``MetricsRegistry/conflicts``.
///
/// Asking a registry for a metric it cannot export — an invalid name, the name of a family of another type,
/// a histogram with other buckets — is a programmer error, but it never crashes the process. The registry records
/// a `MetricConflict` and hands back a *detached* metric: it works like any other (it counts, it can be read), but no
/// registry exports it. Check ``MetricsRegistry/conflicts`` in tests to catch these mistakes:
///
/// ```swift
/// let registry = MetricsRegistry()
/// _ = registry.counter("leases")
/// let gauge = registry.gauge("leases")          // detached: "leases" is already a counter
/// gauge.set(3)                                  // harmless, but not exported
/// print(registry.conflicts.first!)              // metric "leases": requested a gauge, but it is registered as a counter; …
/// ```
public struct MetricConflict: Sendable, Hashable, CustomStringConvertible {
    /// Why a registration was refused.
    public enum Reason: Sendable, Hashable {
        /// The name belongs to a family of another type.
        case typeMismatch(registered: MetricType, requested: MetricType)
        /// The histogram family exists with other bucket upper bounds (both lists normalised: sorted, finite, unique).
        case bucketMismatch(registered: [Double], requested: [Double])
        /// The metric name does not match `[a-zA-Z_:][a-zA-Z0-9_:]*`.
        case invalidMetricName
        /// A label name does not match `[a-zA-Z_][a-zA-Z0-9_]*`.
        case invalidLabelName(String)
        /// A label name is reserved: it starts with `__`, or it is `le` on a histogram.
        case reservedLabelName(String)
        /// The name would share exposed series names with another family: a histogram `x` exposes `x_bucket`,
        /// `x_sum` and `x_count`, so none of those can be a family of its own.
        case seriesNameCollision(with: String)
    }

    /// The metric name that was requested.
    public let name: String
    /// The labels that were requested.
    public let labels: [String: String]
    /// Why the registration was refused.
    public let reason: Reason

    /// Creates a conflict record.
    ///
    /// - Parameters:
    ///   - name: The requested metric name.
    ///   - labels: The requested labels.
    ///   - reason: Why the registration was refused.
    public init(name: String, labels: [String: String], reason: Reason) {
        self.name = name
        self.labels = labels
        self.reason = reason
    }

    /// What happened, to which metric, and what to do about it.
    public var description: String {
        let subject = "metric \(TextEncoding.jsonString(name))"
        switch reason {
        case .typeMismatch(let registered, let requested):
            return "\(subject): requested a \(requested.rawValue), but it is registered as a \(registered.rawValue); "
                + "the returned \(requested.rawValue) is detached and not exported — use one type per metric name"
        case .bucketMismatch(let registered, let requested):
            let show = { (bounds: [Double]) in "[" + bounds.map(TextEncoding.number).joined(separator: ", ") + "]" }
            return "\(subject): requested histogram buckets \(show(requested)), but it is registered with "
                + "\(show(registered)); the returned histogram is detached and not exported — "
                + "pass the same buckets everywhere, or use another name"
        case .invalidMetricName:
            return "\(subject): the name does not match [a-zA-Z_:][a-zA-Z0-9_:]*; the returned metric is detached "
                + "and not exported — use letters, digits, '_' and ':' only, not starting with a digit"
        case .invalidLabelName(let label):
            return "\(subject): label name \(TextEncoding.jsonString(label)) does not match [a-zA-Z_][a-zA-Z0-9_]*; "
                + "the returned metric is detached and not exported — rename the label"
        case .reservedLabelName(let label):
            return "\(subject): label name \(TextEncoding.jsonString(label)) is reserved ('__' prefixes, and 'le' "
                + "on histograms); the returned metric is detached and not exported — rename the label"
        case .seriesNameCollision(let other):
            return "\(subject): its series would collide with those of metric \(TextEncoding.jsonString(other)) "
                + "(a histogram x also exposes x_bucket, x_sum and x_count); the returned metric is detached and not "
                + "exported — rename one of them"
        }
    }
}
