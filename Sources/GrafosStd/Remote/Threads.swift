#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` on a new detached OS thread: blocking socket reads live there, off Swift's cooperative pool.
package func startThread(_ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable {
        // Safe: written once before the thread starts, read once by that thread.
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    #if canImport(Darwin)
    var thread: pthread_t?
    #else
    var thread = pthread_t()
    #endif
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    let status = pthread_create(
        &thread,
        &attributes,
        { argument in
            #if canImport(Darwin)
            let box = Unmanaged<AnyObject>.fromOpaque(argument).takeRetainedValue()
            #else
            let box = Unmanaged<AnyObject>.fromOpaque(argument!).takeRetainedValue()
            #endif
            (box as! Box).body()
            return nil
        },
        box
    )
    pthread_attr_destroy(&attributes)
    if status != 0 {
        // No thread could be made: run the work on a task instead of losing it.
        let body = Unmanaged<AnyObject>.fromOpaque(box).takeRetainedValue() as! Box
        Task.detached { body.body() }
    }
}
