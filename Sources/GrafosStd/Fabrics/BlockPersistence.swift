/// Where a fabric keeps block leases durably, so their data survives a restart of the process.
///
/// The fabric calls these hooks around its in-memory bookkeeping: after granting a block lease, after each
/// successful storage mutation (under the lease's storage lock, so the disk sees mutations in memory order), after a
/// renewal, and when a lease ends. A hook that throws makes the operation fail and be undone in memory, so memory
/// and disk never disagree about an acknowledged write.
package protocol BlockPersistence: Sendable {
    /// A block lease was granted.
    func created(_ grant: LeaseGrant, expiresIn remaining: Duration) throws(FabricError)
    /// A block lease was renewed.
    func renewed(_ grant: LeaseGrant, expiresIn remaining: Duration) throws(FabricError)
    /// A storage mutation succeeded in memory; make it durable.
    func persist(_ operation: BlockOperation, result: BlockOperationResult, lease: LeaseID) throws(FabricError)
    /// A block lease ended (released or expired); forget its data.
    func ended(_ lease: LeaseID)
    /// Every lease that is still live, with its remaining time and the operations that rebuild its contents.
    func restore() -> [(grant: LeaseGrant, remaining: Duration, contents: [BlockOperation])]
}
