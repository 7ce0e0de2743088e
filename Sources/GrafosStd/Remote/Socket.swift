#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A socket failure, with the call that failed and `errno`'s meaning.
package struct SocketError: Error, CustomStringConvertible, Sendable {
    package var call: String
    package var code: Int32
    package var detail: String

    package init(_ call: String, code: Int32 = errno, detail: String = "") {
        self.call = call
        self.code = code
        self.detail = detail
    }

    package var description: String {
        let reason = code == 0 ? "" : String(cString: strerror(code))
        return "\(call) failed\(reason.isEmpty ? "" : ": \(reason)")\(detail.isEmpty ? "" : " (\(detail))")"
    }
}

/// A host and port, parsed from `HOST:PORT`, `[IPv6]:PORT` or `tcp://HOST:PORT`.
package struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
    package var host: String
    package var port: UInt16

    package init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `[V6]:PORT` or `tcp://…`; nil when malformed.
    package init?(parsing text: String) {
        var rest = Substring(text)
        if rest.hasPrefix("tcp://") { rest = rest.dropFirst(6) }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let colon = rest.lastIndex(of: ":") else { return nil }
        var host = rest[..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, let port = UInt16(rest[rest.index(after: colon)...]) else { return nil }
        self.host = String(host)
        self.port = port
    }

    package var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Resolves to socket addresses (numeric hosts and names such as `localhost`).
    fileprivate func resolve(passive: Bool) throws(SocketError) -> [(family: Int32, address: [UInt8])] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        hints.ai_flags = passive ? AI_PASSIVE : 0
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let first = result else {
            throw SocketError(
                "getaddrinfo",
                code: 0,
                detail: "cannot resolve '\(host)': \(String(cString: gai_strerror(status)))"
            )
        }
        defer { freeaddrinfo(first) }
        var addresses: [(Int32, [UInt8])] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if let address = info.pointee.ai_addr {
                let bytes = UnsafeRawBufferPointer(start: address, count: Int(info.pointee.ai_addrlen))
                addresses.append((info.pointee.ai_family, Array(bytes)))
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}

/// A connected TCP stream with blocking, complete reads and writes.
///
/// Reads happen on one thread at a time (the connection's reader); writes are serialized by the caller.
/// ``close()`` may be called from any thread and wakes a blocked reader.
package final class TCPConnection: Sendable {
    package let descriptor: Int32
    /// The peer, for logs.
    package let peer: String

    package init(descriptor: Int32, peer: String) {
        self.descriptor = descriptor
        self.peer = peer
        Self.configure(descriptor)
    }

    deinit {
        _ = systemClose(descriptor)
    }

    /// Connects to `address`, trying each resolved address, within `timeout`.
    package static func connect(to address: SocketAddress, timeout: Duration) throws(SocketError) -> TCPConnection {
        var lastError = SocketError("connect", code: ECONNREFUSED, detail: "\(address)")
        for (family, raw) in try address.resolve(passive: false) {
            let fd = makeSocket(family)
            guard fd >= 0 else {
                lastError = SocketError("socket")
                continue
            }
            let flags = fcntl(fd, F_GETFL, 0)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            let status = raw.withUnsafeBytes { buffer in
                systemConnect(fd, buffer.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(buffer.count))
            }
            if status != 0 && errno != EINPROGRESS {
                lastError = SocketError("connect", detail: "\(address)")
                _ = systemClose(fd)
                continue
            }
            if status != 0 {
                var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let millis = Int32(
                    clamping: max(
                        1,
                        timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
                    )
                )
                let ready = poll(&poller, 1, millis)
                var socketError: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length)
                if ready <= 0 || socketError != 0 {
                    lastError = SocketError(
                        "connect",
                        code: ready == 0 ? ETIMEDOUT : (socketError != 0 ? socketError : errno),
                        detail: "\(address)"
                    )
                    _ = systemClose(fd)
                    continue
                }
            }
            _ = fcntl(fd, F_SETFL, flags)
            return TCPConnection(descriptor: fd, peer: address.description)
        }
        throw lastError
    }

    /// Reads exactly `count` bytes.
    /// - Throws: ``SocketError`` on failure or when the peer closes first (`code` 0, "connection closed").
    package func read(exactly count: Int) throws(SocketError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let received = buffer.withUnsafeMutableBytes { raw in
                recv(descriptor, raw.baseAddress! + offset, count - offset, 0)
            }
            if received == 0 { throw SocketError("recv", code: 0, detail: "connection closed by \(peer)") }
            if received < 0 {
                if errno == EINTR { continue }
                throw SocketError("recv", detail: peer)
            }
            offset += received
        }
        return buffer
    }

    /// Writes all of `bytes`.
    package func write(_ bytes: [UInt8]) throws(SocketError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                send(descriptor, raw.baseAddress! + offset, bytes.count - offset, sendFlags)
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw SocketError("send", detail: peer)
            }
            offset += sent
        }
    }

    /// Makes blocked reads fail after `timeout` (nil: wait forever).
    package func setReceiveTimeout(_ timeout: Duration?) {
        let (seconds, attoseconds) = (timeout ?? .zero).components
        var value = timeval()
        value.tv_sec = .init(seconds)
        value.tv_usec = .init(attoseconds / 1_000_000_000_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Shuts both directions down, waking a blocked reader; the descriptor closes on deinit.
    package func close() {
        _ = shutdown(descriptor, Int32(SHUT_RDWR))
    }

    private static func configure(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #else
        // Probe a silent peer after 5 s idle, every 2 s, 3 times: a dead machine is noticed in about 11 s.
        var idle: Int32 = 5
        var interval: Int32 = 2
        var probes: Int32 = 3
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, &idle, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL, &interval, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPCNT, &probes, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }
}

/// A listening TCP socket.
package final class TCPListener: Sendable {
    package let descriptor: Int32
    /// The address actually bound (the real port when 0 was asked for).
    package let address: SocketAddress

    /// Binds and listens on `address`.
    package init(address: SocketAddress, backlog: Int32 = 128) throws(SocketError) {
        var lastError = SocketError("bind", code: EADDRNOTAVAIL, detail: "\(address)")
        for (family, raw) in try address.resolve(passive: true) {
            let fd = makeSocket(family)
            guard fd >= 0 else { continue }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            let bound = raw.withUnsafeBytes { buffer in
                bind(fd, buffer.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(buffer.count))
            }
            guard bound == 0, listen(fd, backlog) == 0 else {
                lastError = SocketError(bound == 0 ? "listen" : "bind", detail: "\(address)")
                _ = systemClose(fd)
                continue
            }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let port = withUnsafeMutablePointer(to: &storage) { pointer -> UInt16 in
                _ = pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
                if family == AF_INET6 {
                    return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        UInt16(bigEndian: $0.pointee.sin6_port)
                    }
                }
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    UInt16(bigEndian: $0.pointee.sin_port)
                }
            }
            descriptor = fd
            self.address = SocketAddress(host: address.host, port: port)
            return
        }
        throw lastError
    }

    deinit {
        _ = systemClose(descriptor)
    }

    /// Waits for the next connection.
    /// - Throws: ``SocketError`` once the listener is closed.
    package func accept() throws(SocketError) -> TCPConnection {
        while true {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemAccept(descriptor, $0, &length) }
            }
            if fd >= 0 { return TCPConnection(descriptor: fd, peer: "client#\(fd)") }
            if errno == EINTR || errno == ECONNABORTED { continue }
            throw SocketError("accept")
        }
    }

    /// Stops listening; a blocked ``accept()`` returns with an error.
    package func close() {
        _ = shutdown(descriptor, Int32(SHUT_RDWR))
    }
}

private func makeSocket(_ family: Int32) -> Int32 {
    #if canImport(Darwin)
    return socket(family, SOCK_STREAM, 0)
    #else
    return socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    #endif
}

#if canImport(Darwin)
private let systemClose = Darwin.close
private let systemConnect = Darwin.connect
private let systemAccept = Darwin.accept
private let sendFlags: Int32 = 0
#elseif canImport(Musl)
private let systemClose = Musl.close
private let systemConnect = Musl.connect
private let systemAccept = Musl.accept
private let sendFlags = Int32(MSG_NOSIGNAL)
#else
private let systemClose = Glibc.close
private let systemConnect = Glibc.connect
private let systemAccept = Glibc.accept
private let sendFlags = Int32(MSG_NOSIGNAL)
#endif
