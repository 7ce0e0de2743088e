import Synchronization

/// A value shared between tasks behind a lock — a class, so escaping closures can capture it.
package final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    package init(_ value: Value) {
        mutex = Mutex(value)
    }

    /// A copy of the value.
    package var value: Value { mutex.withLock { $0 } }

    /// Changes the value under the lock and returns what `body` returns.
    @discardableResult
    package func update<T: Sendable>(_ body: (inout Value) throws -> T) rethrows -> T {
        try mutex.withLock { try body(&$0) }
    }
}
