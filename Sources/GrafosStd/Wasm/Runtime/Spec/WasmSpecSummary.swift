/// The results of a spec run: counts per command type and the failures.
package struct WasmSpecSummary: Sendable {
    /// Counts of one command type.
    package struct Counts: Sendable, Hashable {
        /// Commands that behaved as the script expects.
        package var passed = 0
        /// Commands that did not.
        package var failed = 0
        /// Commands not run (text-form modules).
        package var skipped = 0
    }

    /// Counts by command type (`assert_return`, `module`, …).
    package var byCommand: [String: Counts] = [:]
    /// Every failure, in order.
    package var failures: [WasmSpecFailure] = []

    /// Creates an empty summary.
    package init() {}

    /// All passed commands.
    package var passed: Int { byCommand.values.reduce(0) { $0 + $1.passed } }
    /// All failed commands.
    package var failed: Int { byCommand.values.reduce(0) { $0 + $1.failed } }
    /// All skipped commands.
    package var skipped: Int { byCommand.values.reduce(0) { $0 + $1.skipped } }

    /// `N passed, M failed, K skipped`.
    package var line: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }

    /// The number of failures per script.
    package var failuresByFile: [String: Int] {
        failures.reduce(into: [:]) { $0[$1.file, default: 0] += 1 }
    }

    /// Adds one to a count of `type`.
    mutating func count(_ type: String, _ field: WritableKeyPath<Counts, Int>) {
        byCommand[type, default: Counts()][keyPath: field] += 1
    }
}
