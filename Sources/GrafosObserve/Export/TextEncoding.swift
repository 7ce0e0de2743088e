/// Number and string encodings shared by the Prometheus, JSON and trace exporters.
///
/// Every exporter formats numbers the same way, so a value reads identically in Prometheus text, in the JSON
/// snapshot and in a trace:
/// - integral values below 10^18 in magnitude print as plain integers (`3`, `-1`, `1000000`, never `3.0`);
/// - other finite values print as Swift's shortest round-trip representation (`0.25`, `1e-05`, `1e+21`);
/// - non-finite values print as Prometheus spells them: `+Inf`, `-Inf`, `NaN`.
package enum TextEncoding {
    /// Formats a number the way Prometheus text exposition expects it.
    ///
    /// - Parameter value: The number to format.
    /// - Returns: `+Inf`, `-Inf`, `NaN`, an integer without a fractional part, or the shortest decimal that reads
    ///   back as the same `Double`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(.towardZero), value.magnitude < 1e18 {
            return String(Int64(value))
        }
        return value.description
    }

    /// Formats a duration as microseconds with nanosecond precision and no trailing zeros (`1500`, `2.25`, `-0.001`).
    ///
    /// - Parameter duration: The duration to format; sub-nanosecond parts are truncated.
    /// - Returns: A JSON number in microseconds.
    static func microseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let nanos = Int128(seconds) * 1_000_000_000 + Int128(attoseconds / 1_000_000_000)
        let negative = nanos < 0
        let magnitude = nanos.magnitude
        let whole = magnitude / 1000
        var fraction = magnitude % 1000
        var text = negative ? "-" : ""
        text += String(whole)
        if fraction != 0 {
            var digits = 3
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            let fractionText = String(fraction)
            text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        }
        return text
    }

    /// Quotes and escapes a string as a JSON string literal (RFC 8259).
    ///
    /// - Parameter string: The text to quote.
    /// - Returns: The text between double quotes, with `"`, `\` and control characters escaped.
    package static func jsonString(_ string: String) -> String {
        var out = "\""
        out.reserveCapacity(string.utf8.count + 2)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }

    /// Writes a string-to-string map as a JSON object with keys in ascending order.
    ///
    /// - Parameter object: The map to encode.
    /// - Returns: A JSON object such as `{"a":"1","b":"2"}`.
    static func jsonObject(_ object: [String: String]) -> String {
        let members = object.sorted { $0.key < $1.key }.map { jsonString($0.key) + ":" + jsonString($0.value) }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A finite number as a JSON number; a non-finite one as the JSON string `"+Inf"`, `"-Inf"` or `"NaN"`.
    ///
    /// - Parameter value: The number to encode.
    /// - Returns: JSON text for the value.
    static func jsonNumber(_ value: Double) -> String {
        value.isFinite ? number(value) : "\"" + number(value) + "\""
    }

    /// Escapes a Prometheus label value: `\` → `\\`, `"` → `\"`, line feed → `\n`.
    ///
    /// - Parameter value: The label value.
    /// - Returns: The escaped value, without surrounding quotes.
    static func prometheusLabelValue(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Escapes Prometheus `# HELP` text: `\` → `\\`, line feed → `\n` (quotes stay as they are).
    ///
    /// - Parameter help: The help text.
    /// - Returns: The escaped text.
    static func prometheusHelp(_ help: String) -> String {
        var out = ""
        out.reserveCapacity(help.utf8.count)
        for scalar in help.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Label pairs in the canonical order: ascending by name.
    ///
    /// - Parameter labels: The labels of one series.
    /// - Returns: The pairs sorted by label name.
    static func sortedLabels(_ labels: [String: String]) -> [(name: String, value: String)] {
        labels.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
    }

    /// Whether one label set sorts before another: pairwise by (name, value) in canonical order, shorter first.
    ///
    /// - Parameters:
    ///   - lhs: Sorted labels of the first series.
    ///   - rhs: Sorted labels of the second series.
    /// - Returns: `true` when `lhs` sorts first.
    static func labelsPrecede(_ lhs: [(name: String, value: String)], _ rhs: [(name: String, value: String)]) -> Bool {
        for (left, right) in zip(lhs, rhs) {
            if left.name != right.name { return left.name < right.name }
            if left.value != right.value { return left.value < right.value }
        }
        return lhs.count < rhs.count
    }
}
