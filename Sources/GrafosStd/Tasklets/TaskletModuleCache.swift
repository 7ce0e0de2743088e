import Synchronization

/// Compiled modules by content hash: each module is decoded, validated and translated once per process and then
/// instantiated per launch.
///
/// Lookups first try the identity of the byte buffer (the same `[UInt8]` submitted again costs no hashing: the
/// cache keeps that array alive, so its buffer cannot be reused for other bytes), then the SHA-256 of the bytes.
/// Entries are evicted least-recently-used once their total size passes the byte budget.
///
/// Each entry also remembers the fuel its last finished launch consumed: ``TaskletRuntime`` runs a module whose
/// last launch was short inline, on the launching thread, instead of on the pool (see ``TaskletRuntime``).
package final class TaskletModuleCache: Sendable {
    private struct Entry {
        var module: CompiledWasmModule
        var digest: Digest
        var size: Int
        var lastUse: UInt64
        /// Fuel consumed by the last launch that finished, if any.
        var lastFuel: UInt64?
    }

    private struct State {
        var byDigest: [Digest: Entry] = [:]
        /// Buffer base address → (the retained bytes, their digest).
        var byBuffer: [UInt: (bytes: [UInt8], digest: Digest)] = [:]
        var totalSize = 0
        var clock: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    /// The process's cache (256 MiB budget).
    package static let shared = TaskletModuleCache(budgetBytes: 256 << 20)

    /// The most bytes (module bytes + translated code) kept.
    package let budgetBytes: Int
    private let state = Mutex(State())

    package init(budgetBytes: Int) {
        self.budgetBytes = budgetBytes
    }

    /// Hits and misses so far.
    package var statistics: (hits: Int, misses: Int, entries: Int) {
        state.withLock { ($0.hits, $0.misses, $0.byDigest.count) }
    }

    /// The compiled module for `bytes`, compiling it on a miss.
    /// - Throws: ``TaskletError`` `invalidModule` when the bytes do not compile.
    package func module(for bytes: [UInt8]) throws(TaskletError) -> (module: CompiledWasmModule, digest: Digest) {
        let address = bytes.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        let hit = state.withLock { state -> (CompiledWasmModule, Digest)? in
            state.clock &+= 1
            let digest: Digest
            if let known = state.byBuffer[address], known.bytes.count == bytes.count {
                digest = known.digest
            } else {
                return nil
            }
            guard var entry = state.byDigest[digest] else { return nil }
            entry.lastUse = state.clock
            state.byDigest[digest] = entry
            state.hits += 1
            return (entry.module, digest)
        }
        if let hit { return hit }

        let digest = SHA256.hash(bytes)
        if let found = state.withLock({ state -> CompiledWasmModule? in
            guard var entry = state.byDigest[digest] else { return nil }
            state.clock &+= 1
            entry.lastUse = state.clock
            state.byDigest[digest] = entry
            remember(&state, address, bytes, digest)
            state.hits += 1
            return entry.module
        }) {
            return (found, digest)
        }

        let compiled: CompiledWasmModule
        do {
            compiled = try CompiledWasmModule.compile(bytes)
        } catch {
            throw TaskletError(.invalidModule, "\(error)")
        }
        let size = bytes.count + compiled.codeWordCount * 8
        state.withLock { state in
            state.misses += 1
            state.clock &+= 1
            if state.byDigest[digest] == nil {
                state.byDigest[digest] = Entry(module: compiled, digest: digest, size: size, lastUse: state.clock)
                state.totalSize += size
            }
            remember(&state, address, bytes, digest)
            evict(&state)
        }
        return (compiled, digest)
    }

    /// A cached module, its digest, and the fuel its last finished launch consumed (nil if none finished yet).
    package typealias Known = (module: CompiledWasmModule, digest: Digest, lastFuel: UInt64?)

    /// The compiled module for exactly this buffer (the same `[UInt8]` as an earlier lookup, not merely equal
    /// bytes), found without hashing and never compiled here; nil when the buffer is not known.
    package func cached(sameBufferAs bytes: [UInt8]) -> Known? {
        let address = bytes.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        return state.withLock { state -> Known? in
            guard let known = state.byBuffer[address], known.bytes.count == bytes.count,
                var entry = state.byDigest[known.digest]
            else { return nil }
            state.clock &+= 1
            entry.lastUse = state.clock
            state.byDigest[known.digest] = entry
            state.hits += 1
            return (entry.module, known.digest, entry.lastFuel)
        }
    }

    /// Remembers the fuel a finished launch of the module `digest` consumed (ignored if it was evicted).
    package func recordFuel(_ fuel: UInt64, for digest: Digest) {
        state.withLock { state in
            guard state.byDigest[digest]?.lastFuel != fuel else { return }
            state.byDigest[digest]?.lastFuel = fuel
        }
    }

    /// Remembers a buffer's digest; the table is bounded (cleared when full) because each entry keeps its bytes alive.
    private func remember(_ state: inout State, _ address: UInt, _ bytes: [UInt8], _ digest: Digest) {
        if state.byBuffer.count >= 256 && state.byBuffer[address] == nil {
            state.byBuffer.removeAll(keepingCapacity: true)
        }
        state.byBuffer[address] = (bytes, digest)
    }

    private func evict(_ state: inout State) {
        while state.totalSize > budgetBytes, state.byDigest.count > 1 {
            guard let oldest = state.byDigest.values.min(by: { $0.lastUse < $1.lastUse }) else { return }
            state.byDigest.removeValue(forKey: oldest.digest)
            state.totalSize -= oldest.size
            state.byBuffer = state.byBuffer.filter { $0.value.digest != oldest.digest }
        }
    }
}
