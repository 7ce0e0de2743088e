#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file of a read-only host mount: a regular file held open read-only, or another kind of file (device,
/// socket, pipe) that can be listed and stat'ed but not opened.
final class WASIHostFile: WASIFileNode {
    /// The open file, or -1 for a file that cannot be opened.
    private let descriptor: Int32
    /// The attributes of a file that cannot be opened.
    private let special: WASIFilestat?

    /// Takes ownership of a descriptor opened read-only.
    init(descriptor: Int32) {
        self.descriptor = descriptor
        special = nil
    }

    /// A file that is not a regular file.
    init(special: WASIFilestat) {
        descriptor = -1
        self.special = special
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    var filetype: WASIABI.Filetype { special?.filetype ?? .regularFile }
    var isWritable: Bool { false }
    var isOpenable: Bool { special == nil }

    func filestat() throws -> WASIFilestat {
        if let special { return special }
        return WASIHostSystem.filestat(try WASIHostSystem.fileStat(of: descriptor))
    }

    func setTimes(access: UInt64?, modification: UInt64?) throws { throw WASIErrno.rofs }

    func size() throws -> UInt64 { try filestat().size }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws -> Int {
        guard descriptor >= 0 else { throw WASIErrno.badf }
        guard !buffer.isEmpty else { return 0 }
        guard offset <= UInt64(Int64.max) else { return 0 }
        while true {
            let count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if count >= 0 { return count }
            if errno != EINTR { throw WASIHostSystem.lastError() }
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws -> Int { throw WASIErrno.rofs }
    func setSize(_ size: UInt64) throws { throw WASIErrno.rofs }
    func sync() {}
}
