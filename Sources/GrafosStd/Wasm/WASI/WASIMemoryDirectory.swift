/// A directory of an in-memory mount: a private, mutable copy of a ``WASIFileTree`` for one launch.
final class WASIMemoryDirectory: WASIDirectoryNode {
    /// The launch's shared state (budget, clock).
    private let state: WASIFileSystemState
    /// The mount's device number.
    let device: UInt64
    /// The directory's inode number.
    let inode: UInt64
    /// Whether the mount refuses every change.
    let isReadOnly: Bool
    /// The directory holding this one (`nil` for a mount's root or a removed directory).
    private(set) weak var parent: WASIMemoryDirectory?
    /// The entries by name.
    private var children: [String: WASINode] = [:]
    /// Timestamps, in nanoseconds since the epoch.
    private var accessTime, modificationTime, changeTime: UInt64

    /// Creates an empty directory, charging the budget (unconditionally when `force`).
    init(state: WASIFileSystemState, device: UInt64, readOnly: Bool, force: Bool = false) throws(WASIErrno) {
        if force {
            state.forceCharge(WASIFileSystemState.nodeOverhead)
        } else {
            try state.charge(WASIFileSystemState.nodeOverhead)
        }
        self.state = state
        self.device = device
        self.isReadOnly = readOnly
        inode = state.makeInode()
        accessTime = state.now
        modificationTime = accessTime
        changeTime = accessTime
    }

    deinit {
        var names = 0
        for name in children.keys { names += name.utf8.count }
        state.release(WASIFileSystemState.nodeOverhead + names)
    }

    /// Builds the root of a mount from `tree`.
    /// - Throws: ``WASISetupError`` when the tree is not a directory or has an invalid name.
    static func make(
        tree: WASIFileTree,
        state: WASIFileSystemState,
        device: UInt64,
        readOnly: Bool
    ) throws(WASISetupError) -> WASIMemoryDirectory {
        guard case .directory(let entries) = tree else {
            throw WASISetupError("an in-memory preopen must be a directory tree, not \(tree)")
        }
        let root = try! WASIMemoryDirectory(state: state, device: device, readOnly: readOnly, force: true)
        try root.fill(entries, path: "")
        return root
    }

    /// Adds `entries` (recursively) to this directory.
    private func fill(_ entries: [String: WASIFileTree], path: String) throws(WASISetupError) {
        for (name, tree) in entries {
            guard WASIPathResolver.isValidName(name) else {
                throw WASISetupError(
                    "invalid file name \"\(path)\(name)\" in an in-memory tree: names are single path components "
                        + "(not empty, not . or .., no / or NUL, at most 255 bytes)"
                )
            }
            let node: WASINode
            switch tree {
            case .file(let bytes):
                node = .file(
                    try! WASIMemoryFile(state: state, device: device, readOnly: isReadOnly, bytes: bytes, force: true)
                )
            case .symlink(let target):
                node = .symlink(
                    try! WASIMemorySymlink(
                        state: state,
                        device: device,
                        readOnly: isReadOnly,
                        target: target,
                        force: true
                    )
                )
            case .directory(let entries):
                let directory = try! WASIMemoryDirectory(
                    state: state,
                    device: device,
                    readOnly: isReadOnly,
                    force: true
                )
                try directory.fill(entries, path: path + name + "/")
                node = .directory(directory)
            }
            state.forceCharge(name.utf8.count)
            insert(node, as: name)
        }
    }

    /// The tree this directory holds now.
    func snapshot() -> WASIFileTree {
        var entries: [String: WASIFileTree] = [:]
        for (name, node) in children {
            switch node {
            case .directory(let directory):
                entries[name] = (directory as? WASIMemoryDirectory)?.snapshot() ?? .directory([:])
            case .file(let file): entries[name] = .file((file as? WASIMemoryFile)?.bytes ?? [])
            case .symlink(let link): entries[name] = .symlink(link.target)
            }
        }
        return .directory(entries)
    }

    func filestat() -> WASIFilestat {
        WASIFilestat(
            device: device,
            inode: inode,
            filetype: .directory,
            size: UInt64(children.count),
            accessTime: accessTime,
            modificationTime: modificationTime,
            changeTime: changeTime
        )
    }

    func setTimes(access: UInt64?, modification: UInt64?) throws {
        guard !isReadOnly else { throw WASIErrno.rofs }
        if let access { accessTime = access }
        if let modification { modificationTime = modification }
        changeTime = state.now
    }

    func lookup(_ name: String) -> WASINode? {
        children[name]
    }

    func entries() -> [WASIDirectoryEntry] {
        children.map { name, node in
            WASIDirectoryEntry(name: name, inode: Self.inode(of: node), filetype: node.filetype)
        }
        .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    func createFile(_ name: String) throws -> any WASIFileNode {
        try checkWritable()
        let file = try WASIMemoryFile(state: state, device: device, readOnly: false)
        try add(.file(file), as: name)
        return file
    }

    func createDirectory(_ name: String) throws {
        try checkWritable()
        try add(.directory(try WASIMemoryDirectory(state: state, device: device, readOnly: false)), as: name)
    }

    func createSymlink(_ name: String, target: String) throws {
        try checkWritable()
        try add(
            .symlink(try WASIMemorySymlink(state: state, device: device, readOnly: false, target: target)),
            as: name
        )
    }

    func removeEntry(_ name: String) throws {
        try checkWritable()
        guard let node = children.removeValue(forKey: name) else { throw WASIErrno.noent }
        state.release(name.utf8.count)
        detach(node)
        touch()
    }

    func moveEntry(_ name: String, to directory: any WASIDirectoryNode, as newName: String) throws {
        try checkWritable()
        guard let target = directory as? WASIMemoryDirectory, target.device == device else { throw WASIErrno.xdev }
        guard let node = children[name] else { throw WASIErrno.noent }
        if target === self && name == newName { return }
        if case .directory(let moving) = node {
            // A directory cannot move into itself or below itself.
            var ancestor: WASIMemoryDirectory? = target
            while let current = ancestor {
                if current === moving { throw WASIErrno.inval }
                ancestor = current.parent
            }
        }
        let growth = target.children[newName] == nil ? newName.utf8.count : 0
        try state.charge(growth)
        if let replaced = target.children.removeValue(forKey: newName) {
            target.detach(replaced)
        }
        children.removeValue(forKey: name)
        state.release(name.utf8.count)
        target.insert(node, as: newName)
        touch()
        target.touch()
    }

    func link(_ node: any WASIFileNode, as name: String) throws {
        try checkWritable()
        guard let file = node as? WASIMemoryFile, file.device == device else { throw WASIErrno.xdev }
        try add(.file(file), as: name)
    }

    /// Refuses changes on a read-only mount.
    private func checkWritable() throws(WASIErrno) {
        if isReadOnly { throw .rofs }
    }

    /// Adds a new entry, charging its name.
    private func add(_ node: WASINode, as name: String) throws(WASIErrno) {
        try state.charge(name.utf8.count)
        insert(node, as: name)
        touch()
    }

    /// Puts `node` under `name` (already charged) and links it here.
    private func insert(_ node: WASINode, as name: String) {
        children[name] = node
        switch node {
        case .directory(let directory): (directory as? WASIMemoryDirectory)?.parent = self
        case .file(let file): (file as? WASIMemoryFile)?.linkCount += 1
        case .symlink: break
        }
    }

    /// Unlinks a node that was removed from this directory.
    private func detach(_ node: WASINode) {
        switch node {
        case .directory(let directory): (directory as? WASIMemoryDirectory)?.parent = nil
        case .file(let file): (file as? WASIMemoryFile)?.linkCount -= 1
        case .symlink: break
        }
    }

    /// Stamps a change of the entries.
    private func touch() {
        modificationTime = state.now
        changeTime = modificationTime
    }

    /// The inode number of an in-memory node.
    private static func inode(of node: WASINode) -> UInt64 {
        switch node {
        case .directory(let directory): (directory as? WASIMemoryDirectory)?.inode ?? 0
        case .file(let file): (file as? WASIMemoryFile)?.inode ?? 0
        case .symlink(let link): (link as? WASIMemorySymlink)?.inode ?? 0
        }
    }
}
