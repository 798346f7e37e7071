// Blocking and scoring: the blocking keys of a record, the candidate pairs of a block (each pair
// counted once, at the first key the two records share), and the match weight of a pair.
// The in-process run and the `block | sort | score` pipe use these same functions, so they give
// the same pairs with the same weights.
import Foundation

/// FNV-1a 64-bit: a stable hash (Swift's Hasher is seeded per process, so it cannot be used for
/// anything that reaches output or ordering).
@inlinable public func fnv64(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 {
        h ^= UInt64(b)
        h = h &* 0x100_0000_01b3
    }
    return h
}

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
        blockingKeys(i).map { keyID(rule: $0.rule, key: $0.key) }.sorted()
    }

    private func keyValues(_ p: KeyPart, _ i: Int) -> [String] {
        let c = columns[p.field]
        func s(_ arr: [Int32]) -> String { arr.isEmpty ? "" : c.pool.strings[Int(arr[i])] }
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
    /// For TF-adjusted fields: per pool id, the weight of agreeing on that value at each level.
    let tfWeights: [[[Int32]]?]
    /// For fields with a `given` u: the level weights ×10⁴ that apply when the pair agrees on
    /// the given field, that field's index, and which of its levels agree.
    let givenWeights: [[Int32]?]
    let givenField: [Int]
    let givenAgrees: [[Bool]]
    /// The prior as a weight ×10⁴.
    public let priorWeight: Int32
    /// Every veto of the spec (see MatchSpec.compiledVetoes).
    public let vetoes: [CompiledVeto]
    /// The columns' folded values (TF lookups), snapshotted.
    let folds: [[Int32]]

    public init(data: MatchData, model: MatchModel) {
        self.data = data
        self.model = model
        let ts = data.levelTests
        tests = ts
        let w = model.weights()
        let lw = w.map { $0.map { Int32(($0 * 10_000).rounded()) } }
        levelWeights = lw
        priorWeight = Int32((model.priorWeight * 10_000).rounded())
        var tfw: [[[Int32]]?] = []
        for (f, c) in data.columns.enumerated() {
            guard c.spec.termFrequency, let table = model.tf[f] else { tfw.append(nil); continue }
            let total = Double(max(model.tfTotal, 1))
            var perValue: [[Int32]] = []
            perValue.reserveCapacity(c.pool.strings.count)
            for s in c.pool.strings {
                let uTF = Double(max(table[s] ?? 1, 1)) / total
                perValue.append((0..<(c.spec.levels.count + 1)).map { l in
                    guard l < c.spec.levels.count, PairScorer.tfLevel(tests: ts[f], l) else { return lw[f][l] }
                    return Int32((log2(model.m[f][l] / uTF) * 10_000).rounded())
                })
            }
            tfw.append(perValue)
        }
        tfWeights = tfw
        givenWeights = model.givenWeights().map { $0.map { $0.map { Int32(($0 * 10_000).rounded()) } } }
        let gi = data.spec.givenIndex
        givenField = gi.enumerated().map { f, g in model.uGiven[f] == nil ? -1 : g }
        givenAgrees = gi.map { g in g < 0 ? [] : (0..<16).map { Trainer.agrees(ts[g], $0) } }
        folds = data.columns.map(\.fold)
        vetoes = data.spec.compiledVetoes()
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
        if g >= 0, let gw = givenWeights[f], givenAgrees[f][Int((p >> (4 * UInt64(g))) & 15)] { return gw[l] }
        if let t = tfWeights[f] {
            // The more common of the two values decides how much the agreement says.
            let fold = folds[f]
            let wa = t[Int(fold[a])][l], wb = t[Int(fold[b])][l]
            return min(wa, wb)
        }
        return levelWeights[f][l]
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
