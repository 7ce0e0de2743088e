/// Integer division and float-to-integer truncation: the numeric instructions that can trap.
extension Interpreter {
    /// Runs a division, remainder or trapping truncation (`A = B op C`, or `A = op B`).
    /// - Returns: the trap, or `nil` when the result was written.
    @inline(never)
    static func trapping(
        _ w: UInt64,
        _ a: Int,
        _ b: Int,
        _ c: Int,
        _ fp: UnsafeMutablePointer<UInt64>
    ) -> Trap.Reason? {
        switch IROpcode(word: w) {
        case .i32DivS:
            let (x, y) = (fp[s32: b], fp[s32: c])
            guard y != 0 else { return .integerDivideByZero }
            guard !(x == .min && y == -1) else { return .integerOverflow }
            fp[s32: a] = x / y
        case .i32DivU:
            let (x, y) = (fp[i32: b], fp[i32: c])
            guard y != 0 else { return .integerDivideByZero }
            fp[i32: a] = x / y
        case .i32RemS:
            let (x, y) = (fp[s32: b], fp[s32: c])
            guard y != 0 else { return .integerDivideByZero }
            fp[s32: a] = y == -1 ? 0 : x % y
        case .i32RemU:
            let (x, y) = (fp[i32: b], fp[i32: c])
            guard y != 0 else { return .integerDivideByZero }
            fp[i32: a] = x % y
        case .i64DivS:
            let (x, y) = (fp[s64: b], fp[s64: c])
            guard y != 0 else { return .integerDivideByZero }
            guard !(x == .min && y == -1) else { return .integerOverflow }
            fp[s64: a] = x / y
        case .i64DivU:
            let (x, y) = (fp[b], fp[c])
            guard y != 0 else { return .integerDivideByZero }
            fp[a] = x / y
        case .i64RemS:
            let (x, y) = (fp[s64: b], fp[s64: c])
            guard y != 0 else { return .integerDivideByZero }
            fp[s64: a] = y == -1 ? 0 : x % y
        case .i64RemU:
            let (x, y) = (fp[b], fp[c])
            guard y != 0 else { return .integerDivideByZero }
            fp[a] = x % y
        case .i32TruncF32S, .i32TruncF64S:
            let x = IROpcode(word: w) == .i32TruncF32S ? Double(fp[f32: b]) : fp[f64: b]
            guard !x.isNaN else { return .invalidConversionToInteger }
            guard x > -2_147_483_649.0 && x < 2_147_483_648.0 else { return .integerOverflow }
            fp[s32: a] = Int32(x)
        case .i32TruncF32U, .i32TruncF64U:
            let x = IROpcode(word: w) == .i32TruncF32U ? Double(fp[f32: b]) : fp[f64: b]
            guard !x.isNaN else { return .invalidConversionToInteger }
            guard x > -1.0 && x < 4_294_967_296.0 else { return .integerOverflow }
            fp[i32: a] = UInt32(x)
        case .i64TruncF32S, .i64TruncF64S:
            let x = IROpcode(word: w) == .i64TruncF32S ? Double(fp[f32: b]) : fp[f64: b]
            guard !x.isNaN else { return .invalidConversionToInteger }
            guard x >= -9_223_372_036_854_775_808.0 && x < 9_223_372_036_854_775_808.0 else {
                return .integerOverflow
            }
            fp[s64: a] = Int64(x)
        default:  // .i64TruncF32U, .i64TruncF64U
            let x = IROpcode(word: w) == .i64TruncF32U ? Double(fp[f32: b]) : fp[f64: b]
            guard !x.isNaN else { return .invalidConversionToInteger }
            guard x > -1.0 && x < 18_446_744_073_709_551_616.0 else { return .integerOverflow }
            fp[a] = UInt64(x)
        }
        return nil
    }

    /// Rotates `value` left by `count` modulo its bit width (right rotations pass `0 &- count`).
    @inline(__always)
    static func rotateLeft<T: FixedWidthInteger & UnsignedInteger>(_ value: T, _ count: T) -> T {
        (value &<< count) | (value &>> (T(truncatingIfNeeded: T.bitWidth) &- count))
    }

    /// Saturating truncation of `x` to a signed integer in `minimum...maximum` (`nan` → 0).
    @inline(__always)
    static func saturateSigned(_ x: Double, _ minimum: Double, _ maximum: Double) -> Int64 {
        if x.isNaN { return 0 }
        if x <= minimum { return Int64(minimum) }
        if x >= maximum { return maximum >= 9_223_372_036_854_775_807.0 ? .max : Int64(maximum) }
        return Int64(x)
    }

    /// Saturating truncation of `x` to an unsigned integer at most `maximum` (`nan` and negatives → 0).
    @inline(__always)
    static func saturateUnsigned(_ x: Double, _ maximum: Double) -> UInt64 {
        if x.isNaN || x <= 0 { return 0 }
        if x >= maximum { return maximum >= 18_446_744_073_709_551_615.0 ? .max : UInt64(maximum) }
        return UInt64(x)
    }
}
