/// Calling host functions from the interpreter or from an invocation.
extension WasmStore {
    /// Runs host function `index` on the slots at `slots`.
    /// - Returns: whether it succeeded; on failure the error is in ``pendingHostError``.
    func callHostFunction(
        index: Int,
        slots: UnsafeMutablePointer<UInt64>,
        caller: UnsafeMutablePointer<InstanceContext>
    ) -> Bool {
        let function = hostFunctions[index]
        let type = function.type
        let callerInfo = WasmCaller(store: self, instance: caller)
        do {
            switch function.body {
            case .values(let body):
                var arguments: [WasmValue] = []
                arguments.reserveCapacity(type.parameters.count)
                for (position, parameter) in type.parameters.enumerated() {
                    arguments.append(decode(slots[position], as: parameter))
                }
                let results = try body(callerInfo, arguments)
                guard results.count == type.results.count,
                    zip(results, type.results).allSatisfy({ $0.type == $1 })
                else {
                    throw WasmInvocationError(
                        .hostResultMismatch,
                        "host function \(index) of type \(type) returned \(results)"
                    )
                }
                for (position, result) in results.enumerated() { slots[position] = try encode(result) }
            case .slots(let body):
                let count = Swift.max(type.parameters.count, type.results.count)
                try body(callerInfo, UnsafeMutableBufferPointer(start: slots, count: count))
            }
            return true
        } catch {
            pendingHostError = error
            return false
        }
    }
}
