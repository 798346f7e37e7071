// The waterfall of one pair for `hukou explain`: the prior, each field's level and weight with
// the running total, and the decision, from the same scorer the matcher uses.
import HukouCore
import HukouIO

/// What `hukou explain` needs from the matcher: files, training and the printed waterfall.
public enum MatchExplain {
    /// Reads a whole file (spec, model) or fails with the path.
    static func read(_ path: String) throws -> [UInt8] {
        do { return try InputFile(path: path).readAll() } catch { throw StageError.noInput(path: path, message: "cannot read: \(error)") }
    }

    /// The spec in `path`, or the built-in one.
    public static func spec(_ path: String?) throws -> MatchSpec {
        guard let path else { return .hukou }
        return try SpecFile.parse(String(decoding: try read(path), as: UTF8.self), name: path)
    }

    /// The model in `path`.
    public static func model(_ path: String, spec: MatchSpec) throws -> MatchModel {
        let bytes = try read(path)
        let v: JSONValue
        do { v = try bytes.withUnsafeBufferPointer { b throws(JSONParseError) in try JSONParser.parse(b) } } catch {
            throw StageError.usage("\(path): not a JSON model: \(error)")
        }
        guard let o = v.objectValue else { throw StageError.usage("\(path): not a JSON model") }
        do { return try MatchModel.parse(o, spec: spec) } catch { throw StageError.usage("\(path): \(error)") }
    }

    /// Trains a model on records, as `hukou match` would.
    public static func train(_ records: [Record], spec: MatchSpec) -> MatchModel {
        let data = MatchData(spec: spec)
        for r in records where r.kind == spec.kind { data.append(r) }
        data.finalizeHouseholds()
        let (c, _) = MatchRun.candidates(data, warn: { _ in })
        return MatchRun.train(data, candidates: c)
    }

    /// Persons annotated with their household run length (`household_run`), as `hukou block`
    /// writes it, so that two records explained alone keep their households' context.
    public static func annotateHouseholds(_ records: [Record], spec: MatchSpec) -> [Record] {
        guard let h = spec.fields.first(where: { $0.comparator == .household })?.field else { return records }
        let idx = records.indices.filter { records[$0].kind == spec.kind }
        let runs = MatchData.householdRuns(idx.map { MatchData.text(records[$0][h]) })
        var out = records
        for (k, i) in idx.enumerated() { out[i]["household_run"] = .int(runs[k]) }
        return out
    }

    /// The waterfall text of records `a` and `b`.
    public static func waterfall(_ a: Record, _ b: Record, spec: MatchSpec, model: MatchModel) -> String {
        let data = MatchData(spec: spec)
        data.append(a)
        data.append(b)
        let scorer = PairScorer(data: data, model: model)
        let p = scorer.pattern(0, 1)
        let fw = scorer.fieldWeights(p, 0, 1)
        let total = scorer.weight(p, 0, 1)
        func num(_ w: Int32) -> String {
            // Fixed two decimals, from the integer weight (no locale, no rounding surprises).
            let h = Int((Double(w) / 100).rounded())
            let frac = abs(h) % 100
            let s = "\(abs(h) / 100).\(frac < 10 ? "0" : "")\(frac)"
            let signed = h > 0 ? "+" + s : h < 0 ? "-" + s : s
            return String(repeating: " ", count: max(0, 8 - signed.count)) + signed
        }
        func pad(_ s: String, _ n: Int) -> String {
            // East Asian characters take two columns in a terminal.
            let width = s.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) }
            return s + String(repeating: " ", count: max(1, n - width))
        }
        func bar(_ w: Int32) -> String {
            let n = min(30, Int((abs(Double(w)) / 10_000).rounded()))
            return String(repeating: w >= 0 ? "█" : "░", count: n)
        }
        var out = "\(a.src)  ↔  \(b.src)\n\n"
        out += pad("field", 12) + pad("values", 42) + pad("level", 18) + "  weight   running\n"
        var run = scorer.priorWeight
        let oneIn = Int((1 / model.prior).rounded())
        out += pad("prior", 12) + pad("1 in \(oneIn) random pairs", 42) + pad("", 18) + num(run) + "  " + num(run) + "  " + bar(run) + "\n"
        for (f, fs) in spec.fields.enumerated() {
            let l = Int((p >> (4 * UInt64(f))) & 15)
            run &+= fw[f]
            var level = levelName(fs, l)
            let va = MatchData.text(a[fs.field]), vb = MatchData.text(b[fs.field])
            if let w = fs.within, l == fs.levels.count, va == vb {
                // One name, two places: say why it is no agreement.
                let xa = MatchData.text(a[w]), xb = MatchData.text(b[w])
                if !xa.isEmpty && !xb.isEmpty && xa != xb { level += " (\(w) differs)" }
            }
            if fs.termFrequency && l < fs.levels.count && PairScorer.tfLevel(tests: data.levelTests[f], l) { level += " (tf)" }
            if let g = fs.given, scorer.usesGiven(p, f) { level += " (|\(g))" }
            if let v = scorer.veto(p), scorer.vetoes[v].conditions.contains(where: { $0.field == f }) { level += " VETO" }
            out += pad(fs.name, 12) + pad("\(va.isEmpty ? "∅" : va) | \(vb.isEmpty ? "∅" : vb)", 42) + pad(level, 18) + num(fw[f]) + "  " + num(run) + "  " + bar(fw[f]) + "\n"
        }
        let prob = probability(weight: total)
        out += "\ntotal weight \(formatDecimal(Double(total) / 10_000, digits: 4)), match probability \(formatDecimal(prob, digits: 6))\n"
        let decision: String
        if let v = scorer.veto(p) {
            let why = scorer.vetoes[v].conditions.map { c in "\(spec.fields[c.field].name) is \(levelName(spec.fields[c.field], Int((p >> (4 * UInt64(c.field))) & 15)))" }
            decision = "never linked: " + why.joined(separator: " and ")
        } else if let h = spec.cannotLink, !MatchData.text(a[h]).isEmpty, MatchData.text(a[h]) == MatchData.text(b[h]) {
            decision = "never linked: same \(h)"
        } else if prob >= spec.threshold {
            decision = "link (threshold \(formatDecimal(spec.threshold, digits: 4)))"
        } else {
            decision = "no link (threshold \(formatDecimal(spec.threshold, digits: 4)))"
        }
        out += "decision: \(decision)\n"
        return out
    }
}
