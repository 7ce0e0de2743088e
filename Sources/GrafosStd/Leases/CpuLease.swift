/// A lease on CPU cores of one node: run tasklets on it, renew it, release it (or just drop it).
///
/// The lease lives until its ``expiry`` unless renewed. Releasing it — explicitly with ``release()`` or by dropping
/// the last reference — gives the cores back at once; a tasklet still running is stopped.
///
/// ```swift
/// let lease = try await CpuBuilder().cores(2).leaseSecs(120).acquire()
/// let r = try await lease.cpu().submit(taskletWasm).fuel(5_000_000).input(chunkBytes).launch()
/// print(r.output, r.fuelConsumed, r.duration, r.exitCode)
/// try await lease.renew()          // another 120 s from now
/// await lease.release()            // or let it go out of scope
/// ```
public final class CpuLease: Sendable, CustomStringConvertible {
    package let core: LeaseCore

    package init(core: LeaseCore) {
        self.core = core
    }

    /// The lease's unguessable id.
    public var id: LeaseID { core.grant.credential.id }
    /// Cores leased.
    public var cores: Int { core.grant.cores }
    /// The node the cores are on.
    public var node: String { core.grant.node }
    /// The node's capabilities.
    public var capabilities: Set<String> { core.grant.capabilities }
    /// When the lease ends unless renewed, on the fabric's clock.
    public var expiry: FabricInstant { core.expiry }
    /// The TTL the lease was granted with; ``renew()`` extends by this much.
    public var ttl: Duration { core.grant.ttl }
    /// The fabric that granted it.
    public var fabric: any FabricProtocol { core.fabric }
    /// The id and holder token; pass it to ``FabricProtocol`` calls directly only when building your own layers.
    public var credential: LeaseCredential { core.credential }
    /// Whether ``release()`` was called.
    public var isReleased: Bool { core.isReleased }

    /// Extends the lease to its TTL from now.
    /// - Throws: ``FabricError`` — `leaseExpired` or `leaseReleased` when it is too late; `disconnected`.
    public func renew() async throws {
        try await core.renew(for: core.grant.ttl)
    }

    /// Extends the lease to `duration` from now.
    public func renew(for duration: Duration) async throws {
        try await core.renew(for: duration)
    }

    /// Gives the cores back now. Calling it again does nothing; a lease that already expired stays expired.
    public func release() async {
        await core.release()
    }

    /// The leased cores, to submit tasklets to.
    public func cpu() -> LeasedCpu {
        LeasedCpu(lease: self)
    }

    /// `CpuLease(<id>, 2 cores on n7, expires t+120.000s)`.
    public var description: String {
        "CpuLease(\(id), \(cores) core\(cores == 1 ? "" : "s") on \(node), expires \(expiry))"
    }
}

/// The cores of a ``CpuLease``, ready to take tasklets: `lease.cpu().submit(wasm)…launch()`.
public struct LeasedCpu: Sendable {
    /// The lease the cores belong to.
    public let lease: CpuLease

    /// Starts a tasklet submission of a WebAssembly module.
    /// - Parameter module: The module's bytes (a WASI command or a `grafos`-ABI module).
    /// - Returns: A submission to configure and ``TaskletSubmission/launch()``.
    public func submit(_ module: [UInt8]) -> TaskletSubmission {
        TaskletSubmission(lease: lease, request: TaskletRequest(module: module))
    }
}
