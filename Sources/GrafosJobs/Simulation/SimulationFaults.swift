import GrafosStd

/// The seeded fault model of a ``ClusterSimulation``: every decision is a pure function of the seed and of what it
/// concerns (a chunk's attempt, a renewal call, a worker), so it does not depend on the order things happen in.
///
/// One knob, `rate` (`--fault-rate`, 0.02 by default), scales every fault:
///
/// | fault | how often |
/// | --- | --- |
/// | transient launch failure (`FaultPlan.launchFailureRate`) | `rate / 4` of launches |
/// | lease expired mid-tasklet (`SimulatedFabric.expire(lease:)` part-way through) | `rate / 8` of attempts |
/// | slow attempt (4× its work) | `rate / 4` of attempts |
/// | slow node (3× the work of everything on it) | `rate / 2` of the nodes |
/// | node disconnect, back after 1 s … 2 TTL ("back from the dead") | `rate × nodes / 16` per virtual second |
/// | renewal call fails | `2 × rate` of calls, at most half |
/// | renewals fail for good from some instant (the lease expires mid-tasklet) | `rate` of the workers |
/// | capacity exhaustion: another tenant takes every free core for 2 … 8 s | `2 × rate` per virtual second |
package struct SimulationFaults: Sendable, Hashable {
    /// The seed every decision derives from.
    package var seed: UInt64
    /// The overall fault rate.
    package var rate: Double

    /// Slow nodes run this many times slower.
    package static let slowNodeFactor: Int64 = 3
    /// Slow attempts take this many times their work.
    package static let slowAttemptFactor: Int64 = 4

    package init(seed: UInt64, rate: Double) {
        self.seed = seed
        self.rate = rate
    }

    package var transientLaunchRate: Double { rate / 4 }
    package var expiryRate: Double { rate / 8 }
    package var slowAttemptRate: Double { rate / 4 }
    package var slowNodeFraction: Double { rate / 2 }
    package var renewalFailureRate: Double { min(0.5, rate * 2) }
    package var lostRenewalRate: Double { rate }
    package func disconnectsPerSecond(nodes: Int) -> Double { rate * Double(nodes) / 16 }
    package var exhaustionsPerSecond: Double { rate * 2 }

    // MARK: Decisions

    /// A chunk's work in nanoseconds at normal speed: 0.5 … 1.5 s.
    package func work(ofChunk index: Int) -> Int64 {
        500_000_000 + Int64(Self.unit(mix(0x574F_524B, UInt64(index))) * 1_000_000_000)
    }

    /// What happens to attempt `attempt` of chunk `index`.
    package func attempt(_ attempt: Int, ofChunk index: Int) -> (slow: Bool, expiresAt: Double?) {
        let key = mix(0x4154_5445_4D50, UInt64(index) << 8 | UInt64(attempt & 0xFF))
        let slow = Self.unit(key) < slowAttemptRate
        let expires = Self.unit(Self.fmix(key ^ 0x4558_5049_5245)) < expiryRate
        return (slow, expires ? 0.2 + 0.6 * Self.unit(Self.fmix(key ^ 0x5748_454E)) : nil)
    }

    /// Whether renewal call number `call` of registration `id` fails.
    package func renewalFails(id: UInt64, call: Int) -> Bool {
        Self.unit(mix(0x5245_4E45_57, id &* 0x1_0000_0001 &+ UInt64(call))) < renewalFailureRate
    }

    /// From when every renewal of worker `id` fails, if it is one of the unlucky ones.
    package func renewalsLost(id: UInt64, within horizon: Duration) -> FabricInstant? {
        let key = mix(0x4C4F_5354, id)
        guard Self.unit(key) < lostRenewalRate else { return nil }
        let nanoseconds = Double(horizon / .nanoseconds(1)) * Self.unit(Self.fmix(key))
        return FabricInstant.zero.advanced(by: .nanoseconds(Int64(nanoseconds)))
    }

    /// The slow nodes, as a flag per node index.
    package func slowNodes(count: Int) -> [Bool] {
        var random = SeededRandomNumberGenerator(seed: mix(0x534C_4F57, UInt64(count)))
        var flags = [Bool](repeating: false, count: count)
        let slow = Int((Double(count) * slowNodeFraction).rounded())
        for index in (0..<count).shuffled(using: &random).prefix(slow) { flags[index] = true }
        return flags
    }

    // MARK: Artifacts

    /// The artifact of chunk `index`: 16 bytes of payload (the index and a value drawn from the seed), then the
    /// SHA-256 digest of the payload.
    package func artifact(ofChunk index: Int) -> [UInt8] {
        var bytes = payload(ofChunk: index)
        bytes.append(contentsOf: SHA256.hash(bytes).bytes)
        return bytes
    }

    /// The 16 payload bytes of chunk `index`'s artifact.
    package func payload(ofChunk index: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(48)
        Self.append(UInt64(index), to: &bytes)
        Self.append(mix(0x5041_594C_4F41_44, UInt64(index)), to: &bytes)
        return bytes
    }

    // MARK: Mixing

    /// Mixes the seed, a domain tag and a value into 64 well-spread bits.
    package func mix(_ domain: UInt64, _ value: UInt64) -> UInt64 {
        Self.fmix(seed ^ Self.fmix(domain &+ Self.fmix(value)))
    }

    /// MurmurHash3's 64-bit finaliser.
    package static func fmix(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k &*= 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k &*= 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }

    /// 53 bits of `value` as a number in `0..<1`.
    package static func unit(_ value: UInt64) -> Double {
        Double(value >> 11) * 0x1.0p-53
    }

    /// Appends `value` little-endian.
    package static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Reads a little-endian `UInt64` at `offset`, or nil when the bytes are too short.
    package static func read(_ bytes: [UInt8], at offset: Int) -> UInt64? {
        guard offset >= 0, bytes.count >= offset + 8 else { return nil }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << UInt64(index * 8) }
        return value
    }
}
