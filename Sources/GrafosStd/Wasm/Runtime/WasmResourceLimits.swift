/// The limits a ``WasmStore`` enforces on the code it runs.
///
/// Every breach is a typed error and never takes the host down: fuel → ``WasmStopError``; call depth or value
/// stack → ``Trap`` "call stack exhausted"; memory or table growth past the limit → `memory.grow`/`table.grow`
/// return -1 (and instantiation fails with ``WasmLinkError`` when a module *starts* too big).
///
/// ```swift
/// var limits = WasmResourceLimits()
/// limits.fuel = 5_000_000
/// limits.maxMemoryBytes = 64 << 20
/// let store = WasmStore(limits: limits)
/// ```
package struct WasmResourceLimits: Sendable, Hashable {
    /// The fuel the store starts with (1 unit per executed wasm instruction, see `Docs/Fuel.md`); `nil` means
    /// unlimited.
    package var fuel: UInt64?
    /// The largest size, in bytes, of each linear memory (rounded down to whole 64 KiB pages).
    package var maxMemoryBytes: UInt64
    /// The largest number of elements of each table.
    package var maxTableElements: Int
    /// The deepest nesting of wasm calls.
    package var maxCallDepth: Int
    /// The size of the value stack, in 64-bit slots, shared by all active frames.
    package var maxValueStackSlots: Int

    /// Creates limits; the defaults allow what the WebAssembly spec allows, with a call depth of 10,000 frames
    /// and an 8 MiB value stack.
    package init(
        fuel: UInt64? = nil,
        maxMemoryBytes: UInt64 = 1 << 32,
        maxTableElements: Int = 10_000_000,
        maxCallDepth: Int = 10_000,
        maxValueStackSlots: Int = 1 << 20
    ) {
        self.fuel = fuel
        self.maxMemoryBytes = maxMemoryBytes
        self.maxTableElements = maxTableElements
        self.maxCallDepth = maxCallDepth
        self.maxValueStackSlots = maxValueStackSlots
    }
}
