// The duplicate matcher: comparison levels, the built-in spec, accuracy on a small planted
// county, the three-stage pipe against the in-process run, determinism, models, explain, and a
// generic (non-Chinese) spec.
import Foundation
import Testing
@testable import HukouCore
import HukouIO
@testable import HukouStages

/// The pair-scoring stage's command name (to become `hukou score` without --truth).
let scorePairs = "score"

/// A person record with the fields the built-in spec compares (no `keys`: the matcher derives them).
func person(_ src: String, name: String = "王小明", id: String = "", birth: String = "1985-03-12", sex: String = "1",
            household: String = "1", village: String = "白石村") -> Record {
    ["kind": .string("person"), "src": .string(src), "household": .string(household), "name": .string(name),
     "sex": .string(sex), "ethnicity": .string("01"), "birth_date": .string(birth), "id_number": .string(id),
     "relation": .string("02"), "village": .string(village)]
}

/// The level names of a pair under the built-in spec, by field name.
func levels(_ a: Record, _ b: Record, spec: MatchSpec = .hukou) -> [String: String] {
    let d = MatchData(spec: spec)
    d.append(a)
    d.append(b)
    let p = d.pattern(0, 1)
    var out: [String: String] = [:]
    for (f, fs) in spec.fields.enumerated() { out[fs.name] = levelName(fs, Int((p >> (4 * UInt64(f))) & 15)) }
    return out
}

/// An 18-digit number with its correct check character.
func validID(_ first17: String) -> String { first17 + String(IDNumber.checkCharacter(forFirst17: first17)!) }

/// Precision and recall of findings with `code` against truth lines, and decoys reported as duplicates.
func accuracy(findings: String, truth: URL, code: String) throws -> (precision: Double, recall: Double, decoys: Int) {
    let tLines = try String(contentsOf: truth, encoding: .utf8).split(separator: "\n")
    var truthSets: Set<[String]> = [], decoys: [[String]] = []
    for l in tLines {
        let o = try JSONParser.parse(String(l)).objectValue!
        let refs = (o["refs"]?.arrayValue ?? []).compactMap(\.stringValue).sorted()
        if o.string("kind") == "decoy" { decoys.append(refs) } else if o.string("code") == code { truthSets.insert(refs) }
    }
    var found: Set<[String]> = [], dupSets: [[String]] = []
    for l in findings.split(separator: "\n") where l.contains("\"kind\":\"finding\"") {
        let o = try JSONParser.parse(String(l)).objectValue!
        let refs = (o["refs"]?.arrayValue ?? []).compactMap(\.stringValue).sorted()
        if o.string("code") == code { found.insert(refs) }
        if o.string("code") == "DUPLICATE_REGISTRATION" { dupSets.append(refs) }
    }
    let tp = Double(found.intersection(truthSets).count)
    let merged = decoys.filter { d in dupSets.contains { Set(d).isSubset(of: Set($0)) } }.count
    return (found.isEmpty ? 1 : tp / Double(found.count), truthSets.isEmpty ? 1 : tp / Double(truthSets.count), merged)
}

@Suite("match: comparison levels and spec")
struct MatchLevelTests {
    @Test func builtInSpecEqualsTheYAMLFile() throws {
        let path = packageRoot.appendingPathComponent("pipelines/specs/hukou-match.yaml")
        let parsed = try SpecFile.parse(try String(contentsOf: path, encoding: .utf8), name: "hukou-match.yaml")
        #expect(parsed == MatchSpec.hukou)
        #expect(MatchSpec.hukou.problem() == nil)
    }

    @Test func idNumberLevels() {
        let id = "11010519491231002X"
        #expect(levels(person("a:1", id: id), person("a:2", id: id))["id"] == "exact")
        #expect(levels(person("a:1", id: "610104620927690"), person("a:2", id: "610104196209276908"))["id"] == "15_18")
        // One digit wrong: the check character no longer fits, so it is a typo.
        let typo = "11010519491231012X"
        #expect(IDNumber(typo)!.checksumValid == false)
        #expect(levels(person("a:1", id: id), person("a:2", id: typo))["id"] == "typo")
        // Adjacent transposition.
        #expect(levels(person("a:1", id: id), person("a:2", id: "11010519492131002X"))["id"] == "typo")
        // A body digit off and the check character different too: two slips, or two people's
        // numbers (one mistyped), not one typo.
        #expect(levels(person("a:1", id: id), person("a:2", id: "110105194912310127"))["id"] == "different")
        // Two valid numbers of one region and birth date: the built-in spec has no level for the
        // shared encoded date (the birth date field already counts it once), so it is another
        // number of the same county; a spec may still ask for `same_birth`.
        let sibling = validID("11010519491231003")
        #expect(levels(person("a:1", id: id), person("a:2", id: sibling))["id"] == "same_region")
        var spec = MatchSpec.hukou
        spec.fields[1].levels = ["exact", "same_birth", "same_region"]
        #expect(levels(person("a:1", id: id), person("a:2", id: sibling), spec: spec)["id"] == "same_birth")
        // Another valid number of the same county (region 110105), another birth date.
        #expect(levels(person("a:1", id: id), person("a:2", id: validID("11010519501231003")))["id"] == "same_region")
        #expect(levels(person("a:1", id: id), person("a:2", id: validID("43032119501231003")))["id"] == "different_valid")
        #expect(levels(person("a:1", id: id), person("a:2", id: ""))["id"] == "missing")
        // Two cells a spreadsheet turned into the same `4.30321E+17` are no number, and no
        // shared number.
        #expect(levels(person("a:1", id: "4.30321E+17"), person("a:2", id: "4.30321E+17"))["id"] == "missing")
        let d = MatchData(spec: .hukou)
        d.append(person("a:1", id: "4.30321E+17"))
        d.append(person("a:2", id: "4.30321E+17"))
        #expect(d.sharedID == [0, 0])
    }

    @Test func birthDateAndSexAreWeighedGivenTheName() throws {
        // 30 names, each given to 100 people of one sex born in one month of one year (names
        // follow the fashions of their years): namesakes share a birth date far more often than
        // strangers, and the `given` u says so.
        let d = MatchData(spec: .hukou)
        let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红玉兰梅")
        for k in 0..<30 {
            for i in 0..<100 {
                d.append(person("a:\(k * 100 + i)", name: "王" + String(given[k]), birth: "\(1940 + k)-03-\(10 + i % 18)", sex: k % 2 == 0 ? "1" : "2"))
            }
        }
        let u = Trainer.estimateU(d)
        let pairs = Trainer.uPairs(d.count)
        let date = try #require(Trainer.estimateUGiven(d, field: 2, given: 0, u: u[2], uPairs: pairs))
        let sex = try #require(Trainer.estimateUGiven(d, field: 3, given: 0, u: u[3], uPairs: pairs))
        #expect(date[0] > 5 * u[2][0], "exact date: \(date[0]) given the name, \(u[2][0]) among strangers")
        #expect(sex[0] > u[3][0] + 0.2, "same sex: \(sex[0]) given the name, \(u[3][0]) among strangers")
        // The scorer weighs a namesake pair's birth date with the `given` u, others with u.
        let model = MatchRun.train(d, candidates: [])
        let scorer = PairScorer(data: d, model: model)
        let namesakes = d.pattern(0, 1), strangers = d.pattern(0, 150)
        #expect(scorer.usesGiven(namesakes, 2) && !scorer.usesGiven(strangers, 2))
    }

    @Test func dateLevels() {
        func level(_ x: String, _ y: String) -> String? { levels(person("a:1", birth: x), person("a:2", birth: y))["birth_date"] }
        #expect(level("1985-03-12", "1985-03-12") == "exact")
        #expect(level("1985-03-12", "1985-12-03") == "swap_dm")
        // One day, month or year apart comes before a slip of one digit anywhere.
        #expect(level("1985-03-12", "1985-03-13") == "off_by_one")
        #expect(level("1985-03-12", "1985-03-17") == "one_digit")
        #expect(level("1947-12-27", "1944-12-27") == "one_digit")
        // Chinese New Year 2000 fell on 5 February: lunar 2000-01-01.
        #expect(level("2000-02-05", "2000-01-01") == "lunar")
        #expect(level("1979-09-16", "1980-09-16") == "off_by_one")
        #expect(level("1985-03-12", "1985-07-30") == "different")
        #expect(level("1985-03-12", "1962-11-30") == "different")
        #expect(level("1985-03-12", "") == "missing")
    }

    @Test func nameLevelsWithoutNormalizeKeys() {
        func level(_ x: String, _ y: String) -> String? { levels(person("a:1", name: x), person("a:2", name: y))["name"] }
        #expect(level("王小明", "王小明") == "exact")
        #expect(level("陳偉", "陈伟") == "fold")
        #expect(level("阿依古丽•买买提", "阿依古丽·买买提") == "fold")
        #expect(level("王小明", "王晓明") == "pinyin")
        #expect(level("王小明", "王小敏") == "pinyin_edit:1")
        // One letter apart in the surname's reading (xu, hu) is another family.
        #expect(level("徐志强", "胡志强") == "different")
        #expect(level("王小明", "李建国") == "different")
        let d = MatchData(spec: .hukou)
        d.append(person("a:1", name: "欧阳靖宇"))
        #expect(d.blockingKeys(0).contains { $0.key == "surname_birth_sex:欧阳|1985-03-12|1" })
    }

    @Test func aVillageIsNamedWithinItsStation() throws {
        func level(_ x: String, _ y: String) -> String? {
            var a = person("a:1", village: "永红村委会"), b = person("a:2", village: "永红村委会")
            a["station"] = .string(x)
            b["station"] = .string(y)
            return levels(a, b)["village"]
        }
        #expect(level("分水派出所", "分水派出所") == "exact")
        // Two townships each with a 永红村委会: two villages.
        #expect(level("分水派出所", "中路铺派出所") == "different")
        // Without the station on one side, the name alone decides.
        #expect(level("分水派出所", "") == "exact")
        // Two people born the same day under two numbers of the county, in the two villages of
        // that name: the veto on different villages holds, as for any two villages.
        var a = person("a:1", name: "刘泽凯", id: validID("43032119870130145"), birth: "1987-01-30", household: "1", village: "永红村委会")
        var b = person("a:2", name: "刘泽凯", id: validID("43032119870130147"), birth: "1987-01-30", household: "2", village: "永红村委会")
        a["station"] = .string("分水派出所")
        b["station"] = .string("中路铺派出所")
        let model = MatchExplain.train([a, b], spec: .hukou)
        let text = MatchExplain.waterfall(a, b, spec: .hukou, model: model)
        #expect(text.contains("different (station differs) VETO"))
        #expect(text.contains("decision: never linked"))
    }

    @Test func keysFromNormalizeAreUsed() {
        var a = person("a:1", name: "张三"), b = person("a:2", name: "張叁")
        let k: JSONObject = ["name_fold": .string("张三"), "pinyin": .string("zhangsan"), "surname": .string("张"), "given": .string("三")]
        a["keys"] = .object(k)
        b["keys"] = .object(k)
        #expect(levels(a, b)["name"] == "fold")
    }

    @Test func badSpecsAreRefused() {
        #expect(throws: (any Error).self) { try SpecFile.parse("fields: []\nblocking: []\n", name: "x.yaml") }
        let bad = """
        fields:
          - {name: n, comparator: text, levels: [pinyin]}
        blocking:
          - {name: b, keys: [n]}
        """
        #expect(throws: (any Error).self) { try SpecFile.parse(bad, name: "x.yaml") }
        let badGiven = """
        fields:
          - {name: n, comparator: text, levels: [exact], given: nosuch}
        blocking:
          - {name: b, keys: [n]}
        """
        #expect(throws: (any Error).self) { try SpecFile.parse(badGiven, name: "x.yaml") }
    }
}

@Suite("match: the compact store")
struct MatchStoreTests {
    @Test func keyIdentitiesAreTheHashesOfTheKeyTexts() throws {
        // Values that must be sanitized (quote, backslash, control character), a legacy number,
        // a number no parser accepts, missing values, and a spec with `year`, `first:N` and two
        // multi-valued parts in one rule (every combination is a key).
        var records = [
            person("a:1", name: "欧阳靖宇", id: validID("43032119850312123")),
            person("a:2", name: "王\"小明", id: "430321850312123", birth: "1985-3-12"),
            person("a:3", name: "A\\B", id: "4.30321E+17", village: "白\u{1}石村"),
            person("a:4", name: "", id: "", birth: "", sex: "", village: ""),
            person("a:5", name: "\"", id: "43032119850312123X", birth: "19850312"),
        ]
        records[0]["keys"] = .object(["name_fold": .string("欧阳靖宇"), "pinyin": .string("ouyang\"jingyu"), "surname": .string("欧阳"), "given": .string("靖宇")])
        let yaml = """
        fields:
          - {name: name, comparator: chinese_name, levels: [exact]}
          - {name: id, field: id_number, comparator: id_number, levels: [exact]}
          - {name: birth, field: birth_date, comparator: date, levels: [exact]}
          - {name: village, comparator: exact, levels: [exact]}
        blocking:
          - {name: a, keys: ["name|pinyin", "birth|year", "village|first:2"]}
          - {name: b, keys: ["id|id_typo", "id|id_typo"]}
          - {name: c, keys: ["name|given", "id|id15", "name|fold"]}
          - {name: d, keys: ["name|surname", birth, village]}
        """
        for spec in [MatchSpec.hukou, try SpecFile.parse(yaml, name: "t.yaml")] {
            let d = MatchData(spec: spec)
            for r in records { d.append(r) }
            for i in 0..<d.count {
                #expect(d.keyIDs(i) == d.blockingKeys(i).map { keyID(rule: $0.rule, key: $0.key) }.sorted())
            }
            #expect(d.blockingKeys(0).filter { $0.rule == 1 }.count == (spec == .hukou ? 1 : 9))
        }
    }

    @Test func stringPoolInternsFindsAndGrows() {
        var pool = StringPool()
        #expect(pool.intern("") == 0)
        let words = (0..<20_000).map { "值\($0)·\($0 % 7)" }
        let ids = words.map { pool.intern($0) }
        #expect(Set(ids).count == words.count)
        #expect(words.map { pool.intern($0) } == ids)
        #expect(words.indices.allSatisfy { pool.string(ids[$0]) == words[$0] && pool.find(words[$0]) == ids[$0] })
        #expect(pool.find("没有") == nil)
        #expect(pool.count == words.count + 1)
        // A copy is a value: interning into it leaves the original as it was.
        var copy = pool
        let k = copy.intern("新")
        #expect(copy.find("新") == k && pool.find("新") == nil && pool.count == words.count + 1)
        #expect(pool.list.all == [""] + words)
    }

    @Test func plainIDNumbersReadFromTheirBytesAgreeWithTheGeneralPath() {
        // A trailing space sends a text down the general path (normalizeText removes it).
        let cases = [validID("43032119850312123"), "430321198503121230", "430321198503121000", validID("43032119850231123"),
                     "43032119850312123X", String(validID("43032119850312100").dropLast(3)) + "000", "430321198503121231"]
        for v in cases {
            let fast = IDFacts(v), slow = IDFacts(v + " ")
            #expect(fast.text == slow.text && fast.lost == slow.lost && fast.flags == slow.flags && fast.eighteen == slow.eighteen && fast.shared == slow.shared, "\(v)")
        }
    }

    @Test func radixSortIsAStableSortByKey() {
        var rng = SplitMix64(state: 7)
        var keys = (0..<50_000).map { _ in (rng.next() % 5_000) << (rng.next() % 2 == 0 ? 0 : 50) }
        var recs = (0..<Int32(keys.count)).map { $0 }
        let expected = zip(keys, recs).sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        MatchRun.radixSort(&keys, &recs)
        #expect(keys == expected.map(\.0) && recs == expected.map(\.1))
    }

    @Test func largeArraysGrowInPlaceAndCopyOnWrite() {
        var a = LargeArray<Int32>()
        // Past the huge-page threshold (4 MB at 1,048,576 values): a mapping, grown with mremap.
        for k in 0..<1_200_000 { a.append(Int32(k)) }
        let b = a
        a.append(-1)
        a[0] = 42
        #expect(a.count == 1_200_001 && b.count == 1_200_000)
        #expect(a[0] == 42 && b[0] == 0 && b[1_199_999] == 1_199_999 && a[1_200_000] == -1)
        #expect(b.elementsEqual(0..<1_200_000))
        var c = b
        c[1] = 7
        #expect(b[1] == 1 && c[1] == 7 && c.buffer.count == 1_200_000)
        var bytes = LargeArray<UInt8>()
        Array("户口".utf8).withUnsafeBufferPointer { bytes.append(contentsOf: $0) }
        #expect(Array(bytes) == Array("户口".utf8))
    }

    @Test func textListKeepsItsStrings() {
        var t = TextList(["a.csv:2", "", "户.xml:10"])
        t.append("b")
        #expect(t.count == 4 && t.all == ["a.csv:2", "", "户.xml:10", "b"] && t[2] == "户.xml:10")
    }
}

@Suite("match: end to end", .serialized)
struct MatchEndToEndTests {
    let county = "testdata/match/county.ndjson"

    @Test func smallCountyAccuracy() throws {
        let r = try sh("hukou match \(county)")
        #expect(r.status == 0, "\(r.stderr)")
        let truth = packageRoot.appendingPathComponent("testdata/match/county.truth.ndjson")
        let dup = try accuracy(findings: r.out, truth: truth, code: "DUPLICATE_REGISTRATION")
        #expect(dup.precision >= 0.99 && dup.recall >= 0.98, "duplicates: \(dup)")
        #expect(dup.decoys == 0, "decoys merged: \(dup.decoys)")
        let shared = try accuracy(findings: r.out, truth: truth, code: "ID_SHARED_BY_DIFFERENT_PERSONS")
        #expect(shared.precision >= 0.99 && shared.recall >= 0.99, "shared numbers: \(shared)")
        // Every record passes through, then the findings.
        let lines = r.out.split(separator: "\n")
        let input = try String(contentsOf: packageRoot.appendingPathComponent(county), encoding: .utf8).split(separator: "\n")
        #expect(Array(lines.prefix(input.count)) == input)
        #expect(lines.dropFirst(input.count).allSatisfy { $0.contains("\"kind\":\"finding\"") })
    }

    @Test func synthCountyAccuracy() throws {
        // synth → ingest → normalize → match → score: a small county with its truth.
        let dir = try makeTempDir()
        let r = try sh("""
            set -o pipefail
            hukou synth --seed 2 --persons 5000 --out \(dir.path)/c --quiet
            hukou ingest --quiet \(dir.path)/c/register_*.csv \(dir.path)/c/register_*.xml | hukou normalize --quiet \
              | hukou match | hukou score --truth \(dir.path)/c/truth.ndjson --json
            """)
        #expect(r.status == 0, "\(r.stderr)")
        let o = try JSONParser.parse(r.out).objectValue!
        func code(_ c: String) -> JSONObject? { o["codes"]?.arrayValue?.compactMap(\.objectValue).first { $0.string("code") == c } }
        let dup = try #require(code("DUPLICATE_REGISTRATION")), shared = try #require(code("ID_SHARED_BY_DIFFERENT_PERSONS"))
        // The issue's goal (precision ≥ 0.999, recall ≥ 0.9975): on 25 duplicates, none missed or wrong.
        #expect((dup["precision"]?.doubleValue ?? 0) >= 0.999 && (dup["recall"]?.doubleValue ?? 0) >= 0.9975, "\(dup)")
        #expect((shared["precision"]?.doubleValue ?? 0) >= 0.99 && (shared["recall"]?.doubleValue ?? 0) >= 0.99, "\(shared)")
        #expect(o["harmful"]?.intValue == 0)
        let decoys = o["decoys"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(!decoys.isEmpty && decoys.allSatisfy { $0["violated"]?.intValue == 0 }, "\(decoys)")
    }

    /// The keep rule counts a registration's village only within its township: of one person's
    /// three registrations in villages named 永红村委会, the two of 中路铺 agree and one of them is
    /// kept, not the earliest one in 分水's village of that name; the same through the three stages.
    @Test func theKeptRegistrationsVillageIsNamedWithinItsStation() throws {
        let dir = try makeTempDir()
        let id = validID("43032119870130145")
        let stations = ["分水派出所", "中路铺派出所", "中路铺派出所"]
        var lines = try String(contentsOf: packageRoot.appendingPathComponent(county), encoding: .utf8)
        for (k, station) in stations.enumerated() {
            var r = person("extra.csv:\(k + 2)", name: "欧阳靖宇", id: id, birth: "1987-01-30", household: "h90\(k)", village: "永红村委会")
            r["station"] = .string(station)
            lines += JSONWriter.string(r) + "\n"
        }
        try lines.write(to: dir.appendingPathComponent("in.ndjson"), atomically: true, encoding: .utf8)
        let refs = #""refs":["extra.csv:2","extra.csv:3","extra.csv:4"]"#
        let kept = #""keep":"extra.csv:3","keep_reason":"village agrees with the person's other registrations""#
        let match = try sh("hukou match --save-model m.json in.ndjson | grep -F '\(refs)'", in: dir)
        #expect(match.out.contains(kept), "\(match.out)")
        let piped = try sh("set -o pipefail; hukou block in.ndjson | LC_ALL=C sort | hukou \(scorePairs) --model m.json | hukou cluster | grep -F '\(refs)'", in: dir)
        #expect(piped.out == match.out)
    }

    @Test func threeStagesGiveTheSameFindingsAsMatch() throws {
        let dir = try makeTempDir()
        let trained = try sh("hukou match --save-model \(dir.path)/m.json \(county) | grep '\"kind\":\"finding\"'")
        let given = try sh("hukou match --model \(dir.path)/m.json \(county) | grep '\"kind\":\"finding\"'")
        let piped = try sh("set -o pipefail; hukou block \(county) | LC_ALL=C sort | hukou \(scorePairs) --model \(dir.path)/m.json | hukou cluster")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(!trained.out.isEmpty)
        #expect(trained.stdout == given.stdout)
        #expect(piped.stdout == given.stdout)
    }

    @Test func outputIsDeterministicAndModelsRoundTrip() throws {
        let dir = try makeTempDir()
        let a = try sh("hukou match --save-model \(dir.path)/a.json \(county)")
        let b = try sh("hukou match --save-model \(dir.path)/b.json \(county)")
        #expect(a.stdout == b.stdout)
        #expect(try Data(contentsOf: dir.appendingPathComponent("a.json")) == Data(contentsOf: dir.appendingPathComponent("b.json")))
        let m = try JSONParser.parse(String(contentsOf: dir.appendingPathComponent("a.json"), encoding: .utf8)).objectValue!
        let model = try MatchModel.parse(m, spec: .hukou)
        #expect(try MatchModel.parse(model.json(spec: .hukou), spec: .hukou) == model)
        // Cluster ids are content hashes: the same cluster gets the same id in another run.
        #expect(a.out.contains("\"cluster\":\"dup-"))
    }

    @Test func otherRecordsPassThroughAndStatsBalance() throws {
        let dir = try makeTempDir()
        let finding = #"{"kind":"finding","src":"x:1","code":"ID_BAD_CHECKSUM","refs":["x:1"]}"#
        try (finding + "\n").write(to: dir.appendingPathComponent("f.ndjson"), atomically: true, encoding: .utf8)
        let r = try sh("hukou match --stats \(dir.path)/f.ndjson \(county)")
        #expect(r.status == 0)
        #expect(r.out.hasPrefix(finding + "\n"))
        #expect(r.stderr.contains("hukou: match: blocking id_body:"))
        #expect(!containsUnmaskedIDNumber(r.stderr))
    }

    @Test func explainShowsTheFindingsWeights() throws {
        let dir = try makeTempDir()
        let r = try sh("hukou match --save-model \(dir.path)/m.json \(county) | grep DUPLICATE_REGISTRATION | head -n 1")
        let f = try JSONParser.parse(r.out).objectValue!
        let pair = f["pairs"]!.arrayValue![0].objectValue!
        let e = try sh("hukou explain --input \(county) --model \(dir.path)/m.json \(pair.string("a")!) \(pair.string("b")!)")
        #expect(e.status == 0, "\(e.stderr)")
        let w = formatDecimal(pair["weight"]!.doubleValue!, digits: 4)
        #expect(e.out.contains("total weight \(w),"), "\(e.out)")
        #expect(e.out.contains("decision: link"))
        let trained = try sh("hukou explain --input \(county) \(pair.string("a")!) \(pair.string("b")!)")
        #expect(trained.out == e.out)
        let missing = try sh("hukou explain a:1 a:2")
        #expect(missing.status == 64)
    }

    @Test func pairScoringChecksItsInput() throws {
        let noModel = try sh("hukou block \(county) | hukou \(scorePairs)")
        #expect(noModel.status == 64)
        let dir = try makeTempDir()
        _ = try sh("hukou match --save-model \(dir.path)/m.json \(county) > /dev/null")
        let unsorted = try sh("hukou block \(county) | hukou \(scorePairs) --model \(dir.path)/m.json")
        #expect(unsorted.status == 65)
        #expect(unsorted.stderr.contains("not sorted by key"))
        let wrongSpec = try sh("hukou match --spec testdata/match/people-en.yaml --model \(dir.path)/m.json \(county)")
        #expect(wrongSpec.status == 64)
    }

    @Test func genericSpecOnEnglishPeople() throws {
        let r = try sh("hukou match --spec testdata/match/people-en.yaml testdata/match/people-en.ndjson")
        #expect(r.status == 0, "\(r.stderr)")
        let dup = try accuracy(findings: r.out, truth: packageRoot.appendingPathComponent("testdata/match/people-en.truth.ndjson"), code: "DUPLICATE_REGISTRATION")
        #expect(dup.precision >= 0.95 && dup.recall >= 0.95, "\(dup)")
    }
}
