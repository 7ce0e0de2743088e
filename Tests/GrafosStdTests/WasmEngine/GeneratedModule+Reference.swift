#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

extension GeneratedModule {
    /// How a call (or the instantiation) ended.
    enum Outcome: Equatable, CustomStringConvertible {
        /// The results as slots (i32 and f32 zero-extended).
        case returned([UInt64])
        case trapped(Trap.Reason)
        /// Out of fuel (the engine only).
        case exhausted

        var description: String {
            switch self {
            case .returned(let values): "returned \(values.map { "0x" + String($0, radix: 16) })"
            case .trapped(let reason): "trapped: \(reason)"
            case .exhausted: "ran out of fuel"
            }
        }
    }

    /// A straightforward tree-walking evaluator of a generated program, written from the WebAssembly spec
    /// without the engine's code: the fuzz test's oracle for results, traps, memory, globals and fuel.
    ///
    /// Fuel is counted as `Docs/Fuel.md` defines it — one unit per executed instruction (not `end`/`else`) plus
    /// ⌈n/64⌉ for bulk operations of n bytes or elements — so a call that returns must consume exactly
    /// ``instructions`` units in the engine.
    struct Reference {
        /// A trap raised by the program.
        struct Raised: Error {
            var reason: Trap.Reason
        }

        /// The program ran longer than ``instructionLimit`` (a generator that made too much work).
        struct TooLong: Error {}

        /// The most instructions one call may execute before the evaluator gives up on the module.
        static let instructionLimit = 1_000_000

        /// A branch or return leaving an expression.
        struct Escape: Error {
            var flow: Flow
        }

        /// Where control goes after a statement.
        enum Flow {
            case next
            case branch(Int)
            case ret([UInt64])
        }

        let module: GeneratedModule
        var memory: [UInt8] = []
        var maxPages = 0
        var globals: [UInt64] = []
        var table: [UInt32?] = []
        var segments: [[UInt8]] = []
        /// Instructions executed (fuel) since the last ``call(_:_:)`` began.
        var instructions = 0
        /// Calls in progress, to catch a generator bug that would recurse.
        private var depth = 0

        init(_ module: GeneratedModule) {
            self.module = module
        }

        /// Instantiates: globals, table and element segment, memory and data segments, then the start function.
        /// - Returns: the outcome, or nil when the start function ran too long.
        mutating func instantiate() -> Outcome? {
            globals = module.globals.map(\.initial)
            if let table = module.table {
                self.table = Array(repeating: nil, count: Int(table.min))
                guard Int(module.elementOffset) + module.elements.count <= self.table.count else {
                    return .trapped(.outOfBoundsTableAccess)
                }
                for (index, function) in module.elements.enumerated() {
                    self.table[Int(module.elementOffset) + index] = function
                }
            }
            if let memory = module.memory {
                self.memory = Array(repeating: 0, count: Int(memory.min) * 65536)
                maxPages = Int(memory.max)
            }
            for segment in module.data {
                switch segment {
                case .active(let offset, let bytes):
                    guard Int(offset) + bytes.count <= memory.count else { return .trapped(.outOfBoundsMemoryAccess) }
                    memory.replaceSubrange(Int(offset)..<Int(offset) + bytes.count, with: bytes)
                    segments.append([])  // active segments are dropped once applied
                case .passive(let bytes):
                    segments.append(bytes)
                }
            }
            if let start = module.start { return call(start, []) }
            return .returned([])
        }

        /// Calls function `index` with `arguments`.
        /// - Returns: the outcome, or nil when the call ran longer than ``instructionLimit``.
        mutating func call(_ index: UInt32, _ arguments: [UInt64]) -> Outcome? {
            instructions = 0
            do {
                return .returned(try invoke(index, arguments))
            } catch let raised as Raised {
                return .trapped(raised.reason)
            } catch is TooLong {
                return nil
            } catch {
                preconditionFailure("a branch escaped function \(index): \(error)")
            }
        }

        // MARK: Calls and statements

        mutating func invoke(_ index: UInt32, _ arguments: [UInt64]) throws -> [UInt64] {
            depth += 1
            defer { depth -= 1 }
            precondition(depth < 100, "the generated program recurses")
            guard instructions < Self.instructionLimit else { throw TooLong() }
            let function = module.functions[Int(index)]
            var locals = arguments + function.locals.map { _ in UInt64(0) }
            do {
                // A branch to the function's own label (only when it has no results) is a return.
                if case .ret(let values) = try run(function.body, &locals) { return values }
                var values: [UInt64] = []
                for value in function.values { values.append(try evaluate(value, &locals)) }
                return values
            } catch let escape as Escape {
                guard case .ret(let values) = escape.flow else { preconditionFailure("a branch left a result") }
                return values
            }
        }

        mutating func run(_ statements: [GeneratedStatement], _ locals: inout [UInt64]) throws -> Flow {
            for statement in statements {
                let flow: Flow
                do {
                    flow = try execute(statement, &locals)
                } catch let escape as Escape {
                    flow = escape.flow
                }
                if case .next = flow { continue }
                return flow
            }
            return .next
        }

        /// The flow out of a construct with one label: a branch to it ends it; deeper ones go on outward.
        static func leaving(_ flow: Flow) -> Flow {
            if case .branch(let depth) = flow { return depth == 0 ? .next : .branch(depth - 1) }
            return flow
        }

        mutating func execute(_ statement: GeneratedStatement, _ locals: inout [UInt64]) throws -> Flow {
            switch statement {
            case .set(let index, let value):
                locals[Int(index)] = try evaluate(value, &locals)
                instructions += 1
            case .setGlobal(let index, let value):
                globals[Int(index)] = try evaluate(value, &locals)
                instructions += 1
            case .store(let store, let address, let value, let offset, _):
                let base = try evaluate(address, &locals)
                let bits = try evaluate(value, &locals)
                instructions += 1
                let start = try checkedRange(base, offset: offset, size: store.size)
                for byte in 0..<store.size { memory[start + byte] = UInt8(truncatingIfNeeded: bits >> (8 * byte)) }
            case .drop(let value):
                _ = try evaluate(value, &locals)
                instructions += 1
            case .call(let function, let arguments, let into):
                let results = try callDirect(function, arguments, &locals)
                for (local, value) in zip(into, results).reversed() { locals[Int(local)] = value }
                instructions += into.count
            case .callIndirect(let type, let arguments, let slot, let into):
                let results = try callIndirect(type, arguments, slot, &locals)
                for (local, value) in zip(into, results).reversed() { locals[Int(local)] = value }
                instructions += into.count
            case .block(let body):
                instructions += 1
                return Self.leaving(try run(body, &locals))
            case .ifThen(let condition, let then, let otherwise):
                let taken = try evaluate(condition, &locals) != 0
                instructions += 1
                if taken { return Self.leaving(try run(then, &locals)) }
                if let otherwise { return Self.leaving(try run(otherwise, &locals)) }
            case .loop(let counter, let iterations, let body):
                locals[Int(counter)] = UInt64(UInt32(bitPattern: iterations))
                instructions += 4  // i32.const, local.set, block, loop
                while true {
                    instructions += 3  // local.get, i32.eqz, br_if 1
                    if locals[Int(counter)] == 0 { break }
                    guard instructions < Self.instructionLimit else { throw TooLong() }
                    locals[Int(counter)] = UInt64(UInt32(truncatingIfNeeded: locals[Int(counter)]) &- 1)
                    instructions += 4  // local.get, i32.const, i32.sub, local.set
                    switch try run(body, &locals) {
                    case .next: instructions += 1  // br 0
                    case .branch(0): continue
                    case .branch(1): return .next
                    case .branch(let depth): return .branch(depth - 2)
                    case .ret(let values): return .ret(values)
                    }
                }
            case .brIf(let depth, let condition):
                let taken = try evaluate(condition, &locals) != 0
                instructions += 1
                if taken { return .branch(Int(depth)) }
            case .br(let depth):
                instructions += 1
                return .branch(Int(depth))
            case .brTable(let depths, let fallback, let index):
                let value = Int(try evaluate(index, &locals))
                instructions += 1
                return .branch(Int(value < depths.count ? depths[value] : fallback))
            case .ret(let values):
                var results: [UInt64] = []
                for value in values { results.append(try evaluate(value, &locals)) }
                instructions += 1
                return .ret(results)
            case .trap(let condition):
                let taken = try evaluate(condition, &locals) != 0
                instructions += 1
                if taken {
                    instructions += 1
                    throw Raised(reason: .unreachable)
                }
            case .fill(let destination, let value, let count):
                let to = try evaluate(destination, &locals)
                let byte = UInt8(truncatingIfNeeded: try evaluate(value, &locals))
                let n = try evaluate(count, &locals)
                instructions += 1
                guard to + n <= UInt64(memory.count) else { throw Raised(reason: .outOfBoundsMemoryAccess) }
                bulk(n)
                for index in 0..<Int(n) { memory[Int(to) + index] = byte }
            case .copy(let destination, let source, let count):
                let to = try evaluate(destination, &locals)
                let from = try evaluate(source, &locals)
                let n = try evaluate(count, &locals)
                instructions += 1
                guard to + n <= UInt64(memory.count), from + n <= UInt64(memory.count) else {
                    throw Raised(reason: .outOfBoundsMemoryAccess)
                }
                bulk(n)
                let bytes = Array(memory[Int(from)..<Int(from + n)])
                memory.replaceSubrange(Int(to)..<Int(to + n), with: bytes)
            case .initData(let segment, let destination, let source, let count):
                let to = try evaluate(destination, &locals)
                let from = try evaluate(source, &locals)
                let n = try evaluate(count, &locals)
                instructions += 1
                let data = segments[Int(segment)]
                guard to + n <= UInt64(memory.count), from + n <= UInt64(data.count) else {
                    throw Raised(reason: .outOfBoundsMemoryAccess)
                }
                bulk(n)
                memory.replaceSubrange(Int(to)..<Int(to + n), with: data[Int(from)..<Int(from + n)])
            case .dropData(let segment):
                instructions += 1
                segments[Int(segment)] = []
            case .tableSet(let slot, let function):
                let index = try evaluate(slot, &locals)
                instructions += 2
                guard index < UInt64(table.count) else { throw Raised(reason: .outOfBoundsTableAccess) }
                table[Int(index)] = function
            case .tableFill(let slot, let function, let count):
                let index = try evaluate(slot, &locals)
                instructions += 1
                let n = try evaluate(count, &locals)
                instructions += 1
                guard index + n <= UInt64(table.count) else { throw Raised(reason: .outOfBoundsTableAccess) }
                bulk(n)
                for offset in 0..<Int(n) { table[Int(index) + offset] = function }
            }
            return .next
        }

        /// The ⌈n/64⌉ surcharge of a bulk operation that passed its bounds checks.
        mutating func bulk(_ count: UInt64) {
            instructions += Int((count + 63) / 64)
        }

        /// The host offset of an access, or the out-of-bounds trap (33-bit arithmetic, as the spec's).
        func checkedRange(_ base: UInt64, offset: UInt32, size: Int) throws -> Int {
            let start = base + UInt64(offset)
            guard start + UInt64(size) <= UInt64(memory.count) else { throw Raised(reason: .outOfBoundsMemoryAccess) }
            return Int(start)
        }

        mutating func callDirect(
            _ function: UInt32,
            _ arguments: [GeneratedExpression],
            _ locals: inout [UInt64]
        ) throws -> [UInt64] {
            var values: [UInt64] = []
            for argument in arguments { values.append(try evaluate(argument, &locals)) }
            instructions += 1
            return try invoke(function, values)
        }

        mutating func callIndirect(
            _ type: UInt32,
            _ arguments: [GeneratedExpression],
            _ slot: GeneratedExpression,
            _ locals: inout [UInt64]
        ) throws -> [UInt64] {
            var values: [UInt64] = []
            for argument in arguments { values.append(try evaluate(argument, &locals)) }
            let index = try evaluate(slot, &locals)
            instructions += 1
            guard index < UInt64(table.count) else { throw Raised(reason: .undefinedElement) }
            guard let function = table[Int(index)] else { throw Raised(reason: .uninitializedElement) }
            guard module.functions[Int(function)].type == module.types[Int(type)] else {
                throw Raised(reason: .indirectCallTypeMismatch)
            }
            return try invoke(function, values)
        }

        // MARK: Expressions

        mutating func evaluate(_ expression: GeneratedExpression, _ locals: inout [UInt64]) throws -> UInt64 {
            switch expression {
            case .const(_, let bits):
                instructions += 1
                return bits
            case .local(let index):
                instructions += 1
                return locals[Int(index)]
            case .tee(let index, let value):
                let bits = try evaluate(value, &locals)
                instructions += 1
                locals[Int(index)] = bits
                return bits
            case .global(let index):
                instructions += 1
                return globals[Int(index)]
            case .op(let op, let operands):
                var values: [UInt64] = []
                for operand in operands { values.append(try evaluate(operand, &locals)) }
                instructions += 1
                return try Self.apply(op.code, values)
            case .canonical(let type, let scratch, let value):
                let bits = try evaluate(value, &locals)
                instructions += 6
                locals[Int(scratch)] = bits
                if type == .f32 {
                    return Float(bitPattern: UInt32(truncatingIfNeeded: bits)).isNaN ? 0x7FC0_0000 : bits
                }
                return Double(bitPattern: bits).isNaN ? 0x7FF8_0000_0000_0000 : bits
            case .select(let first, let second, let condition, _):
                let a = try evaluate(first, &locals)
                let b = try evaluate(second, &locals)
                let c = try evaluate(condition, &locals)
                instructions += 1
                return c != 0 ? a : b
            case .load(let load, let address, let offset, _):
                let base = try evaluate(address, &locals)
                instructions += 1
                let start = try checkedRange(base, offset: offset, size: load.size)
                var bits: UInt64 = 0
                for byte in (0..<load.size).reversed() { bits = bits << 8 | UInt64(memory[start + byte]) }
                if load.signed {
                    let shift = UInt64(64 - 8 * load.size)
                    bits = UInt64(bitPattern: Int64(bitPattern: bits << shift) >> shift)
                }
                return load.type == .i32 ? bits & 0xFFFF_FFFF : bits
            case .call(let function, let arguments):
                return try callDirect(function, arguments, &locals)[0]
            case .callIndirect(let type, let arguments, let slot):
                return try callIndirect(type, arguments, slot, &locals)[0]
            case .ifElse(_, let condition, let then, let otherwise):
                let taken = try evaluate(condition, &locals) != 0
                instructions += 1
                return try body(taken ? then : otherwise, &locals)
            case .earlyExit(_, let early, let condition, let late):
                instructions += 1  // block
                let value: UInt64
                let taken: Bool
                do {
                    value = try evaluate(early, &locals)
                    taken = try evaluate(condition, &locals) != 0
                } catch let escape as Escape {
                    // Inside the block: a branch out of its operands passes its label too.
                    guard case .branch(let depth) = escape.flow else { throw escape }
                    throw Escape(flow: .branch(depth - 1))
                }
                instructions += 1  // br_if
                if taken { return value }
                instructions += 1  // drop
                return try body(late, &locals)
            case .memorySize:
                instructions += 1
                return UInt64(memory.count / 65536)
            case .memoryGrow(let delta):
                let pages = try evaluate(delta, &locals)
                instructions += 1
                let old = memory.count / 65536
                guard UInt64(old) + pages <= UInt64(maxPages) else { return 0xFFFF_FFFF }
                memory += Array(repeating: 0, count: Int(pages) * 65536)
                return UInt64(old)
            case .tableSize:
                instructions += 1
                return UInt64(table.count)
            case .tableGrow(let delta):
                instructions += 1  // ref.null
                let n = try evaluate(delta, &locals)
                instructions += 1
                let old = table.count
                guard UInt64(old) + n <= UInt64(module.table!.max) else { return 0xFFFF_FFFF }
                bulk(n)
                table += Array(repeating: nil, count: Int(n))
                return UInt64(old)
            case .isNull(let slot):
                let index = try evaluate(slot, &locals)
                instructions += 1
                guard index < UInt64(table.count) else { throw Raised(reason: .outOfBoundsTableAccess) }
                instructions += 1
                return table[Int(index)] == nil ? 1 : 0
            }
        }

        /// Runs the statements of an arm with a result, then its value. A branch out of either leaves the
        /// expression, passing the arm's own label (which carries a value, so it is never a branch target).
        mutating func body(_ body: GeneratedBody, _ locals: inout [UInt64]) throws -> UInt64 {
            do {
                let flow = try run(body.statements, &locals)
                if case .next = flow { return try evaluate(body.value, &locals) }
                throw Escape(flow: flow)
            } catch let escape as Escape {
                guard case .branch(let depth) = escape.flow else { throw escape }
                precondition(depth > 0, "a branch to a label with a result")
                throw Escape(flow: .branch(depth - 1))
            }
        }
    }
}
