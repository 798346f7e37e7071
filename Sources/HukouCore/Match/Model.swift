// The Fellegi–Sunter model: per field and level the probabilities m (of the level among true
// matches) and u (among non-matches), the prior, and term frequencies of names. Trained without
// labels: u from random pairs, m and the prior by EM over the blocked pairs' level patterns.
// Written to and read from JSON so a monthly run need not retrain.
import Foundation
import HukouIO

/// Trained parameters for one spec.
public struct MatchModel: Sendable, Equatable {
    /// Per field, per level (the spec's levels then `different`): m and u.
    public var m: [[Double]]
    public var u: [[Double]]
    /// For fields with a `given` field: u among pairs of different people who agree on it.
    public var uGiven: [[Double]?]
    /// The probability that two records drawn at random are the same person.
    public var prior: Double
    /// Per field (nil when not term-frequency adjusted): folded value → count, and the total.
    public var tf: [[String: Int]?]
    public var tfTotal: Int
    /// What the model was trained on (for the record).
    public var trainedRecords: Int
    public var trainedPairs: Int
    public var specName: String

    /// Values seen fewer times than this are left out of the saved table (treated as seen once).
    public static let tfMinCount = 2

    /// log2(m/u) for each field and level.
    public func weights() -> [[Double]] {
        zip(m, u).map { ms, us in zip(ms, us).map { log2($0 / $1) } }
    }

    /// log2(m/u) with the `given` u, for fields that have one.
    public func givenWeights() -> [[Double]?] {
        zip(m, uGiven).map { ms, ug in ug.map { zip(ms, $0).map { log2($0 / $1) } } }
    }

    /// The prior as a weight: log2(π / (1 − π)).
    public var priorWeight: Double { log2(prior / (1 - prior)) }
}

/// Deterministic pseudo-random numbers (SplitMix64) for sampling pairs.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Training: u from random pairs, then EM on the blocked pairs' patterns for m and the prior.
public enum Trainer {
    /// Estimates u from up to `samples` random pairs (fixed seed: the same data gives the same u).
    /// The number of random pairs `estimateU` draws for `n` records.
    static func uPairs(_ n: Int, samples: Int = 200_000) -> Int { n >= 2 ? min(samples, n * (n - 1) / 2) : 0 }

    static func estimateU(_ data: MatchData, samples: Int = 200_000) -> [[Double]] {
        let n = data.count
        let cmp = data.comparer()
        let nf = data.spec.fields.count
        var counts = data.spec.fields.map { [Double](repeating: 0, count: $0.levels.count + 1) }
        if n >= 2 {
            // Two halves on two threads, each with its own seed: deterministic whatever the timing.
            let total = n * (n - 1) / 2
            let s = min(samples, total)
            let parts = Box([[[Double]]](repeating: counts, count: 2))
            DispatchQueue.concurrentPerform(iterations: 2) { half in
                var rng = SplitMix64(state: 0x6875_6B6F_755F_7531 &+ UInt64(half))
                var local = parts.value[half]
                for _ in 0..<(s / 2 + (half == 0 ? s % 2 : 0)) {
                    let a = Int(rng.next() % UInt64(n))
                    var b = Int(rng.next() % UInt64(n - 1))
                    if b >= a { b += 1 }
                    for f in 0..<nf {
                        let l = cmp.level(f, a, b)
                        if l != Level.missing { local[f][Int(l)] += 1 }
                    }
                }
                parts.lock.lock()
                parts.value[half] = local
                parts.lock.unlock()
            }
            for f in 0..<nf { for l in counts[f].indices { counts[f][l] = parts.value[0][f][l] + parts.value[1][f][l] } }
        }
        // Add-half smoothing: a level never seen among random pairs (an identical ID) gets a
        // small u rather than zero, which would make its weight infinite.
        return counts.map { cs in
            let t = cs.reduce(0, +) + 0.5 * Double(cs.count)
            return cs.map { ($0 + 0.5) / t }
        }
    }

    /// u of field `f` among pairs of different records that agree on field `g` (the same pinyin
    /// for names, the same folded text, else the same value), from up to `samples` pairs drawn
    /// evenly from all such pairs (fixed seed). Pairs holding the same identifier are left out:
    /// they are mostly one person, and u is about different people. Nil when no two records
    /// agree on `g`.
    ///
    /// The result is pooled with the plain `u` (measured on `uPairs` random pairs), each side
    /// weighted by its number of pairs: a small register has few namesakes, so its conditional
    /// estimate is mostly noise and the duplicates among them, and it stays near `u`; at a
    /// million persons the namesakes are many and speak for themselves.
    static func estimateUGiven(_ data: MatchData, field f: Int, given g: Int, u: [Double], uPairs: Int, samples: Int = 200_000) -> [Double]? {
        let c = data.columns[g]
        let key: [Int32]
        switch c.spec.comparator {
        case .chineseName: key = zip(c.pinyin, c.fold).map { $0 != 0 ? $0 : $1 }
        case .text: key = Array(c.fold)
        default: key = Array(c.raw)
        }
        // Records grouped by key (counting sort over pool ids).
        var start = [Int](repeating: 0, count: c.pool.count + 1)
        for k in key where k != 0 { start[Int(k) + 1] += 1 }
        for k in 1..<start.count { start[k] += start[k - 1] }
        var fill = start
        var members = [Int32](repeating: 0, count: start[start.count - 1])
        for (i, k) in key.enumerated() where k != 0 {
            members[fill[Int(k)]] = Int32(i)
            fill[Int(k)] += 1
        }
        // Groups of two or more, with the cumulative number of pairs.
        var groups: [(lo: Int, n: Int)] = []
        var cumulative: [Int] = []
        var total = 0
        for k in 1..<(start.count - 1) {
            let n = start[k + 1] - start[k]
            guard n >= 2 else { continue }
            groups.append((start[k], n))
            total += n * (n - 1) / 2
            cumulative.append(total)
        }
        guard total > 0 else { return nil }
        let cmp = data.comparer()
        let shared = data.sharedID
        var counts = [Double](repeating: 0, count: data.spec.fields[f].levels.count + 1)
        var rng = SplitMix64(state: 0x6875_6B6F_755F_6732 &+ UInt64(f))
        var n = 0.0
        for _ in 0..<min(samples, total) {
            let x = Int(rng.next() % UInt64(total))
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
            }
            let grp = groups[lo]
            let i = Int(rng.next() % UInt64(grp.n))
            var j = Int(rng.next() % UInt64(grp.n - 1))
            if j >= i { j += 1 }
            let a = Int(members[grp.lo + i]), b = Int(members[grp.lo + j])
            if shared[a] != 0 && shared[a] == shared[b] { continue }
            let l = cmp.level(f, a, b)
            if l != Level.missing {
                counts[Int(l)] += 1
                n += 1
            }
        }
        let k = Double(max(uPairs, 1))
        return counts.indices.map { (counts[$0] + k * u[$0]) / (n + k) }
    }

    /// Whether level `l` of a field with these tests says the values are the same (up to a
    /// variant or a homophone): the levels at which a `given` u applies.
    static func agrees(_ tests: [LevelTest], _ l: Int) -> Bool {
        guard l < tests.count else { return false }
        switch tests[l] {
        case .exact, .fold, .pinyin: return true
        default: return false
        }
    }

    /// m and the blocked-pair match share by EM over pattern counts (u held fixed).
    /// Patterns with a veto level are never matches (the domain says so), so they only inform u.
    /// With `given` (per field: the index of its given field and which of that field's levels
    /// agree), a pattern agreeing on the given field takes the field's u from `uGiven`.
    static func em(patterns: [(UInt64, Int)], u: [[Double]], uGiven: [[Double]?] = [], given: [(field: Int, agrees: [Bool])?] = [],
                   vetoes: [CompiledVeto], iterations: Int = 40) -> (m: [[Double]], lambda: Double) {
        let nf = u.count
        var m = u.map { us -> [Double] in
            // Start with agreement likely among matches: geometric from the strongest level.
            var v = (0..<us.count).map { pow(0.5, Double($0 + 1)) }
            let t = v.reduce(0, +)
            v = v.map { $0 / t }
            return v
        }
        var lambda = 0.3
        for _ in 0..<iterations {
            var mc = u.map { [Double](repeating: 0, count: $0.count) }
            var mt = [Double](repeating: 0, count: nf)
            var rsum = 0.0, total = 0.0
            for (p, c) in patterns {
                var pm = vetoes.contains { $0.holds(p) } ? 0 : lambda, pu = 1 - lambda
                for f in 0..<nf {
                    let l = Int((p >> (4 * UInt64(f))) & 15)
                    if l == Int(Level.missing) { continue }
                    pm *= m[f][l]
                    if f < given.count, let gv = given[f], let ug = uGiven[f] {
                        let lg = Int((p >> (4 * UInt64(gv.field))) & 15)
                        pu *= lg != Int(Level.missing) && gv.agrees[lg] ? ug[l] : u[f][l]
                    } else {
                        pu *= u[f][l]
                    }
                }
                let r = pm + pu > 0 ? pm / (pm + pu) : 0
                let w = r * Double(c)
                rsum += w
                total += Double(c)
                for f in 0..<nf {
                    let l = Int((p >> (4 * UInt64(f))) & 15)
                    if l == Int(Level.missing) { continue }
                    mc[f][l] += w
                    mt[f] += w
                }
            }
            lambda = min(max(rsum / max(total, 1), 1e-9), 1 - 1e-9)
            for f in 0..<nf {
                let k = Double(mc[f].count)
                m[f] = mc[f].map { ($0 + 0.01) / (mt[f] + 0.01 * k) }
            }
        }
        return (m, lambda)
    }

    /// Term-frequency tables of the folded values of TF-adjusted fields.
    static func termFrequencies(_ data: MatchData) -> [[String: Int]?] {
        data.columns.map { c in
            guard c.spec.termFrequency else { return nil }
            var counts = [Int](repeating: 0, count: c.pool.count)
            let keys = c.spec.comparator == .chineseName || c.spec.comparator == .text ? c.fold : c.raw
            for k in keys { counts[Int(k)] += 1 }
            var table: [String: Int] = [:]
            for (k, n) in counts.enumerated() where k != 0 && n >= MatchModel.tfMinCount { table[c.pool.string(Int32(k))] = n }
            return table
        }
    }
}

// MARK: - JSON

extension MatchModel {
    /// The model as one JSON object (keys in a fixed order; TF values sorted).
    public func json(spec: MatchSpec) -> JSONObject {
        var o = JSONObject()
        o.append("model", .string("hukou-match"))
        o.append("version", .int(1))
        o.append("spec", .string(specName))
        o.append("trained_records", .int(trainedRecords))
        o.append("trained_pairs", .int(trainedPairs))
        o.append("prior", .number("\(prior)"))
        var fields: [JSONValue] = []
        for (f, fs) in spec.fields.enumerated() {
            var fo = JSONObject()
            fo.append("name", .string(fs.name))
            var levels: [JSONValue] = []
            for (k, name) in (fs.levels + ["different"]).enumerated() {
                var lo = JSONObject()
                lo.append("level", .string(name))
                lo.append("m", .number("\(m[f][k])"))
                lo.append("u", .number("\(u[f][k])"))
                lo.append("weight", .double(log2(m[f][k] / u[f][k]), digits: 4))
                if let ug = uGiven[f] {
                    lo.append("u_given", .number("\(ug[k])"))
                    lo.append("weight_given", .double(log2(m[f][k] / ug[k]), digits: 4))
                }
                levels.append(.object(lo))
            }
            if let g = fs.given, uGiven[f] != nil { fo.append("given", .string(g)) }
            fo.append("levels", .array(levels))
            if let t = tf[f] {
                var to = JSONObject()
                to.append("total", .int(tfTotal))
                to.append("min_count", .int(Self.tfMinCount))
                to.append("counts", .array(t.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { .array([.string($0), .int(t[$0]!)]) }))
                fo.append("tf", .object(to))
            }
            fields.append(.object(fo))
        }
        o.append("fields", .array(fields))
        return o
    }

    /// Reads a model written by `json(spec:)`, checking it fits the spec.
    public static func parse(_ o: JSONObject, spec: MatchSpec) throws(ModelError) -> MatchModel {
        guard o.string("model") == "hukou-match" else { throw ModelError("not a hukou match model") }
        guard let prior = o["prior"]?.doubleValue, prior > 0, prior < 1 else { throw ModelError("`prior` must be a number between 0 and 1") }
        guard let fields = o["fields"]?.arrayValue, fields.count == spec.fields.count else {
            throw ModelError("the model has different fields than the spec (\(spec.fields.map(\.name).joined(separator: ", ")))")
        }
        var m: [[Double]] = [], u: [[Double]] = [], uGiven: [[Double]?] = [], tf: [[String: Int]?] = []
        var total = 1
        for (f, fs) in spec.fields.enumerated() {
            guard let fo = fields[f].objectValue, fo.string("name") == fs.name, let levels = fo["levels"]?.arrayValue,
                  levels.count == fs.levels.count + 1 else { throw ModelError("field \(f + 1) does not match the spec's `\(fs.name)`") }
            var ms: [Double] = [], us: [Double] = [], ugs: [Double] = []
            // A model trained without a `given` u (or on a spec without one) keeps the plain u.
            let hasGiven = fs.given != nil && fo.string("given") == fs.given
            for (k, lv) in levels.enumerated() {
                guard let lo = lv.objectValue, lo.string("level") == (fs.levels + ["different"])[k],
                      let mv = lo["m"]?.doubleValue, let uv = lo["u"]?.doubleValue, mv > 0, uv > 0
                else { throw ModelError("field `\(fs.name)` level \(k + 1): expected the spec's level with positive m and u") }
                ms.append(mv)
                us.append(uv)
                if hasGiven {
                    guard let ug = lo["u_given"]?.doubleValue, ug > 0 else { throw ModelError("field `\(fs.name)` level \(k + 1): `u_given` must be positive") }
                    ugs.append(ug)
                }
            }
            m.append(ms)
            u.append(us)
            uGiven.append(hasGiven ? ugs : nil)
            if fs.termFrequency {
                guard let to = fo["tf"]?.objectValue, let t = to["total"]?.intValue, let counts = to["counts"]?.arrayValue else {
                    throw ModelError("field `\(fs.name)`: term frequencies missing")
                }
                total = max(1, t)
                var table: [String: Int] = [:]
                for c in counts {
                    guard let a = c.arrayValue, a.count == 2, let s = a[0].stringValue, let n = a[1].intValue else { throw ModelError("field `\(fs.name)`: bad term frequency entry") }
                    table[s] = n
                }
                tf.append(table)
            } else { tf.append(nil) }
        }
        return MatchModel(m: m, u: u, uGiven: uGiven, prior: prior, tf: tf, tfTotal: total,
                          trainedRecords: o["trained_records"]?.intValue ?? 0, trainedPairs: o["trained_pairs"]?.intValue ?? 0,
                          specName: o.string("spec") ?? spec.name)
    }
}

/// A model file that cannot be used.
public struct ModelError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}
