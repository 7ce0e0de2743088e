import GrafosObserve
import Testing

@Suite struct PrometheusTextTests {
    @Test func aSmallRegistryRendersExactlyThePinnedExpositionText() {
        let registry = MetricsRegistry()
        registry.gauge("cpu_leases_active", help: "CPU leases currently held.").set(2)
        _ = registry.counter("retries_total")
        let failuresHelp = "Tasklet launches that failed, by reason."
        registry.counter("tasklet_failures_total", help: failuresHelp, labels: ["reason": "trap"]).increment()
        registry.counter("tasklet_failures_total", labels: ["reason": "disconnected"]).increment(by: 3)
        let durations = registry.histogram(
            "tasklet_duration_ms",
            help: "Tasklet run time in milliseconds.",
            buckets: [10, 100]
        )
        for value in [5.0, 50, 500] { durations.observe(value) }
        registry.histogram("phase_ms", buckets: [0.5], labels: ["zone": "a", "node": "n1"]).observe(0.25)

        let expected = """
            # HELP cpu_leases_active CPU leases currently held.
            # TYPE cpu_leases_active gauge
            cpu_leases_active 2
            # TYPE phase_ms histogram
            phase_ms_bucket{node="n1",zone="a",le="0.5"} 1
            phase_ms_bucket{node="n1",zone="a",le="+Inf"} 1
            phase_ms_sum{node="n1",zone="a"} 0.25
            phase_ms_count{node="n1",zone="a"} 1
            # TYPE retries_total counter
            retries_total 0
            # HELP tasklet_duration_ms Tasklet run time in milliseconds.
            # TYPE tasklet_duration_ms histogram
            tasklet_duration_ms_bucket{le="10"} 1
            tasklet_duration_ms_bucket{le="100"} 2
            tasklet_duration_ms_bucket{le="+Inf"} 3
            tasklet_duration_ms_sum 555
            tasklet_duration_ms_count 3
            # HELP tasklet_failures_total Tasklet launches that failed, by reason.
            # TYPE tasklet_failures_total counter
            tasklet_failures_total{reason="disconnected"} 3
            tasklet_failures_total{reason="trap"} 1

            """
        #expect(registry.prometheusText() == expected)
    }

    @Test func labelValuesEscapeBackslashQuoteAndLineFeed() {
        let registry = MetricsRegistry()
        registry.counter("paths_total", labels: ["path": "C:\\dir \"q\"\nnext"]).increment()
        #expect(registry.prometheusText().contains(#"paths_total{path="C:\\dir \"q\"\nnext"} 1"#))
    }

    @Test func helpTextEscapesBackslashAndLineFeedButNotQuotes() {
        let registry = MetricsRegistry()
        _ = registry.gauge("g", help: "a \\ b\n\"c\"")
        #expect(registry.prometheusText().hasPrefix(#"# HELP g a \\ b\n"c""# + "\n# TYPE g gauge\n"))
    }

    @Test(
        arguments: [
            (3.0, "3"), (-1, "-1"), (0, "0"), (-0.0, "0"), (0.25, "0.25"), (1_234_567, "1234567"),
            (1e-05, "1e-05"), (1e21, "1e+21"), (2.5e15, "2500000000000000"), (.infinity, "+Inf"),
            (-.infinity, "-Inf"), (.nan, "NaN"),
        ] as [(Double, String)]
    )
    func numbersAreFormattedAsPrometheusReadsThem(value: Double, text: String) {
        let registry = MetricsRegistry()
        registry.gauge("g").set(value)
        #expect(registry.prometheusText() == "# TYPE g gauge\ng \(text)\n")
    }

    @Test func anEmptyRegistryRendersNoText() {
        #expect(MetricsRegistry().prometheusText() == "")
    }

    @Test func aHistogramWithoutObservationsStillListsEveryBucket() {
        let registry = MetricsRegistry()
        _ = registry.histogram("h", buckets: [1, 2])
        let expected = """
            # TYPE h histogram
            h_bucket{le="1"} 0
            h_bucket{le="2"} 0
            h_bucket{le="+Inf"} 0
            h_sum 0
            h_count 0

            """
        #expect(registry.prometheusText() == expected)
    }

    @Test func aHandBuiltHistogramSampleWithoutAnInfBucketGetsOne() {
        let bucket = MetricsSnapshot.HistogramSample.Bucket(upperBound: 1, cumulativeCount: 2)
        let sample = MetricsSnapshot.Sample(
            histogram: MetricsSnapshot.HistogramSample(buckets: [bucket], count: 3, sum: 4)
        )
        let snapshot = MetricsSnapshot(families: [.init(name: "h", help: "", type: .histogram, samples: [sample])])
        #expect(snapshot.prometheusText().contains("h_bucket{le=\"+Inf\"} 3\n"))
    }

    @Test func theContentTypeNamesVersion004() {
        #expect(MetricsSnapshot.prometheusContentType == "text/plain; version=0.0.4; charset=utf-8")
    }
}
