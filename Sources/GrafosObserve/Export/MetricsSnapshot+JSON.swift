extension MetricsSnapshot {
    /// Renders the snapshot as compact JSON with a stable layout: keys in ascending order, families sorted by name,
    /// samples in canonical label order.
    ///
    /// The shape is the snapshot's `Codable` form, so `JSONDecoder` reads it back into an equal snapshot:
    ///
    /// ```json
    /// {"families":[
    ///   {"help":"CPU leases currently held.","name":"cpu_leases_active","samples":[{"labels":{},"value":2}],"type":"gauge"},
    ///   {"help":"","name":"tasklet_duration_ms","samples":[{"histogram":{"buckets":[{"count":1,"le":"10"},
    ///     {"count":2,"le":"+Inf"}],"count":2,"sum":52.5},"labels":{}}],"type":"histogram"}]}
    /// ```
    ///
    /// (Line breaks added here for reading; the real text is one line.) Numbers print as in ``prometheusText()``;
    /// bucket bounds are strings like Prometheus `le` labels, and a non-finite value or sum is the string `"+Inf"`,
    /// `"-Inf"` or `"NaN"`, since JSON has no literal for them.
    ///
    /// - Returns: One line of JSON without a trailing line feed.
    public func jsonText() -> String {
        var out = "{\"families\":["
        for (familyIndex, family) in families.enumerated() {
            if familyIndex > 0 { out += "," }
            out += "{\"help\":" + TextEncoding.jsonString(family.help)
            out += ",\"name\":" + TextEncoding.jsonString(family.name)
            out += ",\"samples\":["
            for (sampleIndex, sample) in family.samples.enumerated() {
                if sampleIndex > 0 { out += "," }
                out += "{"
                if let histogram = sample.histogram {
                    out += "\"histogram\":{\"buckets\":["
                    out += histogram.buckets.map { bucket in
                        "{\"count\":\(bucket.cumulativeCount),\"le\":\"\(TextEncoding.number(bucket.upperBound))\"}"
                    }.joined(separator: ",")
                    out += "],\"count\":\(histogram.count),\"sum\":\(TextEncoding.jsonNumber(histogram.sum))},"
                }
                out += "\"labels\":" + TextEncoding.jsonObject(sample.labels)
                if let value = sample.value {
                    out += ",\"value\":" + TextEncoding.jsonNumber(value)
                }
                out += "}"
            }
            out += "],\"type\":" + TextEncoding.jsonString(family.type.rawValue) + "}"
        }
        out += "]}"
        return out
    }
}
