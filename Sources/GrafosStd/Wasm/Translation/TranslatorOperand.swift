/// An entry of the translator's model of the wasm operand stack.
///
/// The value at stack height `h` owns frame slot `tempBase + h`, but it need not live there yet: `local.get`
/// and constants push *virtual* operands that name a local's slot or carry the constant, and emit nothing.
/// A virtual operand is *materialized* (copied into its own slot) only when something needs it there: a block
/// boundary, a call's arguments, or a `local.set` of the local it names.
struct TranslatorOperand {
    /// Where the value is.
    enum Kind: UInt8 {
        /// In its own temporary slot.
        case temp
        /// In the slot of local ``local`` (aliasing it until materialized).
        case local
        /// A constant with bit pattern ``bits``.
        case constant
    }

    /// Where the value is.
    var kind: Kind
    /// The local, for ``Kind/local``.
    var local: Int = 0
    /// The bit pattern, for ``Kind/constant`` (i32/f32 zero-extended).
    var bits: UInt64 = 0

    /// A value in its temporary slot.
    static let temp = TranslatorOperand(kind: .temp)

    /// Whether the operand is virtual (a local alias or a constant).
    @inline(__always)
    var isVirtual: Bool { kind != .temp }
}
