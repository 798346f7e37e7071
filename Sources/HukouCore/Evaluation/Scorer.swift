// Scores findings against a synth truth file: per problem code true and false positives and
// negatives, precision, recall and F1; the harmful findings (cancellations of living persons);
// and the decoys a matcher joined. The arithmetic lives here so that tests and later issues can
// state accuracy with the same rules as `hukou score`.
import HukouIO

/// One code's counts and rates. Rates are nil where undefined: precision with no scored
/// finding of the code, recall with no truth line of it, F1 when either is undefined.
public struct ScoreRow: Sendable, Equatable {
    public var code: String
    public var truth = 0
    public var findings = 0
    public var tp = 0, fp = 0, fn = 0
    public var precision: Double? { tp + fp == 0 ? nil : Double(tp) / Double(tp + fp) }
    public var recall: Double? { tp + fn == 0 ? nil : Double(tp) / Double(tp + fn) }
    public var f1: Double? {
        guard let p = precision, let r = recall else { return nil }
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }
    /// An empty row for `code`.
    public init(code: String) { self.code = code }
}

/// The result of scoring.
public struct ScoreReport: Sendable {
    /// Rows in the order of DOMAIN.md's codes, then any other code found, by name.
    public var rows: [ScoreRow]
    /// Sums over all codes (micro-averaged rates).
    public var total: ScoreRow
    /// Findings with severity `warning` (advisory: not scored).
    public var warnings: Int
    /// Records that are not findings (ignored).
    public var ignored: Int
    /// Scored findings that propose to cancel a person who is alive and on no list, or a
    /// registration that is not a duplicate.
    public var harmful: Int
    /// Decoys per code: how many, and how many a finding joined.
    public var decoys: [(code: String, total: Int, violated: Int)]
}

/// Accumulates findings and scores them against truth lines.
public final class Scorer {
    /// Truth key → code; matched keys.
    private var truthKeys: [String: String] = [:]
    private var matched: Set<String> = []
    private var rows: [String: ScoreRow] = [:]
    /// Register rows of persons truly dead, enlisted or settled abroad.
    private var gone: Set<String> = []
    /// Ref → the duplicate clusters it belongs to (as sorted ref lists).
    private var clusters: [String: [[String]]] = [:]
    /// Decoys: (code, refs), and ref → decoy indices.
    private var decoys: [(code: String, refs: [String])] = []
    private var decoyByRef: [String: [Int]] = [:]
    private var violated: Set<Int> = []
    private var warnings = 0, ignored = 0, harmful = 0

    /// The codes a cancellation of a registration follows from.
    public static let cancelCodes = ProblemCode.gone

    /// The key a finding and a truth line match on: code, refs as a set, and the field for
    /// FIELD_INVALID.
    public static func key(code: String, refs: [String], field: String?) -> String {
        var k = code + "\u{1}" + Array(Set(refs)).sorted().joined(separator: "\u{2}")
        if code == ProblemCode.fieldInvalid.rawValue { k += "\u{1}" + (field ?? "") }
        return k
    }

    static func refs(_ r: Record) -> [String] {
        (r["refs"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// A scorer over the truth lines (records of kind `truth`; others are ignored).
    public init(truth: [Record]) {
        for t in truth where t.kind == "truth" {
            let code = t.text("code")
            let refs = Scorer.refs(t)
            if code.hasPrefix("DECOY_") {
                let k = decoys.count
                decoys.append((code, refs))
                for r in Set(refs) { decoyByRef[r, default: []].append(k) }
                continue
            }
            let key = Scorer.key(code: code, refs: refs, field: t.string("field"))
            if truthKeys[key] == nil {
                truthKeys[key] = code
                rows[code, default: ScoreRow(code: code)].truth += 1
            }
            if Scorer.cancelCodes.contains(code) { gone.insert(t.string("person") ?? refs.first ?? "") }
            if code == ProblemCode.duplicateRegistration.rawValue {
                let c = Array(Set(refs)).sorted()
                for r in c { clusters[r, default: []].append(c) }
            }
        }
    }

    /// Scores one record (non-findings are counted as ignored).
    public func add(_ f: Record) {
        guard f.kind == "finding" else { ignored += 1; return }
        if f.text("severity") == "warning" { warnings += 1; return }
        let code = f.text("code")
        let refs = Scorer.refs(f)
        let key = Scorer.key(code: code, refs: refs, field: f.string("field"))
        var row = rows[code] ?? ScoreRow(code: code)
        row.findings += 1
        if truthKeys[key] != nil && !matched.contains(key) {
            matched.insert(key)
            row.tp += 1
        } else {
            row.fp += 1   // wrong, or a repeat of a finding already counted
        }
        rows[code] = row
        if isHarmful(code: code, action: f.string("action"), refs: refs) { harmful += 1 }
        let set = Set(refs)
        for r in set {
            for k in decoyByRef[r] ?? [] where !violated.contains(k) && decoys[k].refs.allSatisfy(set.contains) {
                violated.insert(k)
            }
        }
    }

    /// Whether a finding proposes a cancellation that would be wrong: for the list codes (unless
    /// the action says otherwise, e.g. `verify`) or an explicit `cancel`, when no ref is a
    /// person truly gone; for a duplicate, when the refs are not all one true cluster.
    func isHarmful(code: String, action: String?, refs: [String]) -> Bool {
        let cancels = action == "cancel" || (action == nil && Scorer.cancelCodes.contains(code))
        guard cancels else { return false }
        if code == ProblemCode.duplicateRegistration.rawValue {
            let set = Set(refs)
            guard let first = refs.first else { return true }
            return !(clusters[first] ?? []).contains { c in set.isSubset(of: c) }
        }
        return !refs.contains { gone.contains($0) }
    }

    /// The report so far. Truth lines no finding matched are the false negatives.
    public func report() -> ScoreReport {
        var all = rows
        for (key, code) in truthKeys where !matched.contains(key) { all[code]!.fn += 1 }
        var out: [ScoreRow] = []
        for c in ProblemCode.allCases { out.append(all.removeValue(forKey: c.rawValue) ?? ScoreRow(code: c.rawValue)) }
        out += all.keys.sorted().map { all[$0]! }
        var total = ScoreRow(code: "total")
        for r in out {
            total.truth += r.truth; total.findings += r.findings
            total.tp += r.tp; total.fp += r.fp; total.fn += r.fn
        }
        var d: [(String, Int, Int)] = []
        for c in DecoyCode.allCases.map(\.rawValue) + Array(Set(decoys.map(\.code))).filter({ DecoyCode(rawValue: $0) == nil }).sorted() {
            let ks = decoys.indices.filter { decoys[$0].code == c }
            d.append((c, ks.count, ks.filter { violated.contains($0) }.count))
        }
        return ScoreReport(rows: out, total: total, warnings: warnings, ignored: ignored, harmful: harmful, decoys: d)
    }
}

extension ScoreReport {
    /// Four decimals: the goals are set in tenths of a per mille (0.999, 0.9975), and three
    /// decimals showed a precision of 0.9986 as 0.999.
    static func rate(_ v: Double?) -> String { v.map { formatDecimal($0, digits: 4).paddedRate } ?? "-" }

    /// The readable table `hukou score` prints.
    public var text: String {
        func col(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        func line(_ r: ScoreRow) -> String {
            let name = r.code.count >= 32 ? r.code : r.code + String(repeating: " ", count: 32 - r.code.count)
            return name + col(String(r.truth), 7) + col(String(r.findings), 7) + col(String(r.tp), 7) + col(String(r.fp), 7)
                + col(String(r.fn), 7) + col(ScoreReport.rate(r.precision), 11) + col(ScoreReport.rate(r.recall), 8) + col(ScoreReport.rate(r.f1), 8)
        }
        var s = "code" + String(repeating: " ", count: 28) + col("truth", 7) + col("found", 7) + col("TP", 7) + col("FP", 7)
            + col("FN", 7) + col("precision", 11) + col("recall", 8) + col("F1", 8) + "\n"
        for r in rows where r.truth > 0 || r.findings > 0 || ProblemCode(rawValue: r.code) != nil { s += line(r) + "\n" }
        s += line(total) + "\n\n"
        s += "warnings (not scored): \(warnings)\n"
        if ignored > 0 { s += "records that are not findings (ignored): \(ignored)\n" }
        s += "harmful findings (cancelling a living person on no list, or a registration that is no duplicate): \(harmful)\n"
        let dt = decoys.map(\.total).reduce(0, +), dv = decoys.map(\.violated).reduce(0, +)
        s += "decoys joined by a finding: \(dv) of \(dt)"
        if !decoys.isEmpty { s += " (" + decoys.map { "\($0.code) \($0.violated) of \($0.total)" }.joined(separator: ", ") + ")" }
        return s + "\n"
    }

    /// The report as one JSON object (rates null where undefined).
    public var json: JSONObject {
        func obj(_ r: ScoreRow) -> JSONObject {
            var o = JSONObject()
            o.append("code", .string(r.code))
            o.append("truth", .int(r.truth)); o.append("findings", .int(r.findings))
            o.append("tp", .int(r.tp)); o.append("fp", .int(r.fp)); o.append("fn", .int(r.fn))
            o.append("precision", r.precision.map { .double($0) } ?? .null)
            o.append("recall", r.recall.map { .double($0) } ?? .null)
            o.append("f1", r.f1.map { .double($0) } ?? .null)
            return o
        }
        var o = JSONObject()
        o.append("codes", .array(rows.map { .object(obj($0)) }))
        o.append("total", .object(obj(total)))
        o.append("warnings", .int(warnings))
        o.append("ignored", .int(ignored))
        o.append("harmful", .int(harmful))
        o.append("decoys", .array(decoys.map { d in
            var x = JSONObject()
            x.append("code", .string(d.code)); x.append("total", .int(d.total)); x.append("violated", .int(d.violated))
            return .object(x)
        }))
        return o
    }
}

extension String {
    /// `1` → `1.0000`, `0.5` → `0.5000`: rates with four decimals in the table.
    var paddedRate: String {
        guard let dot = firstIndex(of: ".") else { return self + ".0000" }
        let decimals = distance(from: dot, to: endIndex) - 1
        return self + String(repeating: "0", count: max(0, 4 - decimals))
    }
}
