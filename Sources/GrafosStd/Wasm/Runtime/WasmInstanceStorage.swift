/// The store-side record of an instance: its module and its run-time index spaces.
final class WasmInstanceStorage {
    /// The compiled module (kept alive: descriptors and code belong to it).
    let module: CompiledWasmModule
    /// The index spaces the interpreter reads.
    let context: UnsafeMutablePointer<InstanceContext>

    init(module: CompiledWasmModule, context: UnsafeMutablePointer<InstanceContext>) {
        self.module = module
        self.context = context
    }
}
