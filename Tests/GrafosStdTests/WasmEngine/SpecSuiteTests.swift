import Testing

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// The whole WebAssembly 2.0 core spec suite in `<repo>/../shared/wasm-spec/core`, every command of every
/// script, through ``WasmSpecRunner``; skipped (with the reason printed) when the suite is not on this machine.
@Suite struct SpecSuiteTests {
    /// `<repo>/../shared/wasm-spec`, found from this file: `<repo>/Tests/GrafosStdTests/WasmEngine/<file>`.
    static let suite: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/") + "/../shared/wasm-spec"
    }()

    static let isAvailable: Bool = {
        let available = SpecFiles.isDirectory(suite + "/core")
        if !available { print("SpecSuiteTests skipped: the spec suite is not at \(suite)/core") }
        return available
    }()

    @Test(.enabled(if: isAvailable, "the spec suite is not at <repo>/../shared/wasm-spec/core"))
    func everyCoreCommandPasses() {
        var runner = WasmSpecRunner()
        runner.report = { print($0) }
        let summary = runner.run(paths: [Self.suite + "/core"])
        print("spec core: \(summary.line)")
        #expect(summary.failed == 0, "\(summary.failures.prefix(50).map(\.description).joined(separator: "\n"))")
        #expect(summary.passed + summary.failed + summary.skipped == 28_018)
        #expect(summary.skipped == 581)
        #expect(summary.byCommand["assert_return"]?.passed == 21_453)
        #expect(summary.byCommand["assert_trap"]?.passed == 2_354)
    }

    @Test(.enabled(if: isAvailable, "the spec suite is not at <repo>/../shared/wasm-spec/core"))
    func theRunnerReportsFailuresWithFileAndLine() {
        // Run one script against a store that cannot run anything: the failures must name file and line.
        var runner = WasmSpecRunner()
        runner.limits = WasmResourceLimits(fuel: 0)
        let summary = runner.run(paths: [Self.suite + "/core/fac"])
        #expect(summary.failed > 0)
        let first = summary.failures.first
        #expect(first?.file == "fac.wast")
        #expect((first?.line ?? 0) > 0)
        #expect(summary.line == "\(summary.passed) passed, \(summary.failed) failed, \(summary.skipped) skipped")
    }

    @Test func theJSONParserReadsTheSpecFormat() throws {
        let json = #"{"a": [1, -2.5e3, "x\u00e9\n"], "b": {"c": null, "d": true}}"#
        let value = try SpecJSON.parse(Array(json.utf8))
        #expect(value["a"]?.elements?.count == 3)
        #expect(value["a"]?.elements?[1] == .number("-2.5e3"))
        #expect(value["a"]?.elements?[2] == .string("xé\n"))
        #expect(value["b"]?["c"] == .null)
        #expect(value["b"]?["d"] == .bool(true))
        #expect(throws: SpecJSONError.self) { try SpecJSON.parse(Array("[1,".utf8)) }
    }
}
