import Foundation
import Testing

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// Generated modules go through decode → validate → translate → instantiate → execute and must do exactly what
/// an independent reference evaluator of the same program does: the same results (any NaN equal to any NaN), the
/// same traps, the same memory, globals and table afterwards, and — for a call that returns — exactly the fuel
/// `Docs/Fuel.md` defines. Each module runs twice (the runs must be identical) and one call is replayed with
/// exactly the fuel it used (same outcome) and one unit less (out of fuel). Byte-mutated copies of the modules
/// must compile or fail with a typed error, and those that compile must run identically twice.
///
/// Seeded: `GRAFOS_FUZZ_SEED` and `GRAFOS_FUZZ_MODULES` explore further (module i uses seed + i, so a failure
/// reproduces alone with `GRAFOS_FUZZ_SEED=<its seed> GRAFOS_FUZZ_MODULES=1`).
@Suite struct GeneratedModuleFuzzTests {
    static let seed: UInt64 = ProcessInfo.processInfo.environment["GRAFOS_FUZZ_SEED"].flatMap { UInt64($0) } ?? 2026
    static let count = ProcessInfo.processInfo.environment["GRAFOS_FUZZ_MODULES"].flatMap { Int($0) } ?? 150
    static let fuel: UInt64 = 4_000_000
    static let mutantFuel: UInt64 = 20_000
    static let mutantsPerModule = 3

    typealias Outcome = GeneratedModule.Outcome

    /// One call and what came of it.
    struct Step: Equatable {
        var outcome: Outcome
        var fuel: UInt64
    }

    /// What the engine did with a module: instantiation, each call, and the exported state afterwards.
    struct EngineRun: Equatable {
        var instantiation: Outcome = .returned([])
        var steps: [Step] = []
        var memory: [UInt8] = []
        var globals: [String: UInt64] = [:]
        var tables: [String: [Bool]] = [:]
    }

    /// A call by export name (with zeros of the parameters' types when `arguments` is nil).
    struct Invocation {
        var name: String
        var arguments: [WasmValue]?
    }

    /// The engine's outcome of anything that can trap or stop; other errors are test failures.
    static func outcome(_ body: () throws -> [WasmValue], _ context: @autoclosure () -> String) -> Outcome {
        do {
            return .returned(try body().map(Self.slot))
        } catch let trap as Trap {
            return .trapped(trap.reason)
        } catch let stop as WasmStopError {
            #expect(stop.reason == .fuelExhausted, "\(context()): \(stop)")
            return .exhausted
        } catch {
            Issue.record("\(context()): an untyped error: \(error)")
            return .exhausted
        }
    }

    static func slot(_ value: WasmValue) -> UInt64 {
        switch value {
        case .i32(let bits), .f32(let bits): UInt64(bits)
        case .i64(let bits), .f64(let bits): bits
        case .funcRef(let reference): reference == nil ? 0 : 1
        case .externRef(let payload): payload.map { $0 + 1 } ?? 0
        }
    }

    static func value(_ bits: UInt64, _ type: WasmValueType) -> WasmValue {
        switch type {
        case .i32: .i32(UInt32(truncatingIfNeeded: bits))
        case .i64: .i64(bits)
        case .f32: .f32(UInt32(truncatingIfNeeded: bits))
        default: .f64(bits)
        }
    }

    /// Instantiates `compiled` in a fresh store and runs the calls, each with ``fuel`` (the last with `lastFuel`
    /// when given), then reads back every exported memory, global and table.
    static func execute(
        _ compiled: CompiledWasmModule,
        _ calls: [Invocation],
        fuel: UInt64,
        lastFuel: UInt64? = nil,
        context: String
    ) -> EngineRun? {
        let store = WasmStore(limits: WasmResourceLimits(fuel: fuel, maxCallDepth: 1_000))
        var run = EngineRun()
        let instance: WasmInstance
        do {
            instance = try store.instantiate(compiled)
        } catch let trap as Trap {
            run.instantiation = .trapped(trap.reason)
            return run
        } catch is WasmStopError {
            return nil  // the start function ran out of fuel
        } catch is WasmLinkError {
            return nil  // a mutant that imports something
        } catch {
            Issue.record("\(context): instantiation threw an untyped error: \(error)")
            return nil
        }
        for (index, call) in calls.enumerated() {
            let budget = index == calls.count - 1 ? lastFuel ?? fuel : fuel
            store.setFuel(budget)
            guard let function = instance.function(named: call.name) else {
                Issue.record("\(context): no export \(call.name)")
                return nil
            }
            let arguments = call.arguments ?? function.type.parameters.map { WasmValue.zero($0) }
            let outcome = Self.outcome({ try function(arguments) }, "\(context), call \(index)")
            #expect(store.fuelConsumed <= budget, "\(context), call \(index): consumed more fuel than it had")
            run.steps.append(Step(outcome: outcome, fuel: store.fuelConsumed))
        }
        for export in compiled.module.exports {
            switch instance.export(named: export.name) {
            case .memory(let memory): run.memory = (try? memory.read(at: 0, count: memory.byteCount)) ?? []
            case .global(let global): run.globals[export.name] = slot(global.value)
            case .table(let table):
                run.tables[export.name] = (0..<table.count).map {
                    (try? table.element(at: $0)).map { slot($0) == 0 } ?? false
                }
            default: break
            }
        }
        return run
    }

    /// Whether two slots of `type` are the same value (any NaN equals any NaN).
    static func same(_ a: UInt64, _ b: UInt64, _ type: WasmValueType) -> Bool {
        switch type {
        case .f32:
            Float(bitPattern: UInt32(truncatingIfNeeded: a)).isNaN
                ? Float(bitPattern: UInt32(truncatingIfNeeded: b)).isNaN : a == b
        case .f64: Double(bitPattern: a).isNaN ? Double(bitPattern: b).isNaN : a == b
        default: a == b
        }
    }

    static func same(_ a: Outcome, _ b: Outcome, _ types: [WasmValueType]) -> Bool {
        guard case .returned(let x) = a, case .returned(let y) = b else { return a == b }
        return x.count == types.count && y.count == types.count
            && zip(zip(x, y), types).allSatisfy { same($0.0, $0.1, $1) }
    }

    /// Saves a failing module where a developer can disassemble it.
    static func save(_ bytes: [UInt8], seed: UInt64) -> String {
        let path = NSTemporaryDirectory() + "grafos-fuzz-\(seed).wasm"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    @Test func generatedModulesMatchTheReferenceEvaluator() throws {
        var tally: [String: Int] = [:]
        var mutants = (compiled: 0, ran: 0)
        for index in 0..<Self.count {
            let seed = Self.seed &+ UInt64(index)
            var generator = WasmModuleGenerator(seed: seed)
            let module = generator.module()
            let bytes = module.bytes
            let compiled: CompiledWasmModule
            do {
                compiled = try CompiledWasmModule.compile(bytes)
            } catch {
                Issue.record("seed \(seed): a generated module was refused: \(error) (\(Self.save(bytes, seed: seed)))")
                continue
            }
            let context = "seed \(seed)"
            if !check(module, compiled, seed: seed, context: context, tally: &tally) {
                let script = module.calls.map { call in
                    "f\(call.function)(\(call.arguments.map { "0x" + String($0, radix: 16) }.joined(separator: ",")))"
                }
                Issue.record("seed \(seed): the module is \(Self.save(bytes, seed: seed)); calls \(script)")
            }
            var random = SeededRandomNumberGenerator(seed: ~seed)
            for mutantIndex in 0..<Self.mutantsPerModule {
                let mutant = Self.mutate(bytes, &random)
                let result = Self.runMutant(mutant, context: "seed \(seed), mutant \(mutantIndex)")
                mutants.compiled += result.compiled ? 1 : 0
                mutants.ran += result.ran ? 1 : 0
            }
        }
        print(
            "generated-module fuzz (seed \(Self.seed), \(Self.count) modules): "
                + tally.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                + "; \(Self.count * Self.mutantsPerModule) mutants, \(mutants.compiled) compiled, \(mutants.ran) ran"
        )
        #expect(tally["returned", default: 0] > Self.count, "most calls should return")
        #expect(tally.keys.contains { $0.hasPrefix("trap") }, "some calls should trap")
    }

    /// Runs one generated module against the reference evaluator; false when anything differed.
    func check(
        _ module: GeneratedModule,
        _ compiled: CompiledWasmModule,
        seed: UInt64,
        context: String,
        tally: inout [String: Int]
    ) -> Bool {
        var reference = GeneratedModule.Reference(module)
        guard let instantiation = reference.instantiate() else {
            tally["skipped (too long)", default: 0] += 1
            return true
        }
        let invocations = module.calls.map { call in
            let function = module.functions[Int(call.function)]
            return Invocation(
                name: "f\(call.function)",
                arguments: zip(call.arguments, function.parameters).map { Self.value($0, $1) }
            )
        }
        guard let run = Self.execute(compiled, invocations, fuel: Self.fuel, context: context) else {
            Issue.record("\(context): instantiation failed: expected \(instantiation)")
            return false
        }
        var ok = true
        func fail(_ message: String) {
            Issue.record("\(context): \(message)")
            ok = false
        }
        guard run.instantiation == instantiation else {
            fail("instantiation \(run.instantiation), expected \(instantiation)")
            return false
        }
        guard case .returned = instantiation else {
            tally["instantiation traps", default: 0] += 1
            return true
        }
        for (index, call) in module.calls.enumerated() {
            let function = module.functions[Int(call.function)]
            guard let expected = reference.call(call.function, call.arguments) else {
                tally["skipped (too long)", default: 0] += 1
                return ok  // the state after a call the evaluator gave up on is unknown
            }
            let step = run.steps[index]
            if !Self.same(step.outcome, expected, function.results) {
                fail("call \(index) (f\(call.function)): \(step.outcome), expected \(expected)")
                return false
            }
            switch expected {
            case .returned:
                tally["returned", default: 0] += 1
                if step.fuel != UInt64(reference.instructions) {
                    fail(
                        "call \(index) (f\(call.function)) consumed \(step.fuel) fuel for "
                            + "\(reference.instructions) instructions"
                    )
                }
            case .trapped(let reason):
                tally["trap: \(reason)", default: 0] += 1
                if step.fuel < UInt64(reference.instructions) {
                    fail(
                        "call \(index) trapped having consumed \(step.fuel) fuel for "
                            + "\(reference.instructions) instructions"
                    )
                }
            case .exhausted:
                break
            }
        }
        if run.memory != reference.memory { fail("memory differs after the calls") }
        for (index, global) in module.globals.enumerated()
        where !Self.same(run.globals["g\(index)"] ?? 0, reference.globals[index], global.type) {
            fail("global \(index) is \(run.globals["g\(index)"] ?? 0), expected \(reference.globals[index])")
        }
        if module.table != nil && run.tables["table"] != reference.table.map({ $0 == nil }) {
            fail("the table's null slots differ after the calls")
        }

        // The same again: a second run must be identical, bit for bit and fuel for fuel.
        if Self.execute(compiled, invocations, fuel: Self.fuel, context: context) != run {
            fail("a second run differed")
        }
        // One call replayed with exactly its fuel, then with one unit less.
        var random = SeededRandomNumberGenerator(seed: seed)
        if let last = run.steps.indices.filter({ run.steps[$0].outcome != .exhausted && run.steps[$0].fuel > 0 })
            .randomElement(using: &random)
        {
            let prefix = Array(invocations[...last])
            let exact = Self.execute(
                compiled,
                prefix,
                fuel: Self.fuel,
                lastFuel: run.steps[last].fuel,
                context: context
            )
            if exact?.steps.last != run.steps[last] {
                fail(
                    "call \(last) with exactly the \(run.steps[last].fuel) fuel it used: "
                        + String(describing: exact?.steps.last)
                )
            }
            let short = Self.execute(
                compiled,
                prefix,
                fuel: Self.fuel,
                lastFuel: run.steps[last].fuel - 1,
                context: context
            )
            if short?.steps.last?.outcome != .exhausted {
                fail("call \(last) with one unit of fuel too few: \(String(describing: short?.steps.last))")
            }
        }
        return ok
    }

    // MARK: Mutants

    /// The byte range of the code section, where most mutations go.
    static func codeSection(_ bytes: [UInt8]) -> Range<Int>? {
        var offset = 8
        while offset < bytes.count {
            let id = bytes[offset]
            var size = 0
            var shift = 0
            var position = offset + 1
            while position < bytes.count {
                size |= Int(bytes[position] & 0x7F) << shift
                shift += 7
                position += 1
                if bytes[position - 1] < 0x80 { break }
            }
            if id == 10 { return position..<min(bytes.count, position + size) }
            offset = position + size
        }
        return nil
    }

    static func mutate(_ bytes: [UInt8], _ random: inout SeededRandomNumberGenerator) -> [UInt8] {
        var bytes = bytes
        let code = codeSection(bytes) ?? 8..<bytes.count
        let interesting: [UInt8] = [0x00, 0x01, 0x0B, 0x0C, 0x0D, 0x1A, 0x20, 0x21, 0x41, 0x6A, 0x7F, 0x80, 0xFC, 0xFF]
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let range = Int.random(in: 0..<10, using: &random) < 8 && !code.isEmpty ? code : 8..<bytes.count
            guard !range.isEmpty else { break }
            let position = Int.random(in: range, using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4: bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
            case 4..<7: bytes[position] = interesting.randomElement(using: &random)!
            case 7..<9: bytes[position] = UInt8.random(in: 0...255, using: &random)
            default: bytes.remove(at: position)
            }
        }
        return bytes
    }

    /// Compiles a mutant and, when it compiles, runs every exported function (zero arguments) twice.
    static func runMutant(_ bytes: [UInt8], context: String) -> (compiled: Bool, ran: Bool) {
        let compiled: CompiledWasmModule
        do {
            compiled = try CompiledWasmModule.compile(bytes)
        } catch {
            // A typed error by construction (`throws(WasmCompileError)`); its offset must be inside the module.
            if case .malformed(let decoding) = error {
                #expect((0...bytes.count).contains(decoding.offset), "\(context): \(error)")
            }
            return (false, false)
        }
        let calls = compiled.module.exports.filter { $0.kind == .function }.map(\.name).sorted().map {
            Invocation(name: $0, arguments: nil)
        }
        let first = execute(compiled, calls, fuel: mutantFuel, context: context)
        let second = execute(compiled, calls, fuel: mutantFuel, context: context)
        if first != second {
            Issue.record("\(context): two runs of the same module differed (\(save(bytes, seed: 0)))")
        }
        return (true, first != nil)
    }
}
