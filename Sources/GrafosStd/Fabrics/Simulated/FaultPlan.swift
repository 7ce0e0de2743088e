/// Random faults a ``SimulatedFabric`` injects into launches, drawn from its seeded random stream.
///
/// Every launch draws once per rate, in the order below; the first draw that hits decides the launch's fate.
/// With the same seed and the same calls in the same order, the same launches fail the same way.
///
/// ```swift
/// sim.faults = FaultPlan(launchFailureRate: 0.05, disconnectRate: 0.10, expiryRate: 0.02)
/// ```
public struct FaultPlan: Hashable, Sendable {
    /// The chance that a launch fails before running with ``FabricError/Code/transient``.
    public var launchFailureRate: Double
    /// The chance that the lease's node drops during the launch: the launch and every other launch on the node
    /// fail with ``FabricError/Code/disconnected``, and the node comes back after ``disconnectDuration``.
    public var disconnectRate: Double
    /// The chance that the lease expires during the launch (``FabricError/Code/leaseExpired``).
    public var expiryRate: Double
    /// How long a dropped node stays away, in the fabric's virtual time.
    public var disconnectDuration: Duration

    /// Creates a plan; all rates default to zero (no faults).
    public init(
        launchFailureRate: Double = 0,
        disconnectRate: Double = 0,
        expiryRate: Double = 0,
        disconnectDuration: Duration = .seconds(1)
    ) {
        self.launchFailureRate = launchFailureRate
        self.disconnectRate = disconnectRate
        self.expiryRate = expiryRate
        self.disconnectDuration = disconnectDuration
    }

    /// No faults.
    public static let none = FaultPlan()
}
