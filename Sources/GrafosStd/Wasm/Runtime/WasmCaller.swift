/// What a host function knows about its caller: the store and the calling instance's memory.
package struct WasmCaller {
    /// The store the call runs in.
    package let store: WasmStore
    /// The calling instance.
    let instance: UnsafeMutablePointer<InstanceContext>

    /// The calling instance's memory, or `nil` when it has none (or the host called the function directly).
    package var memory: WasmMemoryHandle? {
        let memory = instance.pointee.memory
        return memory == store.emptyMemory ? nil : WasmMemoryHandle(store: store, memory: memory)
    }
}
