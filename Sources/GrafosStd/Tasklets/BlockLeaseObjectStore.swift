/// A block lease of an in-process fabric seen as a WASI object store: what a tasklet's `/artifacts` directory and
/// its `grafos.object_*` calls read and write.
///
/// Calls are synchronous (tasklets run on their own threads) and checked against the lease every time, so a
/// tasklet whose artifacts lease ends mid-run gets the fabric's error (`leaseExpired`, `leaseReleased`), which ends
/// the launch.
package final class BlockLeaseObjectStore: WASIObjectStore, Sendable {
    private let core: FabricCore
    private let credential: LeaseCredential

    package init(core: FabricCore, credential: LeaseCredential) {
        self.core = core
        self.credential = credential
    }

    package func read(_ key: String) throws -> [UInt8] {
        guard case .bytes(let bytes) = try core.perform(.readObject(key), on: credential) else { return [] }
        return bytes
    }

    package func write(_ key: String, _ bytes: [UInt8]) throws {
        _ = try core.perform(.writeObject(key, bytes), on: credential)
    }

    package func list() throws -> [String] {
        guard case .keys(let keys) = try core.perform(.listObjects, on: credential) else { return [] }
        return keys
    }

    package func remove(_ key: String) throws {
        _ = try core.perform(.removeObject(key), on: credential)
    }
}
