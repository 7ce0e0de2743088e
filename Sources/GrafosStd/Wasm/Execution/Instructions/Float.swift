/// Floating-point instructions other than the four arithmetic operators (which the loop runs inline), and
/// the conversions that cannot trap.
///
/// Signs are manipulated on bit patterns (`abs`, `neg`, `copysign` never touch a NaN's payload); `min`/`max`
/// order -0 below +0 and return a NaN when either operand is one; `nearest` rounds ties to even.
extension Interpreter {
    /// Runs one floating-point or conversion instruction (`A = B op C`, or `A = op B`).
    @inline(never)
    static func floating(
        _ w: UInt64,
        _ a: Int,
        _ b: Int,
        _ c: Int,
        _ fp: UnsafeMutablePointer<UInt64>
    ) {
        switch IROpcode(word: w) {
        case .f32Eq: fp[bool: a] = fp[f32: b] == fp[f32: c]
        case .f32Ne: fp[bool: a] = fp[f32: b] != fp[f32: c]
        case .f32Lt: fp[bool: a] = fp[f32: b] < fp[f32: c]
        case .f32Gt: fp[bool: a] = fp[f32: b] > fp[f32: c]
        case .f32Le: fp[bool: a] = fp[f32: b] <= fp[f32: c]
        case .f32Ge: fp[bool: a] = fp[f32: b] >= fp[f32: c]
        case .f64Eq: fp[bool: a] = fp[f64: b] == fp[f64: c]
        case .f64Ne: fp[bool: a] = fp[f64: b] != fp[f64: c]
        case .f64Lt: fp[bool: a] = fp[f64: b] < fp[f64: c]
        case .f64Gt: fp[bool: a] = fp[f64: b] > fp[f64: c]
        case .f64Le: fp[bool: a] = fp[f64: b] <= fp[f64: c]
        case .f64Ge: fp[bool: a] = fp[f64: b] >= fp[f64: c]
        case .f32Abs: fp[a] = fp[b] & 0x7FFF_FFFF
        case .f32Neg: fp[a] = (fp[b] ^ 0x8000_0000) & 0xFFFF_FFFF
        case .f32Copysign: fp[a] = (fp[b] & 0x7FFF_FFFF) | (fp[c] & 0x8000_0000)
        case .f32Ceil: fp[f32: a] = fp[f32: b].rounded(.up)
        case .f32Floor: fp[f32: a] = fp[f32: b].rounded(.down)
        case .f32Trunc: fp[f32: a] = fp[f32: b].rounded(.towardZero)
        case .f32Nearest: fp[f32: a] = fp[f32: b].rounded(.toNearestOrEven)
        case .f32Sqrt: fp[f32: a] = fp[f32: b].squareRoot()
        case .f32Add: fp[f32: a] = fp[f32: b] + fp[f32: c]
        case .f32Sub: fp[f32: a] = fp[f32: b] - fp[f32: c]
        case .f32Mul: fp[f32: a] = fp[f32: b] * fp[f32: c]
        case .f32Div: fp[f32: a] = fp[f32: b] / fp[f32: c]
        case .f32Min: fp[f32: a] = minimum(fp[f32: b], fp[f32: c])
        case .f32Max: fp[f32: a] = maximum(fp[f32: b], fp[f32: c])
        case .f64Abs: fp[a] = fp[b] & 0x7FFF_FFFF_FFFF_FFFF
        case .f64Neg: fp[a] = fp[b] ^ 0x8000_0000_0000_0000
        case .f64Copysign: fp[a] = (fp[b] & 0x7FFF_FFFF_FFFF_FFFF) | (fp[c] & 0x8000_0000_0000_0000)
        case .f64Ceil: fp[f64: a] = fp[f64: b].rounded(.up)
        case .f64Floor: fp[f64: a] = fp[f64: b].rounded(.down)
        case .f64Trunc: fp[f64: a] = fp[f64: b].rounded(.towardZero)
        case .f64Nearest: fp[f64: a] = fp[f64: b].rounded(.toNearestOrEven)
        case .f64Sqrt: fp[f64: a] = fp[f64: b].squareRoot()
        case .f64Add: fp[f64: a] = fp[f64: b] + fp[f64: c]
        case .f64Sub: fp[f64: a] = fp[f64: b] - fp[f64: c]
        case .f64Mul: fp[f64: a] = fp[f64: b] * fp[f64: c]
        case .f64Div: fp[f64: a] = fp[f64: b] / fp[f64: c]
        case .f64Min: fp[f64: a] = minimum(fp[f64: b], fp[f64: c])
        case .f64Max: fp[f64: a] = maximum(fp[f64: b], fp[f64: c])
        case .f32ConvertI32S: fp[f32: a] = Float(fp[s32: b])
        case .f32ConvertI32U: fp[f32: a] = Float(fp[i32: b])
        case .f32ConvertI64S: fp[f32: a] = Float(fp[s64: b])
        case .f32ConvertI64U: fp[f32: a] = Float(fp[b])
        case .f32DemoteF64: fp[f32: a] = Float(fp[f64: b])
        case .f64ConvertI32S: fp[f64: a] = Double(fp[s32: b])
        case .f64ConvertI32U: fp[f64: a] = Double(fp[i32: b])
        case .f64ConvertI64S: fp[f64: a] = Double(fp[s64: b])
        case .f64ConvertI64U: fp[f64: a] = Double(fp[b])
        case .f64PromoteF32: fp[f64: a] = Double(fp[f32: b])
        case .i32TruncSatF32S: fp[s32: a] = Int32(saturateSigned(Double(fp[f32: b]), -2_147_483_648.0, 2_147_483_647.0))
        case .i32TruncSatF32U: fp[i32: a] = UInt32(saturateUnsigned(Double(fp[f32: b]), 4_294_967_295.0))
        case .i32TruncSatF64S: fp[s32: a] = Int32(saturateSigned(fp[f64: b], -2_147_483_648.0, 2_147_483_647.0))
        case .i32TruncSatF64U: fp[i32: a] = UInt32(saturateUnsigned(fp[f64: b], 4_294_967_295.0))
        case .i64TruncSatF32S:
            fp[s64: a] = saturateSigned(Double(fp[f32: b]), -9_223_372_036_854_775_808.0, 9_223_372_036_854_775_807.0)
        case .i64TruncSatF32U: fp[a] = saturateUnsigned(Double(fp[f32: b]), 18_446_744_073_709_551_615.0)
        case .i64TruncSatF64S:
            fp[s64: a] = saturateSigned(fp[f64: b], -9_223_372_036_854_775_808.0, 9_223_372_036_854_775_807.0)
        case .i64TruncSatF64U: fp[a] = saturateUnsigned(fp[f64: b], 18_446_744_073_709_551_615.0)
        default: break
        }
    }

    /// `fmin`: NaN if either is NaN (arithmetic NaN from the hardware), -0 below +0.
    @inline(__always)
    static func minimum<F: BinaryFloatingPoint>(_ x: F, _ y: F) -> F {
        if x.isNaN || y.isNaN { return x + y }
        if x == y { return x.sign == .minus ? x : y }
        return x < y ? x : y
    }

    /// `fmax`: NaN if either is NaN, +0 above -0.
    @inline(__always)
    static func maximum<F: BinaryFloatingPoint>(_ x: F, _ y: F) -> F {
        if x.isNaN || y.isNaN { return x + y }
        if x == y { return x.sign == .minus ? y : x }
        return x > y ? x : y
    }
}
