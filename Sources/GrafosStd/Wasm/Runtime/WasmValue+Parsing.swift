extension WasmValue {
    /// Parses a command-line value: `i32:5`, `i64:-3`, `f32:1.5`, `f64:2.5e10`, `f32:nan`, or a bit pattern
    /// `f64:0x7ff8000000000001`; `externref:7`, `externref:null`, `funcref:null`.
    /// - Returns: the value, or `nil` when the text is not one of these forms.
    package init?(argument: String) {
        guard let colon = argument.firstIndex(of: ":") else { return nil }
        let type = argument[..<colon]
        let text = String(argument[argument.index(after: colon)...])
        let hex = text.hasPrefix("0x") ? String(text.dropFirst(2)) : nil
        switch type {
        case "i32":
            if let hex, let bits = UInt32(hex, radix: 16) {
                self = .i32(bits)
            } else if let value = Int32(text) {
                self = .int32(value)
            } else if let bits = UInt32(text) {
                self = .i32(bits)
            } else {
                return nil
            }
        case "i64":
            if let hex, let bits = UInt64(hex, radix: 16) {
                self = .i64(bits)
            } else if let value = Int64(text) {
                self = .int64(value)
            } else if let bits = UInt64(text) {
                self = .i64(bits)
            } else {
                return nil
            }
        case "f32":
            if let hex, let bits = UInt32(hex, radix: 16) {
                self = .f32(bits)
            } else if let value = Float(text) {
                self = .float32(value)
            } else {
                return nil
            }
        case "f64":
            if let hex, let bits = UInt64(hex, radix: 16) {
                self = .f64(bits)
            } else if let value = Double(text) {
                self = .float64(value)
            } else {
                return nil
            }
        case "externref":
            if text == "null" {
                self = .externRef(nil)
            } else if let payload = UInt64(text), payload != UInt64.max {
                self = .externRef(payload)
            } else {
                return nil
            }
        case "funcref":
            guard text == "null" else { return nil }
            self = .funcRef(nil)
        default:
            return nil
        }
    }
}
