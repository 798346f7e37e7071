// Memory for the matcher's large random-access tables (the string pools' hash tables, the
// comparison columns, the blocking sort's buffers): anonymous mappings advised to use
// transparent huge pages. At millions of records these tables are tens of MB each and are read
// at random, so with 4 KB pages nearly every lookup misses the TLB; measured at 2M persons, huge
// pages took a fifth off the matcher's CPU time. No library offers this (the allocator hands out
// 4 KB pages unless the whole process is started with a tunable), so it is done here.
#if canImport(Glibc)
import Glibc
#endif

/// Below this many bytes, plain `malloc` memory (a huge page would be mostly empty).
let largeMemoryThreshold = 4 << 20

/// Zeroed memory for `count` values of `T`: a mapping advised to use huge pages when large
/// (`mapped`), else from calloc. Free it with `largeDeallocate` and the same values.
func largeAllocate<T>(_ type: T.Type, count: Int) -> (base: UnsafeMutablePointer<T>, mapped: Bool) {
    let n = max(count, 1)
    let bytes = n * MemoryLayout<T>.stride
    if bytes >= largeMemoryThreshold {
        let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        if let p, p != MAP_FAILED {
            _ = madvise(p, bytes, MADV_HUGEPAGE)
            return (p.bindMemory(to: T.self, capacity: n), true)
        }
    }
    return (calloc(n, MemoryLayout<T>.stride)!.bindMemory(to: T.self, capacity: n), false)
}

/// Frees what `largeAllocate` returned.
func largeDeallocate<T>(_ p: UnsafeMutablePointer<T>, count: Int, mapped: Bool) {
    if mapped {
        munmap(UnsafeMutableRawPointer(p), max(count, 1) * MemoryLayout<T>.stride)
    } else {
        free(p)
    }
}

/// glibc's `mremap` (a GNU extension the Glibc module does not import), looked up once.
private let mremapFunction: (@convention(c) (UnsafeMutableRawPointer?, Int, Int, Int32) -> UnsafeMutableRawPointer?)? = {
    guard let handle = dlopen(nil, RTLD_NOW), let f = dlsym(handle, "mremap") else { return nil }
    return unsafeBitCast(f, to: (@convention(c) (UnsafeMutableRawPointer?, Int, Int, Int32) -> UnsafeMutableRawPointer?).self)
}()

/// A fixed-size zeroed table of trivial values in `largeAllocate` memory, shared by reference
/// (the owner copies it before changing a shared one; see `StringPool`).
final class LargeTable<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    let count: Int
    private let mapped: Bool

    init(count: Int) {
        self.count = count
        (base, mapped) = largeAllocate(T.self, count: count)
    }

    deinit { largeDeallocate(base, count: count, mapped: mapped) }

    /// A copy of this table.
    func clone() -> LargeTable<T> {
        let t = LargeTable<T>(count: count)
        t.base.update(from: base, count: count)
        return t
    }
}

/// A growable array of trivial values in `largeAllocate` memory, for the columns and arenas of
/// millions of records: it grows in place (mremap moves page tables, not bytes, and touches no
/// fresh page for what it already holds) where a Swift Array copies into a new buffer at each
/// doubling, and it lends its buffer to the comparison loops instead of being copied for them.
/// A value type: copies share the buffer until one of them changes (copy on write).
struct LargeArray<T>: RandomAccessCollection, MutableCollection, ExpressibleByArrayLiteral, @unchecked Sendable {
    /// Owns the memory (frees it when the last copy goes).
    final class Owner: @unchecked Sendable {
        var base: UnsafeMutablePointer<T>
        var capacity: Int
        var mapped: Bool
        init(capacity: Int) {
            self.capacity = capacity
            (base, mapped) = largeAllocate(T.self, count: capacity)
        }
        deinit { largeDeallocate(base, count: capacity, mapped: mapped) }
    }
    /// Nil until the first element (an empty array allocates nothing: `hukou block` and
    /// `hukou score` make a MatchData, with dozens of these, per record or block group).
    private var owner: Owner?
    /// The owner's buffer and capacity, kept here so that reads touch no class instance.
    private(set) var base: UnsafeMutablePointer<T>
    private var capacity: Int
    private(set) var count: Int

    init() {
        owner = nil
        base = UnsafeMutablePointer(bitPattern: MemoryLayout<T>.alignment)!
        capacity = 0
        count = 0
    }

    init(arrayLiteral elements: T...) {
        self.init()
        for e in elements { append(e) }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(i: Int) -> T {
        get {
            precondition(i >= 0 && i < count, "LargeArray index out of range")
            return base[i]
        }
        set {
            precondition(i >= 0 && i < count, "LargeArray index out of range")
            if !isKnownUniquelyReferenced(&owner) { reallocate(capacity) }
            base[i] = newValue
        }
    }

    /// The elements as a buffer, valid while this array (or a copy of it) lives unchanged.
    var buffer: UnsafeBufferPointer<T> { UnsafeBufferPointer(start: base, count: count) }

    @inline(__always) mutating func append(_ v: T) {
        if count == capacity || !isKnownUniquelyReferenced(&owner) { reallocate(Swift.max(16, count == capacity ? capacity * 2 : capacity)) }
        base[count] = v
        count += 1
    }

    mutating func append(contentsOf b: UnsafeBufferPointer<T>) {
        guard let src = b.baseAddress, b.count > 0 else { return }
        if count + b.count > capacity || !isKnownUniquelyReferenced(&owner) {
            reallocate(Swift.max(capacity, count + b.count, count + b.count > capacity ? capacity * 2 : 0))
        }
        (base + count).update(from: src, count: b.count)
        count += b.count
    }

    mutating func append<S: Sequence>(contentsOf s: S) where S.Element == T {
        for x in s { append(x) }
    }

    /// A buffer of `newCapacity` holding the elements, owned by this array alone: the same
    /// mapping grown in place when it is ours, else a new one.
    private mutating func reallocate(_ newCapacity: Int) {
        let stride = MemoryLayout<T>.stride
        if isKnownUniquelyReferenced(&owner), let o = owner, o.mapped, newCapacity * stride >= largeMemoryThreshold,
           let mremap = mremapFunction, let p = mremap(o.base, o.capacity * stride, newCapacity * stride, 1 /* MREMAP_MAYMOVE */), p != MAP_FAILED {
            o.base = p.bindMemory(to: T.self, capacity: newCapacity)
            o.capacity = newCapacity
            base = o.base
        } else {
            let o = Owner(capacity: newCapacity)
            if count > 0 { o.base.update(from: base, count: count) }
            owner = o
            base = o.base
        }
        capacity = newCapacity
    }
}
