// Tests of `hukou synth`'s generator: same seed same bytes, every problem code planted, truth
// refs that point at rows showing exactly the planted problem, clean rows that are clean, and
// GB18030 that really is GB18030.
import Foundation
import HukouCore
import HukouIO
import Testing

/// A register row read back from synth's own files, by its src.
struct SynthRow {
    var src: String
    var fields: [String: String]
    subscript(_ k: String) -> String { fields[k] ?? "" }
}

/// Decodes a GB18030 file.
func decodeGB18030(_ bytes: [UInt8]) throws -> String {
    let c = Iconv(from: "GB18030", to: "UTF-8")!
    var out: [UInt8] = []
    try bytes.withUnsafeBytes { try c.convert($0, final: true, into: &out) }
    return String(decoding: out, as: UTF8.self)
}

/// Reads every register row (CSV and XML) and list line of a synth folder, keyed by src.
func readSynthFolder(_ dir: URL, display: String) throws -> (rows: [String: SynthRow], lists: Set<String>, order: [String]) {
    var rows: [String: SynthRow] = [:]
    var order: [String] = []
    var lists: Set<String> = []
    let xmlTags = ["姓名": "姓名", "性别": "性别", "民族": "民族", "出生日期": "出生日期", "公民身份号码": "公民身份号码",
                   "与户主关系": "与户主关系", "村居委会": "村(居)委会", "村民小组": "村民小组", "住址": "住址"]
    for f in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
        let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(f)))
        if f.hasPrefix("register_") && f.hasSuffix(".csv") {
            let lines = try decodeGB18030(bytes).components(separatedBy: "\r\n")
            let header = lines[0].components(separatedBy: ",")
            for (k, line) in lines.enumerated().dropFirst() where !line.isEmpty {
                let src = "\(display)\(f):\(k + 1)"
                rows[src] = SynthRow(src: src, fields: Dictionary(uniqueKeysWithValues: zip(header, line.components(separatedBy: ","))))
                order.append(src)
            }
        } else if f.hasSuffix(".xml") {
            var household = ""
            var current: SynthRow?
            for (k, line) in String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n").enumerated() {
                if let r = line.range(of: "户号=\"") { household = String(line[r.upperBound...].prefix { $0 != "\"" }) }
                if line.contains("<人员>") { current = SynthRow(src: "\(display)\(f):\(k + 1)", fields: ["户号": household]) }
                var rest = Substring(line)
                while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
                    let tag = String(rest[rest.index(after: open)..<close])
                    let after = rest[rest.index(after: close)...]
                    if let end = after.range(of: "</\(tag)>"), let name = xmlTags[tag] {
                        current?.fields[name] = String(after[..<end.lowerBound])
                        rest = after[end.upperBound...]
                    } else {
                        rest = after
                    }
                }
                if line.contains("</人员>"), let c = current { rows[c.src] = c; order.append(c.src); current = nil }
            }
        } else if f.hasSuffix(".csv") {
            // Line feeds counted on bytes (a Swift Character holds CR LF as one).
            let n = bytes.filter { $0 == 10 }.count
            for k in 2..<max(2, n + 1) { lists.insert("\(display)\(f):\(k)") }
        }
    }
    return (rows, lists, order)
}

/// The dates synth writes, back to a date (nil when the text is no date).
func parseSynthDate(_ s: String) -> (Int, Int, Int)? {
    var parts: [Int] = []
    if s.count == 8, let v = Int(s) { parts = [v / 10000, v / 100 % 100, v % 100] } else {
        parts = s.split(whereSeparator: { "-/.年月日".contains($0) }).compactMap { Int($0) }
    }
    guard parts.count == 3, isRealDate(year: parts[0], month: parts[1], day: parts[2]) else { return nil }
    return (parts[0], parts[1], parts[2])
}

func readTruth(_ url: URL) throws -> [Record] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(String($0)).objectValue! }
}

@Suite("synth")
struct SynthTests {
    static func make(seed: UInt64 = 1, persons: Int = 3000, county: String = "430321", rate: Double = 0.005) throws -> URL {
        let dir = try makeTempDir()
        _ = try Synthesizer(SynthOptions(seed: seed, persons: persons, outDir: dir.path, county: county, problemRate: rate)).run()
        return dir
    }

    static func files(_ dir: URL) throws -> [String: Data] {
        var d: [String: Data] = [:]
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) { d[f] = try Data(contentsOf: dir.appendingPathComponent(f)) }
        return d
    }

    @Test func sameSeedSameBytes() throws {
        let a = try SynthTests.make(seed: 42, persons: 1500), b = try SynthTests.make(seed: 42, persons: 1500)
        let c = try SynthTests.make(seed: 43, persons: 1500)
        let fa = try SynthTests.files(a), fb = try SynthTests.files(b), fc = try SynthTests.files(c)
        #expect(fa.keys.sorted() == fb.keys.sorted())
        #expect(fa.count == 9)  // three townships, four lists, truth, README
        // truth and README cite the folder, which differs between the two runs
        func local(_ d: Data?, _ dir: URL) -> String { String(decoding: d ?? Data(), as: UTF8.self).replacingOccurrences(of: dir.path, with: "DIR") }
        for (k, v) in fa { #expect(local(fb[k], b) == local(v, a), "\(k) differs between two runs with the same seed") }
        #expect(fa["truth.ndjson"] != fc["truth.ndjson"])
        #expect(fa.keys.filter { $0.hasPrefix("register_") }.allSatisfy { fa[$0] != fc[$0] })
    }

    @Test func everyCodeIsPlanted() throws {
        let dir = try SynthTests.make(persons: 2500)
        let truth = try readTruth(dir.appendingPathComponent("truth.ndjson"))
        let codes = Set(truth.map { $0.text("code") })
        for c in ProblemCode.allCases { #expect(codes.contains(c.rawValue), "no \(c.rawValue) planted") }
        for c in DecoyCode.allCases { #expect(codes.contains(c.rawValue), "no \(c.rawValue) planted") }
        let readme = try String(contentsOf: dir.appendingPathComponent("README.txt"), encoding: .utf8)
        #expect(readme.contains("hukou synth --seed 1 --persons 2500"))
    }

    /// Every truth ref is a row; each row shows the problem its code names, and rows without an
    /// ID truth carry valid numbers that agree with their birth date and sex.
    @Test(arguments: ["430321", "654022"])
    func truthPointsAtTheRightRows(county: String) throws {
        let dir = try SynthTests.make(seed: 3, persons: 4000, county: county, rate: 0.01)
        let display = dir.path + "/"
        let (rows, lists, order) = try readSynthFolder(dir, display: display)
        #expect(rows.count >= 4000)
        let truth = try readTruth(dir.appendingPathComponent("truth.ndjson"))
        var idTruth: Set<String> = []
        var invalid: Set<String> = []
        var sharedOrDup: [String: String] = [:]
        for t in truth {
            let code = t.text("code")
            let refs = (t["refs"]?.arrayValue ?? []).compactMap(\.stringValue)
            #expect(!refs.isEmpty)
            for r in refs { #expect(rows[r] != nil || lists.contains(r), "\(code): \(r) is no row") }
            let row = rows[refs[0]]
            let id = IDNumber.normalizeText(row?["公民身份号码"] ?? "")
            switch code {
            case ProblemCode.idBadChecksum.rawValue:
                #expect(IDNumber(id)?.checksumValid == false && !IDNumber.looksExcelCorrupted(id))
            case ProblemCode.id15.rawValue: #expect(id.count == 15 && IDNumber(id) != nil)
            case ProblemCode.idMissing.rawValue: #expect(id.isEmpty)
            case ProblemCode.idExcel.rawValue: #expect(IDNumber.looksExcelCorrupted(id))
            case ProblemCode.idUnknownRegion.rawValue:
                #expect(IDNumber(id)?.checksumValid == true && Tables.divisions[String(id.prefix(6))] == nil)
            case ProblemCode.idSexMismatch.rawValue:
                let sex = row!["性别"] == "男" || row!["性别"] == "1" ? "1" : "2"
                #expect(IDNumber(id)!.sexCode != sex)
            case ProblemCode.idBirthdateMismatch.rawValue:
                let n = IDNumber(id)!.eighteen
                let d = parseSynthDate(row!["出生日期"])!
                #expect(IDNumber(n)!.birthISO != isoDate(d.0, d.1, d.2))
            case ProblemCode.fieldInvalid.rawValue:
                invalid.insert(refs[0])
                let field = t.text("field")
                #expect(["ethnicity", "relation", "birth_date"].contains(field))
                if field == "birth_date" { #expect(parseSynthDate(row!["出生日期"]) == nil) }
            case ProblemCode.idShared.rawValue:
                let a = rows[refs[0]]!, b = rows[refs[1]]!
                #expect(IDNumber.normalizeText(a["公民身份号码"]) == IDNumber.normalizeText(b["公民身份号码"]))
                #expect(a["姓名"] != b["姓名"])
                for r in refs { sharedOrDup[r] = code }
            case ProblemCode.duplicateRegistration.rawValue:
                #expect(refs.count == 2 && refs.allSatisfy { rows[$0] != nil })
                for r in refs { sharedOrDup[r] = code }
            case ProblemCode.householdWithoutHead.rawValue, ProblemCode.householdMultipleHeads.rawValue:
                let members = refs.map { rows[$0]! }
                #expect(Set(members.map { $0["户号"] }).count == 1)
                let heads = members.filter { $0["与户主关系"] == "户主" }.count
                #expect(code == ProblemCode.householdWithoutHead.rawValue ? heads == 0 : heads >= 2)
                // refs are the whole household: every row with that number in that file
                let file = refs[0].split(separator: ":").first!
                let all = order.filter { $0.hasPrefix(file + ":") && rows[$0]!["户号"] == members[0]["户号"] }
                #expect(Set(all) == Set(refs))
            case ProblemCode.deceased.rawValue, ProblemCode.enlisted.rawValue, ProblemCode.emigrated.rawValue:
                #expect(rows[refs[0]] != nil && lists.contains(refs[1]) && t.text("person") == refs[0])
            case ProblemCode.birthNotRegistered.rawValue, ProblemCode.birthOutOfPolicy.rawValue:
                #expect(refs.count == 1 && refs[0].contains("births.csv:"))
            default: break
            }
            if code.hasPrefix("ID_") && code != ProblemCode.idShared.rawValue { idTruth.insert(refs[0]) }
        }
        // Clean rows: valid numbers that agree with the row, and no number held twice by accident.
        var holders: [String: [String]] = [:]
        for src in order where !idTruth.contains(src) {
            let r = rows[src]!
            let id = IDNumber.normalizeText(r["公民身份号码"])
            guard let n = IDNumber(id), n.checksumValid else { Issue.record("\(src): invalid number with no truth"); continue }
            #expect(Tables.divisions[n.region] != nil)
            if !invalid.contains(src) {
                let d = parseSynthDate(r["出生日期"])!
                #expect(n.birthISO == isoDate(d.0, d.1, d.2), "\(src): birth date disagrees with the number")
            }
            let sex = r["性别"] == "男" || r["性别"] == "1" ? "1" : "2"
            #expect(n.sexCode == sex, "\(src): sex disagrees with the number")
            holders[n.eighteen, default: []].append(src)
        }
        for (_, srcs) in holders where srcs.count > 1 {
            #expect(srcs.allSatisfy { sharedOrDup[$0] != nil }, "a number held by \(srcs.count) rows with no truth")
        }
        // Households without a truth have exactly one head.
        let flagged = Set(truth.filter { $0.text("code").hasPrefix("HOUSEHOLD_") }.flatMap { ($0["refs"]?.arrayValue ?? []).compactMap(\.stringValue) })
        var heads: [String: Int] = [:]
        for src in order where !flagged.contains(src) {
            let key = String(src.split(separator: ":").first!) + "#" + rows[src]!["户号"]
            heads[key, default: 0] += rows[src]!["与户主关系"] == "户主" ? 1 : 0
        }
        #expect(heads.values.allSatisfy { $0 == 1 })
    }

    @Test func gb18030IsReallyGB18030() throws {
        let dir = try SynthTests.make(persons: 600, county: "654022")
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) where f.hasPrefix("register_") && f.hasSuffix(".csv") || f == "deaths.csv" {
            let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(f)))
            #expect(String(validating: bytes, as: UTF8.self) == nil, "\(f) decodes as UTF-8")
            let text = try decodeGB18030(bytes)
            #expect(text.contains("\r\n"))
            if f.hasPrefix("register_") {
                #expect(text.hasPrefix("户号,姓名,性别,民族,出生日期,公民身份号码,与户主关系,村(居)委会,村民小组,住址,文化程度,婚姻状况,派出所\r\n"))
                // The name dot U+00B7 is GB18030 A1A4 (not GB2312's reading, U+30FB).
                if text.contains("·") { #expect(bytes.indices.dropLast().contains { bytes[$0] == 0xA1 && bytes[$0 + 1] == 0xA4 }) }
            }
        }
        let births = [UInt8](try Data(contentsOf: dir.appendingPathComponent("births.csv")))
        #expect(Array(births.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let names = try readSynthFolder(dir, display: "").rows.values.map { $0["姓名"] }
        #expect(names.contains { $0.contains("·") }, "654022 has transliterated names with a middle dot")
    }

    @Test func idsAndNames() throws {
        var ids = IDMaker(county: "430321")
        #expect(ids.olderCodes.map(\.code).contains("432121"))
        #expect(!ids.unknownCodes.isEmpty && ids.unknownCodes.allSatisfy { Tables.divisions[$0] == nil })
        let d = SynthDate(1985, 3, 12)
        var seen: Set<String> = []
        for k in 0..<600 {
            guard let id = ids.issue(region: "430321", birth: d, sex: k % 2 + 1) else { #expect(k >= 998); break }
            let n = IDNumber(id)!
            #expect(n.checksumValid && n.birthISO == "1985-03-12" && n.sexCode == String(k % 2 + 1))
            #expect(seen.insert(id).inserted)
        }
        var rng = SynthRandom(seed: 5)
        for _ in 0..<200 {
            let id = ids.issue(region: "430321", birth: SynthDate(1970, 1, 1 + rng.below(28)), sex: 1 + rng.below(2))!
            #expect(IDNumber(IDMaker.badChecksum(id, &rng))?.checksumValid == false)
            #expect(IDNumber(IDMaker.typoInSequence(id, &rng))?.checksumValid == false)
            #expect(IDNumber.looksExcelCorrupted(IDMaker.excel(id, &rng)))
            #expect(IDNumber(IDMaker.listTypo(id, &rng))?.checksumValid == false)
            #expect(IDNumber(IDMaker.fifteen(id)!)!.eighteen == id)
        }
        #expect(IDMaker.excel("430321198503121234", &rng).hasPrefix("4.30321E+17") || IDMaker.excel("430321198503121234", &rng).hasSuffix("000"))
        let names = NameMaker()
        var r2 = SynthRandom(seed: 9)
        let h = names.homophone("王晓明", &r2)!
        #expect(h != "王晓明" && h.hasPrefix("王"))
        #expect(zip(h, "王晓明").allSatisfy { a, b in a == b || names.toneless(a) == names.toneless(b) })
        #expect(names.variant("古丽·买买提", &r2)!.0.contains("·") == false)
    }
}

/// End to end: `hukou synth`, then `hukou ingest` of every file by the path truth cites; every
/// truth ref is the src of an ingested record, and the records show the planted problems.
@Suite("synth → ingest")
struct SynthIngestTests {
    @Test func truthRefsAreIngestSrcs() throws {
        let dir = try makeTempDir()
        let r = try sh("""
            cd '\(dir.path)' && hukou synth --seed 11 --persons 2000 --out c --quiet && \
            hukou ingest c/register_*.csv c/register_*.xml && \
            hukou ingest --as death c/deaths.csv && hukou ingest --as enlistment c/enlistments.csv && \
            hukou ingest --as emigration c/emigrations.csv && hukou ingest --as birth c/births.csv
            """)
        #expect(r.status == 0, "\(r.stderr)")
        var bySrc: [String: Record] = [:]
        for line in r.out.split(separator: "\n") {
            let rec = try JSONParser.parse(String(line)).objectValue!
            #expect(bySrc.updateValue(rec, forKey: rec.src) == nil, "two records with src \(rec.src)")
        }
        let persons = bySrc.values.filter { $0.kind == "person" }.count
        let readme = try String(contentsOf: dir.appendingPathComponent("c/README.txt"), encoding: .utf8)
        #expect(readme.contains("Persons in the register: \(persons) in"))
        let truth = try readTruth(dir.appendingPathComponent("c/truth.ndjson"))
        #expect(truth.count > 100)
        for t in truth {
            let refs = (t["refs"]?.arrayValue ?? []).compactMap(\.stringValue)
            for ref in refs { #expect(bySrc[ref] != nil, "\(t.text("code")): \(ref) is not the src of an ingested record") }
            guard let first = bySrc[refs[0]] else { continue }
            let id = IDNumber.normalizeText(first.text("id_number"))
            switch t.text("code") {
            case ProblemCode.idMissing.rawValue: #expect(id.isEmpty && first.kind == "person")
            case ProblemCode.id15.rawValue: #expect(id.count == 15)
            case ProblemCode.idExcel.rawValue: #expect(IDNumber.looksExcelCorrupted(id))
            case ProblemCode.idBadChecksum.rawValue: #expect(IDNumber(id)?.checksumValid == false)
            case ProblemCode.deceased.rawValue: #expect(bySrc[refs[1]]?.kind == "death" && first.kind == "person")
            case ProblemCode.enlisted.rawValue: #expect(bySrc[refs[1]]?.kind == "enlistment")
            case ProblemCode.emigrated.rawValue: #expect(bySrc[refs[1]]?.kind == "emigration")
            case ProblemCode.birthNotRegistered.rawValue: #expect(first.kind == "birth")
            case ProblemCode.householdWithoutHead.rawValue, ProblemCode.householdMultipleHeads.rawValue:
                #expect(Set(refs.map { bySrc[$0]!.text("household") }).count == 1)
            case DecoyCode.death.rawValue:
                let dead = bySrc[refs[1]]!, living = first
                #expect(dead.text("name") == living.text("name") && dead.text("id_number") != living.text("id_number"))
            default: break
            }
        }
    }
}
