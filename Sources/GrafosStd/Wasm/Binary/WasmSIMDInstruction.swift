/// A SIMD instruction (`0xFD` prefix), decoded only as far as needed to know its size.
///
/// WebAssembly 2.0's SIMD is not executed yet: the validator rejects every SIMD instruction with
/// "SIMD not supported". The decoder still reads each instruction's immediates so that byte offsets stay right
/// and malformed SIMD code is reported as malformed; ``immediatesOffset`` lets a future translator re-read them.
struct WasmSIMDInstruction: Sendable, Hashable {
    /// What follows a SIMD opcode.
    enum Immediates: Sendable, Hashable {
        /// Nothing.
        case none
        /// A memory immediate.
        case memArg
        /// A memory immediate and a lane index byte.
        case memArgLane
        /// A lane index byte.
        case lane
        /// Sixteen bytes: a `v128.const` value or an `i8x16.shuffle` lane list.
        case bytes16
    }

    /// The sub-opcode after `0xFD`.
    var opcode: UInt32
    /// The byte offset of the immediates in the module.
    var immediatesOffset: Int

    /// Creates a SIMD instruction record.
    init(opcode: UInt32, immediatesOffset: Int) {
        self.opcode = opcode
        self.immediatesOffset = immediatesOffset
    }

    /// The immediates of the WebAssembly 2.0 SIMD instruction `opcode`, or `nil` if no such instruction exists.
    static func immediates(of opcode: UInt32) -> Immediates? {
        switch opcode {
        case 0x00...0x0B, 0x5C, 0x5D: .memArg
        case 0x0C, 0x0D: .bytes16
        case 0x15...0x22: .lane
        case 0x54...0x5B: .memArgLane
        // Opcodes left unassigned by the SIMD proposal.
        case 0x9A, 0xA2, 0xA5, 0xA6, 0xAF, 0xB0, 0xB2, 0xB3, 0xB4, 0xBB, 0xC2, 0xC5, 0xC6, 0xCF, 0xD0, 0xD2, 0xD3,
            0xD4, 0xE2, 0xEE:
            nil
        case 0x0E...0xFF: Immediates.none
        default: nil
        }
    }
}
