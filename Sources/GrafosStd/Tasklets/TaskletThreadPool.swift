import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed pool of OS threads that runs tasklets, sized to the machine.
///
/// The interpreter runs a tasklet synchronously from start to finish. Doing that on Swift's cooperative pool would
/// starve every other task (the pool has one thread per core), so launches hand their work here and await it
/// (only runs known to be short stay on the launching thread, see ``TaskletRuntime``). Threads start on demand, up
/// to the limit, and then stay; work waits in arrival order.
///
/// A thread that finishes a job first *spins* briefly (up to ``spinLimit`` `sched_yield`s, a few microseconds,
/// giving the core away whenever anything else wants it) watching for the next job before it sleeps on the
/// condition variable: back-to-back launches then skip a futex wake-up, which costs more than a short tasklet.
package final class TaskletThreadPool: @unchecked Sendable {
    // @unchecked Sendable: `queue`, `head`, `threads` and `idle` are only touched with `mutex` held; `queued` and
    // `spinners` are atomics; the pthread mutex and condition are initialised once and never moved (they live in
    // allocations this object owns).

    /// The process's pool, one thread per core.
    package static let shared = TaskletThreadPool(threads: LocalFabric.machineCores)

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var queue: [@Sendable () -> Void] = []
    private var head = 0
    private var threads = 0
    private var idle = 0
    /// Jobs waiting in `queue` (read without the lock by spinning threads).
    private let queued = Atomic<Int>(0)
    /// Threads spinning for work (they take a job without being woken).
    private let spinners = Atomic<Int>(0)
    /// The most threads the pool starts.
    package let maxThreads: Int
    /// How many times a thread with nothing to do yields the core while watching for work before it sleeps.
    package static let spinLimit = 64

    package init(threads: Int) {
        maxThreads = max(1, threads)
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        // The shared pool lives for the process; pools made in tests may be dropped while threads still wait.
        // Leaking the two small allocations is safer than destroying a mutex a thread may hold.
    }

    /// Runs `body` on a pool thread and returns its result.
    package func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            enqueue { continuation.resume(returning: body()) }
        }
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) {
        pthread_mutex_lock(mutex)
        queue.append(job)
        let waiting = queued.add(1, ordering: .releasing).newValue
        // Spinning threads take jobs by themselves; wake a sleeper or start a thread only for the rest.
        let uncovered = waiting - spinners.load(ordering: .acquiring)
        let startThread = uncovered > idle && threads < maxThreads
        if startThread { threads += 1 }
        if uncovered > 0 && idle > 0 { pthread_cond_signal(condition) }
        pthread_mutex_unlock(mutex)
        if startThread { GrafosStd.startThread { [self] in work() } }
    }

    private func work() {
        while true {
            spinners.add(1, ordering: .releasing)
            var spins = 0
            while spins < Self.spinLimit && queued.load(ordering: .acquiring) == 0 {
                sched_yield()
                spins += 1
            }
            spinners.subtract(1, ordering: .releasing)
            pthread_mutex_lock(mutex)
            while head == queue.count {
                idle += 1
                pthread_cond_wait(condition, mutex)
                idle -= 1
            }
            let job = queue[head]
            head += 1
            queued.subtract(1, ordering: .relaxed)
            if head > 1024 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            pthread_mutex_unlock(mutex)
            job()
        }
    }
}
