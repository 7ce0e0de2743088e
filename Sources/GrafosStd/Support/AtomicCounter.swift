import Synchronization

/// A shareable atomic integer (a class, so escaping closures can capture it).
package final class AtomicCounter: Sendable {
    private let storage: Atomic<Int>

    package init(_ value: Int = 0) {
        storage = Atomic(value)
    }

    /// Adds `amount` and returns the new value.
    @discardableResult
    package func add(_ amount: Int = 1) -> Int {
        storage.add(amount, ordering: .relaxed).newValue
    }

    /// Subtracts `amount` and returns the new value.
    @discardableResult
    package func subtract(_ amount: Int = 1) -> Int {
        storage.subtract(amount, ordering: .relaxed).newValue
    }

    /// The current value.
    package var value: Int { storage.load(ordering: .relaxed) }
}
