// Comparison levels: for a pair of records and a field, the first of the spec's levels that
// holds. Everything here reads the compact columns of MatchData and allocates nothing.

/// The level index a pair gets for a field: 0..<levels.count for listed levels, `levels.count`
/// for `different`, `Level.missing` when either value is empty.
public enum Level {
    public static let missing: UInt8 = 15
}

extension Column {
    /// The parsed level tests, cached per column.
    func tests() -> [LevelTest] { spec.levels.map { LevelTest.parse($0, spec.comparator) ?? .different } }

    /// The level of records `a` and `b` (indices) for this field.
    func level(_ a: Int, _ b: Int, _ tests: [LevelTest]) -> UInt8 {
        let ra = raw[a], rb = raw[b]
        if ra == 0 || rb == 0 { return Level.missing }
        for (k, t) in tests.enumerated() where holds(t, a, b, ra, rb) { return UInt8(k) }
        return UInt8(tests.count)
    }

    private func holds(_ t: LevelTest, _ a: Int, _ b: Int, _ ra: Int32, _ rb: Int32) -> Bool {
        switch t {
        case .exact: return ra == rb
        case .fold: return fold[a] == fold[b]
        case .pinyin: return pinyin[a] != 0 && pinyin[a] == pinyin[b]
        case .pinyinEdit(let n):
            return pinyin[a] != 0 && pinyin[b] != 0 && boundedLevenshtein(pool.scalars[Int(pinyin[a])], pool.scalars[Int(pinyin[b])], n) <= n
        case .levenshtein(let n):
            return boundedLevenshtein(pool.scalars[Int(fold[a])], pool.scalars[Int(fold[b])], n) <= n
        case .chars(let th), .jaroWinkler(let th):
            return jaroWinkler(pool.scalars[Int(fold[a])], pool.scalars[Int(fold[b])]) >= th
        case .form1518:
            return id18[a] != 0 && id18[a] == id18[b]
        case .typo:
            return idTypo(a, b)
        case .otherSequence:
            guard idFlags[a] & IDFlags.valid != 0, idFlags[b] & IDFlags.valid != 0, id18[a] != id18[b] else { return false }
            let x = pool.scalars[Int(id18[a])], y = pool.scalars[Int(id18[b])]
            return x[0..<14] == y[0..<14]
        case .differentValid:
            return idFlags[a] & IDFlags.valid != 0 && idFlags[b] & IDFlags.valid != 0 && id18[a] != id18[b]
        case .swapDM:
            let x = ymd[a], y = ymd[b]
            guard x != 0, y != 0, x / 10000 == y / 10000 else { return false }
            let mx = x / 100 % 100, dx = x % 100, my = y / 100 % 100, dy = y % 100
            return mx == dy && dx == my && mx != dx
        case .oneDigit:
            let x = ymd[a], y = ymd[b]
            guard x != 0, y != 0 else { return digitsDiffer(pool.scalars[Int(ra)], pool.scalars[Int(rb)]) == 1 }
            var p = x, q = y, diff = 0
            for _ in 0..<8 {
                if p % 10 != q % 10 { diff += 1 }
                p /= 10
                q /= 10
            }
            return diff == 1
        case .lunar:
            return (lunar[a] != 0 && lunar[a] == ymd[b]) || (lunar[b] != 0 && lunar[b] == ymd[a])
        case .withinDays(let n):
            return ymd[a] != 0 && ymd[b] != 0 && abs(Int(day[a]) - Int(day[b])) <= n
        case .different:
            return false
        }
    }

    /// One digit or one adjacent transposition apart in the 17-digit body (or the same body
    /// with a different check character), unless both numbers are well-formed: two valid numbers
    /// one digit apart are two people born the same day, not a typo.
    private func idTypo(_ a: Int, _ b: Int) -> Bool {
        let fa = idFlags[a], fb = idFlags[b]
        guard fa & IDFlags.parsed != 0, fb & IDFlags.parsed != 0 else { return false }
        if fa & IDFlags.valid != 0 && fb & IDFlags.valid != 0 && fa & IDFlags.legacy == 0 && fb & IDFlags.legacy == 0 { return false }
        let x = pool.scalars[Int(id18[a])], y = pool.scalars[Int(id18[b])]
        guard x.count == 18, y.count == 18 else { return false }
        var first = -1, second = -1, n = 0
        for k in 0..<17 where x[k] != y[k] {
            n += 1
            if n == 1 { first = k } else if n == 2 { second = k } else { return false }
        }
        if n == 0 { return x[17] != y[17] }
        if n == 1 { return true }
        return second == first + 1 && x[first] == y[second] && x[second] == y[first]
    }
}

/// Number of differing positions of two equal-length texts (Int.max when lengths differ).
func digitsDiffer(_ a: [UInt32], _ b: [UInt32]) -> Int {
    guard a.count == b.count else { return Int.max }
    var n = 0
    for k in a.indices where a[k] != b[k] { n += 1 }
    return n
}

/// Levenshtein distance, stopping early once it must exceed `bound` (returns bound + 1 then).
func boundedLevenshtein(_ a: [UInt32], _ b: [UInt32], _ bound: Int) -> Int {
    if abs(a.count - b.count) > bound { return bound + 1 }
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        var rowMin = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            rowMin = min(rowMin, cur[j])
        }
        if rowMin > bound { return bound + 1 }
        swap(&prev, &cur)
    }
    return prev[b.count]
}

/// Jaro–Winkler similarity (prefix scale 0.1, prefix up to 4).
func jaroWinkler(_ a: [UInt32], _ b: [UInt32]) -> Double {
    if a.isEmpty || b.isEmpty { return a.isEmpty && b.isEmpty ? 1 : 0 }
    if a == b { return 1 }
    let window = max(0, max(a.count, b.count) / 2 - 1)
    var ma = [Bool](repeating: false, count: a.count), mb = [Bool](repeating: false, count: b.count)
    var matches = 0
    for i in a.indices {
        let lo = max(0, i - window), hi = min(b.count - 1, i + window)
        if lo > hi { continue }
        for j in lo...hi where !mb[j] && a[i] == b[j] {
            ma[i] = true
            mb[j] = true
            matches += 1
            break
        }
    }
    if matches == 0 { return 0 }
    var t = 0, j = 0
    for i in a.indices where ma[i] {
        while !mb[j] { j += 1 }
        if a[i] != b[j] { t += 1 }
        j += 1
    }
    let m = Double(matches)
    let jaro = (m / Double(a.count) + m / Double(b.count) + (m - Double(t) / 2) / m) / 3
    var prefix = 0
    while prefix < min(4, a.count, b.count) && a[prefix] == b[prefix] { prefix += 1 }
    return jaro + Double(prefix) * 0.1 * (1 - jaro)
}
