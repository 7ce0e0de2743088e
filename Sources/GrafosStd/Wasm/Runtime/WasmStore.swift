import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything one run of WebAssembly owns: instances, memories, tables, globals, host functions, the value and
/// frame stacks, fuel and the interrupt flag.
///
/// A store is confined to one task (it is not `Sendable`); only its ``interrupt`` handle may be used from other
/// threads. Entities live as long as the store, as in the spec's store model, so references between instances
/// (a function stored in another instance's table) never dangle. Limits are fixed at creation; fuel can be
/// topped up between calls.
///
/// ```swift
/// let store = WasmStore(limits: WasmResourceLimits(fuel: 10_000))
/// let instance = try store.instantiate(compiled, imports: imports)
/// do {
///     let results = try instance.invoke("run", [.i32(7)])
/// } catch let stop as WasmStopError {
///     store.addFuel(10_000)  // and try again
/// }
/// ```
package final class WasmStore {
    /// The limits this store enforces.
    package let limits: WasmResourceLimits
    /// The flag another thread may raise to stop execution at the next loop back-edge or call.
    package let interrupt: WasmInterruptHandle
    /// The execution state shared with the interpreter.
    let context: UnsafeMutablePointer<ExecutionContext>
    /// The fuel given to the store so far (`Int64.max` when unlimited).
    private(set) var fuelBudget: Int64

    /// The instances created in this store, kept alive with the store.
    var instances: [WasmInstanceStorage] = []
    /// The host functions, by the index in their descriptors.
    var hostFunctions: [WasmHostFunction] = []
    /// Raw allocations freed with the store.
    var allocations: [UnsafeMutableRawPointer] = []
    /// The memories created in this store (unmapped with the store).
    var memories: [UnsafeMutablePointer<MemoryContext>] = []
    /// The tables created in this store.
    var tables: [UnsafeMutablePointer<TableContext>] = []
    /// Signatures of host functions.
    let hostTypes = FunctionTypeTable()
    /// The empty instance that host functions "run in".
    let hostInstance: UnsafeMutablePointer<InstanceContext>
    /// The memory of instances that have none.
    let emptyMemory: UnsafeMutablePointer<MemoryContext>
    /// The error a host function threw, waiting to be rethrown by the invocation.
    var pendingHostError: (any Error)?
    /// How many invocations are active (more than one when host functions call back into wasm).
    var nestedInvocations = 0
    /// The most invocations that may be active at once: host → wasm re-entrancy nests native stack frames.
    static let maxNestedInvocations = 32

    /// Creates a store.
    /// - Parameters:
    ///   - limits: the limits to enforce; the defaults are the spec's, with unlimited fuel.
    ///   - interrupt: the flag that stops execution when raised; share one handle to stop several stores.
    package init(
        limits: WasmResourceLimits = WasmResourceLimits(),
        interrupt: WasmInterruptHandle = WasmInterruptHandle()
    ) {
        self.limits = limits
        self.interrupt = interrupt
        let budget = limits.fuel.map { Int64(clamping: $0) } ?? Int64.max
        self.fuelBudget = budget
        emptyMemory = UnsafeMutablePointer<MemoryContext>.allocate(capacity: 1)
        emptyMemory.initialize(to: .empty)
        let noFunctions = UnsafeMutablePointer<UnsafeMutablePointer<FunctionRecord>>.allocate(capacity: 1)
        let noGlobals = UnsafeMutablePointer<UnsafeMutablePointer<GlobalCell>>.allocate(capacity: 1)
        let noTables = UnsafeMutablePointer<UnsafeMutablePointer<TableContext>>.allocate(capacity: 1)
        let noSegments = UnsafeMutablePointer<SegmentState>.allocate(capacity: 1)
        hostInstance = UnsafeMutablePointer<InstanceContext>.allocate(capacity: 1)
        hostInstance.initialize(
            to: InstanceContext(
                functions: noFunctions,
                globals: noGlobals,
                memory: emptyMemory,
                tables: noTables,
                dataSegments: noSegments,
                elementSegments: noSegments
            )
        )
        context = UnsafeMutablePointer<ExecutionContext>.allocate(capacity: 1)
        context.initialize(
            to: ExecutionContext(
                stackBase: UnsafeMutablePointer(bitPattern: 8)!,
                stackEnd: UnsafeMutablePointer(bitPattern: 8)!,
                stackTop: UnsafeMutablePointer(bitPattern: 8)!,
                framesBase: UnsafeMutablePointer(bitPattern: 8)!,
                framesEnd: UnsafeMutablePointer(bitPattern: 8)!,
                frameTop: UnsafeMutablePointer(bitPattern: 8)!,
                fuel: budget,
                interrupt: interrupt.flag,
                scratch: UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16),
                store: Unmanaged.passUnretained(self)
            )
        )
        allocations = [
            UnsafeMutableRawPointer(noFunctions), UnsafeMutableRawPointer(noGlobals), UnsafeMutableRawPointer(noTables),
            UnsafeMutableRawPointer(noSegments),
        ]
    }

    deinit {
        if hasStacks {
            free(context.pointee.stackBase)
            free(context.pointee.framesBase)
        }
        context.pointee.scratch.deallocate()
        context.deallocate()
        for memory in memories {
            memory.pointee.release()
            memory.deallocate()
        }
        for table in tables {
            free(table.pointee.elements)
            table.deallocate()
        }
        for allocation in allocations { allocation.deallocate() }
        hostInstance.deallocate()
        emptyMemory.deallocate()
    }

    // MARK: - Stacks

    /// Whether the value and frame stacks have been allocated (on the first invocation).
    private var hasStacks = false

    /// Allocates the value and frame stacks if needed.
    /// - Throws: ``Trap`` "call stack exhausted" when the allocation is refused.
    func ensureStacks() throws {
        guard !hasStacks else { return }
        let slots = Swift.max(limits.maxValueStackSlots, 16)
        // Record 0 is a sentinel; records 1...maxCallDepth hold the active frames.
        let records = Swift.max(limits.maxCallDepth, 1) &+ 1
        guard let stack = malloc(slots &* 8), let frames = malloc(records &* MemoryLayout<FrameRecord>.stride) else {
            throw Trap(.callStackExhausted)
        }
        let stackBase = stack.assumingMemoryBound(to: UInt64.self)
        let framesBase = frames.assumingMemoryBound(to: FrameRecord.self)
        context.pointee.stackBase = stackBase
        context.pointee.stackEnd = stackBase + slots
        context.pointee.stackTop = stackBase
        context.pointee.framesBase = framesBase
        context.pointee.framesEnd = framesBase + records
        context.pointee.frameTop = framesBase
        hasStacks = true
    }

    // MARK: - Fuel

    /// The fuel left, or `nil` when fuel is unlimited.
    package var fuelRemaining: UInt64? {
        fuelBudget == Int64.max ? nil : UInt64(context.pointee.fuel)
    }

    /// The fuel consumed since the store was created or ``setFuel(_:)`` was last called (counted even when fuel
    /// is unlimited).
    package var fuelConsumed: UInt64 {
        UInt64(fuelBudget &- context.pointee.fuel)
    }

    /// Sets the fuel left and restarts the consumption count; `nil` makes fuel unlimited.
    package func setFuel(_ fuel: UInt64?) {
        let budget = fuel.map { Int64(clamping: $0) } ?? Int64.max
        fuelBudget = budget
        context.pointee.fuel = budget
    }

    /// Adds fuel (after a ``WasmStopError/Reason/fuelExhausted``, for example).
    package func addFuel(_ fuel: UInt64) {
        guard fuelBudget != Int64.max else { return }
        let added = Int64(clamping: fuel)
        let (budget, overflow) = fuelBudget.addingReportingOverflow(added)
        if overflow {
            setFuel(nil)
            return
        }
        fuelBudget = budget
        context.pointee.fuel &+= added
    }

    // MARK: - Allocation

    /// Allocates `count` values of `T` owned by the store (freed with it).
    func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(count, 1))
        allocations.append(UnsafeMutableRawPointer(pointer))
        return pointer
    }

    /// Creates a memory of `type`, within the store's limits.
    /// - Returns: the memory, or `nil` when its minimum exceeds the limit or cannot be mapped.
    func createMemory(_ type: WasmMemoryType) -> UnsafeMutablePointer<MemoryContext>? {
        guard
            let memory = MemoryContext.create(
                minimum: type.limits.min,
                declaredMaximum: type.limits.max,
                byteLimit: limits.maxMemoryBytes
            )
        else { return nil }
        let pointer = UnsafeMutablePointer<MemoryContext>.allocate(capacity: 1)
        pointer.initialize(to: memory)
        memories.append(pointer)
        return pointer
    }

    /// Creates a table of `type` filled with `value`, within the store's limits.
    /// - Returns: the table, or `nil` when its minimum exceeds the limit.
    func createTable(_ type: WasmTableType, value: UInt64 = 0) -> UnsafeMutablePointer<TableContext>? {
        let declared = type.limits.max.map(Int.init) ?? Int(UInt32.max)
        let growLimit = Swift.min(declared, limits.maxTableElements)
        let minimum = Int(type.limits.min)
        guard minimum <= growLimit else { return nil }
        let capacity = Swift.max(minimum, 1)
        guard let elements = malloc(capacity &* 8)?.assumingMemoryBound(to: UInt64.self) else { return nil }
        elements.initialize(repeating: value, count: minimum)
        let pointer = UnsafeMutablePointer<TableContext>.allocate(capacity: 1)
        pointer.initialize(
            to: TableContext(
                elements: elements,
                count: minimum,
                capacity: capacity,
                growLimit: growLimit,
                declaredMaximum: type.limits.max,
                elementType: type.elementType
            )
        )
        tables.append(pointer)
        return pointer
    }

    /// Creates a global cell.
    func createGlobal(_ type: WasmGlobalType, value: UInt64) -> UnsafeMutablePointer<GlobalCell> {
        let cell = allocate(GlobalCell.self, count: 1)
        cell.initialize(to: GlobalCell(value: value, valueType: type.valueType, isMutable: type.isMutable))
        return cell
    }

    /// Adds a host function to the store.
    /// - Returns: its function record (a `funcref` can point at it).
    func createHostFunction(_ function: WasmHostFunction) -> UnsafeMutablePointer<FunctionRecord> {
        let index = hostFunctions.count
        hostFunctions.append(function)
        let descriptor = allocate(FunctionDescriptor.self, count: 1)
        descriptor.initialize(
            to: FunctionDescriptor(
                code: nil,
                typeKey: hostTypes.key(for: function.type),
                frameSize: UInt32(Swift.max(function.type.parameters.count, function.type.results.count)),
                parameterCount: UInt32(function.type.parameters.count),
                localCount: 0,
                resultCount: UInt32(function.type.results.count),
                constantCount: 0,
                constants: nil,
                frameImage: nil,
                entryFuel: 0,
                index: UInt32(index),
                isHost: true,
                module: nil
            )
        )
        let record = allocate(FunctionRecord.self, count: 1)
        record.initialize(to: FunctionRecord(descriptor: descriptor, instance: hostInstance))
        return record
    }

    /// The slot encoding of a host value.
    /// - Throws: ``WasmInvocationError`` for a reference from another store or an unrepresentable host reference.
    func encode(_ value: WasmValue) throws(WasmInvocationError) -> UInt64 {
        switch value {
        case .i32(let bits): return UInt64(bits)
        case .i64(let bits): return bits
        case .f32(let bits): return UInt64(bits)
        case .f64(let bits): return bits
        case .funcRef(let reference):
            guard let reference else { return 0 }
            guard reference.store == ObjectIdentifier(self) else {
                throw WasmInvocationError(.foreignReference, "a funcref from another store was passed")
            }
            return reference.bits
        case .externRef(let payload):
            guard let payload else { return 0 }
            guard payload != UInt64.max else {
                throw WasmInvocationError(.argumentMismatch, "externref payload UInt64.max is reserved")
            }
            return payload &+ 1
        }
    }

    /// The host value of a slot of type `type`.
    func decode(_ slot: UInt64, as type: WasmValueType) -> WasmValue {
        switch type {
        case .i32: .i32(UInt32(truncatingIfNeeded: slot))
        case .i64, .v128: .i64(slot)
        case .f32: .f32(UInt32(truncatingIfNeeded: slot))
        case .f64: .f64(slot)
        case .funcRef: .funcRef(slot == 0 ? nil : WasmFunctionReference(bits: slot, store: ObjectIdentifier(self)))
        case .externRef: .externRef(slot == 0 ? nil : slot &- 1)
        }
    }
}
