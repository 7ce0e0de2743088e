import Foundation
import Testing

@testable import GrafosCLI

/// Smoke tests of `grafos bench engine` and `grafos bench launch` at tiny sizes: structure and verification only,
/// never timings (speed lives in the benchmarks themselves).
@Suite struct BenchEngineTests {
    /// The repository's `Benchmarks/Kernels` and `Examples/Tasklets`, found from this file.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let kernels = repository.appendingPathComponent("Benchmarks/Kernels")
    static let examples = repository.appendingPathComponent("Examples/Tasklets")

    /// Every kernel at a tiny argument, with the checksum the native build and `wasmkit run` both print.
    static let tinyTSV = """
        # kernel\targ\tchecksum_u32
        fib\t10\t55
        sieve\t1000\t168
        sha256\t1\t2238837786
        matmul\t4\t2248333549
        lz\t1\t3906774403
        vm\t100\t3142
        sort\t1000\t702189758

        """

    /// A temporary kernels folder: the committed `kernels.wasm` and C sources (so the native runner is built from
    /// them), with `tsv` as its `kernels.tsv`.
    static func kernelsFolder(_ tsv: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("grafos-bench-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in ["kernels.wasm", "kernels.c", "native.c"] {
            try FileManager.default.copyItem(
                at: kernels.appendingPathComponent(file),
                to: folder.appendingPathComponent(file)
            )
        }
        try tsv.write(to: folder.appendingPathComponent("kernels.tsv"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func benchEngineVerifiesEveryKernelsChecksumUnderEveryRunner() async throws {
        let folder = try Self.kernelsFolder(Self.tinyTSV)
        defer { try? FileManager.default.removeItem(at: folder) }
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(
            ["bench", "engine", "--kernels", folder.path, "--runs", "1"],
            output: &output
        )
        #expect(status == 0, "\(output.standardOutput)\(output.standardError)")
        let report = output.standardOutput
        #expect(report.contains("grafos bench engine — 7 kernels"))
        for kernel in ["fib", "sieve", "sha256", "matmul", "lz", "vm", "sort", "geomean"] {
            #expect(report.contains("\n  \(kernel) "), "no row for \(kernel)")
        }
        #expect(report.contains("wasmkit÷ours"))
        #expect(report.contains("checksums: all verified (7 kernels"))
        #expect(!report.contains("✗"))
        if FileManager.default.isExecutableFile(atPath: "/opt/swift/usr/bin/wasmkit") {
            #expect(report.contains("is subtracted from each time"))
            #expect(report.contains("target (issue 3)"))
        }
    }

    @Test func benchEngineSpeaksJSONWithEveryChecksumVerified() async throws {
        let folder = try Self.kernelsFolder(Self.tinyTSV)
        defer { try? FileManager.default.removeItem(at: folder) }
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(
            ["bench", "engine", "--kernels", folder.path, "--runs", "1", "--json"],
            output: &output
        )
        #expect(status == 0)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any]
        )
        #expect(object["benchmark"] as? String == "engine")
        #expect(object["all_verified"] as? Bool == true)
        #expect(object["fuel_budget"] as? Int == 1 << 60, "metered: a finite budget")
        let rows = try #require(object["kernels"] as? [[String: Any]])
        #expect(rows.map { $0["name"] as? String } == ["fib", "sieve", "sha256", "matmul", "lz", "vm", "sort"])
        for row in rows {
            #expect(row["ours_verified"] as? Bool == true)
            #expect((row["fuel_consumed"] as? Int ?? 0) > 0, "fuel metering was on, so fuel was counted")
        }
    }

    @Test func withoutWasmKitTheEngineBenchmarkSaysSoAndStillVerifiesOurs() async throws {
        let folder = try Self.kernelsFolder(Self.tinyTSV)
        defer { try? FileManager.default.removeItem(at: folder) }
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(
            ["bench", "engine", "--kernels", folder.path, "--runs", "1", "--wasmkit", "/nonexistent/wasmkit"],
            output: &output
        )
        #expect(status == 0)
        #expect(output.standardOutput.contains("wasmkit: not found at /nonexistent/wasmkit; its column is empty"))
        #expect(output.standardOutput.contains("checksums: all verified"))
        #expect(!output.standardOutput.contains("target (issue 3)"))
    }

    @Test func aWrongChecksumFailsTheEngineBenchmark() async throws {
        let folder = try Self.kernelsFolder("fib\t10\t56\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(
            ["bench", "engine", "--kernels", folder.path, "--runs", "1", "--wasmkit", "/nonexistent/wasmkit"],
            output: &output
        )
        #expect(status == 1)
        #expect(output.standardOutput.contains("fib, ours: returned 55, expected 56"))
        #expect(output.standardOutput.contains("checksums: MISMATCH"))
    }

    @Test func theEngineBenchmarkFailsClearlyWithoutItsKernels() async {
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(
            ["bench", "engine", "--kernels", "/nonexistent/kernels"],
            output: &output
        )
        #expect(status == 1)
        #expect(output.standardError.contains("no kernels.tsv in /nonexistent/kernels"))
    }

    @Test func aMalformedKernelsFileNamesItsLine() throws {
        let folder = try Self.kernelsFolder("# header\nfib\tten\t55\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("kernels.tsv").path
        #expect(throws: CLIError.self) { try EngineBenchmark.readKernels(path) }
        do {
            _ = try EngineBenchmark.readKernels(path)
        } catch {
            #expect(error.description.contains("kernels.tsv:2: expected NAME<TAB>ARG<TAB>CHECKSUM_U32"))
        }
    }

    @Test func wasmKitsPrintedResultIsReadAsUnsigned() {
        #expect(EngineBenchmark.wasmkitResult("[WasmTypes.Value.i32(24157817)]\n") == 24_157_817)
        #expect(EngineBenchmark.wasmkitResult("[WasmTypes.Value.i32(3487249930)]") == 3_487_249_930)
        #expect(EngineBenchmark.wasmkitResult("[WasmTypes.Value.i32(-807717366)]") == 3_487_249_930)
        #expect(EngineBenchmark.wasmkitResult("Error: trap") == nil)
    }

    @Test func benchLaunchChecksEveryLaunchAndPrintsItsBreakdown() async throws {
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(
            ["bench", "launch", "--launches", "20", "--examples", Self.examples.path],
            output: &output
        )
        #expect(status == 0, "\(output.standardOutput)\(output.standardError)")
        let report = output.standardOutput
        for row in [
            "trivial tasklet, lease.cpu().submit(wasm).launch()", "the same through TaskletRuntime.launch",
            "bare WasmStore + instantiate + invoke", "lint.wasm (grafos ABI) on a 937-byte file, fabric launch",
            "hash.wasm (WASI command) on a 3-byte file, fabric launch", "module cache lookup (hit)",
            "thread-pool hop", "resident set", "heap in use", "target: p50 fabric launch under 20 µs",
        ] {
            #expect(report.contains(row), "no '\(row)'")
        }
        #expect(report.contains("launch results checked"))
        #expect(report.contains("fuel per launch: trivial 1 (inline), lint "))
    }

    @Test func benchLaunchSpeaksJSON() async throws {
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(
            ["bench", "launch", "--launches", "10", "--examples", Self.examples.path, "--json"],
            output: &output
        )
        #expect(status == 0)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any]
        )
        #expect(object["benchmark"] as? String == "launch")
        #expect(object["examples_measured"] as? Bool == true)
        let rows = try #require(object["rows"] as? [String: Any])
        for key in [
            "fabric", "runtime", "bare", "fabric_spaced", "fabric_pool", "fabric_pool_spaced", "fabric_memory",
            "lint_fabric", "hash_fabric",
        ] {
            #expect(rows[key] != nil, "no row \(key)")
        }
        let memory = try #require(object["memory"] as? [String: Any])
        #expect(memory["launches"] as? Int == 10)
        // 10 launches per row after 10 of warm-up, × 11 rows, + 10 in the memory run.
        #expect(object["verified_launches"] as? Int == 11 * 20 + 10)
        let lint = try #require(rows["lint_fabric"] as? [String: Any])
        #expect((lint["fuel"] as? Int ?? 0) > 0)
    }

    @Test func benchLaunchRefusesAnExamplesFolderWithoutLint() async {
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(
            ["bench", "launch", "--launches", "1", "--examples", "/nonexistent"],
            output: &output
        )
        #expect(status == 1)
        #expect(output.standardError.contains("no lint.wasm in /nonexistent"))
    }
}
