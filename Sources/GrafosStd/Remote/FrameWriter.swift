import Dispatch
import Synchronization

/// Writes one connection's frames on a thread of its own, in the order they were queued.
///
/// A socket write blocks while the peer does not read. Done by the task that produced the frame, that would block a
/// thread of Swift's small cooperative pool — and a client that sends requests and never reads the answers could
/// stall every task in the process, every other client's included. Queued here, only this thread waits. A peer so
/// far behind that its queue passes `maxQueuedBytes` is cut off: the channel is closed and `onOverflow` is called.
package final class FrameWriter: Sendable {
    private struct State {
        var queue: [WireFrame] = []
        var head = 0
        var queuedBytes = 0
        var finished = false
    }

    private let channel: WireChannel
    private let maxQueuedBytes: Int
    private let onOverflow: @Sendable (_ queuedBytes: Int) -> Void
    private let state = Mutex(State())
    private let ready = DispatchSemaphore(value: 0)

    /// Starts the writer thread for `channel`.
    /// - Parameters:
    ///   - channel: The authenticated channel to write to.
    ///   - maxQueuedBytes: How many bytes of frames may wait for a peer that does not read before it is cut off.
    ///   - onOverflow: Called once, with the bytes queued, when that happens.
    package init(
        channel: WireChannel,
        maxQueuedBytes: Int,
        onOverflow: @escaping @Sendable (_ queuedBytes: Int) -> Void = { _ in }
    ) {
        self.channel = channel
        self.maxQueuedBytes = maxQueuedBytes
        self.onOverflow = onOverflow
        startThread { [self] in run() }
    }

    /// Queues `frame` for writing and returns at once.
    /// - Returns: false when the frame was dropped: the writer has finished, or the peer fell too far behind (the
    ///   channel is then closed).
    @discardableResult
    package func enqueue(_ frame: WireFrame) -> Bool {
        let size = frame.payload.count + 64
        let outcome = state.withLock { state -> (queued: Bool, overflow: Int?) in
            if state.finished { return (false, nil) }
            state.queuedBytes += size
            if state.queuedBytes > maxQueuedBytes {
                state.finished = true
                return (false, state.queuedBytes)
            }
            state.queue.append(frame)
            return (true, nil)
        }
        if let overflow = outcome.overflow {
            channel.close()
            onOverflow(overflow)
        }
        if outcome.queued || outcome.overflow != nil { ready.signal() }
        return outcome.queued
    }

    /// Stops the writer: frames not yet written are dropped and the thread ends.
    package func finish() {
        state.withLock { $0.finished = true }
        ready.signal()
    }

    private func run() {
        while true {
            ready.wait()
            while true {
                let next = state.withLock { state -> (frame: WireFrame?, stop: Bool) in
                    if state.finished { return (nil, true) }
                    guard state.head < state.queue.count else { return (nil, false) }
                    let frame = state.queue[state.head]
                    state.head += 1
                    if state.head >= 256 && state.head * 2 >= state.queue.count {
                        state.queue.removeFirst(state.head)
                        state.head = 0
                    }
                    return (frame, false)
                }
                if next.stop {
                    state.withLock { $0.queue = [] }
                    return
                }
                guard let frame = next.frame else { break }
                do {
                    try channel.send(frame)
                } catch {
                    channel.close()
                    finish()
                    continue
                }
                state.withLock { $0.queuedBytes -= frame.payload.count + 64 }
            }
        }
    }
}
