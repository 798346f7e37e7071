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
