/// A function of a store, callable from the host.
package struct WasmFunctionHandle {
    /// The store that owns the function.
    package let store: WasmStore
    /// The function's record.
    let record: UnsafeMutablePointer<FunctionRecord>

    /// The function's signature.
    package var type: WasmFunctionType { FunctionTypeTable.type(of: record.pointee.descriptor.pointee.typeKey) }

    /// Calls the function.
    /// - Throws: ``Trap``, ``WasmStopError``, ``WasmInvocationError``, or an error thrown by a host function.
    package func callAsFunction(_ arguments: [WasmValue]) throws -> [WasmValue] {
        try store.invoke(record, arguments)
    }

    /// This function as a `funcref` value.
    package var reference: WasmValue {
        .funcRef(WasmFunctionReference(bits: FunctionRecord.bits(record), store: ObjectIdentifier(store)))
    }
}
