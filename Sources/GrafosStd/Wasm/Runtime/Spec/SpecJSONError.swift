/// A JSON document that could not be parsed.
package struct SpecJSONError: Error, Sendable, CustomStringConvertible {
    /// Where the problem is.
    package var offset: Int
    /// What is wrong.
    package var message: String

    init(offset: Int, _ message: String) {
        self.offset = offset
        self.message = message
    }

    package var description: String { "invalid JSON at byte \(offset): \(message)" }
}
