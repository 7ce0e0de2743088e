import Synchronization

/// Branches: following an edge charges the fuel of the region it enters; a backward (or self) edge also checks
/// the interrupt flag. When the charge fails or the flag is raised, `pc` is pointed at the matching
/// pseudo-instruction, which ends the loop at the next dispatch.
extension Interpreter {
    /// Follows an edge word (relative target and the target region's fuel).
    @inline(__always)
    static func takeEdge(
        _ edge: UInt64,
        _ pc: inout UnsafeMutablePointer<UInt64>,
        _ fuel: inout Int64,
        _ interrupt: UnsafePointer<Atomic<UInt8>>
    ) {
        let cost = IRWord.edgeFuel(edge)
        fuel &-= cost
        let offset = IRWord.edgeOffset(edge)
        if _slowPath(fuel < 0) {
            fuel &+= cost
            pc = fuelExhaustedCode
            return
        }
        if offset <= 0 && _slowPath(interrupt.pointee.load(ordering: .relaxed) != 0) {
            pc = interruptedCode
            return
        }
        pc += offset
    }

    /// A conditional branch: word `edge` is the edge taken, the next word the fuel of the fall-through region,
    /// which starts right after it.
    @inline(__always)
    static func branch(
        _ taken: Bool,
        at edge: Int = 1,
        _ pc: inout UnsafeMutablePointer<UInt64>,
        _ fuel: inout Int64,
        _ interrupt: UnsafePointer<Atomic<UInt8>>
    ) {
        if taken {
            takeEdge(pc[edge], &pc, &fuel, interrupt)
            return
        }
        let cost = Int64(bitPattern: pc[edge &+ 1])
        fuel &-= cost
        if _slowPath(fuel < 0) {
            fuel &+= cost
            pc = fuelExhaustedCode
            return
        }
        pc += edge &+ 2
    }
}
