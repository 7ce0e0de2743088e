// Codable forms that match `jsonText()`: keys as written there, bucket bounds as Prometheus `le` strings, and
// non-finite numbers as the strings "+Inf", "-Inf" and "NaN" (JSON has no literal for them).

extension MetricsSnapshot.Sample: Codable {
    private enum CodingKeys: String, CodingKey {
        case histogram
        case labels
        case value
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        value = try container.decodeIfPresent(FlexibleNumber.self, forKey: .value)?.value
        histogram = try container.decodeIfPresent(MetricsSnapshot.HistogramSample.self, forKey: .histogram)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(histogram, forKey: .histogram)
        try container.encode(labels, forKey: .labels)
        try container.encodeIfPresent(value.map(FlexibleNumber.init), forKey: .value)
    }
}

extension MetricsSnapshot.HistogramSample: Codable {
    private enum CodingKeys: String, CodingKey {
        case buckets
        case count
        case sum
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        buckets = try container.decode([Bucket].self, forKey: .buckets)
        count = try container.decode(UInt64.self, forKey: .count)
        sum = try container.decode(FlexibleNumber.self, forKey: .sum).value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(buckets, forKey: .buckets)
        try container.encode(count, forKey: .count)
        try container.encode(FlexibleNumber(sum), forKey: .sum)
    }
}

extension MetricsSnapshot.HistogramSample.Bucket: Codable {
    private enum CodingKeys: String, CodingKey {
        case count
        case le
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cumulativeCount = try container.decode(UInt64.self, forKey: .count)
        let text = try container.decode(String.self, forKey: .le)
        guard let bound = FlexibleNumber.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .le,
                in: container,
                debugDescription: "bucket bound \"\(text)\" is not a number, +Inf, -Inf or NaN"
            )
        }
        upperBound = bound
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cumulativeCount, forKey: .count)
        try container.encode(TextEncoding.number(upperBound), forKey: .le)
    }
}

/// A `Double` that encodes as a JSON number when finite and as "+Inf", "-Inf" or "NaN" otherwise.
private struct FlexibleNumber: Codable {
    var value: Double

    init(_ value: Double) {
        self.value = value
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
            return
        }
        let text = try container.decode(String.self)
        guard let number = FlexibleNumber.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "\"\(text)\" is not a number, +Inf, -Inf or NaN"
            )
        }
        value = number
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if value.isFinite {
            try container.encode(value)
        } else {
            try container.encode(TextEncoding.number(value))
        }
    }

    /// Parses Prometheus number text: a decimal, `+Inf`, `-Inf` or `NaN`.
    static func parse(_ text: String) -> Double? {
        switch text {
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default: return Double(text)
        }
    }
}
