/// How a run of the interpreter loop ended. The loop never throws; its caller turns this into an error.
enum RunStatus: Equatable {
    /// The invocation returned normally.
    case finished
    /// The program trapped.
    case trapped(Trap.Reason)
    /// The fuel could not pay for the next region (the failed charge was refunded).
    case fuelExhausted
    /// The interrupt flag was raised.
    case interrupted
    /// A host function threw; the error waits in the store.
    case hostFailed
}
