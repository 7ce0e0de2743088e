/// A request a client sends to a node.
package enum WireRequest: Sendable, Equatable {
    case status
    case acquireCpu(CpuLeaseRequest)
    case acquireBlock(BlockLeaseRequest)
    case renew(LeaseCredential, Duration)
    case release(LeaseCredential)
    case launch(LeaseCredential, TaskletRequest)
    case block(LeaseCredential, BlockOperation)
    case metrics

    package func encode() -> (WireMessageType, [UInt8]) {
        var w = WireWriter()
        switch self {
        case .status:
            return (.status, [])
        case .metrics:
            return (.metrics, [])
        case .acquireCpu(let request):
            w.int(request.cores)
            w.duration(request.ttl)
            w.strings(request.capabilities.sorted())
            w.optionalString(request.node)
            return (.acquireCpu, w.bytes)
        case .acquireBlock(let request):
            w.int(request.blocks)
            w.duration(request.ttl)
            w.optionalString(request.node)
            return (.acquireBlock, w.bytes)
        case .renew(let credential, let duration):
            w.credential(credential)
            w.duration(duration)
            return (.renew, w.bytes)
        case .release(let credential):
            w.credential(credential)
            return (.release, w.bytes)
        case .launch(let credential, let request):
            w.credential(credential)
            w.encodeTasklet(request)
            return (.launch, w.bytes)
        case .block(let credential, let operation):
            w.credential(credential)
            w.encodeBlockOperation(operation)
            return (.block, w.bytes)
        }
    }

    package static func decode(_ type: WireMessageType, _ payload: [UInt8]) throws(WireError) -> WireRequest {
        var r = WireReader(payload)
        let request: WireRequest
        switch type {
        case .status: request = .status
        case .metrics: request = .metrics
        case .acquireCpu:
            request = .acquireCpu(
                CpuLeaseRequest(
                    cores: try r.int(),
                    ttl: try r.duration(),
                    capabilities: Set(try r.strings()),
                    node: try r.optionalString()
                )
            )
        case .acquireBlock:
            request = .acquireBlock(
                BlockLeaseRequest(blocks: try r.int(), ttl: try r.duration(), node: try r.optionalString())
            )
        case .renew: request = .renew(try r.credential(), try r.duration())
        case .release: request = .release(try r.credential())
        case .launch: request = .launch(try r.credential(), try r.decodeTasklet())
        case .block: request = .block(try r.credential(), try r.decodeBlockOperation())
        default: throw WireError.malformed("unknown request type \(type)")
        }
        try r.finish()
        return request
    }
}

/// A node's answer to a ``WireRequest``.
package enum WireResponse: Sendable, Equatable {
    /// A grant; `remaining` is the TTL left when the node sent it (the client turns it into a local expiry).
    case grant(LeaseGrant, remaining: Duration)
    case renewed(remaining: Duration)
    case done
    case status(NodeStatus)
    case result(TaskletResult)
    case block(BlockOperationResult)
    case text(String)
    case error(FabricError)

    package func encode() -> (WireMessageType, [UInt8]) {
        var w = WireWriter()
        switch self {
        case .grant(let grant, let remaining):
            w.credential(grant.credential)
            w.u8(grant.kind == .cpu ? 0 : 1)
            w.string(grant.node)
            w.int(grant.cores)
            w.int(grant.blocks)
            w.strings(grant.capabilities.sorted())
            w.duration(remaining)
            w.duration(grant.ttl)
            return (.grant, w.bytes)
        case .renewed(let remaining):
            w.duration(remaining)
            return (.renewed, w.bytes)
        case .done:
            return (.done, [])
        case .status(let status):
            w.string(status.name)
            w.strings(status.capabilities.sorted())
            for value in [
                status.totalCores, status.freeCores, status.totalBlocks, status.freeBlocks, status.cpuLeases,
                status.blockLeases, status.taskletsRunning,
            ] {
                w.int(value)
            }
            return (.statusReply, w.bytes)
        case .result(let result):
            w.bytes(result.output)
            w.bytes(result.stderr)
            w.u32(UInt32(bitPattern: result.exitCode))
            w.u64(result.fuelConsumed)
            w.duration(result.duration)
            return (.taskletResult, w.bytes)
        case .block(let result):
            w.encodeBlockResult(result)
            return (.blockResult, w.bytes)
        case .text(let text):
            w.string(text)
            return (.text, w.bytes)
        case .error(let error):
            w.string(error.code.name)
            w.string(error.message)
            w.bool(error.lease != nil)
            if let lease = error.lease { w.leaseID(lease) }
            w.optionalString(error.node)
            return (.error, w.bytes)
        }
    }

    package static func decode(_ type: WireMessageType, _ payload: [UInt8]) throws(WireError) -> WireResponse {
        var r = WireReader(payload)
        let response: WireResponse
        switch type {
        case .grant:
            let credential = try r.credential()
            let kind: LeaseGrant.Kind = try r.u8() == 0 ? .cpu : .block
            let node = try r.string()
            let cores = try r.int()
            let blocks = try r.int()
            let capabilities = Set(try r.strings())
            let remaining = try r.duration()
            let ttl = try r.duration()
            response = .grant(
                LeaseGrant(
                    credential: credential,
                    kind: kind,
                    node: node,
                    cores: cores,
                    blocks: blocks,
                    capabilities: capabilities,
                    expiry: .zero,
                    ttl: ttl
                ),
                remaining: remaining
            )
        case .renewed: response = .renewed(remaining: try r.duration())
        case .done: response = .done
        case .statusReply:
            let name = try r.string()
            let capabilities = Set(try r.strings())
            response = .status(
                NodeStatus(
                    name: name,
                    capabilities: capabilities,
                    totalCores: try r.int(),
                    freeCores: try r.int(),
                    totalBlocks: try r.int(),
                    freeBlocks: try r.int(),
                    cpuLeases: try r.int(),
                    blockLeases: try r.int(),
                    taskletsRunning: try r.int()
                )
            )
        case .taskletResult:
            response = .result(
                TaskletResult(
                    output: try r.bytes(),
                    stderr: try r.bytes(),
                    exitCode: Int32(bitPattern: try r.u32()),
                    fuelConsumed: try r.u64(),
                    duration: try r.duration()
                )
            )
        case .blockResult: response = .block(try r.decodeBlockResult())
        case .text: response = .text(try r.string())
        case .error:
            let code = FabricError.Code(try r.string())
            let message = try r.string()
            let lease = try r.bool() ? try r.leaseID() : nil
            response = .error(FabricError(code, message, lease: lease, node: try r.optionalString()))
        default: throw WireError.malformed("unknown response type \(type)")
        }
        try r.finish()
        return response
    }
}

extension WireWriter {
    mutating func encodeTasklet(_ request: TaskletRequest) {
        bytes(request.module)
        bytes(request.input)
        bool(request.limits.fuel != nil)
        u64(request.limits.fuel ?? 0)
        int(request.limits.maxOutput)
        int(request.limits.maxLog)
        int(request.limits.maxMemoryBytes)
        int(request.limits.maxCallDepth)
        bool(request.limits.deadline != nil)
        duration(request.limits.deadline ?? .zero)
        strings(request.arguments)
        let environment = request.environment.sorted { $0.key < $1.key }
        strings(environment.map(\.key))
        strings(environment.map(\.value))
        bool(request.deterministic)
        bool(request.artifacts != nil)
        if let artifacts = request.artifacts { credential(artifacts) }
    }

    mutating func encodeBlockOperation(_ operation: BlockOperation) {
        switch operation {
        case .readBlock(let index):
            u8(0)
            int(index)
        case .writeBlock(let index, let data):
            u8(1)
            int(index)
            bytes(data)
        case .writeObject(let key, let data):
            u8(2)
            string(key)
            bytes(data)
        case .readObject(let key):
            u8(3)
            string(key)
        case .removeObject(let key):
            u8(4)
            string(key)
        case .listObjects: u8(5)
        case .put(let data):
            u8(6)
            bytes(data)
        case .get(let digest):
            u8(7)
            self.digest(digest)
        case .usage: u8(8)
        }
    }

    mutating func encodeBlockResult(_ result: BlockOperationResult) {
        switch result {
        case .done: u8(0)
        case .bytes(let data):
            u8(1)
            bytes(data)
        case .stored(let count):
            u8(2)
            int(count)
        case .keys(let keys):
            u8(3)
            strings(keys)
        case .digest(let digest, let stored):
            u8(4)
            self.digest(digest)
            int(stored)
        case .usage(let usage):
            u8(5)
            for value in [usage.totalBlocks, usage.objectBlocks, usage.rawBlocks, usage.objects, usage.contents] {
                int(value)
            }
        }
    }
}

extension WireReader {
    mutating func decodeTasklet() throws(WireError) -> TaskletRequest {
        let module = try bytes()
        let input = try bytes()
        let hasFuel = try bool()
        let fuel = try u64()
        var limits = TaskletLimits(fuel: hasFuel ? fuel : nil)
        limits.maxOutput = try int()
        limits.maxLog = try int()
        limits.maxMemoryBytes = try int()
        limits.maxCallDepth = try int()
        let hasDeadline = try bool()
        let deadline = try duration()
        limits.deadline = hasDeadline ? deadline : nil
        let arguments = try strings()
        let keys = try strings()
        let values = try strings()
        guard keys.count == values.count else {
            throw WireError.malformed("environment keys and values differ in number")
        }
        var environment: [String: String] = [:]
        for (key, value) in zip(keys, values) { environment[key] = value }
        let deterministic = try bool()
        let artifacts = try bool() ? try credential() : nil
        return TaskletRequest(
            module: module,
            input: input,
            limits: limits,
            arguments: arguments,
            environment: environment,
            deterministic: deterministic,
            artifacts: artifacts
        )
    }

    mutating func decodeBlockOperation() throws(WireError) -> BlockOperation {
        switch try u8() {
        case 0: return .readBlock(try int())
        case 1: return .writeBlock(try int(), try bytes())
        case 2: return .writeObject(try string(), try bytes())
        case 3: return .readObject(try string())
        case 4: return .removeObject(try string())
        case 5: return .listObjects
        case 6: return .put(try bytes())
        case 7: return .get(try digest())
        case 8: return .usage
        case let tag: throw WireError.malformed("unknown block operation \(tag)")
        }
    }

    mutating func decodeBlockResult() throws(WireError) -> BlockOperationResult {
        switch try u8() {
        case 0: return .done
        case 1: return .bytes(try bytes())
        case 2: return .stored(try int())
        case 3: return .keys(try strings())
        case 4: return .digest(try digest(), stored: try int())
        case 5:
            return .usage(
                BlockUsage(
                    totalBlocks: try int(),
                    objectBlocks: try int(),
                    rawBlocks: try int(),
                    objects: try int(),
                    contents: try int()
                )
            )
        case let tag: throw WireError.malformed("unknown block result \(tag)")
        }
    }
}
