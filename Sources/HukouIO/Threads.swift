// The two threading primitives the I/O layer needs: a mutex with a condition variable, and a
// detached thread. Over pthreads directly, so that HukouIO does not depend on Foundation.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex and a few condition variables, one per kind of waiter (so that an event wakes only
/// the threads that wait for it: one shared condition measured ~35,000 context switches on a
/// 1M-record `hukou cat`). Waiters re-check their condition after `wait`.
final class Monitor: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let conds: UnsafeMutablePointer<pthread_cond_t>
    private let count: Int

    init(conditions: Int = 1) {
        count = max(conditions, 1)
        conds = .allocate(capacity: count)
        pthread_mutex_init(mutex, nil)
        for k in 0..<count { pthread_cond_init(conds + k, nil) }
    }

    deinit {
        for k in 0..<count { pthread_cond_destroy(conds + k) }
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        conds.deallocate()
    }

    @inline(__always) func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) func unlock() { pthread_mutex_unlock(mutex) }
    /// Releases the lock until condition `c` is signalled, then takes it again.
    @inline(__always) func wait(_ c: Int = 0) { pthread_cond_wait(conds + c, mutex) }
    /// Wakes one waiter of condition `c`.
    @inline(__always) func signal(_ c: Int) { pthread_cond_signal(conds + c) }
    /// Wakes every waiter of condition `c`.
    @inline(__always) func broadcast(_ c: Int = 0) { pthread_cond_broadcast(conds + c) }
    /// Wakes every waiter of every condition (end of input, cancellation).
    func broadcastAll() { for k in 0..<count { pthread_cond_broadcast(conds + k) } }
}

/// A first-in first-out queue for hand-offs between threads (guarded by the caller's Monitor).
/// Taking an element moves it out: the queue keeps no reference to what a worker now owns.
struct HandOffQueue<Element> {
    private var items: [Element?] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }

    mutating func append(_ e: Element) { items.append(e) }

    /// The oldest element, or nil when empty.
    mutating func popFirst() -> Element? {
        guard head < items.count else { return nil }
        let e = items[head]
        items[head] = nil
        head += 1
        if head > 64 {
            items.removeFirst(head)
            head = 0
        }
        return e
    }

    mutating func removeAll() {
        items.removeAll()
        head = 0
    }
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
