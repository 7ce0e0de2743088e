/// A table of a store.
package struct WasmTableHandle {
    /// The store that owns the table.
    package let store: WasmStore
    /// The table.
    let table: UnsafeMutablePointer<TableContext>

    /// The table's type as an import must match it: its current size and declared maximum.
    package var type: WasmTableType {
        WasmTableType(
            elementType: table.pointee.elementType,
            limits: WasmLimits(min: UInt32(truncatingIfNeeded: table.pointee.count), max: table.pointee.declaredMaximum)
        )
    }

    /// The current number of elements.
    package var count: Int { table.pointee.count }

    /// The element at `index`.
    /// - Throws: ``Trap`` "out of bounds table access".
    package func element(at index: Int) throws(Trap) -> WasmValue {
        guard index >= 0, index < table.pointee.count else { throw Trap(.outOfBoundsTableAccess) }
        return store.decode(table.pointee.elements[index], as: table.pointee.elementType)
    }
}
