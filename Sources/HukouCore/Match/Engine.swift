// Blocking and scoring: the blocking keys of a record, the candidate pairs of a block (each pair
// counted once, at the first key the two records share), and the match weight of a pair.
// The in-process run and the `block | sort | score` pipe use these same functions, so they give
// the same pairs with the same weights.
import Foundation

/// A blocking key's identity: the rule in the top byte (earlier rules sort first), the key
/// text's hash below.
@inlinable public func keyID(rule: Int, key: String) -> UInt64 {
    (UInt64(rule) << 56) | (fnv64(key) & 0x00FF_FFFF_FFFF_FFFF)
}

extension MatchData {
    /// The blocking keys of record `i`: (rule index, key text), in rule order.
    public func blockingKeys(_ i: Int) -> [(rule: Int, key: String)] {
        var out: [(Int, String)] = []
        for (r, rule) in spec.blocking.enumerated() where !keyParts[r].isEmpty {
            var combos: [String] = [""]
            for part in keyParts[r] {
                let vals = keyValues(part, i)
                if vals.isEmpty { combos = []; break }
                combos = combos.flatMap { c in vals.map { c.isEmpty ? $0 : c + "|" + $0 } }
            }
            for c in combos { out.append((r, rule.name + ":" + c)) }
        }
        return out
    }

    /// The sorted key identities of record `i` (for the first-shared-key test).
    public func keyIDs(_ i: Int) -> [UInt64] {
        var h = KeyHasher(self)
        var out: [UInt64] = []
        h.append(i, into: &out)
        return out
    }

    private func keyValues(_ p: KeyPart, _ i: Int) -> [String] {
        let c = columns[p.field]
        func s(_ arr: LargeArray<Int32>) -> String { arr.isEmpty ? "" : c.pool.string(arr[i]) }
        let raw = s(c.raw)
        var v: String
        switch p.transform {
        case .raw: v = raw
        case .fold: v = c.fold.isEmpty ? raw : s(c.fold)
        case .pinyin: v = c.pinyin.isEmpty ? (c.fold.isEmpty ? raw : s(c.fold)) : s(c.pinyin)
        case .surname: v = s(c.surname)
        case .given: v = s(c.given)
        case .year: v = !c.ymd.isEmpty && c.ymd[i] != 0 ? String(c.ymd[i] / 10000) : String(raw.prefix(4))
        case .first(let n): v = String(raw.prefix(n))
        case .idBody, .id15, .idTypo:
            let e = c.id18.isEmpty ? "" : s(c.id18)
            let u = Array(e.utf8)
            guard u.count == 18 else { return [] }
            func cut(_ r: Range<Int>...) -> String { r.map { String(decoding: u[$0], as: UTF8.self) }.joined() }
            switch p.transform {
            case .idBody: v = cut(0..<17)
            case .id15:
                guard u[6] == UInt8(ascii: "1"), u[7] == UInt8(ascii: "9") else { return [] }
                v = cut(0..<6, 8..<17)
            default:
                // The number in four parts (region, year, month+day, sequence+check): a typo
                // lies in one part, so the number without that part still agrees.
                return ["a" + cut(6..<18), "b" + cut(0..<6, 10..<18), "c" + cut(0..<10, 14..<18)]
            }
        }
        v = sanitizeKey(v)
        return v.isEmpty ? [] : [v]
    }
}

/// Blocking key identities computed from the columns' bytes, without making the key texts: the
/// same values as `keyID(rule:key:)` of `blockingKeys`' texts (a test holds the two equal), at a
/// fraction of the cost (no String is made per key).
struct KeyHasher {
    /// What one blocking part reads: the pool ids it takes its value from (per record), and
    /// the pool. Flattened from the columns once, so the loop copies no Column.
    struct Source {
        var transform: KeyPart.Transform
        var ids: LargeArray<Int32>
        /// For `year` and `first:N`: the raw values and the parsed dates.
        var raw: LargeArray<Int32>
        var ymd: LargeArray<Int32>
        var pool: StringPool
    }
    /// Per rule, its parts (none when a part does not parse: the rule makes no keys).
    let sources: [[Source]]
    /// Per rule, FNV-1a's state after `name:`.
    let prefixes: [UInt64]
    private var bytes: [UInt8] = []
    /// The values found, as ranges of `bytes`, and per part the range of its values.
    private var values: [Range<Int>] = []
    private var partValues: [Range<Int>] = []
    private var pick: [Int] = []

    init(_ data: MatchData) {
        let columns = data.columns
        sources = data.keyParts.map { parts in
            parts.map { p in
                let c = columns[p.field]
                let ids: LargeArray<Int32>
                switch p.transform {
                case .raw, .year, .first: ids = c.raw
                case .fold: ids = c.fold.isEmpty ? c.raw : c.fold
                case .pinyin: ids = !c.pinyin.isEmpty ? c.pinyin : c.fold.isEmpty ? c.raw : c.fold
                case .surname: ids = c.surname
                case .given: ids = c.given
                case .idBody, .id15, .idTypo: ids = c.id18
                }
                return Source(transform: p.transform, ids: ids, raw: c.raw, ymd: c.ymd, pool: c.pool)
            }
        }
        prefixes = data.spec.blocking.map { r in fnv64(r.name + ":") }
    }

    /// Appends record `i`'s key identities to `out`, sorted among themselves.
    mutating func append(_ i: Int, into out: inout [UInt64]) {
        let first = out.count
        for r in sources.indices where !sources[r].isEmpty {
            bytes.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
            partValues.removeAll(keepingCapacity: true)
            var complete = true
            for j in sources[r].indices {
                let lo = values.count
                addValues(r, j, i)
                if values.count == lo {
                    complete = false
                    break
                }
                partValues.append(lo..<values.count)
            }
            guard complete else { continue }
            // Every combination of the parts' values (one each, as a rule has but one part
            // with several values in practice), joined by `|`.
            pick.removeAll(keepingCapacity: true)
            for v in partValues { pick.append(v.lowerBound) }
            while true {
                var h = prefixes[r]
                for j in pick.indices {
                    if j > 0 { h = fnvStep(h, UInt8(ascii: "|")) }
                    for k in values[pick[j]] { h = fnvStep(h, bytes[k]) }
                }
                out.append((UInt64(r) << 56) | (h & 0x00FF_FFFF_FFFF_FFFF))
                var j = pick.count - 1
                while j >= 0 {
                    pick[j] += 1
                    if pick[j] < partValues[j].upperBound { break }
                    pick[j] = partValues[j].lowerBound
                    j -= 1
                }
                if j < 0 { break }
            }
        }
        // Insertion sort: a record has a handful of keys.
        var k = first + 1
        while k < out.count {
            let x = out[k]
            var j = k - 1
            while j >= first && out[j] > x {
                out[j + 1] = out[j]
                j -= 1
            }
            out[j + 1] = x
            k += 1
        }
    }

    /// Adds the values of part `j` of rule `r` for record `i` (none when the value is empty).
    private mutating func addValues(_ r: Int, _ j: Int, _ i: Int) {
        let t = sources[r][j].transform
        switch t {
        case .raw, .fold, .pinyin, .surname, .given:
            if !sources[r][j].ids.isEmpty { addPooled(r, j, sources[r][j].ids[i]) }
        case .year:
            let y = sources[r][j].ymd.isEmpty ? 0 : sources[r][j].ymd[i]
            addText(y != 0 ? String(y / 10000) : String(sources[r][j].pool.string(sources[r][j].raw[i]).prefix(4)))
        case .first(let n): addText(String(sources[r][j].pool.string(sources[r][j].raw[i]).prefix(n)))
        case .idBody, .id15, .idTypo:
            guard !sources[r][j].ids.isEmpty else { return }
            let e = Int(sources[r][j].ids[i])
            let lo = sources[r][j].pool.offsets[e]
            guard sources[r][j].pool.offsets[e + 1] - lo == 18 else { return }
            switch t {
            case .idBody: addSlice(r, j, nil, lo, 0..<17)
            case .id15:
                guard sources[r][j].pool.bytes[lo + 6] == UInt8(ascii: "1"), sources[r][j].pool.bytes[lo + 7] == UInt8(ascii: "9") else { return }
                addSlice(r, j, nil, lo, 0..<6, 8..<17)
            default:
                // The number in four parts (region, year, month+day, sequence+check): a typo
                // lies in one part, so the number without that part still agrees.
                addSlice(r, j, UInt8(ascii: "a"), lo, 6..<18)
                addSlice(r, j, UInt8(ascii: "b"), lo, 0..<6, 10..<18)
                addSlice(r, j, UInt8(ascii: "c"), lo, 0..<10, 14..<18)
            }
        }
    }

    /// Adds a value made of an optional tag byte and one or two slices of the pool string at `lo`.
    private mutating func addSlice(_ r: Int, _ j: Int, _ tag: UInt8?, _ lo: Int, _ x: Range<Int>, _ y: Range<Int>? = nil) {
        let start = bytes.count
        if let tag { bytes.append(tag) }
        for k in x { bytes.append(sources[r][j].pool.bytes[lo + k]) }
        if let y { for k in y { bytes.append(sources[r][j].pool.bytes[lo + k]) } }
        values.append(start..<bytes.count)
    }

    /// Adds pool string `k` as a value, sanitized as `sanitizeKey` would.
    private mutating func addPooled(_ r: Int, _ j: Int, _ k: Int32) {
        let lo = sources[r][j].pool.offsets[Int(k)], hi = sources[r][j].pool.offsets[Int(k) + 1]
        if lo == hi { return }
        let v = UnsafeBufferPointer(start: sources[r][j].pool.bytes.base + lo, count: hi - lo)
        if v.contains(where: { $0 <= 0x22 || $0 == 0x5C }) { return addText(sources[r][j].pool.string(k)) }
        let start = bytes.count
        bytes.append(contentsOf: v)
        values.append(start..<bytes.count)
    }

    /// Adds a value made as text, sanitized (none when that leaves it empty).
    private mutating func addText(_ s: String) {
        let v = sanitizeKey(s)
        if v.isEmpty { return }
        let start = bytes.count
        bytes.append(contentsOf: v.utf8)
        values.append(start..<bytes.count)
    }
}

/// One step of FNV-1a 64 (see `fnv64`).

/// Removes what would make `LC_ALL=C sort` of block lines disagree with key order (characters
/// up to `"`, and `\`, which JSON escapes).
func sanitizeKey(_ s: String) -> String {
    if !s.unicodeScalars.contains(where: { $0.value <= 0x22 || $0.value == 0x5C }) { return s }
    var out = String.UnicodeScalarView()
    for u in s.unicodeScalars where u.value > 0x22 && u.value != 0x5C { out.append(u) }
    return String(out)
}

/// Scores pairs of one MatchData with one model.
public final class PairScorer: @unchecked Sendable {
    public let data: MatchData
    public let model: MatchModel
    let tests: [[LevelTest]]
    /// Level weights ×10⁴, rounded (integers: the pipe and the in-process run must agree exactly).
    let levelWeights: [[Int32]]
    /// For TF-adjusted fields: per pool id, the row of `tfRows` with the weight of agreeing on
    /// that value at each level (row 0: a value the model's table does not hold).
    let tfRow: [[Int32]]
    let tfRows: [[Int32]]
    /// Levels + 1 per field: the length of a `tfRows` row.
    let tfStride: [Int]
    /// For fields with a `given` u: the level weights ×10⁴ that apply when the pair agrees on
    /// the given field, that field's index, and which of its levels agree.
    let givenWeights: [[Int32]?]
    let givenField: [Int]
    let givenAgrees: [[Bool]]
    /// The same tables flat, by field × 16 + level, for the loops over pairs: `levelWeights`,
    /// `givenWeights` (where a field has them) and `givenAgrees` (by the given field's level).
    let flatLevel: [Int32]
    let flatGiven: [Int32]
    let flatAgrees: [Bool]
    /// The prior as a weight ×10⁴.
    public let priorWeight: Int32
    /// Every veto of the spec (see MatchSpec.compiledVetoes).
    public let vetoes: [CompiledVeto]
    /// The columns' folded values (TF lookups), snapshotted.
    let folds: [LargeArray<Int32>]

    public init(data: MatchData, model: MatchModel) {
        self.data = data
        self.model = model
        let ts = data.levelTests
        tests = ts
        let w = model.weights()
        let lw = w.map { $0.map { Int32(($0 * 10_000).rounded()) } }
        levelWeights = lw
        priorWeight = Int32((model.priorWeight * 10_000).rounded())
        var rowOf: [[Int32]] = []
        var rows: [[Int32]] = []
        for (f, c) in data.columns.enumerated() {
            let width = c.spec.levels.count + 1
            var flat: [Int32] = []
            defer { rows.append(flat) }
            guard c.spec.termFrequency, let table = model.tf[f] else { rowOf.append([]); continue }
            let total = Double(max(model.tfTotal, 1))
            func row(_ count: Int) {
                let uTF = Double(max(count, 1)) / total
                for l in 0..<width {
                    guard l < c.spec.levels.count, PairScorer.tfLevel(tests: ts[f], l) else { flat.append(lw[f][l]); continue }
                    flat.append(Int32((log2(model.m[f][l] / uTF) * 10_000).rounded()))
                }
            }
            // Row 0: a value the table does not hold counts once.
            row(1)
            var of = [Int32](repeating: 0, count: c.pool.count)
            // Whichever is smaller is walked: a block group of `hukou score` holds a few values
            // and the model's table thousands; a county's pool holds more than the table.
            if c.pool.count < table.count {
                for k in 1..<c.pool.count {
                    guard let n = table[c.pool.string(Int32(k))] else { continue }
                    of[k] = Int32(flat.count / width)
                    row(n)
                }
            } else {
                for (s, n) in table {
                    guard let k = c.pool.find(s) else { continue }
                    of[Int(k)] = Int32(flat.count / width)
                    row(n)
                }
            }
            rowOf.append(of)
        }
        tfRow = rowOf
        tfRows = rows
        tfStride = data.columns.map { $0.spec.levels.count + 1 }
        givenWeights = model.givenWeights().map { $0.map { $0.map { Int32(($0 * 10_000).rounded()) } } }
        let gi = data.spec.givenIndex
        givenField = gi.enumerated().map { f, g in model.uGiven[f] == nil ? -1 : g }
        givenAgrees = gi.map { g in g < 0 ? [] : (0..<16).map { Trainer.agrees(ts[g], $0) } }
        folds = data.columns.map(\.fold)
        vetoes = data.spec.compiledVetoes()
        var fl = [Int32](repeating: 0, count: 16 * lw.count), fg = fl
        var fa = [Bool](repeating: false, count: 16 * lw.count)
        for f in lw.indices {
            for (l, w) in lw[f].enumerated() { fl[16 * f + l] = w }
            if givenField[f] >= 0, let gw = givenWeights[f] {
                for (l, w) in gw.enumerated() { fg[16 * f + l] = w }
                for (l, a) in givenAgrees[f].enumerated() { fa[16 * f + l] = a }
            }
        }
        flatLevel = fl
        flatGiven = fg
        flatAgrees = fa
    }

    /// Whether level `l` is the level that term frequencies adjust: exact agreement only. A
    /// traditional or homophone variant of a name is itself rare evidence (u is tiny among
    /// strangers), whatever the name's frequency.
    public static func tfLevel(tests: [LevelTest], _ l: Int) -> Bool {
        if case .exact = tests[l] { return true }
        return false
    }

    /// The pair's level per field, 4 bits each (field 0 lowest).
    @inline(__always) public func pattern(_ a: Int, _ b: Int) -> UInt64 { data.pattern(a, b) }

    /// Whether field `f` of pattern `p` is weighed with its `given` u.
    public func usesGiven(_ p: UInt64, _ f: Int) -> Bool {
        let g = givenField[f]
        return g >= 0 && (p >> (4 * UInt64(f))) & 15 != UInt64(Level.missing) && givenAgrees[f][Int((p >> (4 * UInt64(g))) & 15)]
    }

    /// Each field's weight ×10⁴ (0 when missing), with term-frequency adjustment.
    public func fieldWeights(_ p: UInt64, _ a: Int, _ b: Int) -> [Int32] {
        (0..<data.columns.count).map { fieldWeight(p, $0, a, b) }
    }

    @inline(__always) func fieldWeight(_ p: UInt64, _ f: Int, _ a: Int, _ b: Int) -> Int32 {
        let l = Int((p >> (4 * UInt64(f))) & 15)
        if l == Int(Level.missing) { return 0 }
        let g = givenField[f]
        // (flatAgrees is false throughout for a field without given weights.)
        if g >= 0 && flatAgrees[16 * f + Int((p >> (4 * UInt64(g))) & 15)] { return flatGiven[16 * f + l] }
        if !tfRow[f].isEmpty {
            // The more common of the two values decides how much the agreement says.
            let w = tfStride[f]
            let wa = tfRows[f][Int(tfRow[f][Int(folds[f][a])]) * w + l], wb = tfRows[f][Int(tfRow[f][Int(folds[f][b])]) * w + l]
            return min(wa, wb)
        }
        return flatLevel[16 * f + l]
    }

    /// The total weight ×10⁴ (prior included).
    @inline(__always) public func weight(_ p: UInt64, _ a: Int, _ b: Int) -> Int32 {
        var w = priorWeight
        for f in 0..<folds.count { w &+= fieldWeight(p, f, a, b) }
        return w
    }

    /// The index of the first veto the pattern meets, or nil.
    public func veto(_ p: UInt64) -> Int? {
        vetoes.firstIndex { $0.holds(p) }
    }
}

/// The match probability of a weight ×10⁴.
@inlinable public func probability(weight w: Int32) -> Double {
    1 / (1 + pow(2, -Double(w) / 10_000))
}

/// The weight ×10⁴ at which the probability reaches `p`.
public func weightThreshold(probability p: Double) -> Int32 {
    Int32((log2(p / (1 - p)) * 10_000).rounded(.up))
}
