import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A flag shared between threads.
final class AtomicFlag: Sendable {
    let value = Atomic<Bool>(false)
}

/// A POSIX thread running a closure (the interrupt must come from a thread other than the one running wasm,
/// without depending on the cooperative pool).
final class HostThread: @unchecked Sendable {
    // @unchecked Sendable: `body` is only read by the new thread, and `thread` only by `join`.
    private let body: @Sendable () -> Void
    private var thread = pthread_t()

    init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
        let unmanaged = Unmanaged.passRetained(self)
        pthread_create(
            &thread,
            nil,
            { argument in
                let host = Unmanaged<HostThread>.fromOpaque(argument!).takeRetainedValue()
                host.body()
                return nil
            },
            unmanaged.toOpaque()
        )
    }

    func join() {
        pthread_join(thread, nil)
    }
}
