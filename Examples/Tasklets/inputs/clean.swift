// A small, tidy Swift file: the linter finds nothing to report here.
import GrafosStd

/// Leases two cores, runs the example linter over one file and prints its report.
@main
struct LintOneFile {
    static func main() async throws {
        let lease = try await CpuBuilder().cores(2).leaseSecs(60).acquire()
        let tasklet = try [UInt8](contentsOf: "Examples/Tasklets/lint.wasm")
        let source = try [UInt8](contentsOf: "Sources/GrafosStd/Fabric/SHA256.swift")
        let result = try await lease.cpu().submit(tasklet).fuel(5_000_000).input(source).launch()
        print(String(decoding: result.output, as: UTF8.self), terminator: "")
        print("exit code \(result.exitCode), fuel \(result.fuelConsumed)")
    }
}

extension [UInt8] {
    /// Reads a whole file (a stand-in for Foundation's `Data(contentsOf:)`; no Foundation here).
    init(contentsOf path: String) throws {
        self = []
        // …
    }
}
