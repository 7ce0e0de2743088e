/// A straight-line fuel region: the wasm instructions executed from an entry point up to the next transfer of
/// control. ``start`` and ``end`` count executed wasm instructions in the function's body.
struct TranslatorRegion {
    var start = 0
    var end = 0
    var isOpen = false
}
