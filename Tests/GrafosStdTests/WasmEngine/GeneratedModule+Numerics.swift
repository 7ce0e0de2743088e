#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// The numeric instructions of the reference evaluator, from the spec's definitions (`Numerics` chapter).
extension GeneratedModule.Reference {
    /// Applies numeric instruction `code` to its operands (slots); traps as the spec says.
    static func apply(_ code: UInt16, _ operands: [UInt64]) throws -> UInt64 {
        let a = operands[0]
        let b = operands.count > 1 ? operands[1] : 0
        let a32 = UInt32(truncatingIfNeeded: a)
        let b32 = UInt32(truncatingIfNeeded: b)
        let fa = Float(bitPattern: a32)
        let fb = Float(bitPattern: b32)
        let da = Double(bitPattern: a)
        let db = Double(bitPattern: b)
        func bool(_ value: Bool) -> UInt64 { value ? 1 : 0 }
        func i32(_ value: UInt32) -> UInt64 { UInt64(value) }
        func s32(_ value: Int32) -> UInt64 { UInt64(UInt32(bitPattern: value)) }
        func s64(_ value: Int64) -> UInt64 { UInt64(bitPattern: value) }
        func f32(_ value: Float) -> UInt64 { UInt64(value.bitPattern) }
        func f64(_ value: Double) -> UInt64 { value.bitPattern }
        let sa = Int32(bitPattern: a32)
        let sb = Int32(bitPattern: b32)
        let la = Int64(bitPattern: a)
        let lb = Int64(bitPattern: b)
        switch code {
        // i32 comparisons
        case 0x45: return bool(a32 == 0)
        case 0x46: return bool(a32 == b32)
        case 0x47: return bool(a32 != b32)
        case 0x48: return bool(sa < sb)
        case 0x49: return bool(a32 < b32)
        case 0x4A: return bool(sa > sb)
        case 0x4B: return bool(a32 > b32)
        case 0x4C: return bool(sa <= sb)
        case 0x4D: return bool(a32 <= b32)
        case 0x4E: return bool(sa >= sb)
        case 0x4F: return bool(a32 >= b32)
        // i64 comparisons
        case 0x50: return bool(a == 0)
        case 0x51: return bool(a == b)
        case 0x52: return bool(a != b)
        case 0x53: return bool(la < lb)
        case 0x54: return bool(a < b)
        case 0x55: return bool(la > lb)
        case 0x56: return bool(a > b)
        case 0x57: return bool(la <= lb)
        case 0x58: return bool(a <= b)
        case 0x59: return bool(la >= lb)
        case 0x5A: return bool(a >= b)
        // float comparisons (false with a NaN, except ne)
        case 0x5B: return bool(fa == fb)
        case 0x5C: return bool(fa != fb)
        case 0x5D: return bool(fa < fb)
        case 0x5E: return bool(fa > fb)
        case 0x5F: return bool(fa <= fb)
        case 0x60: return bool(fa >= fb)
        case 0x61: return bool(da == db)
        case 0x62: return bool(da != db)
        case 0x63: return bool(da < db)
        case 0x64: return bool(da > db)
        case 0x65: return bool(da <= db)
        case 0x66: return bool(da >= db)
        // i32 arithmetic
        case 0x67: return i32(UInt32(a32.leadingZeroBitCount))
        case 0x68: return i32(UInt32(a32.trailingZeroBitCount))
        case 0x69: return i32(UInt32(a32.nonzeroBitCount))
        case 0x6A: return i32(a32 &+ b32)
        case 0x6B: return i32(a32 &- b32)
        case 0x6C: return i32(a32 &* b32)
        case 0x6D:
            guard sb != 0 else { throw Raised(reason: .integerDivideByZero) }
            guard !(sa == .min && sb == -1) else { throw Raised(reason: .integerOverflow) }
            return s32(sa / sb)
        case 0x6E:
            guard b32 != 0 else { throw Raised(reason: .integerDivideByZero) }
            return i32(a32 / b32)
        case 0x6F:
            guard sb != 0 else { throw Raised(reason: .integerDivideByZero) }
            return sb == -1 ? 0 : s32(sa % sb)
        case 0x70:
            guard b32 != 0 else { throw Raised(reason: .integerDivideByZero) }
            return i32(a32 % b32)
        case 0x71: return i32(a32 & b32)
        case 0x72: return i32(a32 | b32)
        case 0x73: return i32(a32 ^ b32)
        case 0x74: return i32(a32 << (b32 % 32))
        case 0x75: return s32(sa >> Int32(b32 % 32))
        case 0x76: return i32(a32 >> (b32 % 32))
        case 0x77: return i32(a32 << (b32 % 32) | a32 >> ((32 - b32 % 32) % 32))
        case 0x78: return i32(a32 >> (b32 % 32) | a32 << ((32 - b32 % 32) % 32))
        // i64 arithmetic
        case 0x79: return UInt64(a.leadingZeroBitCount)
        case 0x7A: return UInt64(a.trailingZeroBitCount)
        case 0x7B: return UInt64(a.nonzeroBitCount)
        case 0x7C: return a &+ b
        case 0x7D: return a &- b
        case 0x7E: return a &* b
        case 0x7F:
            guard lb != 0 else { throw Raised(reason: .integerDivideByZero) }
            guard !(la == .min && lb == -1) else { throw Raised(reason: .integerOverflow) }
            return s64(la / lb)
        case 0x80:
            guard b != 0 else { throw Raised(reason: .integerDivideByZero) }
            return a / b
        case 0x81:
            guard lb != 0 else { throw Raised(reason: .integerDivideByZero) }
            return lb == -1 ? 0 : s64(la % lb)
        case 0x82:
            guard b != 0 else { throw Raised(reason: .integerDivideByZero) }
            return a % b
        case 0x83: return a & b
        case 0x84: return a | b
        case 0x85: return a ^ b
        case 0x86: return a << (b % 64)
        case 0x87: return s64(la >> Int64(b % 64))
        case 0x88: return a >> (b % 64)
        case 0x89: return a << (b % 64) | a >> ((64 - b % 64) % 64)
        case 0x8A: return a >> (b % 64) | a << ((64 - b % 64) % 64)
        // f32 arithmetic
        case 0x8B: return i32(a32 & 0x7FFF_FFFF)
        case 0x8C: return i32(a32 ^ 0x8000_0000)
        case 0x8D: return f32(fa.rounded(.up))
        case 0x8E: return f32(fa.rounded(.down))
        case 0x8F: return f32(fa.rounded(.towardZero))
        case 0x90: return f32(fa.rounded(.toNearestOrEven))
        case 0x91: return f32(fa.squareRoot())
        case 0x92: return f32(fa + fb)
        case 0x93: return f32(fa - fb)
        case 0x94: return f32(fa * fb)
        case 0x95: return f32(fa / fb)
        case 0x96: return f32(minimum(fa, fb))
        case 0x97: return f32(maximum(fa, fb))
        case 0x98: return i32(a32 & 0x7FFF_FFFF | b32 & 0x8000_0000)
        // f64 arithmetic
        case 0x99: return a & 0x7FFF_FFFF_FFFF_FFFF
        case 0x9A: return a ^ 0x8000_0000_0000_0000
        case 0x9B: return f64(da.rounded(.up))
        case 0x9C: return f64(da.rounded(.down))
        case 0x9D: return f64(da.rounded(.towardZero))
        case 0x9E: return f64(da.rounded(.toNearestOrEven))
        case 0x9F: return f64(da.squareRoot())
        case 0xA0: return f64(da + db)
        case 0xA1: return f64(da - db)
        case 0xA2: return f64(da * db)
        case 0xA3: return f64(da / db)
        case 0xA4: return f64(minimum(da, db))
        case 0xA5: return f64(maximum(da, db))
        case 0xA6: return a & 0x7FFF_FFFF_FFFF_FFFF | b & 0x8000_0000_0000_0000
        // conversions
        case 0xA7: return i32(a32)
        case 0xA8: return s32(Int32(try truncate(Double(fa), min: -0x1p31, max: 0x1p31)))
        case 0xA9: return i32(UInt32(try truncate(Double(fa), min: -1, max: 0x1p32)))
        case 0xAA: return s32(Int32(try truncate(da, min: -0x1p31, max: 0x1p31)))
        case 0xAB: return i32(UInt32(try truncate(da, min: -1, max: 0x1p32)))
        case 0xAC: return s64(Int64(sa))
        case 0xAD: return UInt64(a32)
        case 0xAE: return s64(Int64(try truncate(Double(fa), min: -0x1p63, max: 0x1p63)))
        case 0xAF: return UInt64(try truncate(Double(fa), min: -1, max: 0x1p64))
        case 0xB0: return s64(Int64(try truncate(da, min: -0x1p63, max: 0x1p63)))
        case 0xB1: return UInt64(try truncate(da, min: -1, max: 0x1p64))
        case 0xB2: return f32(Float(sa))
        case 0xB3: return f32(Float(a32))
        case 0xB4: return f32(Float(la))
        case 0xB5: return f32(Float(a))
        case 0xB6: return f32(Float(da))
        case 0xB7: return f64(Double(sa))
        case 0xB8: return f64(Double(a32))
        case 0xB9: return f64(Double(la))
        case 0xBA: return f64(Double(a))
        case 0xBB: return f64(Double(fa))
        case 0xBC, 0xBE: return i32(a32)
        case 0xBD, 0xBF: return a
        case 0xC0: return s32(Int32(Int8(truncatingIfNeeded: a32)))
        case 0xC1: return s32(Int32(Int16(truncatingIfNeeded: a32)))
        case 0xC2: return s64(Int64(Int8(truncatingIfNeeded: a)))
        case 0xC3: return s64(Int64(Int16(truncatingIfNeeded: a)))
        case 0xC4: return s64(Int64(Int32(truncatingIfNeeded: a)))
        // saturating truncation
        case 0xFC00: return s32(Int32(saturatingSigned(Double(fa), bits: 32)))
        case 0xFC01: return i32(UInt32(saturatingUnsigned(Double(fa), bits: 32)))
        case 0xFC02: return s32(Int32(saturatingSigned(da, bits: 32)))
        case 0xFC03: return i32(UInt32(saturatingUnsigned(da, bits: 32)))
        case 0xFC04: return s64(saturatingSigned(Double(fa), bits: 64))
        case 0xFC05: return saturatingUnsigned(Double(fa), bits: 64)
        case 0xFC06: return s64(saturatingSigned(da, bits: 64))
        case 0xFC07: return saturatingUnsigned(da, bits: 64)
        default: preconditionFailure("not a generated operator: 0x\(String(code, radix: 16))")
        }
    }

    /// `fmin`: NaN if either is; −0 below +0.
    static func minimum<F: BinaryFloatingPoint>(_ a: F, _ b: F) -> F {
        if a.isNaN || b.isNaN { return .nan }
        if a == 0 && b == 0 { return a.sign == .minus ? a : b }
        return a < b ? a : b
    }

    /// `fmax`: NaN if either is; +0 above −0.
    static func maximum<F: BinaryFloatingPoint>(_ a: F, _ b: F) -> F {
        if a.isNaN || b.isNaN { return .nan }
        if a == 0 && b == 0 { return a.sign == .plus ? a : b }
        return a > b ? a : b
    }

    /// The value truncated toward zero, which must lie strictly between `min` and `max` (exclusive bounds of
    /// the representable range, exact in `Double`): NaN is an invalid conversion, the rest an overflow.
    static func truncate(_ value: Double, min: Double, max: Double) throws -> Double {
        guard !value.isNaN else { throw Raised(reason: .invalidConversionToInteger) }
        let truncated = value.rounded(.towardZero)
        guard truncated > min || (min != -1 && truncated == min), truncated < max else {
            throw Raised(reason: .integerOverflow)
        }
        return truncated
    }

    /// The value truncated toward zero and clamped to a signed integer of `bits` bits; NaN is 0.
    static func saturatingSigned(_ value: Double, bits: Int) -> Int64 {
        if value.isNaN { return 0 }
        let limit: Double = bits == 32 ? 0x1p31 : 0x1p63
        if value >= limit { return bits == 32 ? Int64(Int32.max) : .max }
        if value <= -limit { return bits == 32 ? Int64(Int32.min) : .min }
        return Int64(value.rounded(.towardZero))
    }

    /// The value truncated toward zero and clamped to an unsigned integer of `bits` bits; NaN is 0.
    static func saturatingUnsigned(_ value: Double, bits: Int) -> UInt64 {
        if value.isNaN || value <= 0 { return 0 }
        if value >= (bits == 32 ? 0x1p32 : 0x1p64) { return bits == 32 ? UInt64(UInt32.max) : .max }
        return UInt64(value.rounded(.towardZero))
    }
}
