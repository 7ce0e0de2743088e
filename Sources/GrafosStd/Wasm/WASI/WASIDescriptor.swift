/// One open file descriptor of a launch: what it refers to, its rights, flags and position.
struct WASIDescriptor {
    /// What the descriptor refers to.
    enum Kind {
        /// Standard input: the launch's input bytes.
        case stdin
        /// Standard output: the launch's output buffer.
        case stdout
        /// Standard error: the launch's bounded log.
        case stderr
        /// A regular file.
        case file(any WASIFileNode)
        /// A directory.
        case directory(any WASIDirectoryNode)
    }

    /// What the descriptor refers to.
    var kind: Kind
    /// The rights of the descriptor (`fs_rights_base`).
    var rights: WASIABI.Rights
    /// The rights descriptors opened through it may have (`fs_rights_inheriting`).
    var inheriting: WASIABI.Rights
    /// Its flags (`fs_flags`).
    var flags: WASIABI.FDFlags = []
    /// The file position (regular files).
    var position: UInt64 = 0
    /// The preopen name, for a preopened directory.
    var preopenName: String?

    /// The filetype `fd_fdstat_get` reports.
    var filetype: WASIABI.Filetype {
        switch kind {
        case .stdin, .stdout, .stderr: .unknown
        case .file(let file): file.filetype
        case .directory: .directory
        }
    }

    /// The rights of standard input.
    static let stdinRights: WASIABI.Rights = [.fdRead, .fdFdstatSetFlags, .fdFilestatGet, .pollFdReadwrite]
    /// The rights of standard output and standard error.
    static let stdoutRights: WASIABI.Rights = [.fdWrite, .fdFdstatSetFlags, .fdFilestatGet, .pollFdReadwrite]
}
