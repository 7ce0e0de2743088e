import GrafosStd

/// A lease handle a ``RenewalManager`` can renew by itself: `CpuLease` and `BlockLease` conform.
///
/// The manager holds registered handles weakly, so registering a lease never keeps it alive: dropping the last
/// reference still releases it, and the manager forgets it at its next tick.
public protocol RenewableLease: AnyObject, Sendable {
    /// The lease's id.
    var id: LeaseID { get }
    /// When the lease ends unless renewed.
    var expiry: FabricInstant { get }
    /// How far one renewal extends the lease.
    var ttl: Duration { get }
    /// Extends the lease by its TTL from now.
    func renew() async throws
}

extension CpuLease: RenewableLease {}

extension BlockLease: RenewableLease {}
