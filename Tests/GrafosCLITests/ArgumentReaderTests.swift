import Testing

@testable import GrafosCLI

@Suite struct ArgumentReaderTests {
    @Test func optionsFlagsAndPositionalsAreReadInAnyOrder() throws {
        var reader = ArgumentReader(["leases", "--rounds", "5", "--json", "--nodes=7"])
        let json = reader.flag("json")
        let rounds = try reader.integer("rounds", default: 1)
        let nodes = try reader.integer("nodes", default: 1)
        let cores = try reader.integer("cores", default: 2)
        let rest = try reader.positionalArguments()
        #expect(json)
        #expect(rounds == 5)
        #expect(nodes == 7)
        #expect(cores == 2)
        #expect(rest == ["leases"])
    }

    @Test func repeatedOptionsAreCollectedInOrder() throws {
        var reader = ArgumentReader(["--arg", "i32:1", "m.wasm", "--arg=f64:2.5"])
        let values = try reader.options("arg")
        let rest = try reader.positionalArguments()
        #expect(values == ["i32:1", "f64:2.5"])
        #expect(rest == ["m.wasm"])
    }

    @Test func everythingAfterADoubleDashIsPositional() throws {
        var reader = ArgumentReader(["m.wasm", "--", "--not-an-option", "x"])
        let rest = try reader.positionalArguments()
        #expect(rest == ["m.wasm", "--not-an-option", "x"])
    }

    @Test func badValuesAndLeftoversAreUsageErrors() {
        var reader = ArgumentReader(["--rounds", "many"])
        #expect(throws: CLIError.self) { _ = try reader.integer("rounds", default: 1) }
        var missing = ArgumentReader(["--rounds"])
        #expect(throws: CLIError.self) { _ = try missing.option("rounds") }
        var twice = ArgumentReader(["--seed", "1", "--seed", "2"])
        #expect(throws: CLIError.self) { _ = try twice.option("seed") }
        var unknown = ArgumentReader(["--frobnicate"])
        #expect(throws: CLIError.self) { try unknown.finish() }
        var outOfRange = ArgumentReader(["--nodes", "0"])
        #expect(throws: CLIError.self) { _ = try outOfRange.integer("nodes", default: 1, in: 1...10) }
    }
}
