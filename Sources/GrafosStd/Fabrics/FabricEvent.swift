/// One thing that happened on an in-process fabric, in order: ``SimulatedFabric/history`` is a list of these.
///
/// Two simulated fabrics with the same seed, given the same calls in the same order, record equal histories.
public enum FabricEvent: Hashable, Sendable, CustomStringConvertible {
    /// A lease was granted.
    case acquired(LeaseID, LeaseGrant.Kind, node: String, amount: Int, expiry: FabricInstant)
    /// A lease was renewed to a new expiry.
    case renewed(LeaseID, expiry: FabricInstant)
    /// A lease was released by its holder.
    case released(LeaseID)
    /// A lease reached its expiry (or was expired by fault injection) and was reclaimed.
    case expired(LeaseID, at: FabricInstant)
    /// A request was refused.
    case refused(FabricError.Code)
    /// A tasklet launch began on a lease.
    case launched(LeaseID, at: FabricInstant)
    /// A launch finished with a result.
    case finished(LeaseID, exitCode: Int32, at: FabricInstant)
    /// A launch failed.
    case failed(LeaseID, FabricError.Code, at: FabricInstant)
    /// A node became unreachable.
    case nodeDisconnected(String, at: FabricInstant)
    /// A node became reachable again.
    case nodeReconnected(String, at: FabricInstant)

    public var description: String {
        switch self {
        case .acquired(let id, let kind, let node, let amount, let expiry):
            "acquired \(id) \(kind.rawValue)×\(amount) on \(node) until \(expiry)"
        case .renewed(let id, let expiry): "renewed \(id) until \(expiry)"
        case .released(let id): "released \(id)"
        case .expired(let id, let at): "expired \(id) at \(at)"
        case .refused(let code): "refused: \(code)"
        case .launched(let id, let at): "launched on \(id) at \(at)"
        case .finished(let id, let exitCode, let at): "finished on \(id) with exit code \(exitCode) at \(at)"
        case .failed(let id, let code, let at): "failed on \(id): \(code) at \(at)"
        case .nodeDisconnected(let node, let at): "node \(node) disconnected at \(at)"
        case .nodeReconnected(let node, let at): "node \(node) reconnected at \(at)"
        }
    }
}
