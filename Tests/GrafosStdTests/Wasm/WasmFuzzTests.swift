import Foundation
import Testing

#if canImport(GrafosWasmDev)
@testable import GrafosWasmDev
#else
@testable import GrafosStd
#endif

/// Feeds byte-mutated modules to the decoder and the validator: whatever the bytes, they must answer with a
/// typed error or a module, never crash, hang or allocate without bound. The mutations are seeded, so a crash
/// reproduces; the run stops after a fixed number of iterations or about ten seconds, whichever comes first.
@Suite struct WasmFuzzTests {
    /// The seed; `GRAFOS_WASM_FUZZ_SEED` overrides it to explore further.
    static let seed: UInt64 =
        ProcessInfo.processInfo.environment["GRAFOS_WASM_FUZZ_SEED"].flatMap { UInt64($0) }
        ?? 0x6772_6166_6f73
    static let maxIterations =
        ProcessInfo.processInfo.environment["GRAFOS_WASM_FUZZ_SECONDS"] == nil ? 2_000_000 : Int.max
    /// About ten seconds; `GRAFOS_WASM_FUZZ_SECONDS` overrides it for longer local runs.
    static let timeBudget = Duration.seconds(
        ProcessInfo.processInfo.environment["GRAFOS_WASM_FUZZ_SECONDS"].flatMap { Int($0) } ?? 10
    )

    /// Spec modules when the suite is present, else a few hand-made modules.
    static func corpus() throws -> [[UInt8]] {
        var corpus: [[UInt8]] = [WasmDecoderTests.everySection]
        corpus.append(
            WasmTestBytes.singleFunction(
                results: [.i64],
                [0x02, 0x7E, 0x03, 0x40, 0x42, 0x07, 0x0C, 0x01, 0x0B, 0x0B, 0x0B]
            )
        )
        corpus.append(
            WasmTestBytes.singleFunction(
                memory: true,
                [0x41, 0x00, 0x28, 0x02, 0x10, 0x1A, 0xFC, 0x0A, 0x00, 0x00, 0x0B]
            )
        )
        for entry in try WasmSpecSuite.commands(in: "core")
        where ["module", "assert_invalid", "assert_malformed"].contains(entry.command.type)
            && entry.command.filename?.hasSuffix(".wasm") == true
        {
            corpus.append(try entry.moduleBytes())
        }
        return corpus
    }

    @Test func mutatedModulesNeverCrashTheDecoderOrTheValidator() throws {
        let corpus = try Self.corpus()
        var random = WasmTestRandom(seed: Self.seed)
        let interesting: [UInt8] = [0x00, 0x01, 0x02, 0x0B, 0x40, 0x41, 0x60, 0x70, 0x7F, 0x80, 0xFC, 0xFD, 0xFF]
        var decoded = 0
        var malformed = 0
        var invalid = 0
        var iterations = 0
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: Self.timeBudget)
        while iterations < Self.maxIterations {
            if iterations % 256 == 0 && clock.now >= deadline { break }
            iterations += 1
            var bytes = corpus[Int(random.next() % UInt64(corpus.count))]
            for _ in 0..<(random.next() % 2 == 0 ? 1 : 2 + random.next() % 3) {
                // Mostly past the header, where the interesting structure is.
                let lower = bytes.count > 9 && random.next() % 8 != 0 ? 8 : 0
                let position = bytes.isEmpty ? 0 : lower + Int(random.next() % UInt64(max(1, bytes.count - lower)))
                switch random.next() % 7 {
                case 0 where position < bytes.count: bytes[position] ^= UInt8(1) << (random.next() % 8)
                case 1 where position < bytes.count: bytes[position] = interesting[Int(random.next() % 13)]
                case 2: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: min(position, bytes.count))
                case 3 where position < bytes.count: bytes.remove(at: position)
                case 4: bytes.removeSubrange(min(position, bytes.count)...)
                case 5 where position < bytes.count:
                    let end = min(bytes.count, position + 1 + Int(random.next() % 16))
                    bytes.insert(contentsOf: bytes[position..<end], at: Int(random.next() % UInt64(bytes.count)))
                case 6 where position < bytes.count:
                    for index in position..<min(bytes.count, position + 5) { bytes[index] = 0xFF }
                default: break
                }
            }
            do {
                let module = try WasmModule(parsing: bytes)
                decoded += 1
                do {
                    try module.validate()
                } catch {
                    invalid += 1
                    if let offset = error.offset {
                        #expect(
                            (0...bytes.count).contains(offset),
                            "validation error offset outside the module: \(error)"
                        )
                    }
                }
            } catch {
                malformed += 1
                #expect((0...bytes.count).contains(error.offset), "decoding error offset outside the module: \(error)")
            }
        }
        print(
            "wasm fuzz: \(iterations) mutated modules from \(corpus.count) seeds (seed \(Self.seed)): "
                + "\(malformed) malformed, \(invalid) invalid, \(decoded - invalid) valid"
        )
        #expect(iterations > 1_000)
        #expect(
            malformed > 0 && decoded > 0,
            "the mutations should reach both the decoder's and the validator's errors"
        )
    }
}
