/// Canonical function signatures with stable addresses, used as *type keys*.
///
/// A type key is the address of an encoded signature (`UInt32` parameter count, `UInt32` result count, then one
/// byte per value type). Within one table, equal signatures share one key, so `call_indirect` checks a callee's
/// type with one pointer comparison; keys from different tables (another module, a host function) are compared
/// by contents on a cold path (``equal(_:_:)``). The table owns the encodings and frees them when it goes away;
/// compiled modules and stores keep their tables alive as long as any descriptor refers to them.
final class FunctionTypeTable: @unchecked Sendable {
    // @unchecked Sendable: the encodings are written only while the table is being filled (by one thread, before
    // it is shared) and are immutable afterwards.

    /// The encodings, freed in `deinit`.
    private var encodings: [UnsafeMutableRawPointer] = []
    /// The key of each signature added so far.
    private var keys: [WasmFunctionType: UnsafeRawPointer] = [:]

    /// Creates an empty table.
    init() {}

    deinit {
        for encoding in encodings { encoding.deallocate() }
    }

    /// The key of `type`, adding it when it is new.
    func key(for type: WasmFunctionType) -> UnsafeRawPointer {
        if let key = keys[type] { return key }
        let count = type.parameters.count &+ type.results.count
        let encoding = UnsafeMutableRawPointer.allocate(byteCount: 8 &+ count, alignment: 8)
        encoding.storeBytes(of: UInt32(type.parameters.count), as: UInt32.self)
        encoding.storeBytes(of: UInt32(type.results.count), toByteOffset: 4, as: UInt32.self)
        var offset = 8
        for value in type.parameters + type.results {
            encoding.storeBytes(of: value.rawValue, toByteOffset: offset, as: UInt8.self)
            offset &+= 1
        }
        encodings.append(encoding)
        let key = UnsafeRawPointer(encoding)
        keys[type] = key
        return key
    }

    /// Whether two keys denote the same signature (pointer equality first, then the encodings).
    @inline(never)
    static func equal(_ lhs: UnsafeRawPointer, _ rhs: UnsafeRawPointer) -> Bool {
        if lhs == rhs { return true }
        let lhsParameters = lhs.load(as: UInt32.self)
        let lhsResults = lhs.load(fromByteOffset: 4, as: UInt32.self)
        guard lhsParameters == rhs.load(as: UInt32.self),
            lhsResults == rhs.load(fromByteOffset: 4, as: UInt32.self)
        else { return false }
        let count = Int(lhsParameters &+ lhsResults)
        for offset in 8..<(8 &+ count)
        where lhs.load(fromByteOffset: offset, as: UInt8.self) != rhs.load(fromByteOffset: offset, as: UInt8.self) {
            return false
        }
        return true
    }

    /// The signature a key encodes.
    static func type(of key: UnsafeRawPointer) -> WasmFunctionType {
        let parameterCount = Int(key.load(as: UInt32.self))
        let resultCount = Int(key.load(fromByteOffset: 4, as: UInt32.self))
        func value(_ offset: Int) -> WasmValueType {
            WasmValueType(rawValue: key.load(fromByteOffset: 8 &+ offset, as: UInt8.self)) ?? .i32
        }
        return WasmFunctionType(
            parameters: (0..<parameterCount).map(value),
            results: (0..<resultCount).map { value(parameterCount &+ $0) }
        )
    }
}
