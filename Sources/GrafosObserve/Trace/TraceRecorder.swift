import Synchronization

/// Records a build's timeline and writes it as Chrome/Perfetto trace JSON.
///
/// Each worker lease gets a track; each tasklet run is a slice on it. Counters (leases active) and instants
/// (a retry, a renewal failure) add context. Open the output of ``jsonText()`` in `ui.perfetto.dev` or
/// `chrome://tracing`.
///
/// Timestamps are durations since the recorder was created, read from its clock (a monotonic `ContinuousClock`
/// unless another is injected), or passed in explicitly, so tests and simulations can write exact timelines.
///
/// ```swift
/// let trace = TraceRecorder()
/// let worker = trace.track(named: "worker 0 (lease 7f3a…)")
///
/// let start = trace.elapsed
/// let output = try await runTasklet()
/// trace.slice(on: worker, name: "chunk c1", start: start, end: trace.elapsed, args: ["fuel": "31337"])
/// trace.counter("cpu_leases_active", at: trace.elapsed, value: 49)
///
/// // or let the recorder time it:
/// try await trace.measure(on: worker, name: "chunk c2") { try await runTasklet() }
///
/// try trace.jsonText().write(to: URL(filePath: "build.trace.json"), atomically: true, encoding: .utf8)
/// ```
///
/// Recording takes a short lock; all methods are safe to call from any task.
public final class TraceRecorder: Sendable {
    private let clockElapsed: @Sendable () -> Duration
    private let processName: String
    private let processID: Int
    private let state = Mutex(State())

    /// Creates a recorder timed by a clock; time zero is the clock's `now` at creation.
    ///
    /// ```swift
    /// let clock = ManualClock()
    /// let trace = TraceRecorder(clock: clock)
    /// ```
    ///
    /// - Parameters:
    ///   - clock: The clock that ``elapsed`` and the `measure` methods read.
    ///   - processName: The name shown for the process row (a `process_name` event).
    ///   - processID: The `pid` of every event; give traces from several processes different ids to merge them.
    public init<C: Clock>(clock: C, processName: String = "grafos", processID: Int = 1) where C.Duration == Duration {
        let origin = clock.now
        self.clockElapsed = { origin.duration(to: clock.now) }
        self.processName = processName
        self.processID = processID
    }

    /// Creates a recorder timed by the monotonic `ContinuousClock`; time zero is now.
    ///
    /// ```swift
    /// let trace = TraceRecorder(processName: "grafos demo")
    /// ```
    ///
    /// - Parameters:
    ///   - processName: The name shown for the process row (a `process_name` event).
    ///   - processID: The `pid` of every event.
    public convenience init(processName: String = "grafos", processID: Int = 1) {
        self.init(clock: ContinuousClock(), processName: processName, processID: processID)
    }

    /// The time since the recorder was created, on its clock.
    public var elapsed: Duration {
        clockElapsed()
    }

    /// The number of slices, counter samples and instants recorded so far (track names not included).
    public var eventCount: Int {
        state.withLock { $0.events.count }
    }

    /// The track with a name, created on first use: one `tid` per name, named with a `thread_name` event.
    ///
    /// ```swift
    /// let worker = trace.track(named: "worker 3")
    /// ```
    ///
    /// - Parameter name: The name shown for the track, e.g. the worker and its lease id.
    /// - Returns: The track; the same name always returns the same track.
    public func track(named name: String) -> TraceTrack {
        state.withLock { state in
            if let existing = state.trackIDs[name] { return TraceTrack(id: existing, name: name) }
            let track = TraceTrack(id: state.tracks.count + 1, name: name)
            state.tracks.append(track)
            state.trackIDs[name] = track.id
            return track
        }
    }

    /// Records a span of work on a track: a complete (`"X"`) event.
    ///
    /// ```swift
    /// trace.slice(on: worker, name: "compile c1", start: .milliseconds(5), end: .milliseconds(12))
    /// ```
    ///
    /// - Parameters:
    ///   - track: The track it ran on.
    ///   - name: The slice's name.
    ///   - start: When it started, relative to the recorder's start.
    ///   - end: When it ended; an end before the start records a zero-length slice.
    ///   - args: Details shown when the slice is selected.
    public func slice(
        on track: TraceTrack,
        name: String,
        start: Duration,
        end: Duration,
        args: [String: String] = [:]
    ) {
        let duration = end > start ? end - start : .zero
        append(TraceEvent(name: name, time: start, trackID: track.id, kind: .complete(duration), args: args))
    }

    /// Records a sample of a process-wide counter: a counter (`"C"`) event, drawn as a step chart.
    ///
    /// ```swift
    /// trace.counter("cpu_leases_active", at: trace.elapsed, value: 12)
    /// ```
    ///
    /// - Parameters:
    ///   - name: The counter's name (one chart per name).
    ///   - time: When the counter took the value, relative to the recorder's start.
    ///   - value: The value; non-finite values are ignored, since trace viewers cannot draw them.
    public func counter(_ name: String, at time: Duration, value: Double) {
        guard value.isFinite else { return }
        append(TraceEvent(name: name, time: time, trackID: nil, kind: .counter(value), args: [:]))
    }

    /// Records a moment: an instant (`"i"`) event on a track, or across the whole process.
    ///
    /// ```swift
    /// trace.instant(on: worker, name: "retry c1", at: trace.elapsed, args: ["error": "disconnected"])
    /// ```
    ///
    /// - Parameters:
    ///   - track: The track it happened on, or `nil` for a process-wide marker.
    ///   - name: The event's name.
    ///   - time: When it happened, relative to the recorder's start.
    ///   - args: Details shown when the event is selected.
    public func instant(
        on track: TraceTrack? = nil,
        name: String,
        at time: Duration,
        args: [String: String] = [:]
    ) {
        append(TraceEvent(name: name, time: time, trackID: track?.id, kind: .instant, args: args))
    }

    /// Runs `body` and records it as a slice timed by the recorder's clock, even when it throws.
    ///
    /// ```swift
    /// let digest = trace.measure(on: worker, name: "hash") { sha256(bytes) }
    /// ```
    ///
    /// - Parameters:
    ///   - track: The track it runs on.
    ///   - name: The slice's name.
    ///   - args: Details shown when the slice is selected.
    ///   - body: The work to time.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    public func measure<T, E: Error>(
        on track: TraceTrack,
        name: String,
        args: [String: String] = [:],
        _ body: () throws(E) -> T
    ) throws(E) -> T {
        let start = elapsed
        defer { slice(on: track, name: name, start: start, end: elapsed, args: args) }
        return try body()
    }

    /// Runs async `body` and records it as a slice timed by the recorder's clock, even when it throws.
    ///
    /// ```swift
    /// let result = try await trace.measure(on: worker, name: "chunk c1") {
    ///     try await lease.cpu().submit(wasm).input(bytes).launch()
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - track: The track it runs on.
    ///   - name: The slice's name.
    ///   - args: Details shown when the slice is selected.
    ///   - body: The work to time.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    nonisolated(nonsending) public func measure<T>(
        on track: TraceTrack,
        name: String,
        args: [String: String] = [:],
        _ body: nonisolated(nonsending) () async throws -> T
    ) async rethrows -> T {
        let start = elapsed
        defer { slice(on: track, name: name, start: start, end: elapsed, args: args) }
        return try await body()
    }

    /// The trace as Chrome/Perfetto trace-event JSON: `{"traceEvents":[…],"displayTimeUnit":"ms"}`.
    ///
    /// Metadata comes first (`process_name`, then `thread_name` and `thread_sort_index` per track), then the
    /// events in time order (ties in recording order), one per line. `ts` and `dur` are microseconds with up to
    /// three decimals (nanosecond precision); args keys are sorted; strings are JSON-escaped.
    ///
    /// - Returns: The JSON document, ending with a line feed.
    public func jsonText() -> String {
        let (tracks, events) = state.withLock { ($0.tracks, $0.events) }
        let pid = String(processID)
        var lines: [String] = []
        lines.reserveCapacity(1 + tracks.count * 2 + events.count)
        lines.append(
            "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":\(pid),\"tid\":0,\"args\":{\"name\":"
                + TextEncoding.jsonString(processName) + "}}"
        )
        for track in tracks {
            lines.append(
                "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":\(pid),\"tid\":\(track.id),\"args\":{\"name\":"
                    + TextEncoding.jsonString(track.name) + "}}"
            )
            lines.append(
                "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":\(pid),\"tid\":\(track.id),"
                    + "\"args\":{\"sort_index\":\(track.id)}}"
            )
        }
        let ordered = events.enumerated().sorted { lhs, rhs in
            lhs.element.time != rhs.element.time ? lhs.element.time < rhs.element.time : lhs.offset < rhs.offset
        }
        for (_, event) in ordered {
            var line = "{\"name\":" + TextEncoding.jsonString(event.name)
            let ts = TextEncoding.microseconds(event.time)
            let tid = event.trackID ?? 0
            switch event.kind {
            case .complete(let duration):
                line += ",\"ph\":\"X\",\"ts\":\(ts),\"dur\":\(TextEncoding.microseconds(duration))"
                line += ",\"pid\":\(pid),\"tid\":\(tid)"
            case .counter(let value):
                line += ",\"ph\":\"C\",\"ts\":\(ts),\"pid\":\(pid),\"tid\":0"
                line += ",\"args\":{\"value\":\(TextEncoding.number(value))}"
            case .instant:
                line += ",\"ph\":\"i\",\"s\":\"\(event.trackID == nil ? "p" : "t")\",\"ts\":\(ts)"
                line += ",\"pid\":\(pid),\"tid\":\(tid)"
            }
            if !event.args.isEmpty {
                line += ",\"args\":" + TextEncoding.jsonObject(event.args)
            }
            line += "}"
            lines.append(line)
        }
        return "{\"traceEvents\":[\n" + lines.joined(separator: ",\n") + "\n],\"displayTimeUnit\":\"ms\"}\n"
    }

    private func append(_ event: TraceEvent) {
        state.withLock { $0.events.append(event) }
    }
}

extension TraceRecorder {
    /// One recorded event, before it is written out.
    private struct TraceEvent: Sendable {
        enum Kind: Sendable {
            case complete(Duration)
            case counter(Double)
            case instant
        }

        var name: String
        var time: Duration
        /// The track's `tid`, or `nil` for process-wide events.
        var trackID: Int?
        var kind: Kind
        var args: [String: String]
    }

    /// Everything the recorder's lock protects.
    private struct State: Sendable {
        var tracks: [TraceTrack] = []
        var trackIDs: [String: Int] = [:]
        var events: [TraceEvent] = []
    }
}
