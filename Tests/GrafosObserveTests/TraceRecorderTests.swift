import Foundation
import GrafosObserve
import Synchronization
import Testing

@Suite struct TraceRecorderTests {
    private func parse(_ recorder: TraceRecorder) throws -> (root: [String: Any], events: [[String: Any]]) {
        let data = Data(recorder.jsonText().utf8)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let events = try #require(root["traceEvents"] as? [[String: Any]])
        return (root, events)
    }

    private func number(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue
    }

    @Test func traceJSONParsesWithMetadataSlicesCountersAndInstants() throws {
        let recorder = TraceRecorder(clock: TestClock(), processName: "build")
        let worker = recorder.track(named: "worker 0")
        recorder.slice(
            on: worker,
            name: "chunk c1",
            start: .milliseconds(1),
            end: .milliseconds(3),
            args: ["fuel": "42"]
        )
        recorder.counter("cpu_leases_active", at: .milliseconds(2), value: 5)
        recorder.instant(on: worker, name: "retry", at: .milliseconds(4))
        recorder.instant(name: "job done", at: .milliseconds(5))

        let (root, events) = try parse(recorder)
        #expect(root["displayTimeUnit"] as? String == "ms")
        #expect(events.compactMap { $0["ph"] as? String } == ["M", "M", "M", "X", "C", "i", "i"])
        #expect((events[0]["args"] as? [String: Any])?["name"] as? String == "build")
        #expect(events[1]["name"] as? String == "thread_name")
        #expect((events[1]["args"] as? [String: Any])?["name"] as? String == "worker 0")
        #expect(number(events[1]["tid"]) == Double(worker.id))

        let slice = events[3]
        #expect(slice["name"] as? String == "chunk c1")
        #expect(number(slice["ts"]) == 1000)
        #expect(number(slice["dur"]) == 2000)
        #expect(number(slice["tid"]) == Double(worker.id))
        #expect(number(slice["pid"]) == 1)
        #expect(slice["args"] as? [String: String] == ["fuel": "42"])

        #expect(number((events[4]["args"] as? [String: Any])?["value"]) == 5)
        #expect(number(events[4]["ts"]) == 2000)
        #expect(events[5]["s"] as? String == "t")
        #expect(events[6]["s"] as? String == "p")
    }

    @Test func timestampsAreMicrosecondsWithNanosecondPrecision() {
        let recorder = TraceRecorder(clock: TestClock())
        let track = recorder.track(named: "t")
        recorder.slice(on: track, name: "s", start: .nanoseconds(1500), end: .microseconds(4))
        recorder.instant(name: "i", at: .nanoseconds(-1))
        recorder.instant(name: "j", at: .seconds(90))
        let text = recorder.jsonText()
        #expect(text.contains(#""ts":1.5,"dur":2.5,"#))
        #expect(text.contains(#""ts":-0.001,"#))
        #expect(text.contains(#""ts":90000000,"#))
    }

    @Test func theSameTrackNameReturnsTheSameTrack() {
        let recorder = TraceRecorder()
        let first = recorder.track(named: "worker 0")
        let second = recorder.track(named: "worker 1")
        #expect(recorder.track(named: "worker 0") == first)
        #expect(first.id == 1)
        #expect(second.id == 2)
    }

    @Test func eventsAreWrittenInTimeOrderWithTiesInRecordingOrder() throws {
        let recorder = TraceRecorder(clock: TestClock())
        recorder.instant(name: "late", at: .seconds(2))
        recorder.instant(name: "early", at: .seconds(1))
        recorder.instant(name: "tie", at: .seconds(2))
        let (_, events) = try parse(recorder)
        #expect(events.dropFirst().compactMap { $0["name"] as? String } == ["early", "late", "tie"])
    }

    @Test func measureTimesItsBodyOnTheInjectedClockEvenWhenItThrows() throws {
        struct Failure: Error {}
        let clock = TestClock()
        let recorder = TraceRecorder(clock: clock)
        let track = recorder.track(named: "t")
        clock.advance(by: .milliseconds(10))
        let value = recorder.measure(on: track, name: "ok") {
            clock.advance(by: .milliseconds(5))
            return 7
        }
        #expect(value == 7)
        #expect(throws: Failure.self) {
            try recorder.measure(on: track, name: "fails") {
                clock.advance(by: .microseconds(250))
                throw Failure()
            }
        }
        let (_, events) = try parse(recorder)
        let slices = events.filter { $0["ph"] as? String == "X" }
        #expect(slices.compactMap { $0["name"] as? String } == ["ok", "fails"])
        #expect(slices.map { number($0["ts"]) } == [10_000, 15_000])
        #expect(slices.map { number($0["dur"]) } == [5000, 250])
        #expect(recorder.elapsed == .microseconds(15_250))
    }

    @Test func asyncMeasureRecordsASlice() async throws {
        let clock = TestClock()
        let recorder = TraceRecorder(clock: clock)
        let track = recorder.track(named: "t")
        let value = await recorder.measure(on: track, name: "async") { () async -> Int in
            clock.advance(by: .seconds(1))
            await Task.yield()
            return 3
        }
        #expect(value == 3)
        #expect(recorder.jsonText().contains(#""name":"async","ph":"X","ts":0,"dur":1000000,"#))
    }

    @Test func namesAndArgsAreEscapedAndReadBackIntact() throws {
        let tricky = "quote \" slash \\ newline \n tab \t nul \u{0} 雪"
        let recorder = TraceRecorder(clock: TestClock(), processName: tricky)
        let track = recorder.track(named: tricky)
        recorder.slice(on: track, name: tricky, start: .zero, end: .seconds(1), args: [tricky: tricky])
        let (_, events) = try parse(recorder)
        #expect((events[0]["args"] as? [String: Any])?["name"] as? String == tricky)
        #expect((events[1]["args"] as? [String: Any])?["name"] as? String == tricky)
        #expect(events[3]["name"] as? String == tricky)
        #expect(events[3]["args"] as? [String: String] == [tricky: tricky])
    }

    @Test func anEndBeforeTheStartRecordsAZeroLengthSlice() throws {
        let recorder = TraceRecorder(clock: TestClock())
        recorder.slice(on: recorder.track(named: "t"), name: "s", start: .seconds(2), end: .seconds(1))
        let (_, events) = try parse(recorder)
        #expect(number(events.last?["dur"]) == 0)
        #expect(number(events.last?["ts"]) == 2_000_000)
    }

    @Test func nonFiniteCounterValuesAreDropped() throws {
        let recorder = TraceRecorder(clock: TestClock())
        recorder.counter("c", at: .zero, value: .nan)
        recorder.counter("c", at: .zero, value: .infinity)
        recorder.counter("c", at: .zero, value: 1.5)
        #expect(recorder.eventCount == 1)
        let (_, events) = try parse(recorder)
        #expect(number((events.last?["args"] as? [String: Any])?["value"]) == 1.5)
    }

    @Test func anEmptyTraceIsStillValidJSON() throws {
        let (_, events) = try parse(TraceRecorder(processID: 7))
        #expect(events.count == 1)
        #expect(number(events[0]["pid"]) == 7)
    }
}

/// A manual clock for tests: time moves only when `advance(by:)` is called.
private struct TestClock: Clock {
    struct Instant: InstantProtocol {
        var offset: Duration

        func advanced(by duration: Duration) -> Instant {
            Instant(offset: offset + duration)
        }

        func duration(to other: Instant) -> Duration {
            other.offset - offset
        }

        static func < (lhs: Instant, rhs: Instant) -> Bool {
            lhs.offset < rhs.offset
        }
    }

    private final class Storage: Sendable {
        let now = Mutex(Duration.zero)
    }

    private let storage = Storage()

    var now: Instant {
        Instant(offset: storage.now.withLock { $0 })
    }

    var minimumResolution: Duration {
        .nanoseconds(1)
    }

    func advance(by duration: Duration) {
        storage.now.withLock { $0 += duration }
    }

    func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        storage.now.withLock { $0 = max($0, deadline.offset) }
    }
}
