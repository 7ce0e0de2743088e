import Foundation
import Testing

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// The fuzzing regression corpus (`Fixtures/fuzz-corpus/`): modules that `wasm-tools smith`, the generator of
/// ``GeneratedModuleFuzzTests`` or the byte mutators made, kept because they reach a path worth pinning — every
/// trap kind, NaN results, reference results, branches out of blocks that carry values, several results popped
/// into one local, modules the validator must refuse. `expected.tsv` records what wasmtime did with each call
/// (`Scripts/differential.py expect` wrote it and checked `grafos exec` against it); the engine must do the same.
@Suite struct FuzzCorpusTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz-corpus")

    /// One line of `expected.tsv`: a module, the export called (`-`: instantiation only), its arguments (`-`:
    /// none) and the outcome (`ok` and the results, `trap:KIND`, or `invalid`).
    struct Entry {
        var file: String
        var export: String?
        var arguments: [WasmValue]
        var expected: String
    }

    static func entries() throws -> [Entry] {
        let text = try String(contentsOf: folder.appendingPathComponent("expected.tsv"), encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4 else { throw CocoaError(.fileReadCorruptFile) }
            let arguments =
                fields[2] == "-" ? [] : fields[2].split(separator: " ").compactMap { WasmValue(argument: String($0)) }
            return Entry(
                file: fields[0],
                export: fields[1] == "-" ? nil : fields[1],
                arguments: arguments,
                expected: fields[3]
            )
        }
    }

    /// An outcome in the words of `Scripts/differential.py`: floats as bit patterns (any NaN as `nan`), references
    /// as null or not, the two table-bounds traps as one kind (wasmtime does not tell them apart).
    static func describe(_ body: () throws -> [WasmValue]) -> String {
        do {
            let values = try body()
            return (["ok"] + values.map(describe)).joined(separator: " ")
        } catch let trap as Trap {
            switch trap.reason {
            case .undefinedElement, .outOfBoundsTableAccess: return "trap:table"
            default: return "trap:\(trap.reason)"
            }
        } catch let stop as WasmStopError {
            return "stopped:\(stop.reason)"
        } catch {
            return "error:\(error)"
        }
    }

    static func describe(_ value: WasmValue) -> String {
        switch value {
        case .i32(let bits): "i32:\(Int32(bitPattern: bits))"
        case .i64(let bits): "i64:\(Int64(bitPattern: bits))"
        case .f32(let bits): Float(bitPattern: bits).isNaN ? "f32:nan" : "f32:0x" + hex(UInt64(bits), digits: 8)
        case .f64(let bits): Double(bitPattern: bits).isNaN ? "f64:nan" : "f64:0x" + hex(bits, digits: 16)
        case .funcRef(let reference): "funcref:\(reference == nil ? "null" : "nonnull")"
        case .externRef(let payload): "externref:\(payload == nil ? "null" : "nonnull")"
        }
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    @Test func everyCorpusModuleBehavesAsItDidUnderWasmtime() throws {
        let entries = try Self.entries()
        var outcomes: Set<String> = []
        for entry in entries {
            let bytes = Array(try Data(contentsOf: Self.folder.appendingPathComponent(entry.file)))
            if entry.expected == "invalid" {
                #expect(throws: WasmCompileError.self, "\(entry.file) should be refused") {
                    try CompiledWasmModule.compile(bytes)
                }
                outcomes.insert("invalid")
                continue
            }
            let compiled = try CompiledWasmModule.compile(bytes)
            let store = WasmStore(limits: WasmResourceLimits(fuel: 50_000_000))
            var instance: WasmInstance?
            var outcome = Self.describe {
                instance = try store.instantiate(compiled)
                return []
            }
            if let instance, let export = entry.export {
                guard let function = instance.function(named: export) else {
                    Issue.record("\(entry.file) exports no function \(export)")
                    continue
                }
                outcome = Self.describe { try function(entry.arguments) }
            }
            #expect(outcome == entry.expected, "\(entry.file) \(entry.export ?? "(instantiation)") \(entry.arguments)")
            outcomes.insert(String(outcome.split(separator: " ")[0]))
        }
        #expect(entries.count >= 30)
        #expect(outcomes.count >= 8, "the corpus should cover many outcomes, not \(outcomes.sorted())")
    }
}
