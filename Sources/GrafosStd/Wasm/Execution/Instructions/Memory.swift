#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Linear memory: the bounds check of loads and stores, growth, and the bulk operations.
extension Interpreter {
    /// The host address of an access of `size` bytes at `address + offset`. `offsetPlusSize` is the static
    /// offset plus the access size, precomputed by the translator; the sum stays below 2^33, so the check
    /// cannot wrap. When any byte is outside the memory, `pc` is pointed at `trapOutOfBounds` and the access
    /// goes to `scratch` instead (harmlessly), so the handler needs no exit path of its own.
    @inline(__always)
    static func at(
        _ address: UInt32,
        _ offsetPlusSize: UInt64,
        _ size: Int,
        _ memBase: UnsafeMutableRawPointer,
        _ memSize: UInt64,
        _ pc: inout UnsafeMutablePointer<UInt64>,
        _ scratch: UnsafeMutableRawPointer
    ) -> UnsafeMutableRawPointer {
        let end = UInt64(address) &+ offsetPlusSize
        if _fastPath(end <= memSize) { return memBase + (Int(truncatingIfNeeded: end) &- size) }
        pc = outOfBoundsCode
        return scratch
    }

    /// The 32-bit immediate in word 2 of a fused `…AddImm` access.
    @inline(__always)
    static func imm32(_ pc: UnsafeMutablePointer<UInt64>) -> UInt32 { UInt32(truncatingIfNeeded: pc[2]) }

    /// A little-endian 16-bit load, zero-extended.
    @inline(__always)
    static func load16(_ p: UnsafeMutableRawPointer) -> UInt64 {
        UInt64(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
    }

    /// A little-endian 32-bit load, zero-extended.
    @inline(__always)
    static func load32(_ p: UnsafeMutableRawPointer) -> UInt64 {
        UInt64(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
    }

    /// A little-endian 64-bit load.
    @inline(__always)
    static func load64(_ p: UnsafeMutableRawPointer) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
    }

    /// Stores the low byte of a slot.
    @inline(__always)
    static func store8(_ value: UInt64, _ p: UnsafeMutableRawPointer) {
        p.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
    }

    /// Stores the low 16 bits of a slot, little-endian.
    @inline(__always)
    static func store16(_ value: UInt64, _ p: UnsafeMutableRawPointer) {
        p.storeBytes(of: UInt16(truncatingIfNeeded: value).littleEndian, as: UInt16.self)
    }

    /// Stores the low 32 bits of a slot, little-endian.
    @inline(__always)
    static func store32(_ value: UInt64, _ p: UnsafeMutableRawPointer) {
        p.storeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian, as: UInt32.self)
    }

    /// Stores a slot, little-endian.
    @inline(__always)
    static func store64(_ value: UInt64, _ p: UnsafeMutableRawPointer) {
        p.storeBytes(of: value.littleEndian, as: UInt64.self)
    }

    /// `memory.grow`: the old size in pages, or `0xFFFF_FFFF` (-1) when refused.
    @inline(never)
    static func memoryGrow(_ inst: UnsafeMutablePointer<InstanceContext>, _ delta: UInt64) -> UInt64 {
        guard let old = inst.pointee.memory.pointee.grow(by: delta) else { return 0xFFFF_FFFF }
        return old
    }

    /// The fuel charge of a bulk operation over `count` bytes or elements: one unit per 64, rounded up.
    @inline(__always)
    static func bulkCost(_ count: UInt64) -> Int64 {
        Int64((count &+ 63) >> 6)
    }

    /// `memory.copy`, `memory.fill` and `memory.init`; the operands are in slots A, B and C.
    static func memoryBulk(
        _ opcode: IROpcode,
        _ w: UInt64,
        _ pc: UnsafeMutablePointer<UInt64>,
        _ fp: UnsafeMutablePointer<UInt64>,
        _ inst: UnsafeMutablePointer<InstanceContext>,
        _ fuel: inout Int64
    ) -> RunStatus? {
        let memory = inst.pointee.memory.pointee
        let destination = UInt64(fp[i32: IRWord.a(w)])
        let second = UInt64(fp[i32: IRWord.b(w)])
        let count = UInt64(fp[i32: IRWord.c(w)])
        guard destination &+ count <= memory.byteCount else { return .trapped(.outOfBoundsMemoryAccess) }
        switch opcode {
        case .memoryCopy:
            guard second &+ count <= memory.byteCount else { return .trapped(.outOfBoundsMemoryAccess) }
            if let stop = charge(bulkCost(count), &fuel) { return stop }
            memmove(memory.base + Int(destination), memory.base + Int(second), Int(count))
        case .memoryFill:
            if let stop = charge(bulkCost(count), &fuel) { return stop }
            memset(memory.base + Int(destination), Int32(truncatingIfNeeded: second), Int(count))
        default:  // .memoryInit
            let segment = inst.pointee.dataSegments[Int(truncatingIfNeeded: pc[1])]
            guard second &+ count <= UInt64(segment.count) else { return .trapped(.outOfBoundsMemoryAccess) }
            if let stop = charge(bulkCost(count), &fuel) { return stop }
            if count > 0 {
                (memory.base + Int(destination)).copyMemory(from: segment.base! + Int(second), byteCount: Int(count))
            }
        }
        return nil
    }

    /// Charges `cost` units of fuel, refusing (and charging nothing) when there is not enough.
    @inline(__always)
    static func charge(_ cost: Int64, _ fuel: inout Int64) -> RunStatus? {
        guard cost <= fuel else { return .fuelExhausted }
        fuel &-= cost
        return nil
    }

    /// The rarer instructions, out of the loop: bulk memory, segment drops and every table instruction.
    /// - Returns: how the instruction ended, the fuel left, and its length in words.
    @inline(never)
    static func bulk(
        _ w: UInt64,
        _ pc: UnsafeMutablePointer<UInt64>,
        _ fp: UnsafeMutablePointer<UInt64>,
        _ inst: UnsafeMutablePointer<InstanceContext>,
        _ fuel: Int64
    ) -> (status: RunStatus?, fuel: Int64, length: Int) {
        var fuel = fuel
        let opcode = IROpcode(word: w)
        switch opcode {
        case .memoryCopy, .memoryFill:
            return (memoryBulk(opcode, w, pc, fp, inst, &fuel), fuel, 1)
        case .memoryInit:
            return (memoryBulk(opcode, w, pc, fp, inst, &fuel), fuel, 2)
        case .dataDrop:
            inst.pointee.dataSegments[Int(IRWord.bc(w))].count = 0
            return (nil, fuel, 1)
        case .elemDrop:
            inst.pointee.elementSegments[Int(IRWord.bc(w))].count = 0
            return (nil, fuel, 1)
        default:
            return (table(opcode, w, pc, fp, inst, &fuel), fuel, 2)
        }
    }
}
