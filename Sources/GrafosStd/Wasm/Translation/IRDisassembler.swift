/// A readable listing of translated IR, for tests, tuning and `Docs/Interpreter.md`.
///
/// ```swift
/// let compiled = try CompiledWasmModule.compile(bytes)
/// print(IRDisassembler.listing(of: compiled, definedFunction: 0).joined(separator: "\n"))
/// // 0: i32AddImm s2 = s0, 1
/// // 2: brIfI32LtS s2, s1 → 0 (fuel 3) else fuel 1
/// ```
enum IRDisassembler {
    /// The number of words of the instruction at `pc`.
    static func length(at pc: UnsafePointer<UInt64>) -> Int {
        let word = pc.pointee
        let opcode = IROpcode(word: word)
        switch opcode {
        case .brTable:
            return Int(IRWord.bc(word)) &+ 2
        case .i32AddImmBrIfNez, .i32AddImmBrIfNe, .i32AddImmBrIfLtS, .i32AddImmBrIfLtU, .i32AddImmBrIfNeImm,
            .i32AddImmBrIfLtSImm, .i32AddImmBrIfLtUImm:
            return 4
        case .brIf, .brIfNot, .brIfI32Eq, .brIfI32Ne, .brIfI32LtS, .brIfI32LtU, .brIfI32GtS, .brIfI32GtU, .brIfI32LeS,
            .brIfI32LeU, .brIfI32GeS, .brIfI32GeU, .brIfI32EqImm, .brIfI32NeImm, .brIfI32LtSImm, .brIfI32LtUImm,
            .brIfI32GtSImm, .brIfI32GtUImm, .brIfI32LeSImm, .brIfI32LeUImm, .brIfI32GeSImm, .brIfI32GeUImm,
            .brIfI64Eqz, .brIfI64Nez, .callIndirect, .i32LoadAddImm, .i64LoadAddImm, .i32Load8UAddImm,
            .i32Load8SAddImm, .i32Load16UAddImm, .i32StoreAddImm, .i64StoreAddImm, .i32Store8AddImm, .i32Store16AddImm:
            return 3
        case .br, .const64, .select, .copy2, .callInternal, .i32Load, .i64Load, .i32Load8S, .i32Load8U, .i32Load16S,
            .i32Load16U, .i64Load8S, .i64Load16S, .i64Load32S, .i32Store, .i64Store, .i32Store8, .i32Store16,
            .i32LoadAdd, .i64LoadAdd, .i32Load8UAdd, .i32Load8SAdd, .i32Load16UAdd, .i32StoreAdd, .i64StoreAdd,
            .i32Store8Add, .i32Store16Add, .memoryInit, .tableGet, .tableSet, .tableSize, .tableGrow, .tableFill,
            .tableCopy, .tableInit:
            return 2
        default:
            return isImmediateArithmetic(opcode) ? 2 : 1
        }
    }

    /// Whether `opcode` is an `…Imm` arithmetic or comparison with a second word.
    static func isImmediateArithmetic(_ opcode: IROpcode) -> Bool {
        let name = "\(opcode)"
        return name.hasSuffix("Imm") && !name.hasPrefix("brIf") && !name.contains("Load") && !name.contains("Store")
    }

    /// The listing of the defined function `index` of `module`: one line per instruction, `offset: text`.
    static func listing(of module: CompiledWasmModule, definedFunction index: Int) -> [String] {
        let start = module.descriptors[index].code!
        let end =
            index &+ 1 < module.module.functions.count
            ? module.descriptors[index &+ 1].code! : module.code + module.codeWordCount
        var lines: [String] = []
        var pc = UnsafePointer(start)
        while pc < UnsafePointer(end) {
            lines.append("\(pc - UnsafePointer(start)): \(describe(pc))")
            pc += length(at: pc)
        }
        return lines
    }

    /// The number of IR instructions of the defined function `index`.
    static func instructionCount(of module: CompiledWasmModule, definedFunction index: Int) -> Int {
        listing(of: module, definedFunction: index).count
    }

    /// One instruction as text.
    static func describe(_ pc: UnsafePointer<UInt64>) -> String {
        let word = pc.pointee
        let opcode = IROpcode(word: word)
        let a = "s\(IRWord.a(word))"
        let b = "s\(IRWord.b(word))"
        let c = "s\(IRWord.c(word))"
        func edge(_ edge: UInt64) -> String { "→ \(IRWord.edgeOffset(edge)) (fuel \(IRWord.edgeFuel(edge)))" }
        switch opcode {
        case .exit, .unreachable, .ret: return "\(opcode)"
        case .ret1: return "ret1 \(a)"
        case .br: return "br \(edge(pc[1]))"
        case .brIf, .brIfNot, .brIfI64Eqz, .brIfI64Nez:
            return "\(opcode) \(a) \(edge(pc[1])) else fuel \(pc[2])"
        case .brIfI32Eq, .brIfI32Ne, .brIfI32LtS, .brIfI32LtU, .brIfI32GtS, .brIfI32GtU, .brIfI32LeS, .brIfI32LeU,
            .brIfI32GeS, .brIfI32GeU:
            return "\(opcode) \(a), \(b) \(edge(pc[1])) else fuel \(pc[2])"
        case .brIfI32EqImm, .brIfI32NeImm, .brIfI32LtSImm, .brIfI32LtUImm, .brIfI32GtSImm, .brIfI32GtUImm,
            .brIfI32LeSImm, .brIfI32LeUImm, .brIfI32GeSImm, .brIfI32GeUImm:
            return "\(opcode) \(a), \(Int32(bitPattern: IRWord.bc(word))) \(edge(pc[1])) else fuel \(pc[2])"
        case .brTable:
            let targets = (0...Int(IRWord.bc(word))).map { edge(pc[1 &+ $0]) }
            return "brTable \(a) [\(targets.joined(separator: ", "))]"
        case .callInternal:
            let descriptor = UnsafePointer<FunctionDescriptor>(bitPattern: UInt(pc[1]))!
            return "callInternal function \(descriptor.pointee.index) args \(a)"
        case .callImported: return "callImported function \(IRWord.bc(word)) args \(a)"
        case .callIndirect: return "callIndirect table \(pc[2]) index \(b) args \(a)"
        case .copy: return "copy \(a) = \(b)"
        case .copy2: return "copy2 \(a) = \(b), \(c) = s\(pc[1])"
        case .i32AddImmBrIfNez, .i32AddImmBrIfNe, .i32AddImmBrIfLtS, .i32AddImmBrIfLtU, .i32AddImmBrIfNeImm,
            .i32AddImmBrIfLtSImm, .i32AddImmBrIfLtUImm:
            let increment = Int32(truncatingIfNeeded: pc[1])
            let rhs = "\(opcode)".hasSuffix("Imm") ? "\(Int32(truncatingIfNeeded: pc[1] >> 32))" : c
            return "\(opcode) \(a) = \(b) + \(increment), \(rhs) \(edge(pc[2])) else fuel \(pc[3])"
        case .const32: return "const32 \(a) = \(IRWord.bc(word))"
        case .const64: return "const64 \(a) = \(pc[1])"
        case .select: return "select \(a) = s\(pc[1]) ? \(b) : \(c)"
        case .globalGet: return "globalGet \(a) = global \(IRWord.bc(word))"
        case .globalSet: return "globalSet global \(IRWord.bc(word)) = \(a)"
        case .refFunc: return "refFunc \(a) = function \(IRWord.bc(word))"
        case .i32Store, .i64Store, .i32Store8, .i32Store16:
            return "\(opcode) [\(b) + \(pc[1])] = \(a)"
        case .i32Load, .i64Load, .i32Load8S, .i32Load8U, .i32Load16S, .i32Load16U, .i64Load8S, .i64Load16S,
            .i64Load32S:
            return "\(opcode) \(a) = [\(b) + \(pc[1])]"
        case .i32LoadAddImm, .i64LoadAddImm, .i32Load8UAddImm, .i32Load8SAddImm, .i32Load16UAddImm:
            return "\(opcode) \(a) = [(\(b) + \(pc[2])) + \(pc[1])]"
        case .i32LoadAdd, .i64LoadAdd, .i32Load8UAdd, .i32Load8SAdd, .i32Load16UAdd:
            return "\(opcode) \(a) = [(\(b) + \(c)) + \(pc[1])]"
        case .i32StoreAddImm, .i64StoreAddImm, .i32Store8AddImm, .i32Store16AddImm:
            return "\(opcode) [(\(b) + \(pc[2])) + \(pc[1])] = \(a)"
        case .i32StoreAdd, .i64StoreAdd, .i32Store8Add, .i32Store16Add:
            return "\(opcode) [(\(b) + \(c)) + \(pc[1])] = \(a)"
        default:
            if isImmediateArithmetic(opcode) { return "\(opcode) \(a) = \(b), \(Int64(bitPattern: pc[1]))" }
            if length(at: pc) == 2 { return "\(opcode) \(a), \(b), \(c), \(pc[1])" }
            return "\(opcode) \(a) = \(b), \(c)"
        }
    }
}
