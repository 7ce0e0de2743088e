import Foundation
import Testing

#if canImport(GrafosWasmDev)
@testable import GrafosWasmDev
#else
@testable import GrafosStd
#endif

/// Runs the decoder and validator over every module of the WebAssembly 2.0 core spec suite: malformed binaries
/// must fail to decode, invalid modules must decode and fail validation, and every other module must decode
/// and validate. Counts are printed; error texts are compared with the spec's and mismatches listed when
/// `GRAFOS_WASM_SPEC_VERBOSE` is set (texts are informative, only the kind of failure is asserted).
@Suite(.enabled(if: WasmSpecSuite.root != nil, Comment(rawValue: WasmSpecSuite.unavailableReason)))
struct WasmSpecConformanceTests {
    static let verbose = ProcessInfo.processInfo.environment["GRAFOS_WASM_SPEC_VERBOSE"] != nil

    @Test func everyBinaryMalformedModuleFailsToDecode() throws {
        let commands = try WasmSpecSuite.commands(in: "core").filter {
            $0.command.type == "assert_malformed" && $0.command.module_type == "binary"
        }
        var failures: [String] = []
        var textMismatches: [String] = []
        for entry in commands {
            let bytes = try entry.moduleBytes()
            do {
                let module = try WasmModule(parsing: bytes)
                let validation = Result { () throws(WasmValidationError) in try module.validate() }
                failures.append(
                    "\(entry.location): decoded (validation: \(validation)), expected \"\(entry.command.text ?? "")\""
                )
            } catch {
                let expected = entry.command.text ?? ""
                if !WasmSpecSuite.textMatches(error.reason.rawValue, expected: expected) {
                    textMismatches.append("\(entry.location): expected \"\(expected)\", got \"\(error)\"")
                }
            }
        }
        report("assert_malformed (binary)", total: commands.count, failures: failures, textMismatches: textMismatches)
        #expect(commands.count == 719)
        #expect(failures.isEmpty, "\(failures.count) malformed modules decoded:\n\(failures.joined(separator: "\n"))")
    }

    @Test func everyInvalidModuleDecodesAndFailsValidation() throws {
        let commands = try WasmSpecSuite.commands(in: "core").filter { $0.command.type == "assert_invalid" }
        var failures: [String] = []
        var textMismatches: [String] = []
        for entry in commands {
            let bytes = try entry.moduleBytes()
            let expected = entry.command.text ?? ""
            do {
                let module = try WasmModule(parsing: bytes)
                do {
                    try module.validate()
                    failures.append("\(entry.location): validated, expected \"\(expected)\"")
                } catch {
                    if !WasmSpecSuite.textMatches(error.reason.rawValue, expected: expected) {
                        textMismatches.append("\(entry.location): expected \"\(expected)\", got \"\(error)\"")
                    }
                }
            } catch {
                failures.append("\(entry.location): failed to decode (\(error)), expected invalid \"\(expected)\"")
            }
        }
        report("assert_invalid", total: commands.count, failures: failures, textMismatches: textMismatches)
        #expect(commands.count == 1_477)
        #expect(failures.isEmpty, "\(failures.count) invalid modules misjudged:\n\(failures.joined(separator: "\n"))")
    }

    @Test func everyModuleDecodesAndValidates() throws {
        let all = try WasmSpecSuite.commands(in: "core")
        let modules = all.filter { $0.command.type == "module" }
        // Modules that link or trap at instantiation are still valid modules.
        let otherValid = all.filter { ["assert_unlinkable", "assert_uninstantiable"].contains($0.command.type) }
        var failures: [String] = []
        var usesSIMD = 0
        for entry in modules + otherValid {
            let bytes = try entry.moduleBytes()
            do {
                let module = try WasmModule(parsing: bytes)
                do {
                    try module.validate()
                } catch  where error.reason == .simdNotSupported {
                    usesSIMD += 1
                } catch {
                    failures.append("\(entry.location): invalid: \(error)")
                }
            } catch {
                failures.append("\(entry.location): malformed: \(error)")
            }
        }
        report("module (+ unlinkable/uninstantiable)", total: modules.count + otherValid.count, failures: failures)
        print(
            "  module commands: \(modules.count); assert_unlinkable/uninstantiable modules: \(otherValid.count); using SIMD: \(usesSIMD)"
        )
        #expect(modules.count == 1_126)
        #expect(usesSIMD == 0, "core modules are expected to be SIMD-free")
        #expect(failures.isEmpty, "\(failures.count) valid modules rejected:\n\(failures.joined(separator: "\n"))")
    }

    /// The SIMD scripts exercise the decoder's SIMD opcode table: every module must decode, and validation must
    /// either pass (no SIMD used) or say "SIMD not supported".
    @Test func everySIMDModuleDecodesAndIsRejectedAsUnsupported() throws {
        let commands = try WasmSpecSuite.commands(in: "simd").filter {
            ["module", "assert_invalid"].contains($0.command.type)
        }
        var failures: [String] = []
        var rejected = 0
        for entry in commands {
            let bytes = try entry.moduleBytes()
            do {
                let module = try WasmModule(parsing: bytes)
                do {
                    try module.validate()
                    if entry.command.type == "assert_invalid" {
                        failures.append("\(entry.location): validated, expected invalid")
                    }
                } catch  where error.reason == .simdNotSupported {
                    rejected += 1
                } catch {
                    if entry.command.type == "module" { failures.append("\(entry.location): invalid: \(error)") }
                }
            } catch {
                failures.append("\(entry.location): malformed: \(error)")
            }
        }
        report("simd module/assert_invalid", total: commands.count, failures: failures)
        print("  rejected with \"SIMD not supported\": \(rejected)")
        #expect(rejected > 0)
        #expect(failures.isEmpty, "\(failures.count) SIMD modules misjudged:\n\(failures.joined(separator: "\n"))")
    }

    private func report(_ category: String, total: Int, failures: [String], textMismatches: [String] = []) {
        print("wasm spec core \(category): \(total - failures.count) of \(total) as expected, \(failures.count) not")
        if !textMismatches.isEmpty {
            print("  error texts differing from the spec's: \(textMismatches.count)")
            if Self.verbose { for line in textMismatches { print("    \(line)") } }
        }
        if Self.verbose { for line in failures.prefix(50) { print("    FAIL \(line)") } }
    }
}
