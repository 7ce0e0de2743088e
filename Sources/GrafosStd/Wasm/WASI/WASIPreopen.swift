/// A directory the tasklet finds open at start (`fd_prestat_get`), under the name `wasi-libc` resolves paths by.
///
/// Preopens get descriptors 3, 4, 5, … in the order given. A path used with a preopen's descriptor can never
/// leave it: absolute paths, `..` above it and symbolic links pointing out are refused with `ENOTCAPABLE`.
///
/// ```swift
/// let preopens = [
///     WASIPreopen("/data", .memory(.directory(["a.txt": .file(Array("a".utf8))]))),
///     WASIPreopen(".", .hostDirectory("/home/me/project")),     // read-only
///     WASIPreopen("/artifacts", .objectStore(artifacts)),
/// ]
/// let context = try WASIContext(configuration: configuration, preopens: preopens)
/// ```
package struct WASIPreopen {
    /// What is mounted.
    package enum Mount {
        /// A private in-memory copy of `tree` (which must be a ``WASIFileTree/directory(_:)``).
        case memory(WASIFileTree, readOnly: Bool = false)
        /// A host directory, read-only, reached with `openat`-style calls that never follow a symbolic link out.
        case hostDirectory(String)
        /// An object store as one flat directory: each key is a file (keys containing `/` are not shown).
        case objectStore(any WASIObjectStore)
    }

    /// The name the guest sees (`/`, `/data`, `.`); `fd_prestat_dir_name` reports it.
    package var guestPath: String
    /// What is mounted there.
    package var mount: Mount

    /// Creates a preopen.
    package init(_ guestPath: String, _ mount: Mount) {
        self.guestPath = guestPath
        self.mount = mount
    }
}
