import Foundation
import GrafosObserve
import GrafosStd
import Testing

@testable import GrafosCLI

@Suite(.serialized) struct DemoAndRunTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let inputs = root.appendingPathComponent("Examples/Tasklets/inputs").path

    func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("grafos-\(name)-\(UUID().uuidString)").path
    }

    func jsonObject(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func aCorpusIsEveryVisibleRegularFileSortedByRelativePath() throws {
        let root = temporary("corpus")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = FileManager.default
        try manager.createDirectory(atPath: root + "/b/deep", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: root + "/.hidden", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: root + "/.build-x", withIntermediateDirectories: true)
        for (path, text) in [
            ("a.txt", "a"), ("b/deep/c.swift", "c"), ("b/z.txt", "z"), (".hidden/h.txt", "h"), (".dot", "d"),
            (".build-x/o", "o"),
        ] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/" + path))
        }
        try Data(repeating: 1, count: 2_000).write(to: URL(fileURLWithPath: root + "/big.bin"))
        try manager.createSymbolicLink(atPath: root + "/link.txt", withDestinationPath: root + "/a.txt")
        let (corpus, skipped) = try Corpus.load([root], maxFileBytes: 1_000)
        #expect(corpus.files.map(\.path) == ["a.txt", "b/deep/c.swift", "b/z.txt"])
        #expect(corpus.files.map { String(decoding: $0.bytes, as: UTF8.self) } == ["a", "c", "z"])
        #expect(skipped == 1)
        // Several roots are prefixed with their last component; a file root is taken by its name.
        let (two, _) = try Corpus.load([root + "/b/", root + "/a.txt"])
        #expect(two.files.map(\.path) == ["a.txt", "b/deep/c.swift", "b/z.txt"])
        #expect(throws: CLIError.self) { try Corpus.load([root + "/missing"]) }
    }

    @Test func theDemoRunsTheRecipeAndEndsWithBothGaugesAtZero() async throws {
        let trace = temporary("trace.json")
        let metrics = temporary("metrics.prom")
        defer {
            try? FileManager.default.removeItem(atPath: trace)
            try? FileManager.default.removeItem(atPath: metrics)
        }
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(
            ["demo", "--workers", "4", "--corpus", Self.inputs, "--json", "--trace", trace, "--metrics", metrics],
            output: &output
        )
        #expect(status == 0, "\(output.standardError)")
        let summary = try jsonObject(output.standardOutput)
        #expect(summary["files"] as? Int == 7)
        #expect(summary["chunks"] as? Int == 21)
        #expect(summary["verified_files"] as? Int == 7)
        #expect(summary["failed_chunks"] as? Int == 0)
        #expect((summary["tasklets_launched"] as? Int ?? 0) >= 28)  // 21 chunks + 7 verifications
        #expect(summary["cpu_leases_active"] as? Int == 0)
        #expect(summary["block_leases_active"] as? Int == 0)
        // The trace parses and has one slice per attempt on per-worker tracks, plus a leases counter track.
        let traceObject = try jsonObject(try String(contentsOfFile: trace, encoding: .utf8))
        let events = try #require(traceObject["traceEvents"] as? [[String: Any]])
        #expect(events.filter { $0["ph"] as? String == "X" }.count >= 28)
        #expect(events.contains { $0["ph"] as? String == "C" && $0["name"] as? String == "cpu_leases_active" })
        let prometheus = try String(contentsOfFile: metrics, encoding: .utf8)
        for name in [
            "cpu_leases_active", "tasklets_launched_total", "tasklet_duration_ms_bucket", "artifact_bytes_written",
        ] {
            #expect(prometheus.contains(name))
        }
    }

    @Test func aSecondDemoRunWithTheSameCacheLaunchesNothing() async throws {
        let cache = temporary("cache")
        defer { try? FileManager.default.removeItem(atPath: cache) }
        var first = BufferedOutput()
        let arguments = ["demo", "--workers", "4", "--corpus", Self.inputs, "--cache", cache, "--json"]
        #expect(await GrafosCommandLine.main(arguments, output: &first) == 0)
        #expect(try jsonObject(first.standardOutput)["cache_hits"] as? Int == 0)
        var second = BufferedOutput()
        #expect(await GrafosCommandLine.main(arguments, output: &second) == 0)
        let summary = try jsonObject(second.standardOutput)
        #expect(summary["tasklets_launched"] as? Int == 0)
        #expect(summary["cache_hits"] as? Int == 28)  // 21 chunks + 7 verifications
        #expect(summary["verified_files"] as? Int == 7)
    }

    @Test func theDemoSurvivesInjectedFaultsAndStillVerifiesEveryArtifact() async throws {
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(
            ["demo", "--workers", "6", "--corpus", Self.inputs, "--faults", "6", "--seed", "7", "--json"],
            output: &output
        )
        #expect(status == 0, "\(output.standardError)")
        let summary = try jsonObject(output.standardOutput)
        #expect(summary["faults_injected"] as? Int ?? 0 > 0)
        #expect(summary["verified_files"] as? Int == 7)
        #expect(summary["cpu_leases_active"] as? Int == 0)
    }

    @Test func runOverAThousandFilesMatchesGrafosExecOnEachFile() async throws {
        let inputs = temporary("run-inputs")
        let out = temporary("run-out")
        defer {
            try? FileManager.default.removeItem(atPath: inputs)
            try? FileManager.default.removeItem(atPath: out)
        }
        // 1,000 small files in nested directories, some clean and some not.
        for index in 0..<1000 {
            let directory = inputs + "/d\(index % 7)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let text = index % 3 == 0 ? "let x = \(index)  \n" : "let x = \(index)\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/f\(index).swift"))
        }
        let lint = Self.root.appendingPathComponent("Examples/Tasklets/lint.wasm").path
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(
            [
                "run", "--tasklet", lint, "--inputs", inputs, "--out", out, "--fuel", "5000000", "--workers", "3",
                "--json",
            ],
            output: &output
        )
        #expect(status == 1)  // a third of the files have findings: the linter exits 1 for them
        let summary = try jsonObject(output.standardOutput)
        #expect(summary["chunks"] as? Int == 1000)
        #expect(summary["failed"] as? Int == 0)
        #expect(summary["nonzero_exit"] as? Int == 334)
        #expect(summary["cpu_leases_active"] as? Int == 0)
        // Every output equals what `grafos exec` prints for the same file (a sample of 1 in 9, for test time).
        for index in stride(from: 0, to: 1000, by: 9) {
            let relative = "d\(index % 7)/f\(index).swift"
            var exec = BufferedOutput()
            let execStatus = await GrafosCommandLine.main(
                ["exec", "--fuel", "5000000", "--input", inputs + "/" + relative, lint],
                output: &exec
            )
            let written = try String(contentsOfFile: out + "/" + relative, encoding: .utf8)
            #expect(written == exec.standardOutput, "\(relative)")
            #expect(execStatus == (index % 3 == 0 ? 1 : 0), "\(relative)")
        }
    }

    @Test func aFailingChunkIsReportedAndMakesTheExitStatusNonZero() async throws {
        let inputs = temporary("run-fail")
        let out = temporary("run-fail-out")
        defer {
            try? FileManager.default.removeItem(atPath: inputs)
            try? FileManager.default.removeItem(atPath: out)
        }
        try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
        try Data(repeating: 65, count: 20_000).write(to: URL(fileURLWithPath: inputs + "/big.txt"))
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: inputs + "/small.txt"))
        let hash = Self.root.appendingPathComponent("Examples/Tasklets/hash.wasm").path
        var output = BufferedOutput()
        // Too little fuel for the big file: a deterministic failure, not retried.
        let status = await GrafosCommandLine.main(
            ["run", "--tasklet", hash, "--inputs", inputs, "--out", out, "--fuel", "400000"],
            output: &output
        )
        #expect(status == 1)
        #expect(output.standardError.contains("big.txt"))
        #expect(output.standardError.contains("fuelExhausted"))
        #expect(FileManager.default.fileExists(atPath: out + "/small.txt"))
        #expect(!FileManager.default.fileExists(atPath: out + "/big.txt"))
    }

    @Test func runRefusesMissingArguments() async {
        var output = BufferedOutput()
        #expect(await GrafosCommandLine.main(["run", "--inputs", "x"], output: &output) == 2)
        #expect(output.standardError.contains("--tasklet"))
    }
}
