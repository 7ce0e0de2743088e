/// The metric names Grafos reports, with their types and help texts, so every library spells them alike.
///
/// The names come from the build-farm recipe (`cpu_leases_active`, `tasklets_launched_total`,
/// `tasklet_duration_ms`, `artifact_bytes_written`, `retries_total`) plus the SDK's own additions.
///
/// ```swift
/// let metric = StandardMetric.cpuLeasesActive
/// let active = MetricsRegistry.default.gauge(metric.name, help: metric.help)
/// active.increment()
///
/// // Show every standard metric at zero before a job starts, so dashboards see the lease count return to 0:
/// MetricsRegistry.default.registerStandardMetrics()
/// ```
public struct StandardMetric: Sendable, Hashable {
    /// The metric name.
    public let name: String
    /// The metric type.
    public let type: MetricType
    /// The one-line help text.
    public let help: String
    /// The label names the series carry; empty for unlabelled metrics.
    public let labelNames: [String]

    /// Creates a description of a metric.
    ///
    /// - Parameters:
    ///   - name: The metric name.
    ///   - type: The metric type.
    ///   - help: The one-line help text.
    ///   - labelNames: The label names its series carry.
    public init(name: String, type: MetricType, help: String, labelNames: [String] = []) {
        self.name = name
        self.type = type
        self.help = help
        self.labelNames = labelNames
    }
}

extension StandardMetric {
    /// `cpu_leases_active` (gauge): CPU leases currently held; returns to 0 when a job ends.
    public static let cpuLeasesActive = StandardMetric(
        name: "cpu_leases_active",
        type: .gauge,
        help: "CPU leases currently held."
    )
    /// `block_leases_active` (gauge): block-storage leases currently held; returns to 0 when a job ends.
    public static let blockLeasesActive = StandardMetric(
        name: "block_leases_active",
        type: .gauge,
        help: "Block storage leases currently held."
    )
    /// `tasklets_launched_total` (counter): tasklet launches, retries included.
    public static let taskletsLaunchedTotal = StandardMetric(
        name: "tasklets_launched_total",
        type: .counter,
        help: "Tasklets launched, retries included."
    )
    /// `tasklet_duration_ms` (histogram, ``Histogram/defaultBuckets``): wall-clock run time of each tasklet.
    public static let taskletDurationMs = StandardMetric(
        name: "tasklet_duration_ms",
        type: .histogram,
        help: "Tasklet run time in milliseconds."
    )
    /// `artifact_bytes_written` (counter): bytes written to artifact storage.
    public static let artifactBytesWritten = StandardMetric(
        name: "artifact_bytes_written",
        type: .counter,
        help: "Bytes written to artifact storage."
    )
    /// `retries_total` (counter): chunk attempts retried after a retryable failure.
    public static let retriesTotal = StandardMetric(
        name: "retries_total",
        type: .counter,
        help: "Chunk attempts retried after a retryable failure."
    )
    /// `lease_renewals_total` (counter): successful lease renewals.
    public static let leaseRenewalsTotal = StandardMetric(
        name: "lease_renewals_total",
        type: .counter,
        help: "Lease renewals that succeeded."
    )
    /// `lease_renewal_failures_total` (counter): lease renewals that failed.
    public static let leaseRenewalFailuresTotal = StandardMetric(
        name: "lease_renewal_failures_total",
        type: .counter,
        help: "Lease renewals that failed."
    )
    /// `tasklet_failures_total{reason}` (counter): failed tasklet launches by reason.
    public static let taskletFailuresTotal = StandardMetric(
        name: "tasklet_failures_total",
        type: .counter,
        help: "Tasklet launches that failed, by reason.",
        labelNames: ["reason"]
    )
    /// `fuel_consumed_total` (counter): fuel units consumed by tasklets.
    public static let fuelConsumedTotal = StandardMetric(
        name: "fuel_consumed_total",
        type: .counter,
        help: "Fuel units consumed by tasklets."
    )

    /// Every standard metric, sorted by name.
    public static let all: [StandardMetric] = [
        artifactBytesWritten, blockLeasesActive, cpuLeasesActive, fuelConsumedTotal, leaseRenewalFailuresTotal,
        leaseRenewalsTotal, retriesTotal, taskletDurationMs, taskletFailuresTotal, taskletsLaunchedTotal,
    ]
}
