/// The `grafos` host module for freestanding tasklets (no libc): input, output, log and objects.
///
/// All pointers and lengths are the guest's `i32`s read as unsigned; results are `i32`, negative for errors
/// (``GrafosHostResult``). Output and log are the same buffers and limits as WASI's stdout and stderr.
/// See `Docs/TaskletABI.md` for the ABI with C examples.
extension WASIContext {
    /// The `grafos` ABI's error results.
    package enum GrafosHostResult: Int32, Sendable {
        /// A pointer/length range outside the memory, or a key that is empty or not UTF-8.
        case outOfBounds = -1
        /// The output would pass `maxOutput` (the launch fails with `outputTooLarge` when it ends).
        case outputLimitExceeded = -2
        /// No object with that key.
        case notFound = -3
        /// The object does not fit in the storage.
        case storageFull = -4
        /// The launch mounted no object store.
        case noStorage = -5
    }

    /// `input_size() -> i32`: the input's length in bytes.
    package func grafosInputSize() -> Int32 {
        Int32(clamping: configuration.stdin.count)
    }

    /// `input_read(dst, len, offset) -> i32`: copies up to `len` input bytes from `offset` to `dst`; returns how
    /// many (0 at or past the end), or -1 when `dst..<dst+len` is outside the memory.
    package func grafosInputRead(destination: UInt32, length: UInt32, offset: UInt32, in memory: GuestMemory) -> Int32 {
        guard let target = try? memory.bytes(at: destination, count: length) else {
            return GrafosHostResult.outOfBounds.rawValue
        }
        let input = configuration.stdin
        guard Int(offset) < input.count, length > 0 else { return 0 }
        let count = Swift.min(Int(length), input.count - Int(offset))
        input.withUnsafeBytes { source in
            target.baseAddress!.copyMemory(from: source.baseAddress! + Int(offset), byteCount: count)
        }
        return Int32(clamping: count)
    }

    /// `output_write(src, len) -> i32`: appends `len` bytes to the output; 0, -1 out of bounds, or -2 when the
    /// output would pass `maxOutput` — then nothing is appended and the launch fails with
    /// ``WASIOutputLimitExceeded`` when it ends (``finish()``), whatever `run` returns: output is never truncated.
    package func grafosOutputWrite(source: UInt32, length: UInt32, in memory: GuestMemory) -> Int32 {
        guard let bytes = try? memory.bytes(at: source, count: length) else {
            return GrafosHostResult.outOfBounds.rawValue
        }
        do {
            _ = try appendOutput([bytes])
            return 0
        } catch {
            if refusedOutput == nil { refusedOutput = error }
            return GrafosHostResult.outputLimitExceeded.rawValue
        }
    }

    /// `log(src, len)`: appends to the log (what passes `maxLog` is dropped, ``logTruncated`` set).
    /// - Throws: ``WASIMemoryFault`` for a range outside the memory (it cannot return an error: it traps).
    package func grafosLog(source: UInt32, length: UInt32, in memory: GuestMemory) throws {
        guard let bytes = try? memory.bytes(at: source, count: length) else {
            throw WASIMemoryFault(function: "grafos.log", address: source, length: length)
        }
        _ = appendLog([bytes])
    }

    /// `object_read(keyPtr, keyLen, dst, cap) -> i32`: the object's length, having copied `min(length, cap)` bytes
    /// of it to `dst` (so a call with `cap` 0 asks for the size); -1, -3 or -5.
    /// - Throws: errors of the object store other than `notFound`/`storageFull` (they end the launch).
    package func grafosObjectRead(
        key: UInt32,
        keyLength: UInt32,
        destination: UInt32,
        capacity: UInt32,
        in memory: GuestMemory
    ) throws -> Int32 {
        guard let store = objectStore else { return GrafosHostResult.noStorage.rawValue }
        guard let key = objectKey(memory, key, keyLength),
            let target = try? memory.bytes(at: destination, count: capacity)
        else { return GrafosHostResult.outOfBounds.rawValue }
        let bytes: [UInt8]
        do {
            guard let object = try WASIObjectStoreDirectory.mapErrors({ try store.read(key) }) else {
                return GrafosHostResult.notFound.rawValue
            }
            bytes = object
        } catch WASIErrno.nospc {
            return GrafosHostResult.storageFull.rawValue
        }
        let count = Swift.min(bytes.count, target.count)
        if count > 0 { target.copyBytes(from: bytes[0..<count]) }
        return Int32(clamping: bytes.count)
    }

    /// `object_write(keyPtr, keyLen, src, len) -> i32`: stores `len` bytes under the key, replacing the object;
    /// 0, -1, -4 or -5.
    /// - Throws: errors of the object store other than `notFound`/`storageFull` (they end the launch).
    package func grafosObjectWrite(
        key: UInt32,
        keyLength: UInt32,
        source: UInt32,
        length: UInt32,
        in memory: GuestMemory
    ) throws -> Int32 {
        guard let store = objectStore else { return GrafosHostResult.noStorage.rawValue }
        guard let key = objectKey(memory, key, keyLength), let bytes = try? memory.read(at: source, count: length)
        else { return GrafosHostResult.outOfBounds.rawValue }
        do {
            _ = try WASIObjectStoreDirectory.mapErrors { try store.write(key, bytes) }
            return 0
        } catch WASIErrno.nospc {
            return GrafosHostResult.storageFull.rawValue
        }
    }

    /// The key at `pointer..<pointer+length`, or `nil` when it is out of bounds, empty or not UTF-8.
    private func objectKey(_ memory: GuestMemory, _ pointer: UInt32, _ length: UInt32) -> String? {
        guard length > 0, let bytes = try? memory.bytes(at: pointer, count: length) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}
