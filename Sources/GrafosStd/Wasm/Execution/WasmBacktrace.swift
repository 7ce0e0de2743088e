/// The wasm functions that were running when execution stopped, innermost first.
///
/// Built only on the error path, from the interpreter's explicit frame stack. Very deep stacks (the typical
/// "call stack exhausted") keep their innermost and outermost frames and count the ones in between.
package struct WasmBacktrace: Sendable, Hashable, CustomStringConvertible {
    /// One active function.
    package struct Frame: Sendable, Hashable, CustomStringConvertible {
        /// The function's index in its module's function index space (or the host function's index).
        package var functionIndex: UInt32
        /// The function's name from the module's `name` section, when it has one.
        package var name: String?
        /// Whether this is a host function.
        package var isHost: Bool

        /// `$name (function N)` or `function N`.
        package var description: String {
            let kind = isHost ? "host function" : "function"
            if let name { return "$\(name) (\(kind) \(functionIndex))" }
            return "\(kind) \(functionIndex)"
        }
    }

    /// The frames and the count of omitted ones, behind one reference so that a ``Trap`` stays two words.
    final class Storage: Sendable {
        let frames: [Frame]
        let omittedFrames: Int

        init(frames: [Frame], omittedFrames: Int) {
            self.frames = frames
            self.omittedFrames = omittedFrames
        }
    }

    /// The frames, or `nil` for an empty backtrace.
    let storage: Storage?

    /// The frames kept, innermost first.
    package var frames: [Frame] { storage?.frames ?? [] }
    /// How many frames were left out in the middle of a very deep stack.
    package var omittedFrames: Int { storage?.omittedFrames ?? 0 }

    /// The most frames a backtrace keeps.
    package static let frameLimit = 64

    /// Creates a backtrace.
    package init(frames: [Frame] = [], omittedFrames: Int = 0) {
        storage = frames.isEmpty && omittedFrames == 0 ? nil : Storage(frames: frames, omittedFrames: omittedFrames)
    }

    /// Backtraces are equal when they list the same frames.
    package static func == (lhs: WasmBacktrace, rhs: WasmBacktrace) -> Bool {
        lhs.frames == rhs.frames && lhs.omittedFrames == rhs.omittedFrames
    }

    /// Hashes the frames.
    package func hash(into hasher: inout Hasher) {
        hasher.combine(frames)
        hasher.combine(omittedFrames)
    }

    /// One line per frame: `#0 $name (function 3)`.
    package var description: String {
        var lines: [String] = []
        let half = frames.count / 2
        for (position, frame) in frames.enumerated() {
            if omittedFrames > 0 && position == half { lines.append("   … \(omittedFrames) more frames …") }
            let number = position < half || omittedFrames == 0 ? position : position + omittedFrames
            lines.append("  #\(number) \(frame)")
        }
        return lines.joined(separator: "\n")
    }
}
