import Synchronization

/// A set of named metrics — counters, gauges and histograms — exported as Prometheus text, JSON or a snapshot.
///
/// Asking for a metric is get-or-create: the same name and labels always return the same instance, so any part of
/// the program can find a metric again by name. Registration takes a lock; updating a metric never does, so fetch
/// a metric once and keep it on hot paths.
///
/// ```swift
/// let registry = MetricsRegistry()          // or MetricsRegistry.default, the process-wide one
/// let active = registry.gauge("cpu_leases_active", help: "CPU leases currently held.")
/// let failures = registry.counter("tasklet_failures_total", labels: ["reason": "trap"])
/// let durations = registry.histogram("tasklet_duration_ms", buckets: [10, 100, 1000])
///
/// active.increment()
/// failures.increment()
/// durations.observe(42)
///
/// print(registry.prometheusText())
/// registry.value(of: "cpu_leases_active")   // 1.0
/// ```
///
/// ## Mistakes never crash
/// A request the registry cannot export — a name or label name outside the Prometheus grammar, a reserved label
/// name (`__…`, or `le` on a histogram), a name already used by another type, a histogram with other buckets than
/// its family, or a name that collides with a histogram's `_bucket`/`_sum`/`_count` series — returns a *detached*
/// metric: it works, but it is never exported and ``value(of:labels:)`` does not see it. Each distinct mistake is
/// recorded once in ``conflicts`` (at most ``maximumRecordedConflicts``), so tests can assert there are none.
///
/// ## Families
/// All series of one name form a family that shares its type, its help text (the first non-empty help given wins)
/// and, for histograms, its buckets.
public final class MetricsRegistry: Sendable {
    /// The process-wide registry that the Grafos libraries report to.
    public static let `default` = MetricsRegistry()

    /// How many distinct conflicts ``conflicts`` keeps; later ones are dropped.
    public static let maximumRecordedConflicts = 1000

    private let state = Mutex(State())

    /// Creates an empty registry.
    ///
    /// Tests should use their own registry rather than ``default``, since tests run in parallel.
    public init() {}

    /// The counter with a name and labels, created at zero on first use.
    ///
    /// ```swift
    /// let launched = registry.counter("tasklets_launched_total", help: "Tasklets launched.")
    /// launched.increment()
    /// ```
    ///
    /// - Parameters:
    ///   - name: The metric name; must match `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    ///   - help: A one-line description for `# HELP`; the family keeps the first non-empty one.
    ///   - labels: The labels of this series; names must match `[a-zA-Z_][a-zA-Z0-9_]*` and not start with `__`.
    /// - Returns: The registered counter, or a detached one recorded in ``conflicts`` when the request is invalid.
    public func counter(_ name: String, help: String = "", labels: [String: String] = [:]) -> Counter {
        let entry = register(name, help: help, labels: labels, type: .counter, buckets: []) {
            .counter(Counter(name: name, labels: labels))
        }
        if case .counter(let counter)? = entry { return counter }
        return Counter(name: name, labels: labels)
    }

    /// The gauge with a name and labels, created at zero on first use.
    ///
    /// ```swift
    /// let active = registry.gauge("cpu_leases_active", help: "CPU leases currently held.")
    /// active.increment()
    /// ```
    ///
    /// - Parameters:
    ///   - name: The metric name; must match `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    ///   - help: A one-line description for `# HELP`; the family keeps the first non-empty one.
    ///   - labels: The labels of this series; names must match `[a-zA-Z_][a-zA-Z0-9_]*` and not start with `__`.
    /// - Returns: The registered gauge, or a detached one recorded in ``conflicts`` when the request is invalid.
    public func gauge(_ name: String, help: String = "", labels: [String: String] = [:]) -> Gauge {
        let entry = register(name, help: help, labels: labels, type: .gauge, buckets: []) {
            .gauge(Gauge(name: name, labels: labels))
        }
        if case .gauge(let gauge)? = entry { return gauge }
        return Gauge(name: name, labels: labels)
    }

    /// The histogram with a name and labels, created empty on first use.
    ///
    /// ```swift
    /// let durations = registry.histogram("tasklet_duration_ms", help: "Tasklet run time.")
    /// durations.observe(12.5)
    /// ```
    ///
    /// - Parameters:
    ///   - name: The metric name; must match `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    ///   - help: A one-line description for `# HELP`; the family keeps the first non-empty one.
    ///   - buckets: Upper bounds; normalised with ``Histogram/normalizedBuckets(_:)`` (`+Inf` is implicit). Every
    ///     series of a family must use the same buckets.
    ///   - labels: The labels of this series; names must match `[a-zA-Z_][a-zA-Z0-9_]*`, not start with `__`,
    ///     and not be `le`.
    /// - Returns: The registered histogram, or a detached one recorded in ``conflicts`` when the request is invalid.
    public func histogram(
        _ name: String,
        help: String = "",
        buckets: [Double] = Histogram.defaultBuckets,
        labels: [String: String] = [:]
    ) -> Histogram {
        let bounds = Histogram.normalizedBuckets(buckets)
        let entry = register(name, help: help, labels: labels, type: .histogram, buckets: bounds) {
            .histogram(Histogram(name: name, labels: labels, buckets: bounds))
        }
        if case .histogram(let histogram)? = entry { return histogram }
        return Histogram(name: name, labels: labels, buckets: bounds)
    }

    /// The current value of a registered counter or gauge series.
    ///
    /// ```swift
    /// registry.value(of: "cpu_leases_active")                                  // 0.0 after a job
    /// registry.value(of: "tasklet_failures_total", labels: ["reason": "trap"])
    /// ```
    ///
    /// - Parameters:
    ///   - name: The metric name.
    ///   - labels: The exact label set of the series; none by default.
    /// - Returns: The value (a counter's as `Double`), or `nil` when no such counter or gauge series is registered
    ///   (histograms included: read those through ``histogram(_:help:buckets:labels:)`` or ``snapshot()``).
    public func value(of name: String, labels: [String: String] = [:]) -> Double? {
        state.withLock { state -> Double? in
            switch state.families[name]?.metrics[labels] {
            case .counter(let counter)?: Double(counter.value)
            case .gauge(let gauge)?: gauge.value
            case .histogram?, nil: nil
            }
        }
    }

    /// Sets every registered metric back to zero, keeping the metrics, their help texts and ``conflicts``.
    ///
    /// Meant for tests and benchmarks; instances handed out earlier stay registered and keep working.
    public func reset() {
        let families = state.withLock { $0.families }
        for family in families.values {
            for entry in family.metrics.values {
                switch entry {
                case .counter(let counter): counter.reset()
                case .gauge(let gauge): gauge.reset()
                case .histogram(let histogram): histogram.reset()
                }
            }
        }
    }

    /// Every distinct registration the registry refused, oldest first.
    ///
    /// Empty in a correct program; see ``MetricConflict`` for what each entry says.
    public var conflicts: [MetricConflict] {
        state.withLock { $0.conflicts }
    }

    /// A copy of every metric's current value, families sorted by name and samples by labels.
    ///
    /// Each metric is read atomically, but not all metrics at one instant: updates racing with the snapshot land
    /// either in it or in the next one.
    ///
    /// - Returns: A value that can be compared, encoded, or exported with ``MetricsSnapshot/prometheusText()`` and
    ///   ``MetricsSnapshot/jsonText()``.
    public func snapshot() -> MetricsSnapshot {
        let families = state.withLock { $0.families }
        return MetricsSnapshot(
            families: families.sorted { $0.key < $1.key }.map { name, family in
                let samples = family.metrics.map { labels, entry in
                    (order: TextEncoding.sortedLabels(labels), sample: entry.sample(labels: labels))
                }
                return MetricsSnapshot.Family(
                    name: name,
                    help: family.help,
                    type: family.type,
                    samples: samples.sorted { TextEncoding.labelsPrecede($0.order, $1.order) }.map(\.sample)
                )
            }
        )
    }

    /// All metrics in the Prometheus text exposition format 0.0.4.
    ///
    /// ```swift
    /// print(MetricsRegistry.default.prometheusText())
    /// // # HELP cpu_leases_active CPU leases currently held.
    /// // # TYPE cpu_leases_active gauge
    /// // cpu_leases_active 0
    /// ```
    ///
    /// - Returns: The text described in ``MetricsSnapshot/prometheusText()``; serve it with
    ///   ``MetricsSnapshot/prometheusContentType``.
    public func prometheusText() -> String {
        snapshot().prometheusText()
    }

    /// All metrics as one line of JSON with a stable key order.
    ///
    /// - Returns: The text described in ``MetricsSnapshot/jsonText()``; `JSONDecoder` reads it back into a
    ///   ``MetricsSnapshot``.
    public func jsonText() -> String {
        snapshot().jsonText()
    }

    /// Registers or finds a series; `nil` (after recording why) when it cannot be exported.
    private func register(
        _ name: String,
        help: String,
        labels: [String: String],
        type: MetricType,
        buckets: [Double],
        make: () -> Entry
    ) -> Entry? {
        let invalid = Self.validate(name: name, labels: labels, type: type)
        return state.withLock { state -> Entry? in
            if let invalid {
                state.record(MetricConflict(name: name, labels: labels, reason: invalid))
                return nil
            }
            guard let registered = state.families[name]?.type else {
                if let other = state.collidingFamily(for: name, type: type) {
                    state.record(MetricConflict(name: name, labels: labels, reason: .seriesNameCollision(with: other)))
                    return nil
                }
                let entry = make()
                state.families[name] = Family(type: type, help: help, buckets: buckets, metrics: [labels: entry])
                return entry
            }
            guard registered == type else {
                let reason = MetricConflict.Reason.typeMismatch(registered: registered, requested: type)
                state.record(MetricConflict(name: name, labels: labels, reason: reason))
                return nil
            }
            if let familyBuckets = state.families[name]?.buckets, familyBuckets != buckets {
                let reason = MetricConflict.Reason.bucketMismatch(registered: familyBuckets, requested: buckets)
                state.record(MetricConflict(name: name, labels: labels, reason: reason))
                return nil
            }
            if !help.isEmpty, state.families[name]?.help.isEmpty == true {
                state.families[name]?.help = help
            }
            if let existing = state.families[name]?.metrics[labels] { return existing }
            let entry = make()
            state.families[name]?.metrics[labels] = entry
            return entry
        }
    }

    /// Checks a name and labels against the Prometheus grammar; returns why they are refused, or `nil`.
    private static func validate(name: String, labels: [String: String], type: MetricType) -> MetricConflict.Reason? {
        guard isValidName(name, allowColon: true) else { return .invalidMetricName }
        for label in labels.keys.sorted() {
            guard isValidName(label, allowColon: false) else { return .invalidLabelName(label) }
            if label.hasPrefix("__") || (type == .histogram && label == "le") { return .reservedLabelName(label) }
        }
        return nil
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*` for metric names, `[a-zA-Z_][a-zA-Z0-9_]*` for label names.
    private static func isValidName(_ name: String, allowColon: Bool) -> Bool {
        guard !name.isEmpty else { return false }
        for (index, byte) in name.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
                continue
            case UInt8(ascii: "0")...UInt8(ascii: "9") where index > 0:
                continue
            case UInt8(ascii: ":") where allowColon:
                continue
            default:
                return false
            }
        }
        return true
    }
}

extension MetricsRegistry {
    /// One registered series.
    private enum Entry: Sendable {
        case counter(Counter)
        case gauge(Gauge)
        case histogram(Histogram)

        func sample(labels: [String: String]) -> MetricsSnapshot.Sample {
            switch self {
            case .counter(let counter):
                return MetricsSnapshot.Sample(labels: labels, value: Double(counter.value))
            case .gauge(let gauge):
                return MetricsSnapshot.Sample(labels: labels, value: gauge.value)
            case .histogram(let histogram):
                let sum = histogram.sum
                let buckets = histogram.bucketCounts().map {
                    MetricsSnapshot.HistogramSample.Bucket(
                        upperBound: $0.upperBound,
                        cumulativeCount: $0.cumulativeCount
                    )
                }
                let count = buckets.last?.cumulativeCount ?? 0
                return MetricsSnapshot.Sample(
                    labels: labels,
                    histogram: MetricsSnapshot.HistogramSample(buckets: buckets, count: count, sum: sum)
                )
            }
        }
    }

    /// All series of one name.
    private struct Family: Sendable {
        var type: MetricType
        var help: String
        /// Normalised bucket bounds of a histogram family; empty for counters and gauges.
        var buckets: [Double]
        var metrics: [[String: String]: Entry]
    }

    /// Everything the registry's lock protects.
    private struct State: Sendable {
        var families: [String: Family] = [:]
        var conflicts: [MetricConflict] = []
        var seenConflicts: Set<MetricConflict> = []

        mutating func record(_ conflict: MetricConflict) {
            guard conflicts.count < MetricsRegistry.maximumRecordedConflicts,
                seenConflicts.insert(conflict).inserted
            else { return }
            conflicts.append(conflict)
        }

        /// The family whose exposed series names would clash with a new family `name` of `type`.
        func collidingFamily(for name: String, type: MetricType) -> String? {
            let suffixes = ["_bucket", "_sum", "_count"]
            for suffix in suffixes where name.hasSuffix(suffix) {
                let base = String(name.dropLast(suffix.count))
                if families[base]?.type == .histogram { return base }
            }
            if type == .histogram {
                for suffix in suffixes where families[name + suffix] != nil { return name + suffix }
            }
            return nil
        }
    }
}
