/// The tasklet wrote more output than its limit allows: the launch fails, its output is not truncated.
///
/// Thrown by `fd_write` on stdout the moment a write would pass the limit (nothing of that write is kept), and by
/// ``WASIContext/finish()`` after a `grafos.output_write` was refused with `-2`. The runtime maps it to
/// `FabricError.outputTooLarge`.
package struct WASIOutputLimitExceeded: Error, Sendable, Hashable, CustomStringConvertible {
    /// The limit, in bytes (`TaskletLimits.maxOutput`).
    package var limit: Int
    /// How many bytes the output would have had with the refused write.
    package var attempted: Int

    /// Creates the error.
    package init(limit: Int, attempted: Int) {
        self.limit = limit
        self.attempted = attempted
    }

    package var description: String {
        "the tasklet's output would be \(attempted) bytes, over its limit of \(limit); "
            + "raise maxOutput or write large results to storage"
    }
}
