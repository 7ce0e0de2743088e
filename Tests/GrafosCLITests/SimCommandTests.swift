import Foundation
import Testing

@testable import GrafosCLI

/// `grafos sim` at tiny sizes: the verdict lines, the summary, JSON, and usage errors.
@Suite struct SimCommandTests {
    @Test func aFewSeedsPassEveryInvariantAndEndWithASummary() async {
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(
            ["sim", "--nodes", "20", "--chunks", "100", "--seed", "3", "--seeds", "3", "--fault-rate", "0.1"],
            output: &output
        )
        #expect(status == 0, "\(output.standardOutput)\(output.standardError)")
        let text = output.standardOutput
        #expect(text.contains("grafos sim — seed 3: 20 nodes × 2 cores, 100 chunks, fault rate 0.1"))
        for invariant in [
            "each chunk aggregated exactly once", "no lease held by two holders", "no lease leaked",
            "retries within policy", "every artifact readable and matching its digest", "deterministic",
        ] {
            #expect(text.components(separatedBy: "PASS  \(invariant):").count == 4, "\(invariant)")
        }
        #expect(!text.contains("FAIL"))
        #expect(text.contains("3 of 3 seeds passed (3 … 5); wall time"))
    }

    @Test func jsonGivesAnObjectPerRunAndASummary() async throws {
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(
            ["sim", "--nodes", "10", "--chunks", "50", "--seeds", "2", "--json"],
            output: &output
        )
        #expect(status == 0)
        let lines = output.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "\(line)")
        }
        #expect(lines[0].hasPrefix("{\"seed\":1,\"nodes\":10,"))
        #expect(lines[0].contains("\"passed\":true"))
        #expect(lines[2].hasPrefix("{\"summary\":true,\"runs\":2,\"passed\":2,\"failed_seeds\":[]"))
    }

    @Test func badOptionsAreUsageErrors() async {
        for (arguments, message) in [
            (["--fault-rate", "0.9"], "--fault-rate takes a number from 0 to 0.5, not '0.9'"),
            (["--fault-rate", "often"], "--fault-rate takes a number from 0 to 0.5"),
            (["--nodes", "1"], "--nodes takes a whole number from 2 to 1000000"),
            (["--chunks", "0"], "--chunks takes a whole number from 1 to 100000000"),
            (["--seeds", "0"], "--seeds takes a whole number from 1 to 1000000"),
            (["--seed", "-3"], "--seed takes a whole number of 0 or more"),
            (["--speed", "9"], "unknown option '--speed'"),
            (["--seed", "18446744073709551615", "--seeds", "2"], "runs past the largest seed"),
        ] {
            var output = BufferedOutput()
            #expect(await GrafosCommandLine.main(["sim"] + arguments, output: &output) == 2, "\(arguments)")
            #expect(output.standardError.contains(message), "\(output.standardError)")
        }
    }
}
