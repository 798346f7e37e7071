// A small cache of the strings a parser made recently, looked up by their bytes.
//
// A record stream repeats most of its short strings: every record has the same keys, and codes,
// labels, villages and stations come from short lists. Making a Swift String validates its
// bytes again (the parser has validated the whole line already; the standard library has no
// public unchecked initializer) and allocates for more than 15 bytes; a hit here costs a hash
// and a memcmp and shares one string's storage among the records (less memory where records are
// kept). Measured on 1M records, one thread: `hukou validate` ~5% faster (2.39–2.56 s against
// 2.55–2.83 s), `hukou normalize` unchanged within noise; 1,024 slots of ≤ 24 bytes did as well
// as 4,096 of ≤ 40 (which crowd the caches). One cache per parsing thread: not thread-safe.
#if canImport(Glibc)
import Glibc
#endif

/// Recently made strings, direct-mapped by a hash of their bytes.
public final class StringCache {
    /// Slots (a power of two) and the longest string cached.
    static let slots = 1024
    static let maxLength = 24

    private let hashes: UnsafeMutablePointer<UInt64>
    private let lengths: UnsafeMutablePointer<Int32>
    private let strings: UnsafeMutablePointer<String>
    private let bytes: UnsafeMutablePointer<UInt8>

    public init() {
        hashes = .allocate(capacity: Self.slots)
        hashes.initialize(repeating: 0, count: Self.slots)
        lengths = .allocate(capacity: Self.slots)
        lengths.initialize(repeating: -1, count: Self.slots)
        strings = .allocate(capacity: Self.slots)
        strings.initialize(repeating: "", count: Self.slots)
        bytes = .allocate(capacity: Self.slots * Self.maxLength)
    }

    deinit {
        hashes.deallocate()
        lengths.deallocate()
        strings.deinitialize(count: Self.slots)
        strings.deallocate()
        bytes.deallocate()
    }

    /// The string of the `n` valid UTF-8 bytes at `p`, from the cache when it holds it.
    @inline(__always)
    func string(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
        guard n <= Self.maxLength else { return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self) }
        let h = Self.hash(p, n)
        let slot = Int(truncatingIfNeeded: h >> 52) & (Self.slots - 1)
        let at = bytes + slot * Self.maxLength
        if hashes[slot] == h && lengths[slot] == Int32(truncatingIfNeeded: n) && memcmp(at, p, n) == 0 {
            return strings[slot]
        }
        let s = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
        hashes[slot] = h
        lengths[slot] = Int32(truncatingIfNeeded: n)
        if n > 0 { at.update(from: p, count: n) }
        strings[slot] = s
        return s
    }

    /// A hash of `n` bytes (n ≤ 40) from at most four word loads, all inside the bytes:
    /// overlapping first and last words cover any length from 8 up.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        let raw = UnsafeRawPointer(p)
        var a: UInt64, b: UInt64
        if n >= 8 {
            a = raw.loadUnaligned(as: UInt64.self)
            b = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            if n > 16 {
                a ^= raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) &* 0x9E37_79B9_7F4A_7C15
                b ^= raw.loadUnaligned(fromByteOffset: n - 16, as: UInt64.self) &* 0xC2B2_AE3D_27D4_EB4F
            }
        } else if n >= 4 {
            a = UInt64(raw.loadUnaligned(as: UInt32.self))
            b = UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
        } else {
            a = n > 0 ? UInt64(p[0]) | UInt64(p[n >> 1]) << 8 | UInt64(p[n - 1]) << 16 : 0
            b = 0
        }
        var h = (a ^ UInt64(n) &* 0xFF51_AFD7_ED55_8CCD) &* 0x9E37_79B9_7F4A_7C15
        h ^= b &* 0xC2B2_AE3D_27D4_EB4F
        h ^= h >> 29
        return h &* 0xBF58_476D_1CE4_E5B9
    }
}
