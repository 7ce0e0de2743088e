extension WasmInstance {
    /// Calls the exported function `name`, stopping it if the current task is cancelled.
    ///
    /// Cancellation raises the store's interrupt flag, which the running code sees at its next loop back-edge or
    /// call, so the call ends with ``WasmStopError/Reason/interrupted`` within a bounded amount of work. The flag
    /// stays raised afterwards; call `store.interrupt.reset()` before running this store again.
    ///
    /// ```swift
    /// let results = try await instance.invokeObservingCancellation("run", [])
    /// ```
    /// - Throws: as ``invoke(_:_:)``; ``WasmStopError`` `.interrupted` when the task was cancelled.
    package func invokeObservingCancellation(_ name: String, _ arguments: [WasmValue] = []) async throws -> [WasmValue]
    {
        let handle = store.interrupt
        return try await withTaskCancellationHandler {
            try invoke(name, arguments)
        } onCancel: {
            handle.raise()
        }
    }
}
