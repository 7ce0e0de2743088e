/// A WebAssembly linear memory as host functions see it: bounds-checked, little-endian loads and stores.
///
/// A `GuestMemory` is a view, not an owner: it is made afresh for every host call from the memory's current base
/// and size (a `memory.grow` may move the bytes between calls) and must not be kept after the call returns.
/// Addresses and lengths are the guest's `u32` values. Every access is checked against the current size; an
/// access outside it throws ``WASIErrno/fault``, which WASI calls return to the guest as `EFAULT` (the `grafos`
/// module turns it into its `-1` result). Alignment is not checked: the guest's pointers are used as given.
///
/// ```swift
/// let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 8)
/// let memory = GuestMemory(bytes)
/// try memory.store(UInt32(7), at: 16)
/// let value = try memory.load(UInt32.self, at: 16)  // 7
/// ```
package struct GuestMemory {
    /// The memory's bytes, valid for the duration of one host call.
    package let buffer: UnsafeMutableRawBufferPointer

    /// Views `buffer` as the guest's memory.
    package init(_ buffer: UnsafeMutableRawBufferPointer) {
        self.buffer = buffer
    }

    /// A memory of size zero, for instances that have none: every access faults.
    package static var empty: GuestMemory {
        GuestMemory(UnsafeMutableRawBufferPointer(start: nil, count: 0))
    }

    /// The memory's size in bytes.
    package var count: Int { buffer.count }

    /// The host offset of `address..<address+count`, or ``WASIErrno/fault`` when the range is outside the memory.
    @inline(__always)
    package func offset(_ address: UInt32, count: Int) throws(WASIErrno) -> Int {
        let start = Int(address)
        guard count >= 0, start <= buffer.count, count <= buffer.count - start else { throw .fault }
        return start
    }

    /// Reads a little-endian integer at `address`.
    package func load<T: FixedWidthInteger>(_ type: T.Type, at address: UInt32) throws(WASIErrno) -> T {
        let start = try offset(address, count: MemoryLayout<T>.size)
        return T(littleEndian: buffer.baseAddress!.loadUnaligned(fromByteOffset: start, as: T.self))
    }

    /// Writes `value` little-endian at `address`.
    package func store<T: FixedWidthInteger>(_ value: T, at address: UInt32) throws(WASIErrno) {
        let start = try offset(address, count: MemoryLayout<T>.size)
        buffer.baseAddress!.storeBytes(of: value.littleEndian, toByteOffset: start, as: T.self)
    }

    /// The bytes at `address..<address+count`, in place (valid only during the host call).
    package func bytes(at address: UInt32, count: UInt32) throws(WASIErrno) -> UnsafeMutableRawBufferPointer {
        let start = try offset(address, count: Int(count))
        guard count > 0 else { return UnsafeMutableRawBufferPointer(start: nil, count: 0) }
        return UnsafeMutableRawBufferPointer(start: buffer.baseAddress! + start, count: Int(count))
    }

    /// A copy of the bytes at `address..<address+count`.
    package func read(at address: UInt32, count: UInt32) throws(WASIErrno) -> [UInt8] {
        Array(try bytes(at: address, count: count))
    }

    /// Copies `bytes` to `address`; nothing is written unless all of them fit.
    package func write(_ bytes: some Collection<UInt8>, at address: UInt32) throws(WASIErrno) {
        let target = try self.bytes(at: address, count: UInt32(clamping: bytes.count))
        guard target.count == bytes.count else { throw .fault }
        target.copyBytes(from: bytes)
    }

    /// Sets `count` bytes at `address` to zero.
    package func zero(at address: UInt32, count: UInt32) throws(WASIErrno) {
        let target = try bytes(at: address, count: count)
        if count > 0 { target.initializeMemory(as: UInt8.self, repeating: 0) }
    }
}
