/// The state of one spec script while it runs: its store, current module, named and registered instances.
struct WasmSpecScriptState {
    /// How a command turned out.
    enum Outcome {
        case passed
        case skipped
        case failed(String)
    }

    /// The script's store.
    let store: WasmStore
    /// The folder the script's module files are in.
    let folder: String
    /// The imports every module sees: `spectest` and the registered instances.
    var imports: WasmImports
    /// The most recent module.
    var current: WasmInstance?
    /// Modules by their `$name`.
    var named: [String: WasmInstance] = [:]

    init(store: WasmStore, folder: String) {
        self.store = store
        self.folder = folder
        self.imports = WasmImports.spectest(in: store)
    }

    /// Runs one command.
    mutating func execute(_ command: SpecJSON, type: String) -> Outcome {
        switch type {
        case "module":
            switch instantiate(command) {
            case .success(let instance):
                current = instance
                if let name = command["name"]?.text { named[name] = instance }
                return .passed
            case .failure(let error):
                current = nil
                return .failed("module did not instantiate: \(error)")
            }
        case "register":
            let instance = command["name"]?.text.flatMap { named[$0] } ?? current
            guard let instance, let name = command["as"]?.text else { return .failed("nothing to register") }
            imports.define(module: name, instance: instance)
            return .passed
        case "assert_return":
            return assertReturn(command)
        case "assert_trap", "assert_exhaustion":
            return assertTrap(command, exhaustion: type == "assert_exhaustion")
        case "action":
            guard let action = command["action"] else { return .failed("no action") }
            switch perform(action) {
            case .success: return .passed
            case .failure(let error): return .failed("action failed: \(error)")
            }
        case "assert_malformed", "assert_invalid":
            return assertRejected(command, malformed: type == "assert_malformed")
        case "assert_unlinkable", "assert_uninstantiable":
            return assertNotInstantiated(command, unlinkable: type == "assert_unlinkable")
        default:
            return .failed("unknown command type")
        }
    }

    // MARK: - Modules

    /// The bytes of the command's module file.
    func moduleBytes(_ command: SpecJSON) -> [UInt8]? {
        guard let name = command["filename"]?.text else { return nil }
        return SpecFiles.read(folder.isEmpty ? name : "\(folder)/\(name)")
    }

    private func instantiate(_ command: SpecJSON) -> Result<WasmInstance, any Error> {
        guard let bytes = moduleBytes(command) else {
            return .failure(WasmInvocationError(.unknownExport, "cannot read \(command["filename"]?.text ?? "?")"))
        }
        do {
            let compiled = try CompiledWasmModule.compile(bytes)
            return .success(try store.instantiate(compiled, imports: imports))
        } catch {
            return .failure(error)
        }
    }

    private func assertRejected(_ command: SpecJSON, malformed: Bool) -> Outcome {
        if command["module_type"]?.text == "text" { return .skipped }
        guard let bytes = moduleBytes(command) else { return .failed("cannot read the module") }
        let expected = command["text"]?.text ?? ""
        do {
            _ = try CompiledWasmModule.compile(bytes)
            return .failed("compiled, expected \"\(expected)\"")
        } catch {
            switch (error, malformed) {
            case (.malformed, true), (.invalid, false): return .passed
            default: return .failed("expected \(malformed ? "malformed" : "invalid") \"\(expected)\", got \(error)")
            }
        }
    }

    private func assertNotInstantiated(_ command: SpecJSON, unlinkable: Bool) -> Outcome {
        guard let bytes = moduleBytes(command) else { return .failed("cannot read the module") }
        let expected = command["text"]?.text ?? ""
        do {
            let compiled = try CompiledWasmModule.compile(bytes)
            _ = try store.instantiate(compiled, imports: imports)
            return .failed("instantiated, expected \"\(expected)\"")
        } catch let error as WasmLinkError where unlinkable {
            _ = error
            return .passed
        } catch let error as Trap where !unlinkable {
            _ = error
            return .passed
        } catch {
            return .failed("expected \"\(expected)\", got \(error)")
        }
    }

    // MARK: - Actions

    /// Runs an `invoke` or `get` action.
    private func perform(_ action: SpecJSON) -> Result<[WasmValue], any Error> {
        let instance = action["module"]?.text.flatMap { named[$0] } ?? current
        guard let instance else {
            return .failure(WasmInvocationError(.unknownExport, "no current module"))
        }
        let field = action["field"]?.text ?? ""
        do {
            switch action["type"]?.text {
            case "invoke":
                let arguments = try (action["args"]?.elements ?? []).map(Self.value)
                return .success(try instance.invoke(field, arguments))
            case "get":
                guard let global = instance.global(named: field) else {
                    throw WasmInvocationError(.unknownExport, "no global \"\(field)\"")
                }
                return .success([global.value])
            default:
                throw WasmInvocationError(.unknownExport, "unknown action")
            }
        } catch {
            return .failure(error)
        }
    }

    private func assertReturn(_ command: SpecJSON) -> Outcome {
        guard let action = command["action"] else { return .failed("no action") }
        let expected = command["expected"]?.elements ?? []
        switch perform(action) {
        case .failure(let error):
            return .failed("\(Self.describe(action)) failed: \(error)")
        case .success(let results):
            guard results.count == expected.count,
                zip(results, expected).allSatisfy({ Self.matches($0, $1) })
            else {
                let wanted = expected.map { "\($0["type"]?.text ?? "?"):\($0["value"]?.text ?? "?")" }
                return .failed("\(Self.describe(action)): expected \(wanted), got \(results)")
            }
            return .passed
        }
    }

    private func assertTrap(_ command: SpecJSON, exhaustion: Bool) -> Outcome {
        guard let action = command["action"] else { return .failed("no action") }
        let text = command["text"]?.text ?? ""
        switch perform(action) {
        case .success(let results):
            return .failed("\(Self.describe(action)): expected trap \"\(text)\", got \(results)")
        case .failure(let error):
            guard let trap = error as? Trap else {
                return .failed("\(Self.describe(action)): expected trap \"\(text)\", got \(error)")
            }
            if exhaustion && trap.reason != .callStackExhausted {
                return .failed("\(Self.describe(action)): expected \"\(text)\", got \"\(trap.reason)\"")
            }
            if !exhaustion && !text.hasPrefix(trap.reason.description) {
                return .failed("\(Self.describe(action)): expected trap \"\(text)\", got \"\(trap.reason)\"")
            }
            return .passed
        }
    }

    // MARK: - Values

    /// `invoke "name" (args)` for messages.
    static func describe(_ action: SpecJSON) -> String {
        let arguments = (action["args"]?.elements ?? []).map {
            "\($0["type"]?.text ?? "?"):\($0["value"]?.text ?? "?")"
        }
        return "\(action["type"]?.text ?? "?") \"\(action["field"]?.text ?? "")\" \(arguments)"
    }

    /// A script value as a ``WasmValue``.
    static func value(_ json: SpecJSON) throws -> WasmValue {
        let text = json["value"]?.text ?? ""
        switch json["type"]?.text {
        case "i32": if let bits = UInt32(text) { return .i32(bits) }
        case "i64": if let bits = UInt64(text) { return .i64(bits) }
        case "f32": if let bits = UInt32(text) { return .f32(bits) }
        case "f64": if let bits = UInt64(text) { return .f64(bits) }
        case "externref": return .externRef(text == "null" ? nil : UInt64(text))
        case "funcref": if text == "null" { return .funcRef(nil) }
        default: break
        }
        throw WasmInvocationError(.argumentMismatch, "unsupported value \(json)")
    }

    /// Whether a result matches an expected value or NaN pattern.
    static func matches(_ result: WasmValue, _ expected: SpecJSON) -> Bool {
        let text = expected["value"]?.text ?? ""
        switch (result, expected["type"]?.text) {
        case (.i32(let bits), "i32"): return UInt32(text) == bits
        case (.i64(let bits), "i64"): return UInt64(text) == bits
        case (.f32(let bits), "f32"):
            switch text {
            case "nan:canonical": return bits & 0x7FFF_FFFF == 0x7FC0_0000
            case "nan:arithmetic": return bits & 0x7FC0_0000 == 0x7FC0_0000
            default: return UInt32(text) == bits
            }
        case (.f64(let bits), "f64"):
            switch text {
            case "nan:canonical": return bits & 0x7FFF_FFFF_FFFF_FFFF == 0x7FF8_0000_0000_0000
            case "nan:arithmetic": return bits & 0x7FF8_0000_0000_0000 == 0x7FF8_0000_0000_0000
            default: return UInt64(text) == bits
            }
        case (.externRef(let payload), "externref"):
            return text == "null" ? payload == nil : payload == UInt64(text)
        case (.funcRef(let reference), "funcref"):
            return text == "null" ? reference == nil : reference != nil
        default:
            return false
        }
    }
}
