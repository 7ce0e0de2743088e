#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// A WebAssembly module the fuzz generator made, as a small structured program: valid by construction, encoded
/// by ``bytes``, and evaluated independently of the engine by ``GeneratedModule/Reference``.
///
/// Functions may call only functions after them, and call through the table only to functions after
/// ``GeneratedModule/firstTableFunction``, which make no indirect calls themselves: every program terminates.
/// Loops count down a counter the body never writes. Float values are observable only where their NaN payloads
/// cannot differ between two correct engines (see ``GeneratedExpression/canonical(_:scratch:_:)``).
///
/// ```swift
/// var generator = WasmModuleGenerator(seed: 42)
/// let module = generator.module()
/// let compiled = try CompiledWasmModule.compile(module.bytes)
/// var reference = GeneratedModule.Reference(module)
/// ```
struct GeneratedModule {
    /// One function: its type, extra locals, statements and the expressions of its results.
    struct Function {
        var parameters: [WasmValueType]
        var results: [WasmValueType]
        var locals: [WasmValueType]
        var body: [GeneratedStatement]
        var values: [GeneratedExpression]

        var type: WasmFunctionType { WasmFunctionType(parameters: parameters, results: results) }
    }

    /// A data segment: active at an offset of memory 0, or passive.
    enum DataSegment {
        case active(offset: UInt32, [UInt8])
        case passive([UInt8])
    }

    /// One call of the script the fuzz test runs after instantiation.
    struct Call {
        var function: UInt32
        var arguments: [UInt64]
    }

    var functions: [Function] = []
    /// Function types that indirect calls name (by index into ``types``).
    var types: [WasmFunctionType] = []
    var globals: [(type: WasmValueType, initial: UInt64)] = []
    var memory: (min: UInt32, max: UInt32)?
    var data: [DataSegment] = []
    var table: (min: UInt32, max: UInt32)?
    /// The active element segment: functions placed from slot ``elementOffset``.
    var elements: [UInt32] = []
    var elementOffset: UInt32 = 0
    /// Functions from this index on may sit in the table.
    var firstTableFunction: UInt32 = 0
    var start: UInt32?
    var calls: [Call] = []

    /// The module's binary. Functions are exported as `f0`, `f1`, …, globals as `g0`, …, the memory as `memory`
    /// and the table as `table`.
    var bytes: [UInt8] {
        var builder = WasmModuleBuilder()
        for type in types { _ = builder.typeIndex(type.parameters, type.results) }
        for (index, function) in functions.enumerated() {
            var code: [UInt8] = []
            for statement in function.body { statement.encode(into: &code) }
            for value in function.values { value.encode(into: &code) }
            builder.function(
                "f\(index)",
                function.parameters,
                function.results,
                locals: function.locals,
                body: [code]
            )
        }
        if let table { builder.table(.funcRef, min: table.min, max: table.max, export: "table") }
        if let memory { builder.memory(min: memory.min, max: memory.max) }
        for (index, global) in globals.enumerated() {
            builder.global(
                global.type,
                mutable: true,
                initializer: GeneratedExpression.const(global.type, global.initial).constantBytes,
                export: "g\(index)"
            )
        }
        builder.start = start
        if table != nil {
            builder.activeElements(offset: Int32(elementOffset), functions: elements)
            builder.declareFunctions(Array(firstTableFunction..<UInt32(functions.count)))
        }
        for segment in data {
            switch segment {
            case .active(let offset, let bytes): builder.activeData(offset: Int32(bitPattern: offset), bytes)
            case .passive(let bytes): builder.passiveData(bytes)
            }
        }
        return builder.build()
    }
}

/// A load instruction: opcode, the type it pushes, its width and signedness.
struct GeneratedLoad: Hashable {
    var opcode: UInt8
    var type: WasmValueType
    var size: Int
    var signed: Bool

    static let all: [GeneratedLoad] = [
        .init(opcode: 0x28, type: .i32, size: 4, signed: false),
        .init(opcode: 0x29, type: .i64, size: 8, signed: false),
        .init(opcode: 0x2A, type: .f32, size: 4, signed: false),
        .init(opcode: 0x2B, type: .f64, size: 8, signed: false),
        .init(opcode: 0x2C, type: .i32, size: 1, signed: true),
        .init(opcode: 0x2D, type: .i32, size: 1, signed: false),
        .init(opcode: 0x2E, type: .i32, size: 2, signed: true),
        .init(opcode: 0x2F, type: .i32, size: 2, signed: false),
        .init(opcode: 0x30, type: .i64, size: 1, signed: true),
        .init(opcode: 0x31, type: .i64, size: 1, signed: false),
        .init(opcode: 0x32, type: .i64, size: 2, signed: true),
        .init(opcode: 0x33, type: .i64, size: 2, signed: false),
        .init(opcode: 0x34, type: .i64, size: 4, signed: true),
        .init(opcode: 0x35, type: .i64, size: 4, signed: false),
    ]
}

/// A store instruction: opcode, the type it takes and how many of its low bytes it writes.
struct GeneratedStore: Hashable {
    var opcode: UInt8
    var type: WasmValueType
    var size: Int

    static let all: [GeneratedStore] = [
        .init(opcode: 0x36, type: .i32, size: 4),
        .init(opcode: 0x37, type: .i64, size: 8),
        .init(opcode: 0x38, type: .f32, size: 4),
        .init(opcode: 0x39, type: .f64, size: 8),
        .init(opcode: 0x3A, type: .i32, size: 1),
        .init(opcode: 0x3B, type: .i32, size: 2),
        .init(opcode: 0x3C, type: .i64, size: 1),
        .init(opcode: 0x3D, type: .i64, size: 2),
        .init(opcode: 0x3E, type: .i64, size: 4),
    ]
}

/// A numeric instruction: its opcode (`0xFC00 | n` for the `0xFC` prefix), operand types and result type.
struct GeneratedOperator: Hashable {
    var code: UInt16
    var operands: [WasmValueType]
    var result: WasmValueType

    var bytes: [UInt8] { code >= 0xFC00 ? [0xFC] + Enc.u(UInt32(code & 0xFF)) : [UInt8(code)] }

    /// Every numeric instruction of WebAssembly 2.0 (sign extension and saturating truncation included).
    static let all: [GeneratedOperator] = {
        var operators: [GeneratedOperator] = []
        func add(_ codes: ClosedRange<UInt16>, _ operands: [WasmValueType], _ result: WasmValueType) {
            for code in codes { operators.append(GeneratedOperator(code: code, operands: operands, result: result)) }
        }
        add(0x45...0x45, [.i32], .i32)
        add(0x46...0x4F, [.i32, .i32], .i32)
        add(0x50...0x50, [.i64], .i32)
        add(0x51...0x5A, [.i64, .i64], .i32)
        add(0x5B...0x60, [.f32, .f32], .i32)
        add(0x61...0x66, [.f64, .f64], .i32)
        add(0x67...0x69, [.i32], .i32)
        add(0x6A...0x78, [.i32, .i32], .i32)
        add(0x79...0x7B, [.i64], .i64)
        add(0x7C...0x8A, [.i64, .i64], .i64)
        add(0x8B...0x91, [.f32], .f32)
        add(0x92...0x98, [.f32, .f32], .f32)
        add(0x99...0x9F, [.f64], .f64)
        add(0xA0...0xA6, [.f64, .f64], .f64)
        add(0xA7...0xA7, [.i64], .i32)
        add(0xA8...0xA9, [.f32], .i32)
        add(0xAA...0xAB, [.f64], .i32)
        add(0xAC...0xAD, [.i32], .i64)
        add(0xAE...0xAF, [.f32], .i64)
        add(0xB0...0xB1, [.f64], .i64)
        add(0xB2...0xB3, [.i32], .f32)
        add(0xB4...0xB5, [.i64], .f32)
        add(0xB6...0xB6, [.f64], .f32)
        add(0xB7...0xB8, [.i32], .f64)
        add(0xB9...0xBA, [.i64], .f64)
        add(0xBB...0xBB, [.f32], .f64)
        add(0xBC...0xBC, [.f32], .i32)
        add(0xBD...0xBD, [.f64], .i64)
        add(0xBE...0xBE, [.i32], .f32)
        add(0xBF...0xBF, [.i64], .f64)
        add(0xC0...0xC1, [.i32], .i32)
        add(0xC2...0xC4, [.i64], .i64)
        add(0xFC00...0xFC01, [.f32], .i32)
        add(0xFC02...0xFC03, [.f64], .i32)
        add(0xFC04...0xFC05, [.f32], .i64)
        add(0xFC06...0xFC07, [.f64], .i64)
        return operators
    }()

    /// Whether the instruction lets a float operand's NaN payload or sign show in a non-float result
    /// (`reinterpret`) or in a non-NaN float (`copysign`'s second operand).
    var observesNaNBits: Bool { code == 0xBC || code == 0xBD || code == 0x98 || code == 0xA6 }
}

/// An expression of the generated program: it leaves exactly one value of a known type.
indirect enum GeneratedExpression {
    case const(WasmValueType, UInt64)
    case local(UInt32)
    case tee(UInt32, GeneratedExpression)
    case global(UInt32)
    case op(GeneratedOperator, [GeneratedExpression])
    /// The value, or the canonical NaN when it is a NaN (through a scratch local of its type).
    case canonical(WasmValueType, scratch: UInt32, GeneratedExpression)
    /// `select` (typed when the type is given): first if the condition is not zero, else second.
    case select(GeneratedExpression, GeneratedExpression, GeneratedExpression, typed: WasmValueType?)
    case load(GeneratedLoad, GeneratedExpression, offset: UInt32, align: UInt32)
    /// A direct call of a function with one result.
    case call(UInt32, [GeneratedExpression])
    /// `call_indirect` through table 0 with a type of one result: arguments, then the slot.
    case callIndirect(type: UInt32, [GeneratedExpression], GeneratedExpression)
    /// `if (result T) … else … end`.
    case ifElse(WasmValueType, GeneratedExpression, GeneratedBody, GeneratedBody)
    /// `block (result T) early; condition; br_if 0; drop; late… end`.
    case earlyExit(WasmValueType, GeneratedExpression, GeneratedExpression, GeneratedBody)
    case memorySize
    case memoryGrow(GeneratedExpression)
    case tableSize
    /// `table.grow` by the operand with null references.
    case tableGrow(GeneratedExpression)
    /// `table.get` then `ref.is_null`.
    case isNull(GeneratedExpression)

    /// The encoding of a constant (also a global's initializer, without `end`).
    var constantBytes: [UInt8] {
        guard case .const(let type, let bits) = self else { return [] }
        switch type {
        case .i32: return [0x41] + Enc.s(Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: bits))))
        case .i64: return [0x42] + Enc.s(Int64(bitPattern: bits))
        case .f32: return [0x43] + withUnsafeBytes(of: UInt32(truncatingIfNeeded: bits).littleEndian) { Array($0) }
        default: return [0x44] + withUnsafeBytes(of: bits.littleEndian) { Array($0) }
        }
    }

    func encode(into code: inout [UInt8]) {
        switch self {
        case .const:
            code += constantBytes
        case .local(let index):
            code += Op.localGet(index)
        case .tee(let index, let value):
            value.encode(into: &code)
            code += Op.localTee(index)
        case .global(let index):
            code += Op.globalGet(index)
        case .op(let op, let operands):
            for operand in operands { operand.encode(into: &code) }
            code += op.bytes
        case .canonical(let type, let scratch, let value):
            value.encode(into: &code)
            code += Op.localTee(scratch)
            code += type == .f32 ? Op.f32Bits(0x7FC0_0000) : Op.f64Bits(0x7FF8_0000_0000_0000)
            code += Op.localGet(scratch) + Op.localGet(scratch)
            code += [type == .f32 ? 0x5B : 0x61, 0x1B]
        case .select(let first, let second, let condition, let typed):
            first.encode(into: &code)
            second.encode(into: &code)
            condition.encode(into: &code)
            code += typed.map { [0x1C, 0x01, $0.rawValue] } ?? [0x1B]
        case .load(let load, let address, let offset, let align):
            address.encode(into: &code)
            code += [load.opcode] + Enc.u(align) + Enc.u(offset)
        case .call(let function, let arguments):
            for argument in arguments { argument.encode(into: &code) }
            code += Op.call(function)
        case .callIndirect(let type, let arguments, let slot):
            for argument in arguments { argument.encode(into: &code) }
            slot.encode(into: &code)
            code += Op.callIndirect(type)
        case .ifElse(let type, let condition, let then, let otherwise):
            condition.encode(into: &code)
            code += Op.if(type)
            then.encode(into: &code)
            code += Op.else
            otherwise.encode(into: &code)
            code += Op.end
        case .earlyExit(let type, let early, let condition, let late):
            code += Op.block(type)
            early.encode(into: &code)
            condition.encode(into: &code)
            code += Op.brIf(0) + Op.drop
            late.encode(into: &code)
            code += Op.end
        case .memorySize:
            code += Op.memorySize
        case .memoryGrow(let delta):
            delta.encode(into: &code)
            code += Op.memoryGrow
        case .tableSize:
            code += Op.tableSize()
        case .tableGrow(let delta):
            code += Op.refNull(.funcRef)
            delta.encode(into: &code)
            code += Op.tableGrow()
        case .isNull(let slot):
            slot.encode(into: &code)
            code += Op.tableGet() + Op.refIsNull
        }
    }
}

/// Statements, then one value (the arm of an `if` with a result, the rest of an early-exit block).
struct GeneratedBody {
    var statements: [GeneratedStatement]
    var value: GeneratedExpression

    func encode(into code: inout [UInt8]) {
        for statement in statements { statement.encode(into: &code) }
        value.encode(into: &code)
    }
}

/// A statement of the generated program: it leaves the operand stack as it found it (or branches away).
indirect enum GeneratedStatement {
    case set(UInt32, GeneratedExpression)
    case setGlobal(UInt32, GeneratedExpression)
    case store(GeneratedStore, GeneratedExpression, GeneratedExpression, offset: UInt32, align: UInt32)
    case drop(GeneratedExpression)
    /// A direct call; its results are popped into the locals (the last result into the last local).
    case call(UInt32, [GeneratedExpression], into: [UInt32])
    case callIndirect(type: UInt32, [GeneratedExpression], GeneratedExpression, into: [UInt32])
    case block([GeneratedStatement])
    case ifThen(GeneratedExpression, [GeneratedStatement], [GeneratedStatement]?)
    /// `counter = iterations; block loop (exit when counter is 0) counter -= 1; body; br 0 end end`: in the body,
    /// depth 0 continues and depth 1 breaks.
    case loop(counter: UInt32, iterations: Int32, [GeneratedStatement])
    case brIf(UInt32, GeneratedExpression)
    case br(UInt32)
    case brTable([UInt32], UInt32, GeneratedExpression)
    case ret([GeneratedExpression])
    /// `if condition unreachable end`.
    case trap(GeneratedExpression)
    case fill(GeneratedExpression, GeneratedExpression, GeneratedExpression)
    case copy(GeneratedExpression, GeneratedExpression, GeneratedExpression)
    case initData(UInt32, GeneratedExpression, GeneratedExpression, GeneratedExpression)
    case dropData(UInt32)
    /// `table.set` of `ref.func f` (or `ref.null` for nil).
    case tableSet(GeneratedExpression, UInt32?)
    case tableFill(GeneratedExpression, UInt32?, GeneratedExpression)

    func encode(into code: inout [UInt8]) {
        func emit(_ expression: GeneratedExpression) { expression.encode(into: &code) }
        func emit(_ statements: [GeneratedStatement]) {
            for statement in statements { statement.encode(into: &code) }
        }
        func reference(_ function: UInt32?) -> [UInt8] { function.map(Op.refFunc) ?? Op.refNull(.funcRef) }
        switch self {
        case .set(let index, let value):
            emit(value)
            code += Op.localSet(index)
        case .setGlobal(let index, let value):
            emit(value)
            code += Op.globalSet(index)
        case .store(let store, let address, let value, let offset, let align):
            emit(address)
            emit(value)
            code += [store.opcode] + Enc.u(align) + Enc.u(offset)
        case .drop(let value):
            emit(value)
            code += Op.drop
        case .call(let function, let arguments, let locals):
            for argument in arguments { emit(argument) }
            code += Op.call(function)
            for local in locals.reversed() { code += Op.localSet(local) }
        case .callIndirect(let type, let arguments, let slot, let locals):
            for argument in arguments { emit(argument) }
            emit(slot)
            code += Op.callIndirect(type)
            for local in locals.reversed() { code += Op.localSet(local) }
        case .block(let body):
            code += Op.block()
            emit(body)
            code += Op.end
        case .ifThen(let condition, let then, let otherwise):
            emit(condition)
            code += Op.if()
            emit(then)
            if let otherwise {
                code += Op.else
                emit(otherwise)
            }
            code += Op.end
        case .loop(let counter, let iterations, let body):
            code += Op.i32Const(iterations) + Op.localSet(counter)
            code += Op.block() + Op.loop()
            code += Op.localGet(counter) + Op.i32Eqz + Op.brIf(1)
            code += Op.localGet(counter) + Op.i32Const(1) + Op.i32Sub + Op.localSet(counter)
            emit(body)
            code += Op.br(0) + Op.end + Op.end
        case .brIf(let depth, let condition):
            emit(condition)
            code += Op.brIf(depth)
        case .br(let depth):
            code += Op.br(depth)
        case .brTable(let depths, let fallback, let index):
            emit(index)
            code += Op.brTable(depths, default: fallback)
        case .ret(let values):
            for value in values { emit(value) }
            code += Op.return
        case .trap(let condition):
            emit(condition)
            code += Op.if() + Op.unreachable + Op.end
        case .fill(let destination, let value, let count):
            emit(destination)
            emit(value)
            emit(count)
            code += Op.memoryFill
        case .copy(let destination, let source, let count):
            emit(destination)
            emit(source)
            emit(count)
            code += Op.memoryCopy
        case .initData(let segment, let destination, let source, let count):
            emit(destination)
            emit(source)
            emit(count)
            code += Op.memoryInit(segment)
        case .dropData(let segment):
            code += Op.dataDrop(segment)
        case .tableSet(let slot, let function):
            emit(slot)
            code += reference(function) + Op.tableSet()
        case .tableFill(let slot, let function, let count):
            emit(slot)
            code += reference(function)
            emit(count)
            code += Op.tableFill()
        }
    }
}
