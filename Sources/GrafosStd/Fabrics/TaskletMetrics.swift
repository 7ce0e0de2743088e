import GrafosObserve

/// The tasklet metrics every fabric records the same way: launches, durations, fuel and failures by reason.
package struct TaskletMetrics: Sendable {
    private let registry: MetricsRegistry
    private let launched: Counter
    private let duration: Histogram
    private let fuel: Counter

    package init(_ registry: MetricsRegistry) {
        self.registry = registry
        launched = registry.counter("tasklets_launched_total", help: "Tasklet launches started")
        duration = registry.histogram("tasklet_duration_ms", help: "Tasklet launch duration in milliseconds")
        fuel = registry.counter("fuel_consumed_total", help: "Fuel consumed by finished tasklets")
    }

    /// Counts a launch as started.
    package func started() {
        launched.increment()
    }

    /// Records a finished launch.
    package func finished(_ result: TaskletResult, after elapsed: Duration) {
        duration.observe(elapsed.fabricMilliseconds)
        fuel.increment(by: result.fuelConsumed)
    }

    /// Records a failed launch and returns the failure's reason label.
    @discardableResult
    package func failed(_ error: any Error, after elapsed: Duration) -> String {
        duration.observe(elapsed.fabricMilliseconds)
        let reason = FabricCore.failureReason(error)
        registry.counter(
            "tasklet_failures_total",
            help: "Tasklet launches that failed, by reason",
            labels: ["reason": reason]
        ).increment()
        return reason
    }
}
