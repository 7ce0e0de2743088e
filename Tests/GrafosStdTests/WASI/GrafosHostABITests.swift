import Testing

#if canImport(GrafosWASIDev)
@testable import GrafosWASIDev
#else
@testable import GrafosStd
#endif

@Suite struct GrafosHostABITests {
    typealias Result = WASIContext.GrafosHostResult

    @Test func inputSizeAndReadsWithOffsets() throws {
        let harness = try WASIHarness(WASIConfiguration(stdin: Array("abcdefgh".utf8)))
        let context = harness.context
        #expect(context.grafosInputSize() == 8)
        #expect(context.grafosInputRead(destination: 0x100, length: 3, offset: 2, in: harness.guest) == 3)
        #expect(harness.memory.bytes(at: 0x100, count: 3) == Array("cde".utf8))
        #expect(context.grafosInputRead(destination: 0x100, length: 100, offset: 6, in: harness.guest) == 2)
        #expect(context.grafosInputRead(destination: 0x100, length: 4, offset: 8, in: harness.guest) == 0)
        #expect(context.grafosInputRead(destination: 0x100, length: 4, offset: 0xFFFF_FFFF, in: harness.guest) == 0)
        #expect(
            context.grafosInputRead(destination: 0xFFFE, length: 4, offset: 0, in: harness.guest)
                == Result.outOfBounds.rawValue
        )
    }

    @Test func outputSharesTheBufferAndLimitWithStdout() throws {
        let harness = try WASIHarness(WASIConfiguration(maxOutput: 6))
        #expect(try harness.write(1, "ab").1 == 2)
        harness.memory.put("abcdefgh", at: 0x3000)
        #expect(harness.context.grafosOutputWrite(source: 0x3002, length: 3, in: harness.guest) == 0)
        #expect(harness.context.output == Array("abcde".utf8))
        #expect(
            harness.context.grafosOutputWrite(source: 0x3000, length: 2, in: harness.guest)
                == Result.outputLimitExceeded.rawValue
        )
        #expect(harness.context.output == Array("abcde".utf8), "a refused write keeps nothing")
        #expect(
            harness.context.grafosOutputWrite(source: 0xFFFF, length: 2, in: harness.guest)
                == Result.outOfBounds.rawValue
        )
        #expect(throws: WASIOutputLimitExceeded(limit: 6, attempted: 7)) { try harness.context.finish() }
    }

    @Test func withinTheLimitFinishSucceeds() throws {
        let harness = try WASIHarness()
        harness.memory.put("ok", at: 0x100)
        #expect(harness.context.grafosOutputWrite(source: 0x100, length: 2, in: harness.guest) == 0)
        try harness.context.finish()
    }

    @Test func logSharesTheBoundedLogAndTrapsOutOfBounds() throws {
        let harness = try WASIHarness(WASIConfiguration(maxLog: 4))
        harness.memory.put("hello", at: 0x100)
        try harness.context.grafosLog(source: 0x100, length: 5, in: harness.guest)
        #expect(harness.context.log == Array("hell".utf8))
        #expect(harness.context.logTruncated)
        #expect(throws: WASIMemoryFault(function: "grafos.log", address: 0xFFFF, length: 2)) {
            try harness.context.grafosLog(source: 0xFFFF, length: 2, in: harness.guest)
        }
    }

    @Test func objectReadCopiesUpToCapacityAndReturnsTheLength() throws {
        let store = TestObjectStore(["k": Array("0123456789".utf8)])
        let harness = try WASIHarness(WASIConfiguration(), objectStore: store)
        harness.memory.put("k", at: 0x80)
        #expect(
            try harness.context.grafosObjectRead(
                key: 0x80,
                keyLength: 1,
                destination: 0x100,
                capacity: 4,
                in: harness.guest
            ) == 10
        )
        #expect(harness.memory.bytes(at: 0x100, count: 5) == Array("0123".utf8) + [0])
        #expect(
            try harness.context.grafosObjectRead(
                key: 0x80,
                keyLength: 1,
                destination: 0,
                capacity: 0,
                in: harness.guest
            ) == 10
        )
        harness.memory.put("x", at: 0x80)
        #expect(
            try harness.context.grafosObjectRead(
                key: 0x80,
                keyLength: 1,
                destination: 0x100,
                capacity: 4,
                in: harness.guest
            ) == Result.notFound.rawValue
        )
        #expect(
            try harness.context.grafosObjectRead(
                key: 0xFFFF,
                keyLength: 4,
                destination: 0x100,
                capacity: 4,
                in: harness.guest
            ) == Result.outOfBounds.rawValue
        )
        #expect(
            try harness.context.grafosObjectRead(
                key: 0x80,
                keyLength: 0,
                destination: 0x100,
                capacity: 4,
                in: harness.guest
            ) == Result.outOfBounds.rawValue
        )
        harness.memory.put([0xFF], at: 0x80)
        #expect(
            try harness.context.grafosObjectRead(
                key: 0x80,
                keyLength: 1,
                destination: 0x100,
                capacity: 4,
                in: harness.guest
            ) == Result.outOfBounds.rawValue
        )
    }

    @Test func objectWriteStoresAndReportsAFullStore() throws {
        let store = TestObjectStore()
        store.capacity = 8
        let harness = try WASIHarness(WASIConfiguration(), objectStore: store)
        harness.memory.put("key", at: 0x80)
        harness.memory.put("value", at: 0x100)
        #expect(
            try harness.context.grafosObjectWrite(key: 0x80, keyLength: 3, source: 0x100, length: 5, in: harness.guest)
                == 0
        )
        #expect(store.objects["key"] == Array("value".utf8))
        harness.memory.put("k2", at: 0x80)
        #expect(
            try harness.context.grafosObjectWrite(key: 0x80, keyLength: 2, source: 0x100, length: 5, in: harness.guest)
                == Result.storageFull.rawValue
        )
        #expect(
            try harness.context.grafosObjectWrite(key: 0x80, keyLength: 2, source: 0xFFFF, length: 5, in: harness.guest)
                == Result.outOfBounds.rawValue
        )
    }

    @Test func withoutAStoreObjectCallsAreMinusFive() throws {
        let harness = try WASIHarness()
        harness.memory.put("k", at: 0x80)
        #expect(
            try harness.context.grafosObjectRead(
                key: 0x80,
                keyLength: 1,
                destination: 0x100,
                capacity: 4,
                in: harness.guest
            ) == -5
        )
        #expect(
            try harness.context.grafosObjectWrite(key: 0x80, keyLength: 1, source: 0x100, length: 4, in: harness.guest)
                == -5
        )
    }

    @Test func storeFailuresOtherThanNotFoundAndFullEndTheLaunch() throws {
        let store = TestObjectStore()
        store.failure = FabricError.leaseExpired
        let harness = try WASIHarness(WASIConfiguration(), objectStore: store)
        harness.memory.put("k", at: 0x80)
        #expect(throws: FabricError.leaseExpired) {
            try harness.context.grafosObjectRead(
                key: 0x80,
                keyLength: 1,
                destination: 0x100,
                capacity: 4,
                in: harness.guest
            )
        }
    }
}
