extension MetricsRegistry {
    /// Registers every unlabelled ``StandardMetric`` at zero, so exports show them before anything happens.
    ///
    /// Labelled ones (`tasklet_failures_total{reason}`) appear with their first series. Calling this again is
    /// harmless: registration is get-or-create. A library that registered one of these names with another type
    /// first makes this record a conflict in ``conflicts``.
    public func registerStandardMetrics() {
        for metric in StandardMetric.all where metric.labelNames.isEmpty {
            switch metric.type {
            case .counter: _ = counter(metric.name, help: metric.help)
            case .gauge: _ = gauge(metric.name, help: metric.help)
            case .histogram: _ = histogram(metric.name, help: metric.help)
            }
        }
    }
}
