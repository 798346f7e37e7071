// Small hash tables for the per-record hot paths of normalize and validate: a table keyed by a
// string's UTF-8 bytes (the code tables, the name-keys cache), and a direct-mapped cache keyed by
// a 64-bit number (labels objects by code combination).
//
// Written by hand because Dictionary<String, …> (or a UTF8Key wrapper) seeds and finalizes
// SipHash per lookup and String equality checks canonical equivalence: ~60–80 ns a lookup on a
// short Chinese value. These hash the bytes with FNV-1a and compare with memcmp (~10–15 ns);
// normalize and validate make five code lookups and a name lookup per record.
#if canImport(Glibc)
import Glibc
#endif

/// FNV-1a over a string's UTF-8 bytes, finalized so the low bits mix well (see StableHash), never
/// 0 (the tables' empty mark).
@inline(__always) func byteHash(_ s: String) -> UInt64 {
    if let h = s.utf8.withContiguousStorageIfAvailable({ FrozenStrings.hash($0) }) { return h }
    return mix64(fnv64(s)) | 1
}

/// An open-addressing table keyed by the UTF-8 bytes of strings (no canonical equivalence, like
/// UTF8Key). Slots hold a hash tag and the entry's place; entries (key and value together) are
/// stored densely in insertion order. A lookup in a large table costs two cache misses (slot,
/// entry), which is what dominates it: the name cache holds a few hundred thousand names.
struct BytesTable<Value> {
    /// Per slot: 0 when empty, else the hash's high 40 bits and the entry's place + 1 (24 bits).
    private var slots: [UInt64]
    private(set) var entries: [(key: String, value: Value)] = []
    private var mask: Int
    private static var tagMask: UInt64 { ~UInt64(0xFF_FFFF) }

    /// `capacity` entries fit without growing (at most 2^24 − 1).
    init(capacity: Int) {
        var n = 16
        while n < capacity * 2 { n *= 2 }
        slots = [UInt64](repeating: 0, count: n)
        mask = n - 1
        entries.reserveCapacity(capacity)
    }

    /// How many keys are stored.
    var count: Int { entries.count }

    /// The place of the entry with the bytes of `key`, or nil.
    @inline(__always) func place(_ key: String) -> Int? {
        let h = byteHash(key)
        let tag = h & Self.tagMask
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { return nil }
            if s & Self.tagMask == tag {
                let k = Int(s & 0xFF_FFFF) - 1
                if sameBytes(entries[k].key, key) { return k }
            }
            i = (i + 1) & mask
        }
    }

    /// The value stored for the bytes of `key`.
    @inline(__always) func get(_ key: String) -> Value? {
        guard let k = place(key) else { return nil }
        return entries[k].value
    }

    /// Stores a value (replacing one stored for the same bytes).
    mutating func set(_ key: String, _ value: Value) {
        if let k = place(key) {
            entries[k].value = value
            return
        }
        if (count + 1) * 2 > slots.count { grow() }
        precondition(count < 0xFF_FFFF, "BytesTable holds at most 2^24 - 1 entries")
        entries.append((key, value))
        insertSlot(byteHash(key), count)
    }

    /// Stores a value for a key that is not in the table (the caller has just looked).
    mutating func addNew(_ key: String, _ value: Value) {
        if (count + 1) * 2 > slots.count { grow() }
        precondition(count < 0xFF_FFFF, "BytesTable holds at most 2^24 - 1 entries")
        entries.append((key, value))
        insertSlot(byteHash(key), count)
    }

    private mutating func insertSlot(_ h: UInt64, _ place1: Int) {
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = (h & Self.tagMask) | UInt64(place1)
    }

    /// Forgets every key, keeping the memory.
    mutating func removeAll() {
        for i in slots.indices { slots[i] = 0 }
        entries.removeAll(keepingCapacity: true)
    }

    private mutating func grow() {
        slots = [UInt64](repeating: 0, count: slots.count * 2)
        mask = slots.count - 1
        for k in entries.indices { insertSlot(byteHash(entries[k].key), k + 1) }
    }
}

extension BytesTable: Sendable where Value: Sendable {}

/// A direct-mapped cache keyed by 64-bit numbers: one slot per hash, a newer key replaces an
/// older one. For results that repeat heavily but are cheap enough to recompute on a miss.
/// Key 0 is never found (an empty slot), so callers use keys with a bit set.
struct DirectCache<Value> {
    private var keys: [UInt64]
    private var values: [Value?]
    private let mask: Int

    /// `slots` is rounded up to a power of two.
    init(slots: Int) {
        var n = 1
        while n < slots { n *= 2 }
        keys = [UInt64](repeating: 0, count: n)
        values = [Value?](repeating: nil, count: n)
        mask = n - 1
    }

    @inline(__always) func get(_ key: UInt64) -> Value? {
        let i = Int(truncatingIfNeeded: mix64(key)) & mask
        return keys[i] == key ? values[i] : nil
    }

    @inline(__always) mutating func set(_ key: UInt64, _ value: Value) {
        let i = Int(truncatingIfNeeded: mix64(key)) & mask
        keys[i] = key
        values[i] = value
    }
}

/// An immutable set of byte strings, each with its number (its place in the list it was built
/// from), kept in raw memory that is never freed: a lookup touches no reference count, where a
/// table in Swift arrays retains and releases its buffers on every access from a global.
struct FrozenStrings: @unchecked Sendable {
    private let mask: Int
    private let hashes: UnsafeMutablePointer<UInt64>
    private let numbers: UnsafeMutablePointer<Int32>
    private let offsets: UnsafeMutablePointer<Int>
    private let bytes: UnsafeMutablePointer<UInt8>

    /// Numbers the keys 0…; a repeated key keeps its first number.
    init(_ keys: [String]) {
        var n = 16
        while n < keys.count * 2 { n *= 2 }
        mask = n - 1
        hashes = .allocate(capacity: n)
        hashes.initialize(repeating: 0, count: n)
        numbers = .allocate(capacity: n)
        numbers.initialize(repeating: 0, count: n)
        offsets = .allocate(capacity: keys.count + 1)
        let all = keys.flatMap { Array($0.utf8) }
        bytes = .allocate(capacity: max(all.count, 1))
        bytes.initialize(from: all, count: all.count)
        var at = 0
        for (k, key) in keys.enumerated() {
            offsets[k] = at
            at += key.utf8.count
        }
        offsets[keys.count] = at
        for k in keys.indices {
            let p = UnsafeBufferPointer(start: bytes + offsets[k], count: offsets[k + 1] - offsets[k])
            if find(p) != nil { continue }
            let h = Self.hash(p)
            var i = Int(truncatingIfNeeded: h >> 8) & mask
            while hashes[i] != 0 { i = (i + 1) & mask }
            hashes[i] = h
            numbers[i] = Int32(k)
        }
    }

    @inline(__always) static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 { mix64(fnv64(p)) | 1 }

    /// The number of the key with these bytes, or nil.
    @inline(__always) func find(_ p: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = Self.hash(p)
        var i = Int(truncatingIfNeeded: h >> 8) & mask
        while true {
            let s = hashes[i]
            if s == 0 { return nil }
            if s == h {
                let k = Int(numbers[i])
                let start = offsets[k]
                if offsets[k + 1] - start == p.count && (p.count == 0 || memcmp(bytes + start, p.baseAddress!, p.count) == 0) { return k }
            }
            i = (i + 1) & mask
        }
    }

    /// The number of the key with the bytes of `s`, or nil.
    @inline(__always) func find(_ s: String) -> Int? {
        if let r = s.utf8.withContiguousStorageIfAvailable({ find($0) }) { return r }
        return Array(s.utf8).withUnsafeBufferPointer { find($0) }
    }
}
