// Tests of the scorer's arithmetic on hand-made truth and findings: a perfect findings file
// scores 1.0, a degraded one exactly what it should, and harm and decoys are counted.
@testable import HukouCore
import HukouIO
import Testing

private func rec(_ json: String) -> Record { try! JSONParser.parse(json).objectValue! }

private let truthLines: [Record] = [
    rec(#"{"kind":"truth","src":"truth","code":"ID_BAD_CHECKSUM","refs":["d/r.csv:2"],"note":""}"#),
    rec(#"{"kind":"truth","src":"truth","code":"ID_BAD_CHECKSUM","refs":["d/r.csv:5"],"note":""}"#),
    rec(#"{"kind":"truth","src":"truth","code":"FIELD_INVALID","refs":["d/r.csv:3"],"field":"ethnicity","note":""}"#),
    rec(#"{"kind":"truth","src":"truth","code":"DUPLICATE_REGISTRATION","refs":["d/r.csv:7","d/x.xml:40"],"note":""}"#),
    rec(#"{"kind":"truth","src":"truth","code":"DECEASED_STILL_REGISTERED","refs":["d/r.csv:9","d/deaths.csv:2"],"person":"d/r.csv:9","note":""}"#),
    rec(#"{"kind":"truth","src":"truth","code":"DECOY_SAME_NAME","refs":["d/r.csv:11","d/x.xml:80"],"note":""}"#),
    rec(#"{"kind":"truth","src":"truth","code":"DECOY_DEATH","refs":["d/r.csv:12","d/deaths.csv:3"],"note":""}"#),
]

private func finding(_ code: String, _ refs: [String], field: String? = nil, severity: String = "error", action: String? = nil) -> Record {
    var r = Record.make(kind: "finding", src: refs.first ?? "")
    r.append("code", .string(code))
    r.append("severity", .string(severity))
    r.append("refs", .strings(refs))
    if let field { r.append("field", .string(field)) }
    if let action { r.append("action", .string(action)) }
    return r
}

private func score(_ findings: [Record]) -> ScoreReport {
    let s = Scorer(truth: truthLines)
    for f in findings { s.add(f) }
    return s.report()
}

private func row(_ r: ScoreReport, _ code: String) -> ScoreRow { r.rows.first { $0.code == code }! }

@Suite("scorer")
struct ScorerTests {
    @Test func perfectFindingsScoreOne() {
        let r = score([
            finding("ID_BAD_CHECKSUM", ["d/r.csv:2"]), finding("ID_BAD_CHECKSUM", ["d/r.csv:5"]),
            finding("FIELD_INVALID", ["d/r.csv:3"], field: "ethnicity"),
            finding("DUPLICATE_REGISTRATION", ["d/x.xml:40", "d/r.csv:7"], action: "cancel"),   // refs are a set
            finding("DECEASED_STILL_REGISTERED", ["d/r.csv:9", "d/deaths.csv:2"], action: "cancel"),
        ])
        #expect(r.total.tp == 5 && r.total.fp == 0 && r.total.fn == 0)
        #expect(r.total.precision == 1 && r.total.recall == 1 && r.total.f1 == 1)
        #expect(r.harmful == 0)
        #expect(r.decoys.map(\.violated) == [0, 0])
        #expect(r.text.contains("total                                 5      5      5      0      0     1.0000  1.0000  1.0000"))
    }

    /// Rates show four decimals: a precision of 9,831 in 9,845 is below a goal of 0.999 and must
    /// not read as 0.999.
    @Test func ratesShowFourDecimals() {
        #expect(ScoreReport.rate(9831.0 / 9845) == "0.9986")
        #expect(ScoreReport.rate(0.5) == "0.5000" && ScoreReport.rate(1) == "1.0000" && ScoreReport.rate(nil) == "-")
    }

    @Test func degradedFindingsScoreLess() {
        let r = score([
            finding("ID_BAD_CHECKSUM", ["d/r.csv:2"]),
            finding("ID_BAD_CHECKSUM", ["d/r.csv:2"]),                       // a repeat: FP
            finding("ID_BAD_CHECKSUM", ["d/r.csv:6"]),                       // wrong row: FP
            finding("FIELD_INVALID", ["d/r.csv:3"], field: "relation"),      // wrong field: FP (and FN)
            finding("ID_MISSING", ["d/r.csv:4"], severity: "warning"),       // not scored
            finding("DECEASED_STILL_REGISTERED", ["d/r.csv:9", "d/deaths.csv:2"]),
        ])
        let bad = row(r, "ID_BAD_CHECKSUM")
        #expect(bad.tp == 1 && bad.fp == 2 && bad.fn == 1)
        #expect(bad.precision == 1.0 / 3 && bad.recall == 0.5)
        #expect(abs(bad.f1! - 0.4) < 1e-12)
        let fi = row(r, "FIELD_INVALID")
        #expect(fi.tp == 0 && fi.fp == 1 && fi.fn == 1 && fi.f1 == 0)
        let dup = row(r, "DUPLICATE_REGISTRATION")
        #expect(dup.precision == nil && dup.recall == 0 && dup.f1 == nil && dup.fn == 1)
        let missing = row(r, "ID_MISSING")
        #expect(missing.precision == nil && missing.recall == nil)
        #expect(r.warnings == 1)
        #expect(r.total.tp == 2 && r.total.fp == 3 && r.total.fn == 3)
        #expect(r.total.precision! < 1 && r.total.recall! < 1)
        #expect(r.text.contains("ID_MISSING                            0      0      0      0      0          -       -       -"))
    }

    @Test func harmfulCancellations() {
        // The decoy death: the living person "cancelled" on a stranger's death entry.
        var r = score([finding("DECEASED_STILL_REGISTERED", ["d/r.csv:12", "d/deaths.csv:3"])])
        #expect(r.harmful == 1 && r.decoys.first { $0.code == "DECOY_DEATH" }!.violated == 1)
        // Asking to verify is not a cancellation; the truly dead person is not harm either.
        r = score([finding("DECEASED_STILL_REGISTERED", ["d/r.csv:12", "d/deaths.csv:3"], action: "verify"),
                   finding("DECEASED_STILL_REGISTERED", ["d/r.csv:9", "d/deaths.csv:3"])])
        #expect(r.harmful == 0)
        #expect(row(r, "DECEASED_STILL_REGISTERED").fp == 2)
        // Merging the same-name decoys and cancelling one of them.
        r = score([finding("DUPLICATE_REGISTRATION", ["d/r.csv:11", "d/x.xml:80"], action: "cancel"),
                   finding("DUPLICATE_REGISTRATION", ["d/r.csv:7", "d/x.xml:40"], action: "cancel"),
                   finding("EMIGRATED_STILL_REGISTERED", ["d/r.csv:2", "d/emigrations.csv:2"], action: "cancel")])
        #expect(r.harmful == 2)
        #expect(r.decoys.first { $0.code == "DECOY_SAME_NAME" }!.violated == 1)
        // Non-findings are ignored and said so.
        r = score([rec(#"{"kind":"person","src":"d/r.csv:2"}"#)])
        #expect(r.ignored == 1 && r.total.fn == 5)
    }

    @Test func jsonReport() {
        let r = score([finding("ID_BAD_CHECKSUM", ["d/r.csv:2"])])
        let j = JSONWriter.string(r.json)
        #expect(j.contains(#"{"code":"ID_BAD_CHECKSUM","truth":2,"findings":1,"tp":1,"fp":0,"fn":1,"precision":1,"recall":0.5,"f1":0.6667}"#))
        #expect(j.contains(#"{"code":"ID_MISSING","truth":0,"findings":0,"tp":0,"fp":0,"fn":0,"precision":null,"recall":null,"f1":null}"#))
        #expect(j.contains(#""harmful":0"#))
    }
}
