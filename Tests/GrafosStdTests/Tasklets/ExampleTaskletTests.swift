import Foundation
import GrafosObserve
import Testing

@testable import GrafosStd

/// The shipped example tasklets (`Examples/Tasklets`), run through `launch()` and compared byte for byte with the
/// expected outputs that wasmtime produced (`expected/cases.tsv`).
@Suite struct ExampleTaskletTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/Tasklets")

    struct Case: Sendable, CustomStringConvertible {
        var name, module: String
        var arguments: [String]
        var stdin: String?
        var directory: String?
        var exitCode: Int32
        var description: String { name }
    }

    static let cases: [Case] = {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("expected/cases.tsv"), encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").compactMap { line -> Case? in
            guard !line.hasPrefix("#") else { return nil }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 6, let exit = Int32(fields[5]) else { return nil }
            return Case(
                name: fields[0],
                module: fields[1],
                arguments: fields[2] == "-" ? [] : fields[2].split(separator: " ").map(String.init),
                stdin: fields[3] == "-" ? nil : fields[3],
                directory: fields[4] == "-" ? nil : fields[4],
                exitCode: exit
            )
        }
    }()

    func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Self.folder.appendingPathComponent(relative)))
    }

    @Test func theCaseListIsThere() {
        #expect(Self.cases.count >= 20)
    }

    @Test(arguments: cases)
    func exampleTaskletsMatchTheirExpectedOutput(_ example: Case) async throws {
        let request = TaskletRequest(
            module: try bytes(example.module),
            input: try example.stdin.map(bytes) ?? [],
            limits: TaskletLimits(fuel: 50_000_000),
            arguments: example.arguments
        )
        let result: TaskletResult
        if let directory = example.directory, directory != "objects" {
            // A host directory preopen (as `grafos exec --dir HOST::GUEST` does).
            let parts = directory.components(separatedBy: "::")
            let host = Self.folder.appendingPathComponent(parts[0]).path
            let runtime = TaskletRuntime(preopens: { [WASIPreopen(parts[1], .hostDirectory(host))] })
            result = try await runtime.launch(request)
        } else {
            let fabric = LocalFabric(nodes: [.init(name: "n", cores: 1)], metrics: MetricsRegistry())
            let lease = try await CpuBuilder(on: fabric).acquire()
            var submission = lease.cpu().submit(request.module).input(request.input).limits(request.limits)
                .arguments(request.arguments)
            if example.directory == "objects" {
                submission = submission.artifacts(try await BlockBuilder(on: fabric).minBlocks(16).acquire())
            }
            result = try await submission.launch()
        }
        #expect(result.exitCode == example.exitCode)
        #expect(result.output == (try bytes("expected/\(example.name).out")))
    }

    @Test func compressedArtifactsRoundTripThroughDecompress() async throws {
        let fabric = LocalFabric(nodes: [.init(name: "n", cores: 2)], metrics: MetricsRegistry())
        let lease = try await CpuBuilder(on: fabric).acquire()
        let store = try await BlockBuilder(on: fabric).minBlocks(64).acquire()
        let source = try bytes("inputs/messy.txt")
        let compressed = try await lease.cpu().submit(try bytes("compress.wasm")).input(source)
            .arguments(["--artifact", "messy.glz"]).artifacts(store).launch()
        #expect(compressed.exitCode == 0)
        let artifact = try await store.read("messy.glz")
        let restored = try await lease.cpu().submit(try bytes("decompress.wasm")).input(artifact).launch()
        #expect(restored.exitCode == 0)
        #expect(restored.output == source)
    }

    @Test func aDeterministicLaunchGivesIdenticalOutputAHundredTimes() async throws {
        let fabric = LocalFabric(nodes: [.init(name: "n", cores: 2)], metrics: MetricsRegistry())
        let lease = try await CpuBuilder(on: fabric).acquire()
        let module = try bytes("hash.wasm")
        let input = try bytes("inputs/messy.txt")
        let first = try await lease.cpu().submit(module).input(input).launch()
        for _ in 0..<99 {
            let again = try await lease.cpu().submit(module).input(input).launch()
            #expect(again.output == first.output)
            #expect(again.fuelConsumed == first.fuelConsumed)
        }
    }
}
