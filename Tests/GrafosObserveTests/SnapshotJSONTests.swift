import Foundation
import GrafosObserve
import Testing

@Suite struct SnapshotJSONTests {
    private func smallRegistry() -> MetricsRegistry {
        let registry = MetricsRegistry()
        registry.gauge("cpu_leases_active", help: "CPU leases held.").set(2)
        registry.counter("tasklet_failures_total", labels: ["reason": "trap"]).increment()
        let histogram = registry.histogram("tasklet_duration_ms", buckets: [10])
        histogram.observe(2.5)
        histogram.observe(50)
        return registry
    }

    @Test func jsonTextHasAStablePinnedLayout() {
        let expected =
            #"{"families":["#
            + #"{"help":"CPU leases held.","name":"cpu_leases_active","samples":[{"labels":{},"value":2}],"#
            + #""type":"gauge"},"#
            + #"{"help":"","name":"tasklet_duration_ms","samples":[{"histogram":{"buckets":[{"count":1,"le":"10"},"#
            + #"{"count":2,"le":"+Inf"}],"count":2,"sum":52.5},"labels":{}}],"type":"histogram"},"#
            + #"{"help":"","name":"tasklet_failures_total","samples":[{"labels":{"reason":"trap"},"value":1}],"#
            + #""type":"counter"}]}"#
        #expect(smallRegistry().jsonText() == expected)
    }

    @Test func jsonTextParsesWithJSONSerialization() throws {
        let data = Data(smallRegistry().jsonText().utf8)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let families = try #require(root["families"] as? [[String: Any]])
        #expect(
            families.compactMap { $0["name"] as? String } == [
                "cpu_leases_active", "tasklet_duration_ms", "tasklet_failures_total",
            ]
        )
        let failures = try #require(families[2]["samples"] as? [[String: Any]])
        #expect(failures.first?["labels"] as? [String: String] == ["reason": "trap"])
        #expect((failures.first?["value"] as? NSNumber)?.doubleValue == 1)
        let histogram = try #require(
            (families[1]["samples"] as? [[String: Any]])?.first?["histogram"] as? [String: Any]
        )
        #expect((histogram["sum"] as? NSNumber)?.doubleValue == 52.5)
        let buckets = try #require(histogram["buckets"] as? [[String: Any]])
        #expect(buckets.compactMap { $0["le"] as? String } == ["10", "+Inf"])
    }

    @Test func jsonTextDecodesBackIntoAnEqualSnapshot() throws {
        let registry = smallRegistry()
        registry.gauge("odd", labels: ["k": "quote \" slash \\ newline \n tab \t bell \u{07}"]).set(.nan)
        registry.gauge("odd", labels: ["k": "up"]).set(.infinity)
        registry.gauge("tiny").set(1e-300)
        registry.counter("big_total").increment(by: 1 << 52)
        let snapshot = registry.snapshot()
        let decoded = try JSONDecoder().decode(MetricsSnapshot.self, from: Data(registry.jsonText().utf8))
        #expect(decoded == snapshot)
        #expect(decoded.value(of: "odd", labels: ["k": "up"]) == .infinity)
    }

    @Test func codableEncodingRoundTripsThroughJSONEncoder() throws {
        let registry = smallRegistry()
        registry.gauge("nan").set(.nan)
        let snapshot = registry.snapshot()
        let data = try JSONEncoder().encode(snapshot)
        #expect(try JSONDecoder().decode(MetricsSnapshot.self, from: data) == snapshot)
    }

    @Test func snapshotsOfTheSameStateAreEqualAndChangesShow() {
        let registry = smallRegistry()
        let before = registry.snapshot()
        #expect(registry.snapshot() == before)
        registry.gauge("cpu_leases_active").decrement()
        #expect(registry.snapshot() != before)
        #expect(registry.snapshot().value(of: "cpu_leases_active") == 1)
    }

    @Test func samplesAreOrderedByTheirLabels() {
        let registry = MetricsRegistry()
        for labels in [["b": "1"], ["a": "2", "b": "0"], ["a": "10"], [:], ["a": "2"]] {
            _ = registry.counter("c", labels: labels)
        }
        let order = registry.snapshot().family(named: "c")?.samples.map(\.labels)
        #expect(order == [[:], ["a": "10"], ["a": "2"], ["a": "2", "b": "0"], ["b": "1"]])
    }

    @Test func anEmptyRegistryIsAnEmptyFamilyList() {
        #expect(MetricsRegistry().jsonText() == #"{"families":[]}"#)
    }
}
