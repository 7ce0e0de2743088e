/// One decoded WebAssembly 2.0 instruction with its immediates.
///
/// Produced one at a time by ``WasmInstructionReader`` without heap allocation: every payload is a small value,
/// and the variable-length `br_table` target list stays in the module's bytes (``WasmBrTable``). Numeric
/// instructions with a fixed stack signature share one case (``numeric(_:)``) so validators and translators can
/// handle them through a table.
enum WasmInstruction: Equatable {
    // Control.
    case unreachable
    case nop
    case block(WasmBlockType)
    case loop(WasmBlockType)
    case `if`(WasmBlockType)
    case `else`
    case end
    case br(depth: UInt32)
    case brIf(depth: UInt32)
    case brTable(WasmBrTable)
    case `return`
    case call(function: UInt32)
    case callIndirect(type: UInt32, table: UInt32)

    // Parametric.
    case drop
    /// `select` without a type immediate (numeric operands only).
    case select
    /// `select t*`: `arity` is the length of the type vector (valid only when 1), `type` its first entry.
    case typedSelect(arity: UInt32, type: WasmValueType?)

    // Variables.
    case localGet(UInt32)
    case localSet(UInt32)
    case localTee(UInt32)
    case globalGet(UInt32)
    case globalSet(UInt32)

    // Tables.
    case tableGet(table: UInt32)
    case tableSet(table: UInt32)
    case tableInit(element: UInt32, table: UInt32)
    case elemDrop(element: UInt32)
    case tableCopy(destination: UInt32, source: UInt32)
    case tableGrow(table: UInt32)
    case tableSize(table: UInt32)
    case tableFill(table: UInt32)

    // Memory (2.0 has one memory; the reserved memory index bytes are checked to be zero).
    case load(WasmLoadOp, WasmMemArg)
    case store(WasmStoreOp, WasmMemArg)
    case memorySize
    case memoryGrow
    case memoryInit(data: UInt32)
    case dataDrop(data: UInt32)
    case memoryCopy
    case memoryFill

    // Constants; floats keep their exact bit patterns (NaN payloads included).
    case i32Const(Int32)
    case i64Const(Int64)
    case f32Const(UInt32)
    case f64Const(UInt64)

    /// Any instruction of the fixed-signature numeric group (comparisons, arithmetic, conversions,
    /// sign extension, saturating truncation).
    case numeric(WasmNumericOp)

    // References.
    case refNull(WasmValueType)
    case refIsNull
    case refFunc(function: UInt32)

    /// A SIMD instruction (decoded for its size, rejected by the validator).
    case simd(WasmSIMDInstruction)
}
