#if canImport(GrafosWasmDev)
@testable import GrafosWasmDev
#else
@testable import GrafosStd
#endif

/// Helpers that assemble WebAssembly binaries by hand for the decoder and validator tests.
enum WasmTestBytes {
    /// The 8-byte header: `\0asm` and version 1.
    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

    /// An unsigned LEB128 encoding.
    static func uleb(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return bytes
    }

    /// A signed LEB128 encoding.
    static func sleb(_ value: Int64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while true {
            let byte = UInt8(truncatingIfNeeded: value) & 0x7F
            value >>= 7
            if (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0) {
                bytes.append(byte)
                return bytes
            }
            bytes.append(byte | 0x80)
        }
    }

    /// A name: its length and UTF-8 bytes.
    static func name(_ text: String) -> [UInt8] {
        uleb(UInt64(text.utf8.count)) + Array(text.utf8)
    }

    /// A vector: its count and the concatenated elements.
    static func vector(_ elements: [[UInt8]]) -> [UInt8] {
        uleb(UInt64(elements.count)) + elements.flatMap { $0 }
    }

    /// A section: id, size and contents.
    static func section(_ id: UInt8, _ contents: [UInt8]) -> [UInt8] {
        [id] + uleb(UInt64(contents.count)) + contents
    }

    /// A module from sections.
    static func module(_ sections: [[UInt8]]) -> [UInt8] {
        header + sections.flatMap { $0 }
    }

    /// A function body: local runs, code (which must end with `0x0B`), with its size prefix.
    static func body(locals: [(UInt32, WasmValueType)] = [], _ code: [UInt8]) -> [UInt8] {
        let contents = vector(locals.map { uleb(UInt64($0.0)) + [$0.1.rawValue] }) + code
        return uleb(UInt64(contents.count)) + contents
    }

    /// A module with one function of type `parameters -> results` and the given body; optionally a memory.
    static func singleFunction(
        parameters: [WasmValueType] = [],
        results: [WasmValueType] = [],
        locals: [(UInt32, WasmValueType)] = [],
        memory: Bool = false,
        _ code: [UInt8]
    ) -> [UInt8] {
        let type = [0x60] + vector(parameters.map { [$0.rawValue] }) + vector(results.map { [$0.rawValue] })
        var sections = [section(1, vector([type])), section(3, vector([[0]]))]
        if memory { sections.append(section(5, vector([[0x00, 0x01]]))) }
        sections.append(section(10, vector([body(locals: locals, code)])))
        return module(sections)
    }

    /// Runs `body` on a ``ByteReader`` over `bytes` and returns its result or decoding error.
    static func read<T>(
        _ bytes: [UInt8],
        _ body: (inout ByteReader) throws(WasmDecodingError) -> T
    ) -> Result<T, WasmDecodingError> {
        bytes.withUnsafeBytes { buffer in
            var reader = ByteReader(bytes: buffer)
            do throws(WasmDecodingError) {
                return .success(try body(&reader))
            } catch {
                return .failure(error)
            }
        }
    }

    /// The decoding error of `bytes`, or `nil` when they decode.
    static func decodingError(_ bytes: [UInt8]) -> WasmDecodingError? {
        do {
            _ = try WasmModule(parsing: bytes)
            return nil
        } catch {
            return error
        }
    }

    /// The validation error of `bytes` (which must decode), or `nil` when the module is valid.
    static func validationError(_ bytes: [UInt8]) throws -> WasmValidationError? {
        let module = try WasmModule(parsing: bytes)
        do {
            try module.validate()
            return nil
        } catch {
            return error
        }
    }
}
