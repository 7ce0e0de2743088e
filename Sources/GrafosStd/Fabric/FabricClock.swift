#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A clock whose instants are ``FabricInstant``s: the clocks fabrics measure lease time on.
///
/// Two clocks conform: ``MonotonicClock`` (real time, the default) and ``ManualClock`` (virtual time that moves
/// only when a test advances it). Besides sleeping, a fabric clock can run a short synchronous action when it
/// reaches a deadline; fabrics use that to reclaim expired leases without any call from the holder.
public protocol FabricClock: Clock, Sendable where Instant == FabricInstant, Duration == Swift.Duration {
    /// Runs `action` once, as soon as the clock reaches `deadline`, unless the timer is cancelled first.
    ///
    /// The action runs outside any lock of the clock's and must be short and must not block.
    /// - Parameters:
    ///   - deadline: When to run the action. A deadline already reached runs it soon.
    ///   - action: What to run.
    /// - Returns: A timer that cancels the action.
    func schedule(at deadline: FabricInstant, _ action: @escaping @Sendable () -> Void) -> FabricTimer
}

/// A scheduled action on a ``FabricClock``; cancel it to stop the action from running.
public final class FabricTimer: Sendable {
    private let onCancel: @Sendable () -> Void

    package init(onCancel: @escaping @Sendable () -> Void) {
        self.onCancel = onCancel
    }

    /// Stops the action from running if it has not run yet. Calling it again does nothing.
    public func cancel() {
        onCancel()
    }
}

/// The real monotonic clock (`CLOCK_MONOTONIC`), with ``FabricInstant`` instants.
///
/// Every `MonotonicClock` in a process reads the same time, so an expiry from ``LocalFabric`` compares
/// directly with `MonotonicClock().now`.
///
/// ```swift
/// let lease = try await CpuBuilder().cores(2).leaseSecs(30).acquire()
/// let remaining = MonotonicClock().now.duration(to: lease.expiry)
/// ```
public struct MonotonicClock: FabricClock {
    /// Creates the clock. All instances read the same time.
    public init() {}

    /// The current time.
    public var now: FabricInstant {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return FabricInstant(nanoseconds: Int64(spec.tv_sec) &* 1_000_000_000 &+ Int64(spec.tv_nsec))
    }

    /// One nanosecond.
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// Sleeps until `deadline`.
    /// - Throws: `CancellationError` when the task is cancelled first.
    public func sleep(until deadline: FabricInstant, tolerance: Duration? = nil) async throws {
        let remaining = now.duration(to: deadline)
        if remaining > .zero {
            try await Task.sleep(for: remaining, tolerance: tolerance)
        } else {
            try Task.checkCancellation()
        }
    }

    /// Runs `action` at `deadline` on a background task.
    public func schedule(at deadline: FabricInstant, _ action: @escaping @Sendable () -> Void) -> FabricTimer {
        let task = Task.detached {
            do {
                try await self.sleep(until: deadline)
            } catch {
                return
            }
            action()
        }
        return FabricTimer { task.cancel() }
    }
}
