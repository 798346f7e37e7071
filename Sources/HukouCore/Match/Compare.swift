// Comparison levels: for a pair of records and a field, the first of the spec's levels that
// holds. The loops read a Comparer: a snapshot of the columns as plain buffers (no reference
// counting, no exclusivity checks, no allocation per pair), shared read-only by the threads.

/// The level index a pair gets for a field: 0..<levels.count for listed levels, `levels.count`
/// for `different`, `Level.missing` when either value is empty.
public enum Level {
    public static let missing: UInt8 = 15
}

extension Column {
    /// The parsed level tests.
    func tests() -> [LevelTest] { spec.levels.map { LevelTest.parse($0, spec.comparator) ?? .different } }
}

/// One column as buffers (a trivial struct: copying it copies pointers).
struct ColumnView {
    var raw, fold, pinyin, surname, surnamePinyin, id18, ymd, day, lunar: UnsafeBufferPointer<Int32>
    var idFlags: UnsafeBufferPointer<UInt8>
    var lone: UnsafeBufferPointer<UInt8>
    /// What the values are named within (empty when the field has no `within`).
    var within: UnsafeBufferPointer<Int32>
    /// Every pool string's scalars, back to back; `offsets[k]..<offsets[k+1]` is string k.
    var scalars: UnsafeBufferPointer<UInt32>
    var offsets: UnsafeBufferPointer<Int>
    /// ID number columns: every pool string's bytes (ID numbers are ASCII), and their offsets.
    var bytes: UnsafeBufferPointer<UInt8>
    var byteOffsets: UnsafeBufferPointer<Int>
    var tests: UnsafeBufferPointer<LevelTest>

    @inline(__always) func text(_ k: Int32) -> UnsafeBufferPointer<UInt32> {
        let lo = offsets[Int(k)], hi = offsets[Int(k) + 1]
        return UnsafeBufferPointer(rebasing: scalars[lo..<hi])
    }

    @inline(__always) func utf8(_ k: Int32) -> UnsafeBufferPointer<UInt8> {
        let lo = byteOffsets[Int(k)], hi = byteOffsets[Int(k) + 1]
        return UnsafeBufferPointer(rebasing: bytes[lo..<hi])
    }

    /// The level of records `a` and `b` (indices) for this field.
    @inline(__always) func level(_ a: Int, _ b: Int) -> UInt8 {
        let ra = raw[a], rb = raw[b]
        if ra == 0 || rb == 0 { return Level.missing }
        // The same name within two different places (villages of two townships) is two values.
        if !within.isEmpty, within[a] != 0, within[b] != 0, within[a] != within[b] { return UInt8(tests.count) }
        for k in 0..<tests.count where holds(tests[k], a, b, ra, rb) { return UInt8(k) }
        return UInt8(tests.count)
    }

    @inline(__always) private func holds(_ t: LevelTest, _ a: Int, _ b: Int, _ ra: Int32, _ rb: Int32) -> Bool {
        switch t {
        case .exact: return ra == rb
        case .fold: return fold[a] == fold[b]
        case .pinyin: return pinyin[a] != 0 && pinyin[a] == pinyin[b]
        case .pinyinEdit(let n):
            // Misheard or misspelt given names only: a surname read differently (xu/hu, li/liu)
            // is another family, however close the letters.
            return pinyin[a] != 0 && pinyin[b] != 0 && surnamePinyin[a] == surnamePinyin[b]
                && boundedLevenshtein(text(pinyin[a]), text(pinyin[b]), n) <= n
        case .levenshtein(let n):
            return boundedLevenshtein(text(fold[a]), text(fold[b]), n) <= n
        case .chars(let th):
            // A different surname is another family, however alike the given names.
            return surname[a] == surname[b] && jaroWinkler(text(fold[a]), text(fold[b])) >= th
        case .jaroWinkler(let th):
            return jaroWinkler(text(fold[a]), text(fold[b])) >= th
        case .form1518:
            return id18[a] != 0 && id18[a] == id18[b]
        case .typo:
            return idTypo(a, b)
        case .sameBirth:
            guard idFlags[a] & IDFlags.valid != 0, idFlags[b] & IDFlags.valid != 0, id18[a] != id18[b] else { return false }
            // The encoded birth date (digits 7–14) agrees; region or sequence differ.
            let x = utf8(id18[a]), y = utf8(id18[b])
            for k in 6..<14 where x[k] != y[k] { return false }
            return true
        case .sameRegion:
            // A second number for one person is issued by the office that holds the
            // registration, so its region part (digits 1–6, the issuing county) is normally the
            // first number's; namesakes are often born or first registered elsewhere. EM learns
            // how often a county's second numbers keep the region (a code change breaks it).
            guard idFlags[a] & IDFlags.valid != 0, idFlags[b] & IDFlags.valid != 0, id18[a] != id18[b] else { return false }
            let x = utf8(id18[a]), y = utf8(id18[b])
            for k in 0..<6 where x[k] != y[k] { return false }
            return true
        case .differentValid:
            return idFlags[a] & IDFlags.valid != 0 && idFlags[b] & IDFlags.valid != 0 && id18[a] != id18[b]
        case .swapDM:
            let x = ymd[a], y = ymd[b]
            guard x != 0, y != 0, x / 10000 == y / 10000 else { return false }
            let mx = x / 100 % 100, dx = x % 100, my = y / 100 % 100, dy = y % 100
            return mx == dy && dx == my && mx != dx
        case .oneDigit:
            let x = ymd[a], y = ymd[b]
            guard x != 0, y != 0 else { return digitsDiffer(text(ra), text(rb)) == 1 }
            var p = x, q = y, diff = 0
            for _ in 0..<8 {
                if p % 10 != q % 10 { diff += 1 }
                p /= 10
                q /= 10
            }
            return diff == 1
        case .offByOne:
            let x = ymd[a], y = ymd[b]
            guard x != 0, y != 0 else { return false }
            let dy = abs(Int(x / 10000) - Int(y / 10000)), dm = abs(Int(x / 100 % 100) - Int(y / 100 % 100)), dd = abs(Int(x % 100) - Int(y % 100))
            return dy + dm + dd == 1
        case .lunar:
            return (lunar[a] != 0 && lunar[a] == ymd[b]) || (lunar[b] != 0 && lunar[b] == ymd[a])
        case .withinDays(let n):
            return ymd[a] != 0 && ymd[b] != 0 && abs(Int(day[a]) - Int(day[b])) <= n
        case .alone:
            return lone[a] | lone[b] != 0
        case .different:
            return false
        }
    }

    /// One digit or one adjacent transposition apart in the 17-digit body (or the same body
    /// with a different check character), unless both numbers are well-formed 18-digit ones: two
    /// valid numbers one digit apart are two people born the same day, not a typo.
    @inline(__always) private func idTypo(_ a: Int, _ b: Int) -> Bool {
        let fa = idFlags[a], fb = idFlags[b]
        guard fa & IDFlags.parsed != 0, fb & IDFlags.parsed != 0 else { return false }
        if fa & IDFlags.valid != 0 && fb & IDFlags.valid != 0 && fa & IDFlags.legacy == 0 && fb & IDFlags.legacy == 0 { return false }
        // A number whose tail a spreadsheet replaced by `000` differs from any other number of
        // the same region, birth date and first sequence digit in the last digits: that is the
        // destroyed tail, not a slip of the hand, and says no more than the shared birth date.
        if (fa | fb) & IDFlags.corrupted != 0 { return false }
        let x = utf8(id18[a]), y = utf8(id18[b])
        guard x.count == 18, y.count == 18 else { return false }
        var first = -1, second = -1, n = 0
        for k in 0..<17 where x[k] != y[k] {
            n += 1
            if n == 1 { first = k } else if n == 2 { second = k } else { return false }
        }
        if n == 0 { return x[17] != y[17] }
        let legacy = (fa | fb) & IDFlags.legacy != 0
        // A slip of the hand in the body leaves the check character as it was copied: two
        // 18-digit numbers whose bodies differ by one slip but whose check characters differ too
        // are two errors apart, or two people's numbers (one of them mistyped). A legacy
        // number's check is computed on upgrade, not copied, so it says nothing.
        if !legacy && x[17] != y[17] { return false }
        // A legacy number has no check character to give a typo away: one digit apart in the
        // sequence is as likely another person born the same day.
        if n == 1 { return !(legacy && first >= 14) }
        return second == first + 1 && x[first] == y[second] && x[second] == y[first]
    }
}

/// A read-only snapshot of MatchData's columns: what the comparison loops read. Owns copies of
/// the columns as buffers, freed when the last copy of the Comparer goes.
public struct Comparer: @unchecked Sendable {
    final class Storage: @unchecked Sendable {
        let views: UnsafeMutableBufferPointer<ColumnView>
        /// The copies, in huge-page memory when large (the comparison loops read them at random).
        var allocations: [(base: UnsafeMutableRawPointer, bytes: Int, mapped: Bool)] = []
        init(count: Int) { views = .allocate(capacity: count) }
        /// The columns lent (kept alive, so their buffers stay valid: a change to the
        /// MatchData's copy goes to a new buffer).
        var lent: [Any] = []
        func lend<T>(_ a: LargeArray<T>) -> UnsafeBufferPointer<T> {
            lent.append(a)
            return a.buffer
        }
        func copy<T>(_ a: [T]) -> UnsafeBufferPointer<T> {
            let (p, mapped) = largeAllocate(T.self, count: a.count)
            a.withUnsafeBufferPointer { src in
                if let s = src.baseAddress { p.initialize(from: s, count: a.count) }
            }
            allocations.append((UnsafeMutableRawPointer(p), max(a.count, 1) * MemoryLayout<T>.stride, mapped))
            return UnsafeBufferPointer(start: p, count: a.count)
        }
        deinit {
            for a in allocations { largeDeallocate(a.base.assumingMemoryBound(to: UInt8.self), count: a.bytes, mapped: a.mapped) }
            views.deallocate()
        }
    }
    let storage: Storage
    let views: UnsafeBufferPointer<ColumnView>

    init(columns: [Column], tests: [[LevelTest]]) {
        let s = Storage(count: columns.count)
        for (f, c) in columns.enumerated() {
            let id = c.spec.comparator == .idNumber
            (s.views.baseAddress! + f).initialize(to: ColumnView(
                raw: s.lend(c.raw), fold: s.lend(c.fold), pinyin: s.lend(c.pinyin), surname: s.lend(c.surname), surnamePinyin: s.lend(c.surnamePinyin), id18: s.lend(c.id18),
                ymd: s.lend(c.ymd), day: s.lend(c.day), lunar: s.lend(c.lunar), idFlags: s.lend(c.idFlags), lone: s.lend(c.lone), within: s.lend(c.within),
                scalars: s.lend(c.pool.scalars), offsets: s.lend(c.pool.scalarOffsets),
                bytes: s.lend(id ? c.pool.bytes : LargeArray()), byteOffsets: s.lend(id ? c.pool.offsets : LargeArray()), tests: s.copy(tests[f])))
        }
        storage = s
        views = UnsafeBufferPointer(s.views)
    }

    /// The pair's level per field, 4 bits each (field 0 lowest).
    @inline(__always) public func pattern(_ a: Int, _ b: Int) -> UInt64 {
        var p: UInt64 = 0
        for f in 0..<views.count {
            p |= UInt64(views[f].level(a, b)) << (4 * UInt64(f))
        }
        return p
    }

    /// The level of one field.
    @inline(__always) func level(_ f: Int, _ a: Int, _ b: Int) -> UInt8 { views[f].level(a, b) }
}

/// Number of differing positions of two equal-length texts (Int.max when lengths differ).
func digitsDiffer(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Int {
    guard a.count == b.count else { return Int.max }
    var n = 0
    for k in 0..<a.count where a[k] != b[k] { n += 1 }
    return n
}

/// Levenshtein distance, stopping early once it must exceed `bound` (returns bound + 1 then).
func boundedLevenshtein(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>, _ bound: Int) -> Int {
    if abs(a.count - b.count) > bound { return bound + 1 }
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    if bound == 1 { return withinOneEdit(a, b) ? (a.elementsEqual(b) ? 0 : 1) : 2 }
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

/// Whether two texts are at most one insertion, deletion or substitution apart (no allocation).
@inline(__always) func withinOneEdit(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Bool {
    let (s, l) = a.count <= b.count ? (a, b) : (b, a)
    if l.count - s.count > 1 { return false }
    var i = 0
    while i < s.count && s[i] == l[i] { i += 1 }
    if i == s.count { return true }
    if s.count == l.count {
        var k = i + 1
        while k < s.count && s[k] == l[k] { k += 1 }
        return k == s.count
    }
    var k = i
    while k < s.count && s[k] == l[k + 1] { k += 1 }
    return k == s.count
}

/// Jaro–Winkler similarity (prefix scale 0.1, prefix up to 4).
func jaroWinkler(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Double {
    if a.isEmpty || b.isEmpty { return a.isEmpty && b.isEmpty ? 1 : 0 }
    if a.count <= 64 && b.count <= 64 { return jaroWinklerShort(a, b) }
    let window = max(0, max(a.count, b.count) / 2 - 1)
    var ma = [Bool](repeating: false, count: a.count), mb = [Bool](repeating: false, count: b.count)
    var matches = 0
    for i in 0..<a.count {
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
    for i in 0..<a.count where ma[i] {
        while !mb[j] { j += 1 }
        if a[i] != b[j] { t += 1 }
        j += 1
    }
    return winkler(matches, t, a, b)
}

/// Jaro–Winkler for texts of at most 64 characters (every name): matched flags in two words.
@inline(__always) func jaroWinklerShort(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Double {
    let window = max(0, max(a.count, b.count) / 2 - 1)
    var ma: UInt64 = 0, mb: UInt64 = 0
    var matches = 0
    for i in 0..<a.count {
        let lo = max(0, i - window), hi = min(b.count - 1, i + window)
        if lo > hi { continue }
        for j in lo...hi where mb & (1 << UInt64(j)) == 0 && a[i] == b[j] {
            ma |= 1 << UInt64(i)
            mb |= 1 << UInt64(j)
            matches += 1
            break
        }
    }
    if matches == 0 { return 0 }
    var t = 0, j = 0
    for i in 0..<a.count where ma & (1 << UInt64(i)) != 0 {
        while mb & (1 << UInt64(j)) == 0 { j += 1 }
        if a[i] != b[j] { t += 1 }
        j += 1
    }
    return winkler(matches, t, a, b)
}

@inline(__always) private func winkler(_ matches: Int, _ t: Int, _ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Double {
    let m = Double(matches)
    let jaro = (m / Double(a.count) + m / Double(b.count) + (m - Double(t) / 2) / m) / 3
    var prefix = 0
    while prefix < min(4, a.count, b.count) && a[prefix] == b[prefix] { prefix += 1 }
    return jaro + Double(prefix) * 0.1 * (1 - jaro)
}
