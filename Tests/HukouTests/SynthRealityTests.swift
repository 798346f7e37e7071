// Tests of the input realities synth plants besides the problem codes: birth dates recorded in
// the lunar calendar (rows and duplicates), rare characters written as private-use code points
// (register rows and duplicates, in the GB18030 bytes and in the XML), the pipeline finding
// them, and the bounded merge that keeps large lists in flat memory.
import Foundation
@testable import HukouCore
import HukouIO
import Testing

/// The lunar date of a solar date as (solar year in which the lunar year began, month, day),
/// computed here from the Chinese calendar's era and cyclic year, not as synth computes it.
func lunarOf(_ y: Int, _ m: Int, _ d: Int) -> (Int, Int, Int) {
    var g = Calendar(identifier: .gregorian)
    g.timeZone = TimeZone(identifier: "UTC")!
    var c = Calendar(identifier: .chinese)
    c.timeZone = g.timeZone
    let p = c.dateComponents([.era, .year, .month, .day], from: g.date(from: DateComponents(year: y, month: m, day: d, hour: 12))!)
    let newYear = c.date(from: DateComponents(era: p.era, year: p.year, month: 1, day: 1, hour: 12))!
    return (g.component(.year, from: newYear), p.month!, p.day!)
}

/// The five rare characters synth uses, from the vendored gb18030_pua_remap.tsv (user-defined
/// bytes, private-use code point, standard code point) with the standard character's GB18030
/// four-byte sequence (as Python's GB18030-2005 codec writes it).
let rareForms: [(user: [UInt8], pua: UInt32, standard: UInt32, four: [UInt8])] = [
    ([0xFE, 0x51], 0xE816, 0x20087, [0x95, 0x32, 0x90, 0x31]),
    ([0xFE, 0x53], 0xE818, 0x200CC, [0x95, 0x32, 0x97, 0x30]),
    ([0xFE, 0x6C], 0xE831, 0x215D7, [0x95, 0x36, 0xB9, 0x37]),
    ([0xFE, 0x76], 0xE83B, 0x2298F, [0x96, 0x30, 0xBA, 0x35]),
    ([0xFE, 0x91], 0xE855, 0x241FE, [0x96, 0x35, 0xB6, 0x30]),
]

/// How a register row writes its rare character, read from the file's bytes: the name field of
/// a CSV row (GB18030) or the `<姓名>` element of an XML person.
enum RareForm { case none, privateUse, standard }

func rareForm(dir: URL, src: String) throws -> RareForm {
    let parts = src.split(separator: ":")
    let file = String(parts[0].split(separator: "/").last!), line = Int(parts[1])!
    let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(file)))
    var name: [UInt8]
    if file.hasSuffix(".csv") {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for k in bytes.indices where bytes[k] == 10 { lines.append(bytes[start..<k]); start = k + 1 }
        name = Array(lines[line - 1].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)[1])
    } else {
        let text = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")[line]
        let r = text.range(of: "<姓名>")!, e = text.range(of: "</姓名>")!
        name = Array(text[r.upperBound..<e.lowerBound].utf8)
    }
    func has(_ needle: [UInt8]) -> Bool { name.count >= needle.count && (0...(name.count - needle.count)).contains { Array(name[$0..<$0 + needle.count]) == needle } }
    func utf8(_ v: UInt32) -> [UInt8] { Array(String(Unicode.Scalar(v)!).utf8) }
    for f in rareForms {
        if file.hasSuffix(".csv") {
            if has(f.user) { return .privateUse }
            if has(f.four) { return .standard }
        } else {
            if has(utf8(f.pua)) { return .privateUse }
            if has(utf8(f.standard)) { return .standard }
        }
    }
    return .none
}

@Suite("synth realities")
struct SynthRealityTests {
    static let county: URL = { try! SynthTests.make(seed: 3, persons: 6000, rate: 0.01) }()

    @Test func lunarDateKnownValues() {
        // Chinese New Year 1956 was 12 February: 24 January is the 12th day of the 12th month of 1955.
        let a = LunarDate(SynthDate(1956, 1, 24))!
        #expect((a.year, a.month, a.day, a.leap) == (1955, 12, 12, false))
        #expect(a.asWritten == SynthDate(1955, 12, 12))
        // 2023 had a leap 2nd month (22 March – 19 April): numeric exports write it as month 2.
        let b = LunarDate(SynthDate(2023, 4, 1))!
        #expect((b.year, b.month, b.day, b.leap) == (2023, 2, 11, true) && b.label == "2023-闰02-11")
        #expect(LunarDate(SynthDate(1890, 5, 1)) == nil)
        for (y, m, d) in [(1956, 1, 24), (2023, 4, 1), (1970, 2, 5), (1949, 10, 1)] {
            let l = LunarDate(SynthDate(y, m, d))!
            #expect(lunarOf(y, m, d) == (l.year, l.month, l.day))
        }
    }

    /// A lunar row's birth field is the lunar date of the number's (solar) date, and its truth is
    /// ID_BIRTHDATE_MISMATCH on that row; a duplicate under a second number carries the lunar
    /// date in both its birth field and its number.
    @Test func lunarRowsAreTheLunarDateOfTheNumber() throws {
        let dir = SynthRealityTests.county
        let (rows, _, _) = try readSynthFolder(dir, display: dir.path + "/")
        let truth = try readTruth(dir.appendingPathComponent("truth.ndjson"))
        func idDate(_ r: SynthRow) -> (Int, Int, Int) {
            let n = IDNumber(IDNumber.normalizeText(r["公民身份号码"]))!
            let p = n.birthISO.split(separator: "-").map { Int($0)! }
            return (p[0], p[1], p[2])
        }
        var rowsSeen = 0, sameNumber = 0, twoNumbers = 0
        for t in truth {
            let refs = (t["refs"]?.arrayValue ?? []).compactMap(\.stringValue), note = t.text("note")
            if t.text("code") == ProblemCode.idBirthdateMismatch.rawValue && note.contains("lunar calendar") {
                let r = try #require(rows[refs[0]])
                let written = try #require(parseSynthDate(r["出生日期"]))
                let (y, m, d) = idDate(r)
                #expect(written == lunarOf(y, m, d), "\(refs[0]): \(r["出生日期"]) is not the lunar date of \(y)-\(m)-\(d)")
                #expect(refs.count == 1)
                rowsSeen += 1
            }
            guard t.text("code") == ProblemCode.duplicateRegistration.rawValue else { continue }
            if note.contains("birth date in the lunar calendar") {
                sameNumber += 1
                #expect(truth.contains { $0.text("code") == ProblemCode.idBirthdateMismatch.rawValue && $0["refs"]?.arrayValue?.first?.stringValue == refs[1] })
            } else if note.contains("lunar birth date") {
                let a = try #require(rows[refs[0]]), b = try #require(rows[refs[1]])
                let (y, m, d) = idDate(a)
                #expect(idDate(b) == lunarOf(y, m, d) && parseSynthDate(b["出生日期"])! == lunarOf(y, m, d))
                twoNumbers += 1
            }
        }
        #expect(rowsSeen >= 10 && sameNumber >= 1 && twoNumbers >= 1, "\(rowsSeen) lunar rows, \(sameNumber) + \(twoNumbers) lunar duplicates")
    }

    /// Duplicates with a rare character: one copy private-use, the other standard, in the bytes of
    /// the GB18030 file or the XML; rows outside duplicates carry either form too; and glibc, which
    /// `hukou ingest` decodes with, reads both GB18030 forms as the standard character.
    @Test func rareCharactersInBothForms() throws {
        let dir = SynthRealityTests.county
        let truth = try readTruth(dir.appendingPathComponent("truth.ndjson"))
        var pairs = 0, xmlPUA = 0
        for t in truth where t.text("code") == ProblemCode.duplicateRegistration.rawValue && t.text("note").contains("private-use") {
            let refs = (t["refs"]?.arrayValue ?? []).compactMap(\.stringValue)
            let forms = try refs.map { try rareForm(dir: dir, src: $0) }
            let firstPUA = t.text("note").contains("in the first registration")
            #expect(forms == (firstPUA ? [.privateUse, .standard] : [.standard, .privateUse]), "\(refs): \(forms)")
            #expect(Set(refs.map { $0.hasSuffix(".xml") || $0.contains(".xml:") }).count == 2, "one copy in the XML, one in a CSV: \(refs)")
            pairs += 1
            if zip(refs, forms).contains(where: { $0.0.contains(".xml:") && $0.1 == .privateUse }) { xmlPUA += 1 }
        }
        // Pairs whose private-use copy is in the XML are the ones that reach normalize as such.
        #expect(pairs >= 3 && xmlPUA >= 1, "\(pairs) pairs, \(xmlPUA) with the private-use copy in the XML")
        let (rows, _, order) = try readSynthFolder(dir, display: dir.path + "/")
        var csvPUA = 0, csvStandard = 0
        for src in order where src.contains(".csv:") {
            switch try rareForm(dir: dir, src: src) {
            case .privateUse: csvPUA += 1
            case .standard: csvStandard += 1
            case .none: continue
            }
            // Decoded with glibc, the name holds the standard character and no private-use one.
            let scalars = rows[src]!["姓名"].unicodeScalars.map(\.value)
            #expect(scalars.contains { v in rareForms.contains { $0.standard == v } } && !scalars.contains { $0 >= 0xE000 && $0 < 0xF900 })
        }
        #expect(csvPUA >= 2 && csvStandard >= 1, "\(csvPUA) private-use and \(csvStandard) standard rare names in the CSV exports")
        // glibc reads both byte forms as the standard character (a GB18030-2005 reader such as
        // Python's reads the user-defined bytes as the private-use code point).
        for f in rareForms {
            #expect(try decodeGB18030(f.four).unicodeScalars.map(\.value) == [f.standard])
            #expect(try decodeGB18030(f.user).unicodeScalars.map(\.value) == [f.standard])
        }
    }

    /// The pipeline finds what was planted: validate reports every lunar row, normalize leaves
    /// no private-use code point, and match joins every lunar and private-use duplicate.
    @Test func pipelineFindsLunarAndPrivateUse() throws {
        let dir = SynthRealityTests.county
        let r = try sh("""
            set -o pipefail
            hukou ingest --quiet \(dir.path)/register_*.csv \(dir.path)/register_*.xml | hukou normalize --quiet \
              | hukou validate --quiet --as-of 2026-11-01 | hukou match --quiet
            """)
        #expect(r.status == 0, "\(r.stderr)")
        var findings: [(code: String, refs: Set<String>)] = []
        for line in r.out.split(separator: "\n") {
            let rec = try JSONParser.parse(String(line)).objectValue!
            if rec.kind == "finding" {
                findings.append((rec.text("code"), Set((rec["refs"]?.arrayValue ?? []).compactMap(\.stringValue))))
            } else if rec.kind == "person" {
                #expect(!rec.text("name").unicodeScalars.contains { $0.value >= 0xE000 && $0.value < 0xF900 }, "\(rec.src): private-use code point after normalize")
            }
        }
        let truth = try readTruth(dir.appendingPathComponent("truth.ndjson"))
        var checked = 0
        for t in truth {
            let refs = Set((t["refs"]?.arrayValue ?? []).compactMap(\.stringValue)), note = t.text("note"), code = t.text("code")
            let lunarRow = code == ProblemCode.idBirthdateMismatch.rawValue && note.contains("lunar calendar")
            let variant = code == ProblemCode.duplicateRegistration.rawValue && (note.contains("lunar") || note.contains("private-use"))
            guard lunarRow || variant else { continue }
            #expect(findings.contains { $0.code == code && refs.isSubset(of: $0.refs) }, "\(code) \(refs.sorted()) not found (\(note))")
            checked += 1
        }
        #expect(checked >= 15)
    }

    /// Lists spill sorted runs and merge them with a bounded fan-in (runs merged into longer runs
    /// first): the bytes and the truth are those of one in-memory sort.
    @Test func listMergeWithBoundedFanIn() throws {
        func write(runBytes: Int, fanIn: Int) throws -> (list: String, truth: String, leftovers: [String]) {
            let dir = try makeTempDir()
            let list = AgencyList(file: "deaths.csv", header: ["姓名", "死亡日期"], encoding: "GB18030", bom: false, crlf: true,
                                  dir: dir.path, runBytes: runBytes, fanIn: fanIn)
            var rng = SynthRandom(seed: 7)
            for k in 0..<3000 {
                let d = SynthDate(days: 19_000 + rng.below(400))
                try list.add(date: d, fields: ["张\(k)", d.iso], person: k % 3 == 0 ? "r.csv:\(k + 2)" : nil,
                             codes: k % 3 == 0 ? [ProblemCode.deceased.rawValue] : [], note: "n\(k)")
            }
            let truth = try TruthWriter(path: dir.path + "/truth.ndjson")
            #expect(try list.write(display: "D/", truth: truth) == 3000)
            try truth.close()
            let text = try decodeGB18030([UInt8](try Data(contentsOf: dir.appendingPathComponent("deaths.csv"))))
            let t = try String(contentsOf: dir.appendingPathComponent("truth.ndjson"), encoding: .utf8)
            let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".run") }
            return (text, t, left)
        }
        let memory = try write(runBytes: 1 << 30, fanIn: 16)
        let spilled = try write(runBytes: 2_000, fanIn: 3)   // ~100 runs, merged three at a time
        #expect(spilled.list == memory.list && spilled.truth == memory.truth)
        #expect(memory.leftovers.isEmpty && spilled.leftovers.isEmpty)
        let dates = memory.list.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }.map { $0.split(separator: ",")[1] }
        #expect(dates == dates.sorted() && dates.count == 3000)
    }
}
