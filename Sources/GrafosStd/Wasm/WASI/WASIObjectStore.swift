/// A flat key-value object store the tasklet can reach: mounted as a directory by WASI, and through
/// `grafos.object_read`/`object_write` for freestanding tasklets.
///
/// The launch backs it with the object view of a `BlockLease` (the same four calls, made synchronous), so a WASI
/// tasklet can `fopen("/artifacts/report.json", "w")`. Calls happen on the tasklet's thread, in the middle of a
/// host function.
///
/// Errors: throw `FabricError.notFound` from ``read(_:)`` and ``remove(_:)`` for a missing key, and
/// `FabricError.storageFull` from ``write(_:_:)`` when the bytes do not fit: the tasklet sees them as `ENOENT`/`-3`
/// and `ENOSPC`/`-4`. Any other error ends the launch and reaches the runtime unchanged (for example
/// `FabricError.leaseExpired`).
///
/// ```swift
/// final class Artifacts: WASIObjectStore {
///     var objects: [String: [UInt8]] = [:]
///     func read(_ key: String) throws -> [UInt8] {
///         guard let bytes = objects[key] else { throw FabricError.notFound }
///         return bytes
///     }
///     func write(_ key: String, _ bytes: [UInt8]) throws { objects[key] = bytes }
///     func list() throws -> [String] { objects.keys.sorted() }
///     func remove(_ key: String) throws {
///         guard objects.removeValue(forKey: key) != nil else { throw FabricError.notFound }
///     }
/// }
/// ```
package protocol WASIObjectStore: AnyObject {
    /// The bytes stored under `key`.
    /// - Throws: `FabricError.notFound` when there are none.
    func read(_ key: String) throws -> [UInt8]
    /// Stores `bytes` under `key`, replacing what was there.
    /// - Throws: `FabricError.storageFull` when they do not fit.
    func write(_ key: String, _ bytes: [UInt8]) throws
    /// The keys of all stored objects.
    func list() throws -> [String]
    /// Removes the object under `key`.
    /// - Throws: `FabricError.notFound` when there is none.
    func remove(_ key: String) throws
}
