// The `pair` records between `hukou score` and `hukou cluster`: a scored pair's evidence
// and what clustering must know of each record (household, village, ID, completeness).
import HukouCore
import HukouIO

/// Encodes and decodes `{"kind":"pair",…}` records.
enum PairRecord {
    static func encode(_ p: ScoredPair, _ writer: Clusterer, _ r: ClusterRecords) -> Record {
        let evidence = writer.pairJSON(p, first: p.a)
        var o = Record.make(kind: "pair", src: r.srcs[Int(p.a)])
        for f in evidence { o.append(f.key, f.value) }
        if p.sameID { o.append("same_id", .bool(true)) }
        o.append("ra", .object(summary(Int(p.a), r)))
        o.append("rb", .object(summary(Int(p.b), r)))
        return o
    }

    private static func summary(_ i: Int, _ r: ClusterRecords) -> JSONObject {
        var o = JSONObject()
        o.append("household", .string(r.strings[Int(r.household[i])]))
        o.append("place", .string(r.strings[Int(r.place[i])]))
        o.append("id", .string(r.sharedStrings[Int(r.sharedID[i])]))
        o.append("complete", .int(Int(r.completeness[i])))
        return o
    }

    /// Parses a decimal weight to ×10⁴ exactly.
    static func tenThousandths(_ v: JSONValue?) -> Int32? {
        guard let d = v?.doubleValue else { return nil }
        return Int32((d * 10_000).rounded())
    }
}

/// Builds ClusterRecords and ScoredPairs from pair records.
final class PairCollector {
    let spec: MatchSpec
    var srcs: [String] = []
    var household: [Int32] = [], place: [Int32] = [], shared: [Int32] = [], complete: [Int16] = []
    var strings: [String] = [""]
    private var stringIndex: [String: Int32] = ["": 0]
    private var recordIndex: [String: Int32] = [:]
    var pairs: [ScoredPair] = []

    init(spec: MatchSpec) { self.spec = spec }

    private func intern(_ s: String) -> Int32 {
        if let k = stringIndex[s] { return k }
        let k = Int32(strings.count)
        strings.append(s)
        stringIndex[s] = k
        return k
    }

    private func record(_ src: String, _ o: JSONObject?) -> Int32 {
        if let k = recordIndex[src] { return k }
        let k = Int32(srcs.count)
        srcs.append(src)
        household.append(intern(o?.string("household") ?? ""))
        place.append(intern(o?.string("place") ?? ""))
        shared.append(intern(o?.string("id") ?? ""))
        complete.append(Int16(o?["complete"]?.intValue ?? 0))
        recordIndex[src] = k
        return k
    }

    /// Adds one pair record; returns a reason when it cannot be read.
    func add(_ r: Record) -> String? {
        guard let a = r.string("a"), let b = r.string("b"), let w = PairRecord.tenThousandths(r["weight"]),
              let fields = r["fields"]?.objectValue else { return "a pair needs `a`, `b`, `weight` and `fields`" }
        var pattern: UInt64 = 0
        var weights: [Int32] = []
        for (f, fs) in spec.fields.enumerated() {
            guard let fo = fields[fs.name]?.objectValue, let level = fo.string("level"), let fw = PairRecord.tenThousandths(fo["weight"]) else {
                return "pair lacks field `\(fs.name)` of the spec"
            }
            let l: Int
            if level == "missing" { l = Int(Level.missing) } else if level == "different" { l = fs.levels.count } else {
                guard let k = fs.levels.firstIndex(of: level) else { return "field `\(fs.name)`: level `\(level)` is not in the spec" }
                l = k
            }
            pattern |= UInt64(l) << (4 * UInt64(f))
            weights.append(fw)
        }
        var veto: Int8 = -1
        if let v = r.string("veto") {
            guard let f = spec.compiledVetoes().firstIndex(where: { $0.name == v }) else { return "veto `\(v)` is not in the spec" }
            veto = Int8(f)
        }
        let ia = record(a, r["ra"]?.objectValue), ib = record(b, r["rb"]?.objectValue)
        pairs.append(ScoredPair(a: ia, b: ib, pattern: pattern, weight: w, fieldWeights: weights, veto: veto,
                                sameID: r["same_id"] == .bool(true)))
        return nil
    }

    var records: ClusterRecords {
        ClusterRecords(srcs: TextList(srcs), household: household, place: place, sharedID: shared, completeness: complete, strings: TextList(strings))
    }
}
