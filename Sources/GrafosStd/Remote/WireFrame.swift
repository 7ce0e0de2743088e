import Synchronization

/// One protocol frame: a message type, the request id it belongs to, and a payload.
///
/// On the wire (all integers big-endian; see `Docs/WireProtocol.md`):
/// `u32 length | u8 version | u8 flags | u16 type | u64 request id | payload | [16-byte MAC]`,
/// where `length` counts every byte after itself and the MAC is present once the session is authenticated.
package struct WireFrame: Sendable, Equatable {
    package var type: WireMessageType
    package var requestID: UInt64
    package var payload: [UInt8]

    package init(type: WireMessageType, requestID: UInt64, payload: [UInt8] = []) {
        self.type = type
        self.requestID = requestID
        self.payload = payload
    }
}

/// The message types of protocol version 1.
package struct WireMessageType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package var rawValue: UInt16

    package init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    // Handshake.
    package static let hello = WireMessageType(rawValue: 0x01)
    package static let authenticate = WireMessageType(rawValue: 0x02)
    package static let welcome = WireMessageType(rawValue: 0x03)
    // Requests.
    package static let status = WireMessageType(rawValue: 0x10)
    package static let acquireCpu = WireMessageType(rawValue: 0x11)
    package static let acquireBlock = WireMessageType(rawValue: 0x12)
    package static let renew = WireMessageType(rawValue: 0x13)
    package static let release = WireMessageType(rawValue: 0x14)
    package static let launch = WireMessageType(rawValue: 0x15)
    package static let block = WireMessageType(rawValue: 0x16)
    package static let metrics = WireMessageType(rawValue: 0x17)
    // Responses.
    package static let statusReply = WireMessageType(rawValue: 0x90)
    package static let grant = WireMessageType(rawValue: 0x91)
    package static let renewed = WireMessageType(rawValue: 0x93)
    package static let done = WireMessageType(rawValue: 0x94)
    package static let taskletResult = WireMessageType(rawValue: 0x95)
    package static let blockResult = WireMessageType(rawValue: 0x96)
    package static let text = WireMessageType(rawValue: 0x97)
    package static let error = WireMessageType(rawValue: 0xFF)

    package var description: String { "0x" + String(rawValue, radix: 16) }
}

/// A framed, optionally authenticated stream over a ``TCPConnection``.
///
/// Sending is thread-safe (frames are written whole, in sequence-number order); receiving is for one reader
/// thread. Once ``authenticate(key:isServer:)`` is called, every frame carries a 16-byte truncated
/// HMAC-SHA-256 over its header, payload, direction and sequence number, so frames cannot be forged, altered,
/// replayed or reordered by anyone without the shared secret.
package final class WireChannel: Sendable {
    /// The protocol version this build speaks.
    package static let version: UInt8 = 1
    /// The largest frame accepted by default: 64 MiB.
    package static let defaultMaxFrameBytes = 64 << 20
    private static let headerBytes = 12
    private static let macBytes = 16

    private struct SendState {
        var key: [UInt8]?
        var sequence: UInt64 = 0
        var direction: UInt8 = 0
    }

    private struct ReceiveState {
        var key: [UInt8]?
        var sequence: UInt64 = 0
        var direction: UInt8 = 0
    }

    package let connection: TCPConnection
    package let maxFrameBytes: Int
    private let sendState = Mutex(SendState())
    private let receiveState = Mutex(ReceiveState())

    package init(connection: TCPConnection, maxFrameBytes: Int = WireChannel.defaultMaxFrameBytes) {
        self.connection = connection
        self.maxFrameBytes = maxFrameBytes
    }

    /// Switches to authenticated frames with the session key.
    package func authenticate(key: [UInt8], isServer: Bool) {
        sendState.withLock {
            $0.key = key
            $0.direction = isServer ? UInt8(ascii: "S") : UInt8(ascii: "C")
        }
        receiveState.withLock {
            $0.key = key
            $0.direction = isServer ? UInt8(ascii: "C") : UInt8(ascii: "S")
        }
    }

    /// Sends one frame.
    ///
    /// The frame's sequence number is taken and the frame written under one lock: with MACs over sequence
    /// numbers, frames must reach the wire in the order they were numbered, even when many tasks send at once.
    package func send(_ frame: WireFrame) throws(SocketError) {
        try sendState.withLock { state throws(SocketError) in
            var body = WireWriter(capacity: Self.headerBytes + frame.payload.count + Self.macBytes)
            body.u8(Self.version)
            body.u8(state.key == nil ? 0 : 1)
            body.u16(frame.type.rawValue)
            body.u64(frame.requestID)
            body.raw(frame.payload)
            var out = WireWriter(capacity: 4 + body.bytes.count + Self.macBytes)
            let macLength = state.key == nil ? 0 : Self.macBytes
            out.u32(UInt32(truncatingIfNeeded: body.bytes.count + macLength))
            out.raw(body.bytes)
            if let key = state.key {
                out.raw(Self.mac(key: key, direction: state.direction, sequence: state.sequence, body: body.bytes))
                state.sequence &+= 1
            }
            try connection.write(out.bytes)
        }
    }

    /// Receives one frame (from the reader thread only).
    /// - Throws: ``WireError`` for protocol violations and closed connections.
    package func receive() throws(WireError) -> WireFrame {
        let lengthBytes: [UInt8]
        do {
            lengthBytes = try connection.read(exactly: 4)
        } catch {
            throw WireError.closed(error.description)
        }
        let length = Int(lengthBytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        guard length <= maxFrameBytes else { throw WireError.frameTooLarge(length, limit: maxFrameBytes) }
        guard length >= Self.headerBytes else {
            throw WireError.malformed("frame of \(length) bytes is shorter than a header")
        }
        let rest: [UInt8]
        do {
            rest = try connection.read(exactly: length)
        } catch {
            throw WireError.closed(error.description)
        }
        return try receiveState.withLock { state throws(WireError) -> WireFrame in
            var body = rest
            if let key = state.key {
                guard rest.count >= Self.headerBytes + Self.macBytes, rest[1] == 1 else {
                    throw WireError.unauthenticated("frame without a MAC on an authenticated connection")
                }
                body = Array(rest[..<(rest.count - Self.macBytes)])
                let expected = Self.mac(key: key, direction: state.direction, sequence: state.sequence, body: body)
                var difference: UInt8 = 0
                for (a, b) in zip(expected, rest[(rest.count - Self.macBytes)...]) { difference |= a ^ b }
                guard difference == 0 else { throw WireError.unauthenticated("frame MAC does not verify") }
                state.sequence &+= 1
            } else if rest[1] != 0 {
                throw WireError.malformed("authenticated frame before the handshake finished")
            }
            var reader = WireReader(body)
            let version = try reader.u8()
            guard version == Self.version else { throw WireError.unsupportedVersion(version) }
            _ = try reader.u8()
            let type = WireMessageType(rawValue: try reader.u16())
            let requestID = try reader.u64()
            return WireFrame(type: type, requestID: requestID, payload: Array(body[Self.headerBytes...]))
        }
    }

    /// Closes the connection; a blocked ``receive()`` fails.
    package func close() {
        connection.close()
    }

    private static func mac(key: [UInt8], direction: UInt8, sequence: UInt64, body: [UInt8]) -> [UInt8] {
        var message = WireWriter(capacity: 9 + body.count)
        message.u8(direction)
        message.u64(sequence)
        message.raw(body)
        return Array(HMACSHA256.authenticationCode(for: message.bytes, key: key).bytes.prefix(macBytes))
    }
}
