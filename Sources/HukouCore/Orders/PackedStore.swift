// A compact store of short text tuples keyed by `src`: orders and reports must keep something of
// every register person (a million of them), so the values live in large byte chunks with a
// hash index, instead of millions of separately allocated strings.

/// Append-only storage of string tuples, looked up by a key string (a record's `src`). The key
/// itself is not stored: a 64-bit hash indexes the tuple and a second, independent 64-bit hash
/// stored with it confirms the match (a false match needs both to collide).
public struct PackedStore {
    private var arena = TextArena()
    private var index: [UInt64: UInt64] = [:]
    /// Keys whose index hash is taken by another key (never seen in practice, but correct).
    private var overflow: [String: UInt64] = [:]
    public private(set) var count = 0

    public init() {}

    /// FNV-1a over the key's UTF-8.
    public static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h
    }

    /// A second hash, independent of `hash`: another basis and a SplitMix64 finish.
    static func check(_ s: String) -> String {
        var h: UInt64 = 0x84222325cbf29ce4
        for b in s.utf8 { h = (h &+ UInt64(b)) &* 0x9E3779B97F4A7C15; h ^= h >> 29 }
        h = (h ^ (h >> 30)) &* 0xbf58476d1ce4e5b9
        h = (h ^ (h >> 27)) &* 0x94d049bb133111eb
        return String(h ^ (h >> 31), radix: 36)
    }

    /// Stores `values` under `key`. A later add with the same key replaces the earlier one.
    public mutating func add(_ key: String, _ values: [String]) {
        let c = Self.check(key)
        let loc = arena.append([c] + values)
        let h = Self.hash(key)
        if let old = index[h], arena.get(old).first != c {
            if overflow[key] == nil { count += 1 }
            overflow[key] = loc
        } else {
            if index[h] == nil { count += 1 }
            index[h] = loc
        }
    }

    /// The values stored under `key`, or nil.
    public func get(_ key: String) -> [String]? {
        let loc: UInt64
        if let o = overflow[key] { loc = o } else {
            guard let l = index[Self.hash(key)] else { return nil }
            loc = l
        }
        let parts = arena.get(loc)
        guard parts.first == Self.check(key) else { return nil }
        return Array(parts.dropFirst())
    }
}

/// Append-only storage of string tuples addressed by the location `append` returns, in large
/// byte chunks (no per-tuple allocation).
public struct TextArena {
    static let chunkSize = 1 << 24
    static let unit: UInt8 = 0x1F
    private var chunks: [[UInt8]] = []
    public init() {}

    /// Stores the values; returns where they are.
    public mutating func append(_ values: [String]) -> UInt64 {
        var need = 4 + max(0, values.count - 1)
        for v in values { need += v.utf8.count }
        if chunks.isEmpty || chunks[chunks.count - 1].count + need > Self.chunkSize {
            var c: [UInt8] = []
            c.reserveCapacity(max(Self.chunkSize, need))
            chunks.append(c)
        }
        let ci = chunks.count - 1
        let at = chunks[ci].count
        withUnsafeBytes(of: UInt32(need - 4).littleEndian) { chunks[ci].append(contentsOf: $0) }
        for (k, v) in values.enumerated() {
            if k > 0 { chunks[ci].append(Self.unit) }
            chunks[ci].append(contentsOf: v.utf8)
        }
        return UInt64(ci) << 32 | UInt64(at)
    }

    /// The values stored at `loc`.
    public func get(_ loc: UInt64) -> [String] {
        let c = chunks[Int(loc >> 32)]
        let at = Int(loc & 0xFFFF_FFFF)
        let len = Int(c[at]) | Int(c[at + 1]) << 8 | Int(c[at + 2]) << 16 | Int(c[at + 3]) << 24
        return c[(at + 4)..<(at + 4 + len)].split(separator: Self.unit, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }
}
