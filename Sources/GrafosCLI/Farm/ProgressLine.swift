import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A live progress line on a terminal (redrawn in place at most ten times a second), or a plain line every tenth of
/// the way when standard output is not a terminal.
package final class ProgressLine: Sendable {
    private struct State {
        var done = 0
        var running = 0
        var retries = 0
        var failed = 0
        var lastDraw: Double = 0
        var lastPlainDecile = -1
    }

    private let state = Mutex(State())
    private let total: Int
    private let startTime: Double
    private let interactive: Bool
    private let enabled: Bool

    /// - Parameters:
    ///   - total: Chunks in the job.
    ///   - enabled: False for `--json` and quiet runs.
    package init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
        interactive = isatty(1) != 0
        startTime = Self.now()
    }

    /// An attempt started.
    package func started() { update { $0.running += 1 } }

    /// An attempt ended: the chunk succeeded or failed for good.
    package func finished(success: Bool) {
        update {
            $0.running -= 1
            if success { $0.done += 1 } else { $0.failed += 1 }
        }
    }

    /// An attempt failed and will be retried.
    package func retried() {
        update {
            $0.retries += 1
            $0.running -= 1
        }
    }

    /// Clears the live line (or prints the last plain one) before the summary.
    package func finish() {
        guard enabled else { return }
        state.withLock { state in
            if interactive {
                print("\r\u{1B}[2K", terminator: "")
            } else if state.lastPlainDecile < 10 {
                print(line(state))
            }
            fflush(nil)
        }
    }

    private func update(_ change: (inout State) -> Void) {
        guard enabled else { return }
        state.withLock { state in
            change(&state)
            let now = Self.now()
            if interactive {
                guard now - state.lastDraw >= 0.1 else { return }
                state.lastDraw = now
                print("\r\u{1B}[2K" + line(state), terminator: "")
                fflush(nil)
            } else {
                let decile = total == 0 ? 10 : (state.done + state.failed) * 10 / total
                guard decile > state.lastPlainDecile else { return }
                state.lastPlainDecile = decile
                print(line(state))
            }
        }
    }

    private func line(_ state: State) -> String {
        let elapsed = Self.now() - startTime
        let finished = state.done + state.failed
        let rate = elapsed > 0 ? Double(finished) / elapsed : 0
        let remaining = rate > 0 ? Double(total - finished) / rate : 0
        var text = "[\(finished)/\(total)] running \(max(0, state.running)), retries \(state.retries)"
        if state.failed > 0 { text += ", failed \(state.failed)" }
        return text + ", \(Int(rate)) chunks/s, ETA \(rounded(remaining, 1)) s"
    }

    private static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
