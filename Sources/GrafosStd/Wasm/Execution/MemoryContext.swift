#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A linear memory at run time: one virtual reservation that never moves, committed as the memory grows.
///
/// The whole range a memory may ever reach (its declared maximum, capped by the store's byte limit) is reserved
/// with `mmap` at creation and made accessible page by page with `mprotect`, so ``base`` is stable for the
/// memory's life and the interpreter can keep it in a register across calls. Every access is bounds-checked in
/// 64-bit arithmetic against ``byteCount``; nothing relies on guard pages.
struct MemoryContext {
    /// The first byte of the memory (a placeholder address when the reservation is empty).
    var base: UnsafeMutableRawPointer
    /// The current size in bytes (a multiple of 64 KiB).
    var byteCount: UInt64
    /// The largest number of pages `memory.grow` may reach: the declared maximum capped by the store's limit
    /// and by what could be reserved.
    var growLimitPages: UInt64
    /// The declared maximum in pages, used when the memory is imported; `nil` when unbounded.
    var declaredMaximum: UInt32?
    /// The bytes reserved at ``base`` (0 when nothing is mapped).
    var reservedBytes: Int

    /// The page size, 64 KiB.
    static let pageSize: UInt64 = 65_536

    /// The current size in pages.
    var pageCount: UInt64 { byteCount >> 16 }

    /// An empty memory of zero pages that cannot grow (the placeholder of instances without memory).
    static var empty: MemoryContext {
        MemoryContext(
            base: MemoryContext.placeholder,
            byteCount: 0,
            growLimitPages: 0,
            declaredMaximum: 0,
            reservedBytes: 0
        )
    }

    /// A valid, never dereferenced address for empty memories.
    nonisolated(unsafe) static let placeholder = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)

    /// Creates a memory of `minimum` pages.
    /// - Parameters:
    ///   - minimum: the initial size in pages.
    ///   - declaredMaximum: the declared maximum in pages, if any.
    ///   - byteLimit: the store's per-memory byte limit.
    /// - Returns: the memory, or `nil` when `minimum` exceeds the limits or cannot be mapped.
    static func create(minimum: UInt32, declaredMaximum: UInt32?, byteLimit: UInt64) -> MemoryContext? {
        let limitPages = Swift.min(byteLimit / pageSize, 65_536)
        let maximum = Swift.min(UInt64(declaredMaximum ?? 65_536), limitPages)
        guard UInt64(minimum) <= maximum else { return nil }
        var memory = MemoryContext.empty
        memory.declaredMaximum = declaredMaximum
        memory.growLimitPages = maximum
        if maximum == 0 { return memory }
        // Reserve everything the memory may grow to; fall back to the initial size if that is refused.
        var reserve = Int(maximum &* pageSize)
        var mapping = mmap(nil, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        if mapping == MAP_FAILED || mapping == nil {
            reserve = Int(UInt64(minimum) &* pageSize)
            memory.growLimitPages = UInt64(minimum)
            if reserve == 0 { return memory }
            mapping = mmap(nil, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
            guard mapping != MAP_FAILED, mapping != nil else { return nil }
        }
        memory.base = mapping!
        memory.reservedBytes = reserve
        guard memory.commit(pages: UInt64(minimum)) else {
            memory.release()
            return nil
        }
        return memory
    }

    /// Makes the memory `pages` pages long (never shrinks).
    private mutating func commit(pages: UInt64) -> Bool {
        let newCount = pages &* MemoryContext.pageSize
        guard newCount > byteCount else { return true }
        guard newCount <= UInt64(reservedBytes) else { return false }
        let start = base + Int(byteCount)
        guard mprotect(start, Int(newCount &- byteCount), PROT_READ | PROT_WRITE) == 0 else { return false }
        byteCount = newCount
        return true
    }

    /// `memory.grow`: adds `delta` pages.
    /// - Returns: the old size in pages, or `nil` when the memory may not or cannot grow that much.
    mutating func grow(by delta: UInt64) -> UInt64? {
        let old = pageCount
        guard delta <= growLimitPages &- old else { return nil }
        if delta == 0 { return old }
        return commit(pages: old &+ delta) ? old : nil
    }

    /// Unmaps the reservation.
    mutating func release() {
        if reservedBytes > 0 { munmap(base, reservedBytes) }
        base = MemoryContext.placeholder
        reservedBytes = 0
        byteCount = 0
    }
}
