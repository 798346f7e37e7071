// A compact store of short text tuples keyed by `src`: orders and reports must keep something of
// every register person (a million of them), so the values live in large byte chunks with a
// hash index, instead of millions of separately allocated strings.

/// Append-only storage of string tuples, looked up by a key string (a record's `src`).
public struct PackedStore {
    static let chunkSize = 1 << 24
    static let unit: UInt8 = 0x1F
    private var chunks: [[UInt8]] = []
    /// Key hash → location (chunk << 32 | offset); keys whose hash is already taken by another
    /// key go to `overflow` (never seen in practice, but correct).
    private var index: [UInt64: UInt64] = [:]
    private var overflow: [String: UInt64] = [:]
    public private(set) var count = 0

    public init() {}

    /// FNV-1a over the key's UTF-8.
    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h
    }

    /// Stores `values` under `key` (the key is stored too, as the first value). A later add with
    /// the same key replaces the earlier one.
    public mutating func add(_ key: String, _ values: [String]) {
        var need = key.utf8.count + 4
        for v in values { need += v.utf8.count + 1 }
        if chunks.isEmpty || chunks[chunks.count - 1].count + need > Self.chunkSize {
            var c: [UInt8] = []
            c.reserveCapacity(max(Self.chunkSize, need))
            chunks.append(c)
        }
        let ci = chunks.count - 1
        let at = chunks[ci].count
        let len = UInt32(need - 4)
        withUnsafeBytes(of: len.littleEndian) { chunks[ci].append(contentsOf: $0) }
        chunks[ci].append(contentsOf: key.utf8)
        for v in values {
            chunks[ci].append(Self.unit)
            chunks[ci].append(contentsOf: v.utf8)
        }
        let loc = UInt64(ci) << 32 | UInt64(at)
        let h = Self.hash(key)
        if let old = index[h], self.key(at: old) != key {
            overflow[key] = loc
        } else {
            if index[h] == nil { count += 1 }
            index[h] = loc
        }
    }

    private func bytes(at loc: UInt64) -> ArraySlice<UInt8> {
        let c = chunks[Int(loc >> 32)]
        let at = Int(loc & 0xFFFF_FFFF)
        let len = Int(c[at]) | Int(c[at + 1]) << 8 | Int(c[at + 2]) << 16 | Int(c[at + 3]) << 24
        return c[(at + 4)..<(at + 4 + len)]
    }

    private func key(at loc: UInt64) -> String {
        let b = bytes(at: loc)
        let end = b.firstIndex(of: Self.unit) ?? b.endIndex
        return String(decoding: b[b.startIndex..<end], as: UTF8.self)
    }

    /// The values stored under `key` (without the key), or nil.
    public func get(_ key: String) -> [String]? {
        let loc: UInt64
        if let o = overflow[key] { loc = o } else {
            guard let l = index[Self.hash(key)] else { return nil }
            loc = l
        }
        let parts = bytes(at: loc).split(separator: Self.unit, omittingEmptySubsequences: false)
        guard let first = parts.first, String(decoding: first, as: UTF8.self) == key else { return nil }
        return parts.dropFirst().map { String(decoding: $0, as: UTF8.self) }
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
