#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A table at run time: a growable array of 64-bit references.
///
/// `funcref` elements are ``FunctionRecord`` addresses, `externref` elements the host's payload plus one; `0`
/// is null for both. Allocated by a ``WasmStore``; the element buffer may move when the table grows, so the
/// interpreter always reads it through the context.
struct TableContext {
    /// The elements (`capacity` of them allocated, `count` in use).
    var elements: UnsafeMutablePointer<UInt64>
    /// The table's current size.
    var count: Int
    /// The allocated size of ``elements``.
    var capacity: Int
    /// The largest size `table.grow` may reach: the declared maximum, capped by the store's element limit.
    var growLimit: Int
    /// The declared maximum, used when the table is imported; `nil` when unbounded.
    var declaredMaximum: UInt32?
    /// `funcref` or `externref`.
    var elementType: WasmValueType

    /// Grows the table by `delta` elements set to `value`.
    /// - Returns: the old size, or `nil` when the table would exceed ``growLimit`` or memory is short.
    mutating func grow(by delta: Int, value: UInt64) -> Int? {
        let old = count
        guard delta >= 0, delta <= growLimit &- old else { return nil }
        let new = old &+ delta
        if new > capacity {
            var newCapacity = Swift.max(capacity &* 2, 8)
            if newCapacity < new { newCapacity = new }
            if newCapacity > growLimit { newCapacity = growLimit }
            guard let raw = realloc(elements, newCapacity &* 8) else { return nil }
            elements = raw.assumingMemoryBound(to: UInt64.self)
            capacity = newCapacity
        }
        (elements + old).initialize(repeating: value, count: delta)
        count = new
        return old
    }
}
