#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The clocks of one launch: virtual (deterministic) or the host's, as ``WASIConfiguration/Clocks`` says.
///
/// Virtual time is one counter of elapsed nanoseconds. ``time(_:)`` (what `clock_time_get` calls) first advances
/// it by the step, then reads; ``now(_:)`` reads without advancing (file timestamps use it);
/// ``sleep(until:)`` jumps forward. Nothing here reads the host's time in virtual mode.
final class WASIClock {
    /// The mode.
    let mode: WASIConfiguration.Clocks
    /// Virtual mode: nanoseconds elapsed on the virtual timeline.
    private(set) var elapsed: UInt64 = 0
    /// System mode: the monotonic reading when the launch began (the origin of the CPU-time clocks).
    private let origin: UInt64
    /// System mode: how a sleep is done; the runtime may replace it with one that stops for cancellation.
    var sleeper: (UInt64) throws -> Void = WASIClock.hostSleep

    /// Creates the clocks of a launch.
    init(mode: WASIConfiguration.Clocks) {
        self.mode = mode
        if case .system = mode { origin = Self.host(CLOCK_MONOTONIC) } else { origin = 0 }
    }

    /// The clock's resolution in nanoseconds.
    func resolution(_ id: WASIABI.ClockID) -> UInt64 {
        switch mode {
        case .virtual(_, let step): return Swift.max(step, 1)
        case .system:
            var spec = timespec()
            guard clock_getres(id == .realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, &spec) == 0 else { return 1 }
            return Swift.max(UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec), 1)
        }
    }

    /// Reads `id` as `clock_time_get` does (advancing virtual time by one step first).
    func time(_ id: WASIABI.ClockID) -> UInt64 {
        if case .virtual(_, let step) = mode { elapsed &+= step }
        return now(id)
    }

    /// Reads `id` without advancing virtual time.
    func now(_ id: WASIABI.ClockID) -> UInt64 {
        switch mode {
        case .virtual(let realtimeStart, _):
            return id == .realtime ? realtimeStart &+ elapsed : elapsed
        case .system:
            switch id {
            case .realtime: return Self.host(CLOCK_REALTIME)
            case .monotonic: return Self.host(CLOCK_MONOTONIC)
            case .processCPUTime, .threadCPUTime: return Self.host(CLOCK_MONOTONIC) &- origin
            }
        }
    }

    /// Waits until `id` reads at least `deadline`: virtual time jumps there, system time sleeps.
    func sleep(until deadline: UInt64, on id: WASIABI.ClockID) throws {
        let current = now(id)
        guard deadline > current else { return }
        switch mode {
        case .virtual: elapsed &+= deadline - current
        case .system: try sleeper(deadline - current)
        }
    }

    /// A host clock reading in nanoseconds.
    private static func host(_ clock: clockid_t) -> UInt64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// Sleeps `nanoseconds` on the host.
    private static func hostSleep(_ nanoseconds: UInt64) {
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
