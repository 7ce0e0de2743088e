/// The tasklet ended itself with `proc_exit` (or a terminating `proc_raise`): not a failure of the host.
///
/// Thrown by ``WASIContext/procExit(code:)`` out of the host function, through the engine, to the runtime, which
/// catches it and reports ``code`` as the result's exit code. The guest's `u32` exit value is kept as its bit
/// pattern: `exit(255)` is 255, `exit(256)` is 256, `exit(-1)` is -1 (a shell would show each modulo 256).
///
/// ```swift
/// do {
///     _ = try instance.invoke("_start", [])
/// } catch let exit as WASIExit {
///     exitCode = exit.code
/// }
/// ```
package struct WASIExit: Error, Sendable, Hashable, CustomStringConvertible {
    /// The exit code, as `Int32(bitPattern:)` of the guest's `u32`.
    package var code: Int32

    /// Creates an exit with `code`.
    package init(code: Int32) {
        self.code = code
    }

    package var description: String { "the tasklet exited with code \(code)" }
}
