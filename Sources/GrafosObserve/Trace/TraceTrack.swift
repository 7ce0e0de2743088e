/// One row of a trace timeline — a thread id (`tid`) in Chrome/Perfetto terms — such as one worker lease.
///
/// Get tracks from ``TraceRecorder/track(named:)``; the recorder names each one with a `thread_name` event.
public struct TraceTrack: Sendable, Hashable {
    /// The thread id the track's events carry; tracks are numbered from 1 in order of creation.
    public let id: Int
    /// The name shown for the track.
    public let name: String

    init(id: Int, name: String) {
        self.id = id
        self.name = name
    }
}
