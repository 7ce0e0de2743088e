#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Table instructions (all two words: the first word's slots, then table and segment indices).
extension Interpreter {
    /// `table.get`, `table.set`, `table.size`, `table.grow`, `table.fill`, `table.copy` and `table.init`.
    static func table(
        _ opcode: IROpcode,
        _ w: UInt64,
        _ pc: UnsafeMutablePointer<UInt64>,
        _ fp: UnsafeMutablePointer<UInt64>,
        _ inst: UnsafeMutablePointer<InstanceContext>,
        _ fuel: inout Int64
    ) -> RunStatus? {
        let a = IRWord.a(w)
        let b = IRWord.b(w)
        let c = IRWord.c(w)
        let immediate = pc[1]
        let table = inst.pointee.tables[Int(truncatingIfNeeded: immediate & 0xFFFF_FFFF)]
        switch opcode {
        case .tableGet:
            let index = Int(fp[i32: b])
            guard index < table.pointee.count else { return .trapped(.outOfBoundsTableAccess) }
            fp[a] = table.pointee.elements[index]
        case .tableSet:
            let index = Int(fp[i32: a])
            guard index < table.pointee.count else { return .trapped(.outOfBoundsTableAccess) }
            table.pointee.elements[index] = fp[b]
        case .tableSize:
            fp[a] = UInt64(table.pointee.count)
        case .tableGrow:
            // A refused grow costs only its unit; a permitted one also one unit per 64 elements, charged before
            // the table changes.
            let value = fp[b]
            let delta = UInt64(fp[i32: c])
            guard delta <= UInt64(table.pointee.growLimit &- table.pointee.count) else {
                fp[a] = 0xFFFF_FFFF
                return nil
            }
            let cost = bulkCost(delta)
            guard cost <= fuel else { return .fuelExhausted }
            if let old = table.pointee.grow(by: Int(delta), value: value) {
                fuel &-= cost
                fp[a] = UInt64(old)
            } else {
                fp[a] = 0xFFFF_FFFF
            }
        case .tableFill:
            let start = UInt64(fp[i32: a])
            let value = fp[b]
            let count = UInt64(fp[i32: c])
            guard start &+ count <= UInt64(table.pointee.count) else { return .trapped(.outOfBoundsTableAccess) }
            if let stop = charge(bulkCost(count), &fuel) { return stop }
            (table.pointee.elements + Int(start)).update(repeating: value, count: Int(count))
        case .tableCopy:
            let source = inst.pointee.tables[Int(truncatingIfNeeded: immediate >> 32)]
            let destinationIndex = UInt64(fp[i32: a])
            let sourceIndex = UInt64(fp[i32: b])
            let count = UInt64(fp[i32: c])
            guard destinationIndex &+ count <= UInt64(table.pointee.count),
                sourceIndex &+ count <= UInt64(source.pointee.count)
            else { return .trapped(.outOfBoundsTableAccess) }
            if let stop = charge(bulkCost(count), &fuel) { return stop }
            memmove(
                table.pointee.elements + Int(destinationIndex),
                source.pointee.elements + Int(sourceIndex),
                Int(count) &* 8
            )
        default:  // .tableInit
            let segment = inst.pointee.elementSegments[Int(truncatingIfNeeded: immediate >> 32)]
            let destinationIndex = UInt64(fp[i32: a])
            let sourceIndex = UInt64(fp[i32: b])
            let count = UInt64(fp[i32: c])
            guard destinationIndex &+ count <= UInt64(table.pointee.count),
                sourceIndex &+ count <= UInt64(segment.count)
            else { return .trapped(.outOfBoundsTableAccess) }
            if let stop = charge(bulkCost(count), &fuel) { return stop }
            if count > 0 {
                let elements = segment.base!.assumingMemoryBound(to: UInt64.self)
                (table.pointee.elements + Int(destinationIndex)).update(
                    from: elements + Int(sourceIndex),
                    count: Int(count)
                )
            }
        }
        return nil
    }
}
