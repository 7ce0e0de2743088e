import Testing

@testable import GrafosCLI

@Suite struct CommandLineTests {
    @Test func noArgumentsPrintsHelpAndExitsWithUsageStatus() async {
        var output = BufferedOutput()
        #expect(await GrafosCommandLine.main([], output: &output) == 2)
        #expect(output.standardOutput.contains("Usage: grafos <command>"))
        #expect(output.standardOutput.contains("bench"))
    }

    @Test func anUnknownCommandIsAUsageError() async {
        var output = BufferedOutput()
        #expect(await GrafosCommandLine.main(["frobnicate"], output: &output) == 2)
        #expect(output.standardError.contains("unknown command 'frobnicate'"))
    }

    @Test func everyCommandHasHelp() async {
        for command in GrafosCommandLine.commands {
            var output = BufferedOutput()
            #expect(await GrafosCommandLine.main([command.name, "--help"], output: &output) == 0)
            #expect(output.standardOutput.contains("Usage: grafos \(command.name)"))
        }
    }

    @Test func benchLeasesLeasesEveryCoreAndEndsWithTheGaugeAtZero() async {
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(["bench", "leases", "--rounds", "3"], output: &output)
        #expect(status == 0)
        #expect(output.standardOutput.contains("all 100 cores leased"))
        #expect(output.standardOutput.contains("cpu_leases_active after teardown: 0"))
    }

    @Test func benchLeasesSpeaksJSON() async {
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(
            ["bench", "leases", "--rounds", "2", "--nodes", "4", "--leases", "4", "--json"],
            output: &output
        )
        #expect(status == 0)
        #expect(output.standardOutput.hasPrefix("{\"benchmark\":\"leases\",\"fabric\":\"local\",\"nodes\":4"))
        #expect(output.standardOutput.contains("\"cpu_leases_active_after\":0"))
    }

    @Test func benchRejectsBadArgumentsWithAHint() async {
        var output = BufferedOutput()
        #expect(await GrafosCommandLine.main(["bench", "leases", "--rounds", "x"], output: &output) == 2)
        #expect(output.standardError.contains("--rounds takes a whole number"))
        var other = BufferedOutput()
        #expect(await GrafosCommandLine.main(["bench", "warp"], output: &other) == 2)
        #expect(other.standardError.contains("unknown benchmark 'warp'"))
    }

    @Test func moreLeasesThanTheFabricHoldsFailsClearly() async {
        var output = BufferedOutput()
        let status = await GrafosCommandLine.main(
            ["bench", "leases", "--rounds", "1", "--nodes", "2", "--leases", "3"],
            output: &output
        )
        #expect(status == 1)
        #expect(output.standardError.contains("insufficientCapacity"))
    }
}
