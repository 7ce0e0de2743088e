import Synchronization

/// The live token bucket of one run, in thousandths of a token.
package final class RetryBudgetBucket: Sendable {
    private static let scale = 1000.0

    private let tokens: Atomic<Int>
    private let capacity: Int
    private let refill: Int

    /// A full bucket for `budget`, or nil when the budget is unlimited.
    package init?(_ budget: RetryBudget) {
        guard !budget.isUnlimited else { return nil }
        capacity = Int(min(budget.capacity * Self.scale, Double(Int.max / 2)))
        refill = Int(min(budget.refillPerSuccess * Self.scale, Double(Int.max / 2)))
        tokens = Atomic(capacity)
    }

    /// Takes one token. - Returns: false when fewer than one is left.
    package func withdraw() -> Bool {
        var current = tokens.load(ordering: .relaxed)
        while current >= 1000 {
            let (exchanged, original) = tokens.weakCompareExchange(
                expected: current,
                desired: current - 1000,
                ordering: .relaxed
            )
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Returns the per-success refill, up to the capacity. Costs one atomic load when the bucket is full.
    package func deposit() {
        guard refill > 0 else { return }
        var current = tokens.load(ordering: .relaxed)
        while current < capacity {
            let (exchanged, original) = tokens.weakCompareExchange(
                expected: current,
                desired: min(capacity, current + refill),
                ordering: .relaxed
            )
            if exchanged { return }
            current = original
        }
    }

    /// Tokens left.
    package var level: Double { Double(tokens.load(ordering: .relaxed)) / Self.scale }
}
