/// A module could not be instantiated because an import is missing or does not fit, or a limit was hit.
///
/// The first two reasons use the spec's wording (`assert_unlinkable`); traps during instantiation (a segment
/// out of bounds, a trapping start function) are thrown as ``Trap`` instead.
package struct WasmLinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why linking failed.
    package enum Reason: String, Sendable, Hashable {
        /// No import value was provided under the module and field name.
        case unknownImport = "unknown import"
        /// The value provided has the wrong kind or type.
        case incompatibleImportType = "incompatible import type"
        /// A memory or table of the module starts larger than the store's limits allow.
        case resourceLimitExceeded = "resource limit exceeded"
    }

    /// Why linking failed.
    package var reason: Reason
    /// The import's module name (empty for a resource limit of the module's own entity).
    package var module: String
    /// The import's field name, or what exceeded the limit.
    package var name: String
    /// What was expected and found, and what to do.
    package var detail: String

    /// Creates a link error.
    package init(_ reason: Reason, module: String, name: String, detail: String) {
        self.reason = reason
        self.module = module
        self.name = name
        self.detail = detail
    }

    /// The spec's wording, the import, and the details.
    package var description: String {
        let subject = module.isEmpty ? name : "\"\(module)\".\"\(name)\""
        return "\(reason.rawValue): \(subject): \(detail)"
    }
}
