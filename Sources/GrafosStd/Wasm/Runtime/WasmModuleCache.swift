import Synchronization

/// A thread-safe cache of compiled modules, so that launching the same tasklet again costs an instantiation
/// (microseconds) instead of a compilation.
///
/// Keyed by whatever identifies the bytes — in GrafosStd, the SHA-256 digest of the module. When more than
/// ``capacity`` modules are cached, the least recently used is dropped. Compilation happens outside the lock; two
/// tasks asking for the same new module at once may both compile it, and the first to finish wins.
///
/// ```swift
/// let cache = WasmModuleCache<Digest>(capacity: 32)
/// let compiled = try cache.module(for: SHA256.hash(bytes)) { bytes }
/// let instance = try WasmStore().instantiate(compiled)
/// ```
package final class WasmModuleCache<Key: Hashable & Sendable>: Sendable {
    private struct State: Sendable {
        var modules: [Key: CompiledWasmModule] = [:]
        var order: [Key] = []
        var hits = 0
        var misses = 0
    }

    /// The most modules kept.
    package let capacity: Int
    private let state = Mutex(State())

    /// Creates an empty cache holding at most `capacity` modules.
    package init(capacity: Int = 64) {
        self.capacity = Swift.max(capacity, 1)
    }

    /// The compiled module for `key`, compiling `bytes()` when it is not cached.
    /// - Throws: ``WasmCompileError`` (not cached: nothing is stored for a module that fails to compile).
    package func module(for key: Key, bytes: () throws -> [UInt8]) throws -> CompiledWasmModule {
        let cached = state.withLock { state -> CompiledWasmModule? in
            guard let module = state.modules[key] else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            if let index = state.order.firstIndex(of: key) {
                state.order.remove(at: index)
                state.order.append(key)
            }
            return module
        }
        if let cached { return cached }
        let compiled = try CompiledWasmModule.compile(try bytes())
        return state.withLock { state in
            if let existing = state.modules[key] { return existing }
            state.modules[key] = compiled
            state.order.append(key)
            while state.order.count > capacity {
                state.modules[state.order.removeFirst()] = nil
            }
            return compiled
        }
    }

    /// The number of cached modules, lookups that found a module, and lookups that had to compile.
    package var statistics: (count: Int, hits: Int, misses: Int) {
        state.withLock { ($0.modules.count, $0.hits, $0.misses) }
    }

    /// Drops every cached module.
    package func removeAll() {
        state.withLock { state in
            state.modules.removeAll()
            state.order.removeAll()
        }
    }
}
