/// The kind of a metric family, spelled as in the Prometheus `# TYPE` line.
public enum MetricType: String, Sendable, Hashable, Codable, CaseIterable {
    /// A monotonically increasing count (``Counter``), reset only by ``MetricsRegistry/reset()``.
    case counter
    /// A value that goes up and down (``Gauge``).
    case gauge
    /// Observations counted into cumulative buckets, with their sum and count (``Histogram``).
    case histogram
}
