/// What all mounts of one launch share: the byte budget, inode numbers and the clock for timestamps.
///
/// The budget (``WASIConfiguration/maxFileSystemBytes``) bounds what a tasklet can make the host hold: file
/// contents, directory entries (their names) and a fixed ``nodeOverhead`` per node. Nodes charge it when they
/// grow and give it back when they shrink or are freed, so a file bomb ends in `ENOSPC`, not in the host's
/// memory running out.
final class WASIFileSystemState {
    /// The bytes counted for every file, directory or link, besides its contents.
    static let nodeOverhead = 64

    /// The budget in bytes.
    let limit: Int
    /// The bytes charged now.
    private(set) var used = 0
    /// The clock file timestamps are read from.
    let clock: WASIClock
    /// The next inode number of the in-memory mounts.
    private var nextInode: UInt64 = 1

    /// Creates the state of a launch.
    init(limit: Int, clock: WASIClock) {
        self.limit = limit
        self.clock = clock
    }

    /// A fresh inode number.
    func makeInode() -> UInt64 {
        defer { nextInode += 1 }
        return nextInode
    }

    /// The time to stamp a change with (realtime, without advancing virtual time).
    var now: UInt64 { clock.now(.realtime) }

    /// Charges `bytes` against the budget.
    /// - Throws: ``WASIErrno/nospc`` when they do not fit (nothing is charged then).
    func charge(_ bytes: Int) throws(WASIErrno) {
        guard bytes <= limit - used else { throw .nospc }
        used += bytes
    }

    /// Charges `bytes` whatever the budget (for the trees a launch is given).
    func forceCharge(_ bytes: Int) {
        used += bytes
    }

    /// Gives `bytes` back.
    func release(_ bytes: Int) {
        used -= bytes
    }
}
