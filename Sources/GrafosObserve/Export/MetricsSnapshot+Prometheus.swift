extension MetricsSnapshot {
    /// The HTTP `Content-Type` of ``prometheusText()``: text exposition format 0.0.4.
    public static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Renders the snapshot in the Prometheus text exposition format, version 0.0.4.
    ///
    /// Families appear in the snapshot's order (sorted by name), each with one `# HELP` line (omitted when the help
    /// text is empty) and one `# TYPE` line, then one line per series with labels sorted by name. A histogram
    /// series expands to cumulative `_bucket{le="…"}` lines ending with `le="+Inf"`, then `_sum` and `_count`.
    /// Label values escape `\`, `"` and line feeds; help text escapes `\` and line feeds. Numbers print as
    /// Prometheus reads them: integers without a fractional part, `+Inf`, `-Inf`, `NaN`. No timestamps.
    ///
    /// ```
    /// # HELP cpu_leases_active CPU leases currently held.
    /// # TYPE cpu_leases_active gauge
    /// cpu_leases_active 2
    /// # TYPE tasklet_failures_total counter
    /// tasklet_failures_total{reason="trap"} 1
    /// ```
    ///
    /// - Returns: The exposition text, each line ending in a line feed; empty for an empty snapshot.
    public func prometheusText() -> String {
        var out = ""
        for family in families {
            if !family.help.isEmpty {
                out += "# HELP \(family.name) \(TextEncoding.prometheusHelp(family.help))\n"
            }
            out += "# TYPE \(family.name) \(family.type.rawValue)\n"
            for sample in family.samples {
                let labels = TextEncoding.sortedLabels(sample.labels)
                switch family.type {
                case .counter, .gauge:
                    let value = sample.value ?? 0
                    out += family.name + Self.render(labels) + " " + TextEncoding.number(value) + "\n"
                case .histogram:
                    let histogram = sample.histogram ?? HistogramSample(buckets: [], count: 0, sum: 0)
                    var buckets = histogram.buckets
                    if buckets.last?.upperBound != .infinity {
                        buckets.append(HistogramSample.Bucket(upperBound: .infinity, cumulativeCount: histogram.count))
                    }
                    for bucket in buckets {
                        let bound = (name: "le", value: TextEncoding.number(bucket.upperBound))
                        out += family.name + "_bucket" + Self.render(labels + [bound]) + " "
                        out += String(bucket.cumulativeCount) + "\n"
                    }
                    out += family.name + "_sum" + Self.render(labels) + " " + TextEncoding.number(histogram.sum) + "\n"
                    out += family.name + "_count" + Self.render(labels) + " " + String(histogram.count) + "\n"
                }
            }
        }
        return out
    }

    private static func render(_ labels: [(name: String, value: String)]) -> String {
        if labels.isEmpty { return "" }
        let pairs = labels.map { "\($0.name)=\"\(TextEncoding.prometheusLabelValue($0.value))\"" }
        return "{" + pairs.joined(separator: ",") + "}"
    }
}
