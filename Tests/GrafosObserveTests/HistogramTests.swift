import GrafosObserve
import Testing

@Suite struct HistogramTests {
    @Test func bucketsAreCumulativeInclusiveOfTheirBoundAndEndWithInf() {
        let histogram = MetricsRegistry().histogram("h", buckets: [1, 5, 10])
        for value in [0.5, 1, 3, 7, 100] { histogram.observe(value) }
        let buckets = histogram.bucketCounts()
        #expect(buckets.map(\.upperBound) == [1, 5, 10, .infinity])
        #expect(buckets.map(\.cumulativeCount) == [2, 3, 4, 5])
        #expect(histogram.count == 5)
        #expect(histogram.sum == 111.5)
    }

    @Test func requestedBucketsAreSortedDeduplicatedAndFinite() {
        let histogram = MetricsRegistry().histogram("h", buckets: [10, 1, 5, 5, .infinity, .nan, -0.0])
        #expect(histogram.buckets == [0, 1, 5, 10])
        #expect(histogram.bucketCounts().count == 5)
    }

    @Test func theDefaultBucketsSpanMillisecondsToTenSeconds() {
        #expect(Histogram.defaultBuckets.first == 0.1)
        #expect(Histogram.defaultBuckets.last == 10_000)
        #expect(Histogram.defaultBuckets == Histogram.normalizedBuckets(Histogram.defaultBuckets))
        #expect(MetricsRegistry().histogram("h").buckets == Histogram.defaultBuckets)
    }

    @Test func aNaNObservationCountsInTheInfBucketAndPoisonsTheSum() {
        let histogram = MetricsRegistry().histogram("h", buckets: [1])
        histogram.observe(.nan)
        #expect(histogram.bucketCounts().map(\.cumulativeCount) == [0, 1])
        #expect(histogram.sum.isNaN)
    }

    @Test(
        arguments: [
            (0.0, 0.0), (0.25, 10), (0.5, 20), (0.75, 30), (0.9, 36), (1, 40),
        ] as [(Double, Double)]
    )
    func quantilesInterpolateLinearlyWithinTheBucketThatHoldsTheRank(q: Double, expected: Double) {
        // 10 observations in (0, 10], 10 in (10, 20], 20 in (20, 40]: the Prometheus estimate is exact here.
        let histogram = MetricsRegistry().histogram("h", buckets: [10, 20, 40])
        for _ in 0..<10 { histogram.observe(5) }
        for _ in 0..<10 { histogram.observe(15) }
        for _ in 0..<20 { histogram.observe(30) }
        #expect(histogram.quantile(q) == expected)
    }

    @Test func aRankInTheInfBucketReturnsTheLargestFiniteBound() {
        let histogram = MetricsRegistry().histogram("h", buckets: [10, 20])
        histogram.observe(5)
        histogram.observe(1000)
        #expect(histogram.quantile(0.99) == 20)
        #expect(histogram.quantile(0.5) == 10)
    }

    @Test func aZeroQuantileSkipsEmptyLeadingBuckets() {
        let histogram = MetricsRegistry().histogram("h", buckets: [10, 20, 40])
        histogram.observe(30)
        #expect(histogram.quantile(0) == 20)
        #expect(histogram.quantile(0.5) == 30)
    }

    @Test func quantilesOutsideTheirDomainFollowPrometheus() {
        let histogram = MetricsRegistry().histogram("h", buckets: [10])
        #expect(histogram.quantile(0.5).isNaN)  // no observations
        histogram.observe(1)
        #expect(histogram.quantile(-0.1) == -.infinity)
        #expect(histogram.quantile(1.1) == .infinity)
        #expect(histogram.quantile(.nan).isNaN)
        #expect(MetricsRegistry().histogram("only_inf", buckets: []).quantile(0.5).isNaN)
    }

    @Test func aSnapshotEstimatesTheSameQuantilesAsTheLiveHistogram() throws {
        let registry = MetricsRegistry()
        let histogram = registry.histogram("h", buckets: Histogram.exponentialBuckets(start: 1, factor: 2, count: 8))
        for value in stride(from: 0.5, through: 200, by: 3.5) { histogram.observe(value) }
        let sample = try #require(registry.snapshot().family(named: "h")?.samples.first?.histogram)
        for q in [0.1, 0.5, 0.9, 0.99] {
            #expect(sample.quantile(q) == histogram.quantile(q))
        }
        #expect(sample.count == histogram.count)
    }

    @Test func bucketHelpersMakeExponentialAndLinearBounds() {
        #expect(Histogram.exponentialBuckets(start: 1, factor: 2, count: 4) == [1, 2, 4, 8])
        #expect(Histogram.linearBuckets(start: 10, width: 10, count: 3) == [10, 20, 30])
    }

    @Test func bucketHelpersReturnNothingForOutOfRangeArguments() {
        #expect(Histogram.exponentialBuckets(start: 0, factor: 2, count: 4).isEmpty)
        #expect(Histogram.exponentialBuckets(start: 1, factor: 1, count: 4).isEmpty)
        #expect(Histogram.exponentialBuckets(start: 1, factor: 2, count: -1).isEmpty)
        #expect(Histogram.linearBuckets(start: 0, width: 0, count: 3).isEmpty)
        #expect(Histogram.linearBuckets(start: .nan, width: 1, count: 3).isEmpty)
    }
}
