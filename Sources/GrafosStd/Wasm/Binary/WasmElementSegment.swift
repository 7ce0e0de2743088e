/// An element segment: a vector of references used to initialize tables, passively or at instantiation.
package struct WasmElementSegment: Sendable, Hashable {
    /// When and where the segment is used.
    package enum Mode: Sendable, Hashable {
        /// Available to `table.init` until dropped.
        case passive
        /// Copied into `table` at `offset` during instantiation, then dropped.
        case active(table: UInt32, offset: WasmConstExpression)
        /// Only declares function references for `ref.func`; dropped at instantiation.
        case declarative
    }

    /// The segment's references.
    package enum Items: Sendable, Hashable {
        /// Function indices (the `elemkind` encodings 0–3).
        case functions([UInt32])
        /// Constant expressions producing references (the encodings 4–7).
        case expressions([WasmConstExpression])

        /// The number of references.
        package var count: Int {
            switch self {
            case .functions(let indices): indices.count
            case .expressions(let expressions): expressions.count
            }
        }
    }

    /// The reference type of the elements.
    package var type: WasmValueType
    /// When and where the segment is used.
    package var mode: Mode
    /// The references.
    package var items: Items
    /// The byte offset of the segment in the element section.
    package var offset: Int

    /// Creates an element segment.
    package init(type: WasmValueType, mode: Mode, items: Items, offset: Int) {
        self.type = type
        self.mode = mode
        self.items = items
        self.offset = offset
    }
}
