/// One result slot per chunk, written without locks.
///
/// `@unchecked Sendable` is safe because of how ``JobRun`` uses it: each index is claimed by exactly one runner
/// through an atomic counter, so each slot is written by one task only, and the slots are read only after the task
/// group that ran the runners has finished, which orders every write before the reads.
final class ResultSlots<R>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<R?>
    /// The number of slots.
    let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: Swift.max(1, count))
        base.initialize(repeating: nil, count: count)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// Stores the result of chunk `index`; only the runner that claimed `index` may call this.
    @inline(__always)
    func store(_ value: R, at index: Int) {
        base[index] = value
    }

    /// How many slots hold a result.
    func filledCount() -> Int {
        var filled = 0
        for index in 0..<count where base[index] != nil { filled += 1 }
        return filled
    }

    /// All results in order, or nil when any slot is empty.
    func collect() -> [R]? {
        var results: [R] = []
        results.reserveCapacity(count)
        for index in 0..<count {
            guard let value = base[index] else { return nil }
            results.append(value)
        }
        return results
    }
}
