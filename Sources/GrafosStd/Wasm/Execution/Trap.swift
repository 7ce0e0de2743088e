/// A WebAssembly trap: the program did something the specification defines as an error.
///
/// Small on purpose (a reason byte and a reference to the backtrace) so that throwing it is cheap; the backtrace
/// is built only when a trap happens. The ``description`` starts with the specification's wording, as the spec
/// test suite expects it.
///
/// ```swift
/// do {
///     _ = try instance.invoke("divide", [.i32(1), .i32(0)])
/// } catch let trap as Trap {
///     print(trap.reason)     // integer divide by zero
///     print(trap.backtrace)  // #0 $divide (function 3) …
/// }
/// ```
package struct Trap: Error, Sendable, CustomStringConvertible {
    /// Why the program trapped, worded as in the WebAssembly specification.
    package enum Reason: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// The `unreachable` instruction ran.
        case unreachable
        /// A load, store or bulk memory operation went outside the memory.
        case outOfBoundsMemoryAccess
        /// A table access or bulk table operation went outside the table.
        case outOfBoundsTableAccess
        /// `call_indirect` used an index beyond the table's size.
        case undefinedElement
        /// `call_indirect` found a null reference in the table.
        case uninitializedElement
        /// `call_indirect` found a function of another type.
        case indirectCallTypeMismatch
        /// Integer division or remainder by zero.
        case integerDivideByZero
        /// Signed division overflowed, or a float-to-integer truncation is out of range.
        case integerOverflow
        /// A float-to-integer truncation of NaN.
        case invalidConversionToInteger
        /// Calls nested deeper than the store's call-depth limit, or the value stack is full.
        case callStackExhausted

        /// The specification's wording.
        package var description: String {
            switch self {
            case .unreachable: "unreachable"
            case .outOfBoundsMemoryAccess: "out of bounds memory access"
            case .outOfBoundsTableAccess: "out of bounds table access"
            case .undefinedElement: "undefined element"
            case .uninitializedElement: "uninitialized element"
            case .indirectCallTypeMismatch: "indirect call type mismatch"
            case .integerDivideByZero: "integer divide by zero"
            case .integerOverflow: "integer overflow"
            case .invalidConversionToInteger: "invalid conversion to integer"
            case .callStackExhausted: "call stack exhausted"
            }
        }
    }

    /// Why the program trapped.
    package var reason: Reason
    /// The wasm functions active when the trap happened, innermost first.
    package var backtrace: WasmBacktrace

    /// Creates a trap.
    package init(_ reason: Reason, backtrace: WasmBacktrace = WasmBacktrace()) {
        self.reason = reason
        self.backtrace = backtrace
    }

    /// The specification's wording, then where it happened.
    package var description: String {
        if backtrace.frames.isEmpty { return reason.description }
        return "\(reason.description)\n\(backtrace)"
    }
}
