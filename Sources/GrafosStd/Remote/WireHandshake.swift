/// The challenge–response handshake that authenticates both ends with a shared secret.
///
/// 1. server → `hello`: protocol version, server name, 32-byte random challenge.
/// 2. client → `authenticate`: 32-byte random nonce, `HMAC(secret, "grafos/1 client" ‖ challenge ‖ nonce)`.
/// 3. server → `welcome`: `HMAC(secret, "grafos/1 server" ‖ nonce ‖ challenge)`, or `error` and close.
///
/// Both ends then key every frame's MAC with `HMAC(secret, "grafos/1 session" ‖ challenge ‖ nonce)`.
/// The secret never crosses the wire.
package enum WireHandshake {
    static func proof(_ label: String, _ first: [UInt8], _ second: [UInt8], secret: [UInt8]) -> [UInt8] {
        HMACSHA256.authenticationCode(for: Array(label.utf8) + first + second, key: secret).bytes
    }

    static func sessionKey(challenge: [UInt8], nonce: [UInt8], secret: [UInt8]) -> [UInt8] {
        proof("grafos/1 session", challenge, nonce, secret: secret)
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// Runs the server side; returns normally once the client proved it holds the secret.
    package static func server(_ channel: WireChannel, name: String, secret: [UInt8]) throws {
        let challenge = randomBytes(32)
        var hello = WireWriter()
        hello.u8(WireChannel.version)
        hello.string(name)
        hello.raw(challenge)
        try channel.send(WireFrame(type: .hello, requestID: 0, payload: hello.bytes))
        let frame = try channel.receive()
        guard frame.type == .authenticate else {
            throw WireError.unauthenticated("expected an authenticate frame, got type \(frame.type)")
        }
        var reader = WireReader(frame.payload)
        let nonce = try reader.raw(32)
        let proof = try reader.raw(32)
        try reader.finish()
        let expected = Self.proof("grafos/1 client", challenge, nonce, secret: secret)
        guard constantTimeEqual(proof, expected) else {
            var refusal = WireWriter()
            refusal.string(FabricError.Code.unauthenticated.name)
            refusal.string("the client's proof does not match this node's secret")
            try? channel.send(WireFrame(type: .error, requestID: 0, payload: refusal.bytes))
            throw WireError.unauthenticated("client proof does not match the shared secret")
        }
        var welcome = WireWriter()
        welcome.raw(Self.proof("grafos/1 server", nonce, challenge, secret: secret))
        try channel.send(WireFrame(type: .welcome, requestID: 0, payload: welcome.bytes))
        channel.authenticate(key: sessionKey(challenge: challenge, nonce: nonce, secret: secret), isServer: true)
    }

    /// Runs the client side; returns the server's name once the server proved it holds the secret too.
    package static func client(_ channel: WireChannel, secret: [UInt8]) throws -> String {
        let hello = try channel.receive()
        guard hello.type == .hello else { throw WireError.malformed("expected hello, got type \(hello.type)") }
        var reader = WireReader(hello.payload)
        let version = try reader.u8()
        guard version == WireChannel.version else { throw WireError.unsupportedVersion(version) }
        let name = try reader.string()
        let challenge = try reader.raw(32)
        try reader.finish()
        let nonce = randomBytes(32)
        var authenticate = WireWriter()
        authenticate.raw(nonce)
        authenticate.raw(proof("grafos/1 client", challenge, nonce, secret: secret))
        try channel.send(WireFrame(type: .authenticate, requestID: 0, payload: authenticate.bytes))
        let reply = try channel.receive()
        guard reply.type == .welcome else {
            throw WireError.unauthenticated("node \(name) refused the shared secret")
        }
        var welcome = WireReader(reply.payload)
        let serverProof = try welcome.raw(32)
        guard constantTimeEqual(serverProof, proof("grafos/1 server", nonce, challenge, secret: secret)) else {
            throw WireError.unauthenticated("node \(name) does not hold the shared secret")
        }
        channel.authenticate(key: sessionKey(challenge: challenge, nonce: nonce, secret: secret), isServer: false)
        return name
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
