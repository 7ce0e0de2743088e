import Testing

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// Integer and floating-point semantics, through small exported functions.
@Suite struct NumericTests {
    /// A module exporting `f(a, b) = a <op> b` for one binary operator.
    static func binary(_ op: WasmNumericOp, _ type: WasmValueType, result: WasmValueType) throws -> WasmInstance {
        var builder = WasmModuleBuilder()
        builder.function("f", [type, type], [result], body: [Op.localGet(0), Op.localGet(1), Op.numeric(op)])
        return try builder.instantiate()
    }

    /// A module exporting `f(a) = <op> a`.
    static func unary(_ op: WasmNumericOp, _ type: WasmValueType, result: WasmValueType) throws -> WasmInstance {
        var builder = WasmModuleBuilder()
        builder.function("f", [type], [result], body: [Op.localGet(0), Op.numeric(op)])
        return try builder.instantiate()
    }

    static let i32Cases: [(WasmNumericOp, UInt32, UInt32, UInt32)] = [
        (.i32Add, 0xFFFF_FFFF, 1, 0),
        (.i32Sub, 0, 1, 0xFFFF_FFFF),
        (.i32Mul, 0x8000_0000, 2, 0),
        (.i32DivS, UInt32(bitPattern: -7), 2, UInt32(bitPattern: -3)),
        (.i32DivU, UInt32(bitPattern: -7), 2, 0x7FFF_FFFC),
        (.i32RemS, UInt32(bitPattern: -7), 2, UInt32(bitPattern: -1)),
        (.i32RemS, 0x8000_0000, UInt32(bitPattern: -1), 0),
        (.i32RemU, 7, 3, 1),
        (.i32Shl, 1, 33, 2),
        (.i32ShrS, 0x8000_0000, 31, 0xFFFF_FFFF),
        (.i32ShrU, 0x8000_0000, 63, 1),
        (.i32Rotl, 0x8000_0001, 1, 3),
        (.i32Rotr, 3, 1, 0x8000_0001),
        (.i32Rotl, 0x1234_5678, 0, 0x1234_5678),
        (.i32LtS, 0xFFFF_FFFF, 0, 1),
        (.i32LtU, 0xFFFF_FFFF, 0, 0),
        (.i32GeU, 0xFFFF_FFFF, 0, 1),
    ]

    @Test(arguments: i32Cases)
    func i32OperatorsWrapAndMaskShiftCounts(_ testCase: (WasmNumericOp, UInt32, UInt32, UInt32)) throws {
        let (op, lhs, rhs, expected) = testCase
        let instance = try Self.binary(op, .i32, result: .i32)
        #expect(try instance.invoke("f", [.i32(lhs), .i32(rhs)]) == [.i32(expected)], "\(op)")
    }

    static let i64Cases: [(WasmNumericOp, UInt64, UInt64, UInt64)] = [
        (.i64Add, UInt64.max, 1, 0),
        (.i64Mul, 0x1_0000_0001, 0x1_0000_0001, 0x2_0000_0001),
        (.i64DivS, UInt64(bitPattern: -9), 4, UInt64(bitPattern: -2)),
        (.i64RemS, UInt64(bitPattern: Int64.min), UInt64(bitPattern: -1), 0),
        (.i64Shl, 1, 65, 2),
        (.i64ShrS, UInt64(bitPattern: Int64.min), 63, UInt64.max),
        (.i64Rotr, 1, 1, 0x8000_0000_0000_0000),
    ]

    @Test(arguments: i64Cases)
    func i64OperatorsWrapAndMaskShiftCounts(_ testCase: (WasmNumericOp, UInt64, UInt64, UInt64)) throws {
        let (op, lhs, rhs, expected) = testCase
        let instance = try Self.binary(op, .i64, result: .i64)
        #expect(try instance.invoke("f", [.i64(lhs), .i64(rhs)]) == [.i64(expected)], "\(op)")
    }

    @Test func countingAndExtensionOperatorsMatchTheSpec() throws {
        #expect(try Self.unary(.i32Clz, .i32, result: .i32).invoke("f", [.i32(0)]) == [.i32(32)])
        #expect(try Self.unary(.i32Ctz, .i32, result: .i32).invoke("f", [.i32(0x8000_0000)]) == [.i32(31)])
        #expect(try Self.unary(.i64Popcnt, .i64, result: .i64).invoke("f", [.i64(UInt64.max)]) == [.i64(64)])
        #expect(try Self.unary(.i32Extend8S, .i32, result: .i32).invoke("f", [.i32(0x80)]) == [.int32(-128)])
        #expect(try Self.unary(.i64ExtendI32S, .i32, result: .i64).invoke("f", [.int32(-1)]) == [.int64(-1)])
        #expect(try Self.unary(.i64ExtendI32U, .i32, result: .i64).invoke("f", [.int32(-1)]) == [.i64(0xFFFF_FFFF)])
        #expect(
            try Self.unary(.i32WrapI64, .i64, result: .i32).invoke("f", [.i64(0x1_2345_6789)]) == [.i32(0x2345_6789)]
        )
    }

    @Test func divisionTrapsWithTheSpecWording() throws {
        let divide = try Self.binary(.i32DivS, .i32, result: .i32)
        #expect(throws: Trap.self) { try divide.invoke("f", [.i32(1), .i32(0)]) }
        do {
            _ = try divide.invoke("f", [.int32(Int32.min), .int32(-1)])
            Issue.record("no trap")
        } catch let trap as Trap {
            #expect(trap.reason == .integerOverflow)
            #expect(trap.reason.description == "integer overflow")
        }
        do {
            _ = try Self.binary(.i64RemU, .i64, result: .i64).invoke("f", [.i64(1), .i64(0)])
            Issue.record("no trap")
        } catch let trap as Trap {
            #expect(trap.description.hasPrefix("integer divide by zero"))
        }
    }

    @Test func minimumAndMaximumOrderZerosAndPropagateNaN() throws {
        let minimum = try Self.binary(.f32Min, .f32, result: .f32)
        let maximum = try Self.binary(.f64Max, .f64, result: .f64)
        #expect(try minimum.invoke("f", [.float32(0), .float32(-0.0)]) == [.f32(0x8000_0000)])
        #expect(try minimum.invoke("f", [.float32(-0.0), .float32(0)]) == [.f32(0x8000_0000)])
        #expect(try maximum.invoke("f", [.float64(-0.0), .float64(0)]) == [.f64(0)])
        let nan = try minimum.invoke("f", [.f32(0x7FC0_0000), .float32(1)])
        #expect(nan.first?.floatValue?.isNaN == true)
        let quieted = try maximum.invoke("f", [.float64(1), .f64(0x7FF0_0000_0000_0001)])
        #expect((quieted.first?.doubleValue?.bitPattern ?? 0) & 0x7FF8_0000_0000_0000 == 0x7FF8_0000_0000_0000)
    }

    @Test func nearestRoundsTiesToEven() throws {
        let nearest = try Self.unary(.f64Nearest, .f64, result: .f64)
        #expect(try nearest.invoke("f", [.float64(2.5)]) == [.float64(2)])
        #expect(try nearest.invoke("f", [.float64(3.5)]) == [.float64(4)])
        #expect(try nearest.invoke("f", [.float64(-0.5)]) == [.f64(0x8000_0000_0000_0000)])
        let nearest32 = try Self.unary(.f32Nearest, .f32, result: .f32)
        #expect(try nearest32.invoke("f", [.float32(-1.5)]) == [.float32(-2)])
    }

    @Test func signOperationsKeepSignallingNaNPayloads() throws {
        let signalling: UInt32 = 0x7FA0_0001
        #expect(try Self.unary(.f32Neg, .f32, result: .f32).invoke("f", [.f32(signalling)]) == [.f32(0xFFA0_0001)])
        #expect(try Self.unary(.f32Abs, .f32, result: .f32).invoke("f", [.f32(0xFFA0_0001)]) == [.f32(signalling)])
        let copysign = try Self.binary(.f64Copysign, .f64, result: .f64)
        #expect(try copysign.invoke("f", [.f64(0x7FF0_0000_0000_0001), .float64(-1)]) == [.f64(0xFFF0_0000_0000_0001)])
        let reinterpret = try Self.unary(.i32ReinterpretF32, .f32, result: .i32)
        #expect(try reinterpret.invoke("f", [.f32(signalling)]) == [.i32(signalling)])
    }

    @Test func signallingNaNSurvivesAStoreAndALoad() throws {
        var builder = WasmModuleBuilder()
        builder.memory(min: 1)
        builder.function(
            "f",
            [.f64],
            [.f64],
            body: [Op.i32Const(8), Op.localGet(0), Op.load(0x39, align: 3), Op.i32Const(8), Op.load(0x2B, align: 3)]
        )
        let instance = try builder.instantiate()
        #expect(try instance.invoke("f", [.f64(0x7FF4_0000_0000_0001)]) == [.f64(0x7FF4_0000_0000_0001)])
    }

    @Test func truncationTrapsOnNaNAndOverflowAndSaturatingFormsClamp() throws {
        let truncate = try Self.unary(.i32TruncF32S, .f32, result: .i32)
        #expect(try truncate.invoke("f", [.float32(-2_147_483_648)]) == [.int32(Int32.min)])
        #expect(try truncate.invoke("f", [.float32(-1.9)]) == [.int32(-1)])
        do {
            _ = try truncate.invoke("f", [.float32(.nan)])
            Issue.record("no trap")
        } catch let trap as Trap {
            #expect(trap.reason == .invalidConversionToInteger)
        }
        do {
            _ = try truncate.invoke("f", [.float32(2_147_483_648)])
            Issue.record("no trap")
        } catch let trap as Trap {
            #expect(trap.reason == .integerOverflow)
        }
        let unsigned = try Self.unary(.i64TruncF64U, .f64, result: .i64)
        #expect(try unsigned.invoke("f", [.float64(-0.99)]) == [.i64(0)])
        #expect(try unsigned.invoke("f", [.float64(18_446_744_073_709_549_568)]) == [.i64(18_446_744_073_709_549_568)])
        let saturating = try Self.unary(.i32TruncSatF64U, .f64, result: .i32)
        #expect(try saturating.invoke("f", [.float64(1e20)]) == [.i32(UInt32.max)])
        #expect(try saturating.invoke("f", [.float64(-5)]) == [.i32(0)])
        #expect(try saturating.invoke("f", [.float64(.nan)]) == [.i32(0)])
        let saturating64 = try Self.unary(.i64TruncSatF32S, .f32, result: .i64)
        #expect(try saturating64.invoke("f", [.float32(-1e30)]) == [.int64(Int64.min)])
        #expect(try saturating64.invoke("f", [.float32(1e30)]) == [.int64(Int64.max)])
    }

    @Test func conversionsRoundToNearest() throws {
        let convert = try Self.unary(.f32ConvertI64U, .i64, result: .f32)
        // 2^64 - 1 rounds up to 2^64.
        #expect(try convert.invoke("f", [.i64(UInt64.max)]) == [.float32(18_446_744_073_709_551_616)])
        let demote = try Self.unary(.f32DemoteF64, .f64, result: .f32)
        #expect(try demote.invoke("f", [.float64(0.1)]) == [.float32(0.1)])
    }

    @Test func constantOperandsUseImmediateFormsWithTheSameResults() throws {
        var builder = WasmModuleBuilder()
        builder.function("sub", [.i32], [.i32], body: [Op.localGet(0), Op.i32Const(5), Op.i32Sub])
        builder.function("rsub", [.i32], [.i32], body: [Op.i32Const(5), Op.localGet(0), Op.i32Sub])
        builder.function("lt", [.i32], [.i32], body: [Op.i32Const(5), Op.localGet(0), Op.i32LtS])
        builder.function("shl", [.i64], [.i64], body: [Op.localGet(0), Op.i64Const(65), Op.numeric(.i64Shl)])
        let instance = try builder.instantiate()
        #expect(try instance.invoke("sub", [.int32(3)]) == [.int32(-2)])
        #expect(try instance.invoke("rsub", [.int32(3)]) == [.int32(2)])
        #expect(try instance.invoke("lt", [.int32(6)]) == [.int32(1)])
        #expect(try instance.invoke("lt", [.int32(5)]) == [.int32(0)])
        #expect(try instance.invoke("shl", [.int64(3)]) == [.int64(6)])
    }
}
