import Testing

#if canImport(GrafosEngineDev)
@testable import GrafosEngineDev
#else
@testable import GrafosStd
#endif

/// Linear memory: loads, stores, bounds, growth, bulk operations and data segments.
@Suite struct MemoryTests {
    /// A module with one page, `load(addr)`/`store(addr, value)` with offset 4, and the bulk operations.
    static func module(maxPages: UInt32? = 3) -> WasmModuleBuilder {
        var builder = WasmModuleBuilder()
        builder.memory(min: 1, max: maxPages)
        builder.function("load", [.i32], [.i32], body: [Op.localGet(0), Op.i32Load(offset: 4)])
        builder.function("store", [.i32, .i32], [], body: [Op.localGet(0), Op.localGet(1), Op.i32Store(offset: 4)])
        builder.function("grow", [.i32], [.i32], body: [Op.localGet(0), Op.memoryGrow])
        builder.function("size", [], [.i32], body: [Op.memorySize])
        builder.function(
            "fill",
            [.i32, .i32, .i32],
            [],
            body: [Op.localGet(0), Op.localGet(1), Op.localGet(2), Op.memoryFill]
        )
        builder.function(
            "copy",
            [.i32, .i32, .i32],
            [],
            body: [Op.localGet(0), Op.localGet(1), Op.localGet(2), Op.memoryCopy]
        )
        builder.function("byte", [.i32], [.i32], body: [Op.localGet(0), Op.i32Load8U()])
        return builder
    }

    @Test func storesAndLoadsAreLittleEndianAndHonourTheOffset() throws {
        let instance = try Self.module().instantiate()
        _ = try instance.invoke("store", [.i32(0), .i32(0x1122_3344)])
        #expect(try instance.invoke("load", [.i32(0)]) == [.i32(0x1122_3344)])
        #expect(try instance.invoke("byte", [.i32(4)]) == [.i32(0x44)])
        #expect(try instance.invoke("byte", [.i32(7)]) == [.i32(0x11)])
    }

    @Test func accessesEndingPastTheMemoryTrapAndTheLastWordIsReachable() throws {
        let instance = try Self.module().instantiate()
        // offset 4 + address 65528 + 4 bytes = 65536: the last word.
        _ = try instance.invoke("store", [.i32(65528), .i32(7)])
        #expect(try instance.invoke("load", [.i32(65528)]) == [.i32(7)])
        for address: UInt32 in [65529, 65532, 0xFFFF_FFFF, 0xFFFF_FFFC] {
            do {
                _ = try instance.invoke("load", [.i32(address)])
                Issue.record("no trap at \(address)")
            } catch let trap as Trap {
                #expect(trap.reason == .outOfBoundsMemoryAccess)
                #expect(trap.reason.description == "out of bounds memory access")
            }
        }
    }

    @Test func growReturnsTheOldSizeAndMinusOneBeyondTheMaximum() throws {
        let instance = try Self.module(maxPages: 3).instantiate()
        #expect(try instance.invoke("grow", [.i32(1)]) == [.i32(1)])
        #expect(try instance.invoke("grow", [.i32(0)]) == [.i32(2)])
        #expect(try instance.invoke("grow", [.i32(2)]) == [.int32(-1)])
        #expect(try instance.invoke("grow", [.i32(1)]) == [.i32(2)])
        #expect(try instance.invoke("size") == [.i32(3)])
        // The new pages are usable and zeroed.
        #expect(try instance.invoke("load", [.i32(3 * 65536 - 8)]) == [.i32(0)])
    }

    @Test func growStopsAtTheStoresByteLimit() throws {
        let store = WasmStore(limits: WasmResourceLimits(maxMemoryBytes: 4 * 65536))
        let instance = try Self.module(maxPages: nil).instantiate(store: store)
        #expect(try instance.invoke("grow", [.i32(3)]) == [.i32(1)])
        #expect(try instance.invoke("grow", [.i32(1)]) == [.int32(-1)])
        #expect(try instance.invoke("grow", [.i32(0x7FFF_FFFF)]) == [.int32(-1)])
        #expect(try instance.invoke("size") == [.i32(4)])
    }

    @Test func aModuleWhoseMemoryStartsBeyondTheLimitDoesNotInstantiate() throws {
        var builder = WasmModuleBuilder()
        builder.memory(min: 10)
        let store = WasmStore(limits: WasmResourceLimits(maxMemoryBytes: 65536))
        #expect(throws: WasmLinkError.self) { try builder.instantiate(store: store) }
    }

    @Test func fillAndCopyMoveBytesAndCheckBoundsFirst() throws {
        let instance = try Self.module().instantiate()
        _ = try instance.invoke("fill", [.i32(100), .i32(0xAB), .i32(10)])
        #expect(try instance.invoke("byte", [.i32(109)]) == [.i32(0xAB)])
        #expect(try instance.invoke("byte", [.i32(110)]) == [.i32(0)])
        _ = try instance.invoke("copy", [.i32(105), .i32(100), .i32(10)])  // overlapping
        #expect(try instance.invoke("byte", [.i32(114)]) == [.i32(0xAB)])
        #expect(try instance.invoke("byte", [.i32(115)]) == [.i32(0)])
        #expect(throws: Trap.self) { try instance.invoke("fill", [.i32(65530), .i32(1), .i32(7)]) }
        // A failed bulk operation writes nothing.
        #expect(try instance.invoke("byte", [.i32(65530)]) == [.i32(0)])
        // Zero bytes at the very end is fine; one past the end is not.
        _ = try instance.invoke("copy", [.i32(65536), .i32(0), .i32(0)])
        #expect(throws: Trap.self) { try instance.invoke("copy", [.i32(65537), .i32(0), .i32(0)]) }
    }

    @Test func passiveDataIsCopiedByMemoryInitUntilDropped() throws {
        var builder = WasmModuleBuilder()
        builder.memory(min: 1)
        builder.passiveData([1, 2, 3, 4])
        builder.activeData(offset: 200, [9, 8])
        builder.function(
            "initialize",
            [.i32, .i32, .i32],
            [],
            body: [Op.localGet(0), Op.localGet(1), Op.localGet(2), Op.memoryInit(0)]
        )
        builder.function("drop", [], [], body: [Op.dataDrop(0)])
        builder.function("byte", [.i32], [.i32], body: [Op.localGet(0), Op.i32Load8U()])
        let instance = try builder.instantiate()
        #expect(try instance.invoke("byte", [.i32(201)]) == [.i32(8)])
        _ = try instance.invoke("initialize", [.i32(10), .i32(1), .i32(3)])
        #expect(try instance.invoke("byte", [.i32(10)]) == [.i32(2)])
        #expect(try instance.invoke("byte", [.i32(12)]) == [.i32(4)])
        #expect(throws: Trap.self) { try instance.invoke("initialize", [.i32(0), .i32(2), .i32(3)]) }
        _ = try instance.invoke("drop")
        _ = try instance.invoke("initialize", [.i32(0), .i32(0), .i32(0)])
        #expect(throws: Trap.self) { try instance.invoke("initialize", [.i32(0), .i32(0), .i32(1)]) }
    }

    @Test func theHostReadsAndWritesAnExportedMemory() throws {
        let instance = try Self.module().instantiate()
        let memory = try #require(instance.memory(named: "memory"))
        try memory.write([0x78, 0x56, 0x34, 0x12], at: 4)
        #expect(try instance.invoke("load", [.i32(0)]) == [.i32(0x1234_5678)])
        #expect(try memory.load(UInt32.self, at: 4) == 0x1234_5678)
        #expect(throws: Trap.self) { try memory.read(at: 65535, count: 2) }
        #expect(memory.pageCount == 1)
    }
}
