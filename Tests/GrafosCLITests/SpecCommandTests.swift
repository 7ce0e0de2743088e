import Foundation
import Testing

@testable import GrafosCLI

/// `grafos spec` through ``GrafosCommandLine/main(_:output:)``: the whole core suite in
/// `<repo>/../shared/wasm-spec/core` (skipped, saying why, when it is not there) and a small script with one
/// failure in `Fixtures/spec/mixed`.
@Suite struct SpecCommandTests {
    /// `<repo>/../shared/wasm-spec/core`, found from this file: `<repo>/Tests/GrafosCLITests/<file>`.
    static let core: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/../shared/wasm-spec/core"
    }()

    static let coreIsAvailable: Bool = {
        var isDirectory: ObjCBool = false
        let available = FileManager.default.fileExists(atPath: core, isDirectory: &isDirectory) && isDirectory.boolValue
        if !available { print("SpecCommandTests: the core suite test is skipped: the spec suite is not at \(core)") }
        return available
    }()

    /// `<repo>/Tests/GrafosCLITests/Fixtures/spec/mixed`.
    static let mixed = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/spec/mixed").path

    func grafos(_ arguments: [String]) async -> (status: Int32, output: BufferedOutput) {
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(arguments, output: &output)
        return (status, output)
    }

    @Test(.enabled(if: coreIsAvailable, "the spec suite is not at <repo>/../shared/wasm-spec/core"))
    func theWholeCoreSuitePasses() async {
        let (status, output) = await grafos(["spec", Self.core])
        #expect(output.standardOutput == "27437 passed, 0 failed, 581 skipped\n")
        #expect(status == 0)
    }

    @Test func eachFailureGetsALineAndTheSummaryComesLast() async {
        let (status, output) = await grafos(["spec", Self.mixed])
        #expect(status == 1)
        #expect(
            output.standardOutput == """
                mixed.wast:5: assert_return: invoke "add" ["i32:2", "i32:2"]: expected ["i32:5"], got [i32:4]
                2 passed, 1 failed, 1 skipped

                """
        )
    }

    @Test func quietPrintsOnlyTheSummary() async {
        let (status, output) = await grafos(["spec", "--quiet", Self.mixed + "/mixed.json"])
        #expect(status == 1)
        #expect(output.standardOutput == "2 passed, 1 failed, 1 skipped\n")
    }

    @Test func aMissingFolderIsAFailure() async {
        let (status, output) = await grafos(["spec", Self.mixed + "/no-such-folder"])
        #expect(status == 1)
        #expect(output.standardOutput.hasSuffix("0 passed, 1 failed, 0 skipped\n"))
    }

    @Test func withoutAFolderItIsAUsageError() async {
        let (status, output) = await grafos(["spec"])
        #expect(status == 2)
        #expect(output.standardError.contains("grafos spec DIR"))
        let unknown = await grafos(["spec", "--loud", Self.mixed])
        #expect(unknown.status == 2)
    }
}
