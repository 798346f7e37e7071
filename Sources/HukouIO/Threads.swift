// The two threading primitives the I/O layer needs: a mutex with a condition variable, and a
// detached thread. Over pthreads directly, so that HukouIO does not depend on Foundation.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex and one condition variable. Waiters re-check their condition after `wait()`.
final class Monitor: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        cond.deallocate()
    }

    @inline(__always) func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) func unlock() { pthread_mutex_unlock(mutex) }
    /// Releases the lock until another thread broadcasts, then takes it again.
    @inline(__always) func wait() { pthread_cond_wait(cond, mutex) }
    /// Wakes every waiter (they share one condition variable, so all must re-check).
    @inline(__always) func broadcast() { pthread_cond_broadcast(cond) }
}

/// Starts `body` on a new detached thread. False when the system refuses a thread; callers
/// then do the work on their own thread.
func startThread(_ body: @escaping @Sendable () -> Void) -> Bool {
    final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    #if canImport(Darwin)
    var tid: pthread_t?
    #else
    var tid = pthread_t()
    #endif
    let rc = pthread_create(&tid, nil, { p in
        let box = Unmanaged<Box>.fromOpaque(p!).takeRetainedValue()
        box.body()
        return nil
    }, context)
    guard rc == 0 else {
        Unmanaged<Box>.fromOpaque(context).release()
        return false
    }
    #if canImport(Darwin)
    if let t = tid { pthread_detach(t) }
    #else
    pthread_detach(tid)
    #endif
    return true
}

/// The number of processors online (at least 1).
public func processorCount() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
