#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// Makes random, valid-by-construction WebAssembly modules from a seed: arithmetic of every numeric
/// instruction, locals and globals, nested blocks, `if`s, counted loops with `br`, `br_if` and `br_table`, early
/// exits carrying values, direct and indirect calls with several results, loads and stores of every width at
/// computed addresses, bulk memory, memory and table growth, table reads and writes, data and element segments
/// and a start function — and a script of calls with arguments.
///
/// The same seed gives the same built. Sizes stay small so that the reference evaluator and the engine each run
/// a module in well under a millisecond.
///
/// ```swift
/// var generator = WasmModuleGenerator(seed: 7)
/// let module = generator.module()   // GeneratedModule: bytes, functions, calls
/// ```
struct WasmModuleGenerator {
    private var random: SeededRandomNumberGenerator
    private var built = GeneratedModule()
    /// For each function, whether calling it may run a loop (directly or through its callees).
    private var heavy: [Bool] = []

    init(seed: UInt64) {
        random = SeededRandomNumberGenerator(seed: seed)
    }

    /// What a function body is generated against.
    private struct Context {
        var function: Int
        var types: [WasmValueType]
        var assignable: [UInt32]
        var counters: [UInt32]
        var scratch: (f32: UInt32, f64: UInt32)
        var results: [WasmValueType]
        /// Whether each enclosing label may be branched to (it takes no values), innermost last.
        var labels: [Bool]
        var loops = 0
        var budget: Int
        var usedLoop = false
        var callsHeavy = false
    }

    static let numberTypes: [WasmValueType] = [.i32, .i64, .f32, .f64]

    // MARK: Randomness

    private mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &random) < probability
    }

    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    private mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &random)] }

    private mutating func numberType() -> WasmValueType { pick(Self.numberTypes) }

    /// A value of `type` as a slot: edge cases more often than not.
    mutating func value(_ type: WasmValueType) -> UInt64 {
        switch type {
        case .i32:
            if chance(0.3) { return UInt64(UInt32.random(in: .min ... .max, using: &random)) }
            return pick([
                0, 1, 2, 3, 7, 31, 32, 33, 0xFF, 0x100, 0xFFFF, 0x1_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
            ])
        case .i64:
            if chance(0.3) { return UInt64.random(in: .min ... .max, using: &random) }
            return pick([0, 1, 2, 5, 63, 64, 65, 0xFFFF_FFFF, 0x1_0000_0000, .max, 1 << 63, (1 << 63) - 1, 0x8000_0000])
        case .f32:
            if chance(0.25) { return UInt64(Float.random(in: -1e6...1e6, using: &random).bitPattern) }
            let values: [Float] = [
                0, -0.0, 1, -1, 0.5, 1.5, 2.5, -2.5, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity,
                -.infinity, 2_147_483_648, -2_147_483_904, 4_294_967_296, 9.223_372e18, -1.0e-3, 16_777_216,
            ]
            if chance(0.1) { return UInt64(pick([0x7FC0_0000, 0x7FA0_0001, 0xFFC0_0000] as [UInt32])) }
            return UInt64(pick(values).bitPattern)
        default:
            if chance(0.25) { return Double.random(in: -1e12...1e12, using: &random).bitPattern }
            let values: [Double] = [
                0, -0.0, 1, -1, 0.5, 2.5, -3.5, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity,
                -.infinity, 2_147_483_647.5, -2_147_483_649, 4_294_967_296, 9_223_372_036_854_775_808,
                -9_223_372_036_854_777_856, 18_446_744_073_709_551_616, 1e-300,
            ]
            if chance(0.1) { return pick([0x7FF8_0000_0000_0000, 0x7FF4_0000_0000_0001, 0xFFF8_0000_0000_0000]) }
            return pick(values).bitPattern
        }
    }

    // MARK: The module

    /// The next built.
    mutating func module() -> GeneratedModule {
        built = GeneratedModule()
        let count = int(2...5)
        var signatures: [(parameters: [WasmValueType], results: [WasmValueType])] = []
        for _ in 0..<count {
            let parameters = (0..<int(0...3)).map { _ in numberType() }
            let results = (0..<pick([0, 1, 1, 1, 1, 2])).map { _ in numberType() }
            signatures.append((parameters, results))
        }
        if chance(0.15) { signatures.append(([], [])) }  // the start function, last: it calls nothing
        let functions = signatures.count
        for _ in 0..<int(0...4) { built.globals.append((numberType(), 0)) }
        for index in built.globals.indices { built.globals[index].initial = value(built.globals[index].type) }

        if chance(0.85) {
            let min = UInt32(int(1...2))
            built.memory = (min, min + UInt32(int(0...2)))
            for _ in 0..<int(0...2) {
                let bytes = (0..<int(0...24)).map { _ in UInt8.random(in: 0...255, using: &random) }
                let offset = chance(0.015) ? UInt32(65536 * Int(min) - bytes.count + 1) : UInt32(int(0...4096))
                built.data.append(.active(offset: offset, bytes))
            }
            for _ in 0..<int(1...2) {
                built.data.append(.passive((0..<int(0...40)).map { _ in UInt8.random(in: 0...255, using: &random) }))
            }
        }
        built.firstTableFunction = UInt32(int(1...functions - 1))
        if chance(0.7) {
            let min = UInt32(int(2...8))
            built.table = (min, min + UInt32(int(0...4)))
            let leaves = Array(built.firstTableFunction..<UInt32(functions))
            built.elementOffset = UInt32(int(0...Int(min) - 1))
            let room = Int(min - built.elementOffset)
            let length = chance(0.015) ? room + 1 : int(0...room)
            built.elements = (0..<length).map { _ in pick(leaves) }
            var types: [WasmFunctionType] = []
            for leaf in leaves {
                let type = WasmFunctionType(parameters: signatures[Int(leaf)].0, results: signatures[Int(leaf)].1)
                if !types.contains(type) { types.append(type) }
            }
            let stranger = WasmFunctionType(parameters: [numberType()], results: [numberType()])
            if !types.contains(stranger) { types.append(stranger) }
            built.types = types
        }

        // Callees first, so that a caller knows which of them may loop.
        built.functions = signatures.map {
            GeneratedModule.Function(parameters: $0.0, results: $0.1, locals: [], body: [], values: [])
        }
        heavy = Array(repeating: false, count: functions)
        for index in (0..<functions).reversed() { generateFunction(index) }
        if signatures.count > count { built.start = UInt32(functions - 1) }

        for _ in 0..<int(1...6) {
            let function = UInt32(int(0...functions - 1))
            let arguments = built.functions[Int(function)].parameters.map { value($0) }
            built.calls.append(GeneratedModule.Call(function: function, arguments: arguments))
        }
        return built
    }

    private mutating func generateFunction(_ index: Int) {
        var function = built.functions[index]
        let general = (0..<int(0...3)).map { _ in numberType() }
        // Declared locals: general ones, one sink per number type (for call results), two loop counters and the
        // two NaN-canonicalization scratch locals.
        function.locals = general + Self.numberTypes + [.i32, .i32, .f32, .f64]
        let types = function.parameters + function.locals
        let base = UInt32(function.parameters.count + general.count + 4)
        var context = Context(
            function: index,
            types: types,
            assignable: Array(0..<base),
            counters: [base, base + 1],
            scratch: (base + 2, base + 3),
            results: function.results,
            labels: [function.results.isEmpty],
            budget: int(20...90)
        )
        function.body = statements(int(1...6), depth: 3, &context)
        function.values = function.results.map { expression($0, depth: 3, &context) }
        heavy[index] = context.usedLoop || context.callsHeavy
        built.functions[index] = function
    }

    // MARK: Statements

    private mutating func statements(_ count: Int, depth: Int, _ context: inout Context) -> [GeneratedStatement] {
        var list: [GeneratedStatement] = []
        for _ in 0..<count {
            let statement = self.statement(depth: depth, &context)
            list.append(statement)
            switch statement {
            case .br, .brTable, .ret: return list  // what follows would be dead code
            default: continue
            }
        }
        return list
    }

    /// The depths of the labels a branch may target.
    private func targets(_ context: Context) -> [UInt32] {
        context.labels.indices.reversed().filter { context.labels[$0] }.map { UInt32(context.labels.count - 1 - $0) }
    }

    private mutating func statement(depth: Int, _ context: inout Context) -> GeneratedStatement {
        context.budget -= 1
        let nested = depth > 0 && context.budget > 0
        let memory = built.memory != nil
        let table = built.table != nil
        while true {
            switch int(0...99) {
            case 0..<22:
                let local = pick(context.assignable)
                return .set(local, expression(context.types[Int(local)], depth: depth, &context))
            case 22..<28 where !built.globals.isEmpty:
                let global = int(0...built.globals.count - 1)
                return .setGlobal(UInt32(global), expression(built.globals[global].type, depth: depth, &context))
            case 28..<40 where memory:
                let store = pick(GeneratedStore.all)
                let (address, offset) = self.address(store.size, depth: depth, &context)
                var value = expression(store.type, depth: depth - 1, &context)
                if store.type == .f32 || store.type == .f64 { value = canonical(store.type, value, context) }
                let align = UInt32(int(0...store.size.trailingZeroBitCount))
                return .store(store, address, value, offset: offset, align: align)
            case 40..<44:
                return .drop(expression(numberType(), depth: depth, &context))
            case 44..<50:
                let callees = (context.function + 1..<built.functions.count).filter {
                    context.loops == 0 || !heavy[$0]
                }
                guard let callee = callees.isEmpty ? nil : pick(callees) else { continue }
                let function = built.functions[callee]
                if heavy[callee] { context.callsHeavy = true }
                let arguments = function.parameters.map { expression($0, depth: depth - 1, &context) }
                return .call(UInt32(callee), arguments, into: function.results.map { sink($0, context) })
            case 50..<54 where table && indirectCallsAllowed(context):
                if heavy[Int(built.firstTableFunction)...].contains(true) { context.callsHeavy = true }
                let type = int(0...built.types.count - 1)
                let signature = built.types[type]
                let arguments = signature.parameters.map { expression($0, depth: depth - 1, &context) }
                return .callIndirect(
                    type: UInt32(type),
                    arguments,
                    slot(depth: depth - 1, &context),
                    into: signature.results.map { sink($0, context) }
                )
            case 54..<60 where nested:
                context.labels.append(true)
                defer { context.labels.removeLast() }
                return .block(statements(int(1...4), depth: depth - 1, &context))
            case 60..<68 where nested:
                let condition = expression(.i32, depth: depth - 1, &context)
                context.labels.append(true)
                defer { context.labels.removeLast() }
                let then = statements(int(1...4), depth: depth - 1, &context)
                let otherwise = chance(0.5) ? statements(int(1...3), depth: depth - 1, &context) : nil
                return .ifThen(condition, then, otherwise)
            case 68..<75 where nested && context.loops < context.counters.count:
                let counter = context.counters[context.loops]
                context.loops += 1
                context.usedLoop = true
                context.labels += [true, true]
                defer {
                    context.loops -= 1
                    context.labels.removeLast(2)
                }
                return .loop(
                    counter: counter,
                    iterations: Int32(int(0...5)),
                    statements(int(1...4), depth: depth - 1, &context)
                )
            case 75..<81:
                let targets = targets(context)
                guard !targets.isEmpty else { continue }
                return .brIf(pick(targets), expression(.i32, depth: depth - 1, &context))
            case 81..<83:
                let targets = targets(context)
                guard !targets.isEmpty else { continue }
                return .br(pick(targets))
            case 83..<85:
                let targets = targets(context)
                guard !targets.isEmpty else { continue }
                return .brTable(
                    (0..<int(0...4)).map { _ in pick(targets) },
                    pick(targets),
                    chance(0.7) ? .const(.i32, UInt64(int(0...5))) : expression(.i32, depth: depth - 1, &context)
                )
            case 85..<87:
                return .ret(context.results.map { expression($0, depth: depth - 1, &context) })
            case 87..<89:
                return .trap(chance(0.5) ? .const(.i32, UInt64(int(0...1))) : expression(.i32, depth: 1, &context))
            case 89..<95 where memory:
                return bulkMemory(depth: depth - 1, &context)
            case 95..<100 where table:
                let function =
                    chance(0.3) ? nil : UInt32(int(Int(built.firstTableFunction)...built.functions.count - 1))
                if chance(0.7) { return .tableSet(slot(depth: depth - 1, &context), function) }
                return .tableFill(slot(depth: depth - 1, &context), function, .const(.i32, UInt64(int(0...4))))
            default:
                continue
            }
        }
    }

    /// Whether `call_indirect` may appear here: only before the table's functions (they never call indirectly,
    /// so nothing recurses), and in a loop only when none of them loops.
    private func indirectCallsAllowed(_ context: Context) -> Bool {
        guard context.function < Int(built.firstTableFunction) else { return false }
        return context.loops == 0 || !heavy[Int(built.firstTableFunction)...].contains(true)
    }

    private func sink(_ type: WasmValueType, _ context: Context) -> UInt32 {
        let index = Self.numberTypes.firstIndex(of: type)!
        return context.counters[0] - 4 + UInt32(index)
    }

    private mutating func bulkMemory(depth: Int, _ context: inout Context) -> GeneratedStatement {
        func small(_ generator: inout WasmModuleGenerator, _ limit: Int) -> GeneratedExpression {
            generator.chance(0.04)
                ? .const(.i32, UInt64(UInt32.random(in: .min ... .max, using: &generator.random)))
                : .const(.i32, UInt64(generator.int(0...limit)))
        }
        let passive = built.data.indices.filter {
            if case .passive = built.data[$0] { return true } else { return false }
        }
        switch int(0...9) {
        case 0..<3:
            return .fill(small(&self, 66_000), expression(.i32, depth: depth, &context), small(&self, 300))
        case 3..<6:
            return .copy(small(&self, 66_000), small(&self, 66_000), small(&self, 300))
        case 6..<9:
            let segment = chance(0.8) && !passive.isEmpty ? pick(passive) : int(0...built.data.count - 1)
            return .initData(UInt32(segment), small(&self, 65_600), small(&self, 12), small(&self, 16))
        default:
            return .dropData(UInt32(int(0...built.data.count - 1)))
        }
    }

    // MARK: Expressions

    /// An expression of `type`.
    private mutating func expression(
        _ type: WasmValueType,
        depth: Int,
        _ context: inout Context
    ) -> GeneratedExpression {
        context.budget -= 1
        guard depth > 0 && context.budget > 0 else { return leaf(type, context) }
        while true {
            switch int(0...99) {
            case 0..<22:
                return leaf(type, context)
            case 22..<52:
                let candidates = GeneratedOperator.all.filter { $0.result == type }
                let op = pick(candidates)
                var operands = op.operands.map { expression($0, depth: depth - 1, &context) }
                if op.observesNaNBits {
                    let index = op.operands.count - 1  // reinterpret's only operand; copysign's sign
                    operands[index] = canonical(op.operands[index], operands[index], context)
                }
                return .op(op, operands)
            case 52..<57:
                return .select(
                    expression(type, depth: depth - 1, &context),
                    expression(type, depth: depth - 1, &context),
                    expression(.i32, depth: depth - 1, &context),
                    typed: chance(0.3) ? type : nil
                )
            case 57..<67 where built.memory != nil:
                let load = pick(GeneratedLoad.all.filter { $0.type == type })
                let (address, offset) = self.address(load.size, depth: depth, &context)
                return .load(load, address, offset: offset, align: UInt32(int(0...load.size.trailingZeroBitCount)))
            case 67..<71:
                let locals = context.assignable.filter { context.types[Int($0)] == type }
                guard !locals.isEmpty else { continue }
                return .tee(pick(locals), expression(type, depth: depth - 1, &context))
            case 71..<77:
                let callees = (context.function + 1..<built.functions.count).filter {
                    built.functions[$0].results == [type] && (context.loops == 0 || !heavy[$0])
                }
                guard !callees.isEmpty else { continue }
                let callee = pick(callees)
                if heavy[callee] { context.callsHeavy = true }
                let arguments = built.functions[callee].parameters.map { expression($0, depth: depth - 1, &context) }
                return .call(UInt32(callee), arguments)
            case 77..<81 where built.table != nil && indirectCallsAllowed(context):
                let types = built.types.indices.filter { built.types[$0].results == [type] }
                guard !types.isEmpty else { continue }
                if heavy[Int(built.firstTableFunction)...].contains(true) { context.callsHeavy = true }
                let index = pick(types)
                let arguments = built.types[index].parameters.map { expression($0, depth: depth - 1, &context) }
                return .callIndirect(type: UInt32(index), arguments, slot(depth: depth - 1, &context))
            case 81..<86:
                let condition = expression(.i32, depth: depth - 1, &context)
                context.labels.append(false)
                defer { context.labels.removeLast() }
                return .ifElse(
                    type,
                    condition,
                    body(type, depth: depth - 1, &context),
                    body(type, depth: depth - 1, &context)
                )
            case 86..<91:
                context.labels.append(false)
                defer { context.labels.removeLast() }
                let early = expression(type, depth: depth - 1, &context)
                let condition = expression(.i32, depth: depth - 1, &context)
                return .earlyExit(type, early, condition, body(type, depth: depth - 1, &context))
            case 91..<95 where type == .i32 && built.memory != nil:
                return chance(0.5) ? .memorySize : .memoryGrow(.const(.i32, UInt64(pick([0, 1, 1, 2, 0x1_0000]))))
            case 95..<100 where type == .i32 && built.table != nil:
                switch int(0...2) {
                case 0: return .tableSize
                case 1: return .tableGrow(.const(.i32, UInt64(pick([0, 1, 3, 100]))))
                default: return .isNull(slot(depth: depth - 1, &context))
                }
            default:
                continue
            }
        }
    }

    private mutating func body(_ type: WasmValueType, depth: Int, _ context: inout Context) -> GeneratedBody {
        let statements = chance(0.5) ? self.statements(int(1...3), depth: depth, &context) : []
        return GeneratedBody(statements: statements, value: expression(type, depth: depth, &context))
    }

    private mutating func leaf(_ type: WasmValueType, _ context: Context) -> GeneratedExpression {
        let locals = context.types.indices.filter {
            context.types[$0] == type && !context.counters.contains(UInt32($0))
        }
        let globals = built.globals.indices.filter { built.globals[$0].type == type }
        switch int(0...9) {
        case 0..<4 where !locals.isEmpty: return .local(UInt32(pick(locals)))
        case 4..<5 where !globals.isEmpty: return .global(UInt32(pick(globals)))
        default: return .const(type, value(type))
        }
    }

    /// The value, canonicalized if it is a NaN, so that its payload and sign cannot show.
    private func canonical(
        _ type: WasmValueType,
        _ value: GeneratedExpression,
        _ context: Context
    ) -> GeneratedExpression {
        .canonical(type, scratch: type == .f32 ? context.scratch.f32 : context.scratch.f64, value)
    }

    /// A table slot: mostly in range, sometimes not.
    private mutating func slot(depth: Int, _ context: inout Context) -> GeneratedExpression {
        let size = Int(built.table?.min ?? 1)
        if chance(0.8) { return .const(.i32, UInt64(chance(0.9) ? int(0...size - 1) : int(size...size + 1))) }
        return expression(.i32, depth: depth, &context)
    }

    /// An address and a static offset for an access of `size` bytes: mostly in bounds, near the end of memory
    /// now and then, and sometimes anything at all.
    private mutating func address(
        _ size: Int,
        depth: Int,
        _ context: inout Context
    ) -> (GeneratedExpression, UInt32) {
        let offset: UInt32 =
            switch int(0...49) {
            case 0..<46: UInt32(int(0...32))
            case 46..<49: UInt32(int(0...65_536))
            default: UInt32.random(in: .min ... .max, using: &random)
            }
        let address: GeneratedExpression
        switch int(0...19) {
        case 0..<9:
            let end = 65536 * Int(built.memory!.min) - size
            address = .const(.i32, UInt64(chance(0.1) ? end - int(0...40) + int(0...8) : int(0...4096)))
        case 9..<18:
            let masked = GeneratedExpression.op(
                GeneratedOperator(code: 0x71, operands: [.i32, .i32], result: .i32),
                [
                    expression(.i32, depth: depth - 1, &context),
                    .const(.i32, UInt64(pick([0xFF, 0xFFF, 0xFFF8, 0xFFFF]))),
                ]
            )
            address = .op(
                GeneratedOperator(code: 0x6A, operands: [.i32, .i32], result: .i32),
                [masked, .const(.i32, UInt64(int(0...64)))]
            )
        default:
            address = expression(.i32, depth: depth - 1, &context)
        }
        return (address, offset)
    }
}
