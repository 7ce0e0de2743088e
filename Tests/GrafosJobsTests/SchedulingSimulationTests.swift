import GrafosJobs
import GrafosStd
import Testing

/// The virtual-time benchmark behind `grafos bench scheduling`, at a size a unit test can afford.
@Suite struct SchedulingSimulationTests {
    private var small: SchedulingSimulation {
        var simulation = SchedulingSimulation()
        simulation.nodes = 50
        simulation.chunks = 2000
        simulation.kinds = 16
        return simulation
    }

    @Test(.timeLimit(.minutes(2)))
    func lptWithSpeculationBeatsFifoAndLptAndTheSameSeedGivesTheSameMakespans() async throws {
        let report = try await small.run()
        let again = try await small.run()
        #expect(report.outcomes.map(\.makespan) == again.outcomes.map(\.makespan))
        let (fifo, lpt, speculative) = (report.outcomes[0], report.outcomes[1], report.outcomes[2])
        #expect(speculative.makespan < lpt.makespan)
        #expect(speculative.makespan < fifo.makespan)
        #expect(speculative.speculativeAttempts > 0 && fifo.speculativeAttempts == 0)
        #expect(report.outcomes.allSatisfy { $0.makespan >= report.lowerBound })
    }
}
