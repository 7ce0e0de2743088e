import GrafosObserve
import Testing

@Suite struct MetricsRegistryTests {
    @Test func theSameNameAndLabelsReturnTheSameInstance() {
        let registry = MetricsRegistry()
        let counter = registry.counter("c_total", labels: ["a": "1", "b": "2"])
        #expect(registry.counter("c_total", labels: ["b": "2", "a": "1"]) === counter)
        #expect(registry.counter("c_total", labels: ["a": "1"]) !== counter)
        #expect(registry.gauge("g") === registry.gauge("g"))
        #expect(registry.histogram("h") === registry.histogram("h", buckets: Histogram.defaultBuckets))
        #expect(registry.histogram("h", buckets: [1, 2]) !== registry.histogram("h", buckets: [1, 2]))
        #expect(MetricsRegistry().gauge("g") !== registry.gauge("g"))
    }

    @Test func histogramBucketsAreComparedAfterNormalisation() {
        let registry = MetricsRegistry()
        let histogram = registry.histogram("h", buckets: [5, 1])
        #expect(registry.histogram("h", buckets: [1, 5, .infinity]) === histogram)
        #expect(registry.conflicts.isEmpty)
    }

    @Test func aNameReusedWithAnotherTypeReturnsADetachedMetricAndRecordsAConflict() throws {
        let registry = MetricsRegistry()
        registry.counter("leases").increment(by: 7)
        let gauge = registry.gauge("leases")
        gauge.set(99)
        #expect(gauge.value == 99)
        #expect(registry.value(of: "leases") == 7)
        #expect(!registry.prometheusText().contains("99"))
        let conflict = try #require(registry.conflicts.first)
        #expect(conflict.name == "leases")
        #expect(conflict.reason == .typeMismatch(registered: .counter, requested: .gauge))
        #expect(conflict.description.contains("registered as a counter"))
        #expect(registry.gauge("leases") !== gauge)
    }

    @Test func aHistogramWithOtherBucketsIsDetachedAndRecorded() {
        let registry = MetricsRegistry()
        _ = registry.histogram("h", buckets: [1, 2], labels: ["a": "x"])
        let other = registry.histogram("h", buckets: [1, 3], labels: ["a": "y"])
        other.observe(1)
        #expect(registry.snapshot().family(named: "h")?.samples.count == 1)
        #expect(registry.conflicts.map(\.reason) == [.bucketMismatch(registered: [1, 2], requested: [1, 3])])
    }

    @Test(arguments: ["", "1abc", "a-b", "a b", "é", "a.b"])
    func anInvalidMetricNameIsRecordedAndNotExported(name: String) {
        let registry = MetricsRegistry()
        registry.counter(name).increment()
        _ = registry.gauge(name)
        registry.histogram(name).observe(1)
        #expect(registry.prometheusText() == "")
        #expect(registry.conflicts.map(\.reason) == [.invalidMetricName])
        #expect(registry.conflicts.map(\.name) == [name])
    }

    @Test(arguments: ["a", "_a", "a:b", ":job:rate5m", "A_9"])
    func aValidMetricNameIsAccepted(name: String) {
        let registry = MetricsRegistry()
        registry.counter(name).increment()
        #expect(registry.conflicts.isEmpty)
        #expect(registry.value(of: name) == 1)
    }

    @Test func invalidAndReservedLabelNamesAreRecordedAndNotExported() {
        let registry = MetricsRegistry()
        _ = registry.counter("c", labels: ["1x": "v"])
        _ = registry.counter("c", labels: ["a-b": "v"])
        _ = registry.counter("c", labels: ["a:b": "v"])
        _ = registry.counter("c", labels: ["__name__": "v"])
        _ = registry.histogram("h", labels: ["le": "1"])
        #expect(
            registry.conflicts.map(\.reason) == [
                .invalidLabelName("1x"), .invalidLabelName("a-b"), .invalidLabelName("a:b"),
                .reservedLabelName("__name__"), .reservedLabelName("le"),
            ]
        )
        #expect(registry.prometheusText() == "")
    }

    @Test func leIsAnOrdinaryLabelOutsideHistograms() {
        let registry = MetricsRegistry()
        registry.counter("c", labels: ["le": "x"]).increment()
        #expect(registry.conflicts.isEmpty)
        #expect(registry.value(of: "c", labels: ["le": "x"]) == 1)
    }

    @Test func familiesCannotCollideWithTheSeriesOfAHistogram() {
        let registry = MetricsRegistry()
        _ = registry.histogram("d")
        _ = registry.counter("d_count")
        _ = registry.gauge("e_sum")
        _ = registry.histogram("e")
        #expect(
            registry.conflicts.map(\.reason) == [.seriesNameCollision(with: "d"), .seriesNameCollision(with: "e_sum")]
        )
        #expect(registry.snapshot().families.map(\.name) == ["d", "e_sum"])
    }

    @Test func eachDistinctConflictIsRecordedOnce() {
        let registry = MetricsRegistry()
        _ = registry.counter("x")
        for _ in 0..<5 { _ = registry.gauge("x") }
        _ = registry.histogram("x")
        #expect(registry.conflicts.count == 2)
    }

    @Test func valueOfReadsCountersAndGaugesByNameAndLabels() {
        let registry = MetricsRegistry()
        registry.counter("c_total", labels: ["reason": "trap"]).increment(by: 3)
        registry.gauge("cpu_leases_active").set(-2.5)
        registry.histogram("h").observe(1)
        #expect(registry.value(of: "c_total", labels: ["reason": "trap"]) == 3)
        #expect(registry.value(of: "c_total") == nil)
        #expect(registry.value(of: "cpu_leases_active") == -2.5)
        #expect(registry.value(of: "h") == nil)
        #expect(registry.value(of: "absent") == nil)
    }

    @Test func gaugesMoveBothWays() {
        let gauge = MetricsRegistry().gauge("g")
        gauge.increment()
        gauge.increment(by: 2.5)
        gauge.decrement()
        gauge.decrement(by: 0.5)
        #expect(gauge.value == 2)
        gauge.set(-7)
        #expect(gauge.value == -7)
    }

    @Test func theFirstNonEmptyHelpTextWins() {
        let registry = MetricsRegistry()
        _ = registry.counter("c")
        _ = registry.counter("c", help: "first")
        _ = registry.counter("c", help: "second")
        #expect(registry.snapshot().family(named: "c")?.help == "first")
    }

    @Test func resetZeroesEveryMetricAndKeepsThemRegistered() {
        let registry = MetricsRegistry()
        let counter = registry.counter("c")
        let gauge = registry.gauge("g")
        let histogram = registry.histogram("h", buckets: [1])
        counter.increment(by: 5)
        gauge.set(3)
        histogram.observe(0.5)
        registry.reset()
        #expect(counter.value == 0)
        #expect(gauge.value == 0)
        #expect(histogram.count == 0)
        #expect(histogram.sum == 0)
        #expect(registry.counter("c") === counter)
        counter.increment()
        #expect(registry.value(of: "c") == 1)
    }

    @Test func concurrentUpdatesFromManyTasksAddUpExactly() async {
        let registry = MetricsRegistry()
        let tasks = 64
        let perTask = 2000
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<tasks {
                group.addTask {
                    let counter = registry.counter("c_total")
                    let gauge = registry.gauge("g")
                    let histogram = registry.histogram("h", buckets: [1, 2])
                    for step in 0..<perTask {
                        counter.increment()
                        gauge.increment(by: 2)
                        if step % 2 == 0 { gauge.decrement() }
                        histogram.observe(Double(index % 3))
                    }
                }
            }
        }
        let total = Double(tasks * perTask)
        #expect(registry.value(of: "c_total") == total)
        #expect(registry.value(of: "g") == total * 2 - total / 2)
        let histogram = registry.histogram("h", buckets: [1, 2])
        #expect(histogram.count == UInt64(tasks * perTask))
        let expectedSum = (0..<tasks).reduce(0.0) { $0 + Double($1 % 3) * Double(perTask) }
        #expect(histogram.sum == expectedSum)
        #expect(registry.conflicts.isEmpty)
    }

    @Test func standardMetricsRegisterAtZeroWithTheirTypes() {
        let registry = MetricsRegistry()
        registry.registerStandardMetrics()
        registry.registerStandardMetrics()
        let snapshot = registry.snapshot()
        #expect(registry.conflicts.isEmpty)
        #expect(
            snapshot.families.map(\.name) == [
                "artifact_bytes_written", "block_leases_active", "cpu_leases_active", "fuel_consumed_total",
                "lease_renewal_failures_total", "lease_renewals_total", "retries_total", "tasklet_duration_ms",
                "tasklets_launched_total",
            ]
        )
        for metric in StandardMetric.all where metric.labelNames.isEmpty {
            #expect(snapshot.family(named: metric.name)?.type == metric.type)
        }
        #expect(registry.value(of: "cpu_leases_active") == 0)
        #expect(StandardMetric.all.map(\.name) == StandardMetric.all.map(\.name).sorted())
    }

}
