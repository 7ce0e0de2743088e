/// A linear memory of a store, seen from the host: read, write, grow.
///
/// Accesses are bounds-checked and throw ``Trap`` "out of bounds memory access". A handle is only valid with
/// its store (it keeps the store alive).
package struct WasmMemoryHandle {
    /// The store that owns the memory.
    package let store: WasmStore
    /// The memory.
    let memory: UnsafeMutablePointer<MemoryContext>

    /// The current size in bytes.
    package var byteCount: Int { Int(memory.pointee.byteCount) }

    /// The current size in 64 KiB pages.
    package var pageCount: Int { Int(memory.pointee.pageCount) }

    /// The memory's type as an import must match it: its current size and declared maximum.
    package var type: WasmMemoryType {
        WasmMemoryType(limits: WasmLimits(min: UInt32(pageCount), max: memory.pointee.declaredMaximum))
    }

    /// Grows the memory by `pages` pages.
    /// - Returns: the old size in pages, or `nil` when the declared maximum or the store's limit forbids it.
    @discardableResult
    package func grow(by pages: Int) -> Int? {
        guard pages >= 0, let old = memory.pointee.grow(by: UInt64(pages)) else { return nil }
        return Int(old)
    }

    /// Checks that `offset..<offset+count` is inside the memory.
    private func check(_ offset: Int, _ count: Int) throws(Trap) {
        guard offset >= 0, count >= 0, offset <= byteCount, count <= byteCount &- offset else {
            throw Trap(.outOfBoundsMemoryAccess)
        }
    }

    /// Copies `count` bytes out of the memory.
    package func read(at offset: Int, count: Int) throws(Trap) -> [UInt8] {
        try check(offset, count)
        return Array(UnsafeRawBufferPointer(start: memory.pointee.base + offset, count: count))
    }

    /// Copies `bytes` into the memory at `offset`.
    package func write(_ bytes: [UInt8], at offset: Int) throws(Trap) {
        try check(offset, bytes.count)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress {
                (memory.pointee.base + offset).copyMemory(from: base, byteCount: source.count)
            }
        }
    }

    /// Reads a little-endian integer.
    package func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) throws(Trap) -> T {
        try check(offset, MemoryLayout<T>.size)
        return T(littleEndian: (memory.pointee.base + offset).loadUnaligned(as: T.self))
    }

    /// Writes a little-endian integer.
    package func store<T: FixedWidthInteger>(_ value: T, at offset: Int) throws(Trap) {
        try check(offset, MemoryLayout<T>.size)
        (memory.pointee.base + offset).storeBytes(of: value.littleEndian, as: T.self)
    }

    /// Gives `body` the memory's current bytes (valid only during the call: the memory may grow later).
    package func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeMutableRawBufferPointer(start: memory.pointee.base, count: byteCount))
    }
}
