// The generator's randomness: a seeded SplitMix64 stream (never the system generator), so that
// the same seed and options give the same bytes on every run and machine.

/// A deterministic pseudo-random stream (SplitMix64: small state, fast, good enough for data).
public struct SynthRandom: Sendable {
    @usableFromInline var state: UInt64

    /// A stream for `seed`; different seeds give unrelated streams.
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    /// The next 64 random bits.
    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An integer in `0..<n` (n > 0); Lemire's multiply-shift, bias negligible for our sizes.
    @inlinable public mutating func below(_ n: Int) -> Int {
        Int((UInt64(n).multipliedFullWidth(by: next())).high)
    }

    /// An integer in the closed range.
    @inlinable public mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + below(r.count) }

    /// A double in [0, 1) with 53 random bits.
    @inlinable public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// True with probability p.
    @inlinable public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// A random element of a non-empty array.
    @inlinable public mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }

    /// A fresh stream derived from this one (for a part whose draws must not shift the others).
    public mutating func fork() -> SynthRandom { SynthRandom(seed: next()) }
}

/// A weighted choice over a fixed list, by binary search on cumulative weights.
public struct WeightedTable<T>: @unchecked Sendable {
    public let items: [T]
    private let cumulative: [Double]

    /// A table over (item, weight) pairs; weights need not sum to 1.
    public init(_ pairs: [(T, Double)]) {
        items = pairs.map(\.0)
        var c: [Double] = []
        var s = 0.0
        for p in pairs { s += max(0, p.1); c.append(s) }
        cumulative = c.map { $0 / s }
    }

    /// A random item by weight.
    public func pick(_ rng: inout SynthRandom) -> T {
        let u = rng.unit()
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return items[lo]
    }
}

/// A calendar date as a day number, with the parts at hand.
public struct SynthDate: Sendable, Hashable, Comparable {
    public let days: Int
    public var year: Int { civilFromDays(days).year }
    /// The date `days` days after 1970-01-01.
    public init(days: Int) { self.days = days }
    /// The date y-m-d (proleptic Gregorian; the caller passes a real date).
    public init(_ y: Int, _ m: Int, _ d: Int) { days = daysFromCivil(y, m, d) }
    public var parts: (year: Int, month: Int, day: Int) { civilFromDays(days) }
    public var iso: String { let p = parts; return isoDate(p.year, p.month, p.day) }
    /// YYYYMMDD as in an ID number.
    public var compact: String { let p = parts; return pad(p.year, 4) + pad(p.month, 2) + pad(p.day, 2) }
    public static func < (a: SynthDate, b: SynthDate) -> Bool { a.days < b.days }
    /// Whole years from `self` to `other` (age on `other`).
    public func years(to other: SynthDate) -> Int {
        let a = parts, b = other.parts
        var y = b.year - a.year
        if b.month < a.month || (b.month == a.month && b.day < a.day) { y -= 1 }
        return y
    }
}

/// Zero-padded decimal.
@inlinable func pad(_ v: Int, _ w: Int) -> String {
    let s = String(v)
    return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
}
