/// Decodes the sections of a WebAssembly module into a ``WasmModule``.
///
/// One pass over the bytes, checking the binary format as it goes. Allocations are proportional to the
/// entities declared (one array per section, one entry per entity), never to a declared count alone: every
/// count is checked against the bytes left before anything is reserved.
struct WasmModuleParser {
    /// The section ids in the order the binary format requires (custom sections, id 0, may appear anywhere).
    private static let sectionOrder: [UInt8: Int] = [
        1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 10, 10: 11, 11: 12,
    ]

    /// The cursor over the whole module.
    var reader: ByteReader
    /// The module being built.
    var module: WasmModule
    /// The type indices of the function section, waiting for the code section.
    var functionTypeIndices: [UInt32] = []
    /// Whether a function body uses `memory.init` or `data.drop`, which need a data count section when the
    /// module has data segments.
    var codeUsesDataIndices = false
    /// Whether a `name` custom section was decoded (only the first one is).
    var sawNameSection = false
    /// Open blocks while scanning code: 1 for an `if` that may still take an `else`, 0 otherwise.
    var nesting: [UInt8] = []

    /// Creates a parser over `bytes`, filling in `module`.
    init(bytes: UnsafeRawBufferPointer, module: WasmModule) {
        self.reader = ByteReader(bytes: bytes)
        self.module = module
    }

    /// Decodes the header and every section.
    mutating func parse() throws(WasmDecodingError) {
        try parseHeader()
        var lastRank = 0
        while !reader.isAtEnd {
            let sectionStart = reader.offset
            let id = try reader.readByte()
            guard id <= 12 else {
                throw reader.error(.malformedSectionID, at: sectionStart, detail: "section id \(id)")
            }
            let contents = try reader.readSizedRange()
            if id != 0 {
                let rank = Self.sectionOrder[id] ?? 0
                guard rank > lastRank else {
                    throw reader.error(
                        .unexpectedContentAfterLastSection,
                        at: sectionStart,
                        detail: "section \(id) out of order or repeated"
                    )
                }
                lastRank = rank
            }
            // Like the reference interpreter, a section's contents are read as if the section went on to the end
            // of the module, and then checked to end exactly where the section does; so a truncated section
            // reports what the following bytes turned out to be. Custom sections are read within their size.
            let outer = reader
            if id == 0 {
                reader.limit = contents.upperBound
                reader.endReason = .unexpectedEnd
            } else {
                reader.endReason = .unexpectedEndOfSectionOrFunction
            }
            try parseSection(id: id, contents: contents)
            guard reader.offset == contents.upperBound else {
                throw reader.error(
                    .sectionSizeMismatch,
                    at: sectionStart,
                    detail:
                        "section \(id) declares \(contents.count) bytes, contents take \(reader.offset - contents.lowerBound)"
                )
            }
            reader.limit = outer.limit
            reader.endReason = outer.endReason
        }
        guard functionTypeIndices.count == module.functions.count else {
            throw reader.error(
                .functionAndCodeInconsistent,
                detail: "\(functionTypeIndices.count) functions declared, \(module.functions.count) bodies"
            )
        }
        if module.dataCount == nil && !module.datas.isEmpty && codeUsesDataIndices {
            throw reader.error(
                .dataCountSectionRequired,
                detail: "memory.init or data.drop is used, and the module has data segments but no data count section"
            )
        }
        if let dataCount = module.dataCount, Int(dataCount) != module.datas.count {
            throw reader.error(
                .dataCountInconsistent,
                detail: "data count \(dataCount), \(module.datas.count) data segments"
            )
        }
    }

    /// Checks the magic number and the version.
    mutating func parseHeader() throws(WasmDecodingError) {
        guard reader.remaining >= 4 else { throw reader.error(.unexpectedEnd, at: reader.limit) }
        guard try reader.readUInt32LittleEndian() == 0x6D73_6100 else {
            throw reader.error(.magicHeaderNotDetected, at: 0)
        }
        guard reader.remaining >= 4 else { throw reader.error(.unexpectedEnd, at: reader.limit) }
        let version = try reader.readUInt32LittleEndian()
        guard version == 1 else { throw reader.error(.unknownBinaryVersion, at: 4, detail: "version \(version)") }
    }

    /// Decodes the contents of one section; the reader's limit is the end of the section.
    mutating func parseSection(id: UInt8, contents: Range<Int>) throws(WasmDecodingError) {
        switch id {
        case 0: try parseCustomSection(contents: contents)
        case 1: try parseTypeSection()
        case 2: try parseImportSection()
        case 3: try parseFunctionSection()
        case 4: try parseTableSection()
        case 5: try parseMemorySection()
        case 6: try parseGlobalSection()
        case 7: try parseExportSection()
        case 8: module.start = try reader.readVarUInt32()
        case 9: try parseElementSection()
        case 10: try parseCodeSection()
        case 11: try parseDataSection()
        default: module.dataCount = try reader.readVarUInt32()  // 12
        }
    }

    /// Reads a custom section's name and keeps its contents; decodes the `name` section's names.
    mutating func parseCustomSection(contents: Range<Int>) throws(WasmDecodingError) {
        let name = try reader.readName()
        let payload = reader.offset..<contents.upperBound
        reader.offset = contents.upperBound
        module.customSections.append(WasmCustomSection(name: name, contents: payload))
        if name == "name" && !sawNameSection {
            sawNameSection = true
            module.names = WasmNameSection.decode(bytes: reader.bytes, contents: payload)
        }
    }

    mutating func parseTypeSection() throws(WasmDecodingError) {
        let count = try reader.readCount()
        module.types.reserveCapacity(count)
        for _ in 0..<count {
            let form = try reader.readByte()
            guard form == 0x60 else {
                let reason: WasmDecodingError.Reason =
                    form & 0x80 != 0 ? .integerRepresentationTooLong : .malformedFunctionType
                throw reader.error(reason, at: reader.offset &- 1, detail: "type form 0x\(String(form, radix: 16))")
            }
            let parameters = try readValueTypes()
            let results = try readValueTypes()
            module.types.append(WasmFunctionType(parameters: parameters, results: results))
        }
    }

    /// Reads a vector of value types.
    mutating func readValueTypes() throws(WasmDecodingError) -> [WasmValueType] {
        let count = try reader.readCount()
        var types: [WasmValueType] = []
        types.reserveCapacity(count)
        for _ in 0..<count { types.append(try reader.readValueType()) }
        return types
    }

    mutating func parseImportSection() throws(WasmDecodingError) {
        let count = try reader.readCount()
        module.imports.reserveCapacity(count)
        for _ in 0..<count {
            let moduleName = try reader.readName()
            let name = try reader.readName()
            let kindOffset = reader.offset
            let kind = try reader.readByte()
            let descriptor: WasmImport.Descriptor
            switch kind {
            case 0:
                descriptor = .function(typeIndex: try reader.readVarUInt32())
                module.importedFunctionCount &+= 1
            case 1:
                descriptor = .table(try readTableType())
                module.importedTableCount &+= 1
            case 2:
                descriptor = .memory(WasmMemoryType(limits: try readLimits()))
                module.importedMemoryCount &+= 1
            case 3:
                descriptor = .global(try readGlobalType())
                module.importedGlobalCount &+= 1
            default:
                throw reader.error(.malformedImportKind, at: kindOffset, detail: "kind 0x\(String(kind, radix: 16))")
            }
            module.imports.append(WasmImport(module: moduleName, name: name, descriptor: descriptor))
        }
    }

    mutating func parseFunctionSection() throws(WasmDecodingError) {
        let count = try reader.readCount()
        functionTypeIndices.reserveCapacity(count)
        for _ in 0..<count { functionTypeIndices.append(try reader.readVarUInt32()) }
    }

    mutating func parseTableSection() throws(WasmDecodingError) {
        let count = try reader.readCount()
        module.tables.reserveCapacity(count)
        for _ in 0..<count { module.tables.append(try readTableType()) }
    }

    mutating func parseMemorySection() throws(WasmDecodingError) {
        let count = try reader.readCount()
        module.memories.reserveCapacity(count)
        for _ in 0..<count { module.memories.append(WasmMemoryType(limits: try readLimits())) }
    }

    mutating func parseGlobalSection() throws(WasmDecodingError) {
        let count = try reader.readCount()
        module.globals.reserveCapacity(count)
        for _ in 0..<count {
            let type = try readGlobalType()
            module.globals.append(WasmGlobal(type: type, initializer: try readConstExpression()))
        }
    }

    mutating func parseExportSection() throws(WasmDecodingError) {
        let count = try reader.readCount()
        module.exports.reserveCapacity(count)
        for _ in 0..<count {
            let name = try reader.readName()
            let kindOffset = reader.offset
            let byte = try reader.readByte()
            guard let kind = WasmExternalKind(rawValue: byte) else {
                throw reader.error(.malformedExportKind, at: kindOffset, detail: "kind 0x\(String(byte, radix: 16))")
            }
            module.exports.append(WasmExport(name: name, kind: kind, index: try reader.readVarUInt32()))
        }
    }

    /// Reads limits: a 1-bit flag, the minimum, and the maximum when the flag is set.
    mutating func readLimits() throws(WasmDecodingError) -> WasmLimits {
        let hasMax = try reader.readVarUInt1()
        let min = try reader.readVarUInt32()
        return WasmLimits(min: min, max: hasMax ? try reader.readVarUInt32() : nil)
    }

    mutating func readTableType() throws(WasmDecodingError) -> WasmTableType {
        let elementType = try reader.readReferenceType()
        return WasmTableType(elementType: elementType, limits: try readLimits())
    }

    mutating func readGlobalType() throws(WasmDecodingError) -> WasmGlobalType {
        let valueType = try reader.readValueType()
        let mutability = try reader.readByte()
        guard mutability <= 1 else {
            throw reader.error(
                .malformedMutability,
                at: reader.offset &- 1,
                detail: "byte 0x\(String(mutability, radix: 16))"
            )
        }
        return WasmGlobalType(valueType: valueType, isMutable: mutability == 1)
    }
}
