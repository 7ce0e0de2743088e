/// Typed views of the 64-bit frame slots.
///
/// An i32 or f32 occupies the low 32 bits of its slot and is written zero-extended; an f32/f64 is kept as its
/// bit pattern and converted to `Float`/`Double` only where arithmetic needs it, so NaN payloads survive moves,
/// loads, stores and reinterpretations untouched.
extension UnsafeMutablePointer where Pointee == UInt64 {
    /// Slot `index` as an i32.
    @inline(__always)
    subscript(i32 index: Int) -> UInt32 {
        get { UInt32(truncatingIfNeeded: self[index]) }
        nonmutating set { self[index] = UInt64(newValue) }
    }

    /// Slot `index` as a signed i32.
    @inline(__always)
    subscript(s32 index: Int) -> Int32 {
        get { Int32(truncatingIfNeeded: self[index]) }
        nonmutating set { self[index] = UInt64(UInt32(bitPattern: newValue)) }
    }

    /// Slot `index` as a signed i64.
    @inline(__always)
    subscript(s64 index: Int) -> Int64 {
        get { Int64(bitPattern: self[index]) }
        nonmutating set { self[index] = UInt64(bitPattern: newValue) }
    }

    /// Slot `index` as an f32.
    @inline(__always)
    subscript(f32 index: Int) -> Float {
        get { Float(bitPattern: UInt32(truncatingIfNeeded: self[index])) }
        nonmutating set { self[index] = UInt64(newValue.bitPattern) }
    }

    /// Slot `index` as an f64.
    @inline(__always)
    subscript(f64 index: Int) -> Double {
        get { Double(bitPattern: self[index]) }
        nonmutating set { self[index] = newValue.bitPattern }
    }

    /// Slot `index` set to 1 or 0.
    @inline(__always)
    subscript(bool index: Int) -> Bool {
        get { self[index] != 0 }
        nonmutating set { self[index] = newValue ? 1 : 0 }
    }
}
