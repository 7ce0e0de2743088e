/// The debug names of a module's `name` custom section, used for backtraces.
///
/// The section is optional and informative: the spec asks engines not to reject a module whose `name`
/// section is malformed, so decoding keeps whatever it read before a problem and ignores the rest.
package struct WasmNameSection: Sendable, Hashable {
    /// The module's name (subsection 0), if any.
    package var moduleName: String?
    /// Function names by function index (subsection 1).
    package var functionNames: [UInt32: String]

    /// Creates a name section.
    package init(moduleName: String? = nil, functionNames: [UInt32: String] = [:]) {
        self.moduleName = moduleName
        self.functionNames = functionNames
    }

    /// Decodes the contents of a `name` custom section.
    /// - Parameters:
    ///   - bytes: the whole module.
    ///   - contents: the section's contents after its name.
    /// - Returns: the names read before the end of the section or the first malformed subsection.
    static func decode(bytes: UnsafeRawBufferPointer, contents: Range<Int>) -> WasmNameSection {
        var names = WasmNameSection()
        var reader = ByteReader(bytes: bytes, range: contents, endReason: .unexpectedEndOfSectionOrFunction)
        do {
            while !reader.isAtEnd {
                let id = try reader.readByte()
                let range = try reader.readSizedRange()
                guard range.upperBound <= reader.limit else { break }
                var sub = ByteReader(bytes: bytes, range: range, endReason: .unexpectedEndOfSectionOrFunction)
                switch id {
                case 0:
                    names.moduleName = try sub.readName()
                case 1:
                    let count = try sub.readCount()
                    names.functionNames.reserveCapacity(count)
                    for _ in 0..<count {
                        let index = try sub.readVarUInt32()
                        names.functionNames[index] = try sub.readName()
                    }
                default:
                    break
                }
                reader.offset = range.upperBound
            }
        } catch {
            // A malformed name section is not an error (spec, appendix "Custom Sections"); keep what was read.
        }
        return names
    }
}
