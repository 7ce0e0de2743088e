import Synchronization

/// What ``CpuLease`` and ``BlockLease`` share: the fabric, the credential, the current expiry, and release on drop.
package final class LeaseCore: Sendable {
    private struct State {
        var expiry: FabricInstant
        var released = false
    }

    package let fabric: any FabricProtocol
    package let grant: LeaseGrant
    private let state: Mutex<State>

    package init(fabric: any FabricProtocol, grant: LeaseGrant) {
        self.fabric = fabric
        self.grant = grant
        state = Mutex(State(expiry: grant.expiry))
    }

    deinit {
        if !state.withLock({ $0.released }) { fabric.releaseInBackground(grant.credential) }
    }

    package var credential: LeaseCredential { grant.credential }

    package var expiry: FabricInstant { state.withLock { $0.expiry } }

    package var isReleased: Bool { state.withLock { $0.released } }

    package func renew(for duration: Duration) async throws {
        let expiry = try await fabric.renew(grant.credential, for: duration)
        state.withLock { $0.expiry = max($0.expiry, expiry) }
    }

    package func release() async {
        let first = state.withLock { state -> Bool in
            defer { state.released = true }
            return !state.released
        }
        guard first else { return }
        // An expired, unreachable or already-reclaimed lease is gone either way; TTL reclaims what we cannot reach.
        try? await fabric.release(grant.credential)
    }
}
