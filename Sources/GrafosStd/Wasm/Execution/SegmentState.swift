/// A data or element segment at run time: where its contents are and how many bytes or elements remain usable
/// (0 after `data.drop` / `elem.drop`).
struct SegmentState {
    /// The bytes (data) or 64-bit references (elements).
    var base: UnsafeRawPointer?
    /// The number of bytes or elements.
    var count: Int
}
