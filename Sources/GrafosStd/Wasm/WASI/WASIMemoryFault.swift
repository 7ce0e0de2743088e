/// A host function that cannot report an error was given a range outside the guest's memory.
///
/// Only `grafos.log` (which returns nothing) throws it; the engine adapter turns it into the trap
/// "out of bounds memory access", as a load or store out of bounds would be.
package struct WASIMemoryFault: Error, Sendable, Hashable, CustomStringConvertible {
    /// The host function that was called.
    package var function: String
    /// The guest address of the range.
    package var address: UInt32
    /// The range's length.
    package var length: UInt32

    /// Creates the fault.
    package init(function: String, address: UInt32, length: UInt32) {
        self.function = function
        self.address = address
        self.length = length
    }

    package var description: String {
        "out of bounds memory access: \(function) was given \(length) bytes at \(address)"
    }
}
