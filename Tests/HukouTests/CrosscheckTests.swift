// Unit tests of the cross-check comparisons, the order numbers and dates, and the report helpers.
import Foundation
import Testing
import HukouCore
import HukouIO

@Suite("crosscheck, orders, report")
struct CrosscheckTests {
    @Test func idRelations() {
        let a = "11010519491231002X"
        #expect(IDCompare.relation(a, a) == .same)
        #expect(IDCompare.relation("610104620927690", "610104196209276908") == .same)      // 15/18 twin
        #expect(IDCompare.relation("610104196209276908", "610104620927690") == .same)
        #expect(IDCompare.relation("110105194912310021", a) == .typo)                    // check character typed wrong
        #expect(IDCompare.relation("11010519491213002X", a) == .typo)                    // adjacent digits swapped
        #expect(IDCompare.relation("110105194912310048", a) == .different)               // another person's valid number
        #expect(IDCompare.relation("", a) == .missing)
        #expect(IDCompare.isValid(a) && !IDCompare.isValid("110105194912310021"))
    }

    @Test func nameRelations() {
        #expect(NameKey.relation("陳建國", "陈建国") == .same)
        #expect(NameKey.relation("买买提•艾力", "买买提·艾力") == .same)
        #expect(NameKey.relation("买买提艾力", "买买提·艾力") == .same)
        #expect(NameKey.relation("王 伟", "王伟") == .same)
        #expect(NameKey.relation("张晓明", "张小明") == .homophone)
        #expect(NameKey.relation("陈建华", "陈建国") == .different)
        #expect(NameKey.pinyin("王伟") == "wangwei")
    }

    @Test func listDatesAndCodes() {
        for s in ["1985-03-12", "1985/3/12", "19850312", "1985年3月12日", "1985.3.12", "1985-03-12 10:00"] {
            #expect(ListValue.isoDate(s) == "1985-03-12", "\(s)")
        }
        #expect(ListValue.isoDate("1985-02-30") == nil)
        #expect(ListValue.isoDate("44810") == "2022-09-06")
        #expect(ListValue.isoDate("") == nil)
        #expect(ListValue.sexCode("女") == "2" && ListValue.sexCode("1") == "1" && ListValue.sexCode("?") == "")
        #expect(ListValue.isOutOfPolicy("政策外") && !ListValue.isOutOfPolicy("是") && !ListValue.isOutOfPolicy(""))
        #expect(ListValue.years(from: "2006-09-02", to: "2024-09-01") == 17)
        #expect(ListValue.years(from: "2006-09-01", to: "2024-09-01") == 18)
    }

    @Test func datesAndNaturalOrder() {
        #expect(Dates.adding(days: 30, to: "2026-11-01") == "2026-12-01")
        #expect(Dates.adding(days: 1, to: "2024-02-28") == "2024-02-29")
        #expect(Dates.adding(days: 366, to: "1999-12-31") == "2000-12-31")
        #expect(Dates.days("1970-01-01") == 0)
        #expect(naturalLess("第2组", "第10组") && !naturalLess("第10组", "第2组") && naturalLess("第1组", "第1组a"))
    }

    @Test func orderNumbersComeFromContent() {
        let a = OrderNumber.make(action: "cancel", identity: "cancel|death|id:11010519491231002X")
        #expect(a == OrderNumber.make(action: "cancel", identity: "cancel|death|id:11010519491231002X"))
        #expect(a.hasPrefix("HK-C-") && a.count == 17)
        let b = OrderNumber.make(action: "cancel", identity: "cancel|death|id:11010519491231002Y")
        #expect(a.suffix(12).commonPrefix(with: b.suffix(12)).count < 4)
    }

    @Test func masksIDsInText() {
        #expect(ReportBuilder.maskIDs(in: "号码11010519491231002X，户号430321000101") == "号码1101051949******2X，户号430321000101")
        #expect(ReportBuilder.maskIDs(in: "610104620927690") == "6101046209***90")
    }

    @Test func decoyIsNeverCancelled() {
        // The register holds 王芳 born 1960-04-04; the death list holds another 王芳 of the same
        // birth date with another valid number: no link at all.
        var p = Record.make(kind: "person", src: "r:2")
        for (k, v) in [("household", "1"), ("name", "王芳"), ("sex", "2"), ("birth_date", "1960-04-04"), ("id_number", "430321196004043020"), ("village", "v"), ("group", "g"), ("station", "s")] { p.append(k, .string(v)) }
        var d = Record.make(kind: "death", src: "d:2")
        for (k, v) in [("name", "王芳"), ("sex", "女"), ("id_number", "43032119600404308X"), ("death_date", "2024-08-07")] { d.append(k, .string(v)) }
        let e = CrosscheckEngine(lists: [d], config: CrosscheckConfig())
        e.observe(p)
        let out = e.decide().records
        #expect(out.count == 1 && out[0].kind == "unmatched")
    }

    @Test func packedStoreAndArena() {
        let s = PackedStore()
        s.add("a.csv:2", ["王伟", "", "430321198503121234"])
        s.add("a.csv:3", ["李娜"])
        s.add("a.csv:2", ["王伟", "x"])
        #expect(s.get("a.csv:2") == ["王伟", "x"])
        #expect(s.get("a.csv:3") == ["李娜"])
        #expect(s.get("a.csv:4") == nil)
        #expect(s.count == 2)
        var a = TextArena()
        let p = a.append(["src", "", "a,b"])
        let q = a.append([""])
        #expect(a.get(p) == ["src", "", "a,b"])
        #expect(a.get(q) == [""])
    }

    @Test func byteArenaSpillsToATemporaryFileAndReadsBack() throws {
        // Chunks of 64 bytes: most blobs are read back from the file, some through one window,
        // some across windows; a blob larger than a chunk gets one of its own.
        let dir = FileManager.default.temporaryDirectory.path
        let spilled = ByteArena(spillDirectory: dir, chunkSize: 64)
        let memory = ByteArena(chunkSize: 64)
        #expect(spilled.spills && !memory.spills)
        var texts: [String] = []
        for k in 0..<3000 { texts.append(String(repeating: "王伟\(k)", count: k % 7) + (k == 1500 ? String(repeating: "x", count: 20000) : "")) }
        let a = texts.map { spilled.append($0) }, b = texts.map { memory.append($0) }
        for k in [2999, 0, 1500, 17, 2998, 1, 1499] + Array(0..<3000) {
            #expect(spilled.string(a[k]) == texts[k])
            #expect(memory.string(b[k]) == texts[k])
        }
        var r = Record.make(kind: "finding", src: "a.csv:2")
        r.append("weight", .double(12.5, digits: 1))
        r.append("entry", .object(["name": .string("王\"伟\u{1F}"), "n": .array([.null, .bool(true)])]))
        let w = JSONWriter()
        let at = spilled.append(r, w)
        _ = spilled.append(String(repeating: "y", count: 200))
        #expect(spilled.record(at) == r)
        // Nothing is left in the directory: the file was unlinked when created.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("hukou-spill-") }
        #expect(left.isEmpty)
        // A directory that cannot take the file keeps the chunks in memory.
        let nowhere = ByteArena(spillDirectory: "/nonexistent-hukou-dir", chunkSize: 64)
        #expect(!nowhere.spills)
        let locs = texts.map { nowhere.append($0) }
        #expect(locs.map { nowhere.string($0) } == texts)
        var seen: [String] = []
        spilled.forEach { _, b in seen.append(String(decoding: b, as: UTF8.self)) }
        #expect(Array(seen.prefix(texts.count)) == texts)
    }

    @Test func spillingChangesNoOrderNorReport() throws {
        // The same persons and findings through builders that spill (20,000 persons fill several
        // 1 MiB chunks) and builders that do not give the same orders and report files.
        func run(_ spill: String?) throws -> ([Record], [String]) {
            var oc = OrdersConfig()
            oc.spillDirectory = spill
            var rc = ReportConfig()
            rc.spillDirectory = spill
            let orders = OrderBuilder(config: oc), report = ReportBuilder(config: rc)
            for k in 0..<20_000 {
                var p = Record.make(kind: "person", src: "r.csv:\(k + 2)")
                for (f, v) in [("household", "H\(k / 3)"), ("name", "张\(k % 11)"), ("sex", k % 2 == 0 ? "1" : "2"), ("birth_date", "19\(50 + k % 40)-01-0\(1 + k % 9)"),
                               ("id_number", ""), ("relation", k % 3 == 0 ? "02" : "20"), ("village", "村\(k / 5000)"), ("group", "第\(k % 3 + 1)组"), ("station", "所"), ("address", "地址\(k / 3)")] {
                    p.append(f, .string(v))
                }
                orders.addPerson(p)
                report.addPerson(p)
            }
            for k in stride(from: 0, to: 20_000, by: 7) {
                var f = Record.make(kind: "finding", src: "r.csv:\(k + 2)")
                f.append("code", .string("ID_MISSING"))
                f.append("severity", .string("error"))
                f.append("refs", .strings(["r.csv:\(k + 2)"]))
                orders.addFinding(f)
            }
            var out: [Record] = []
            orders.build { o in
                out.append(o)
                report.addOrder(o)
            }
            var files: [String] = []
            try report.build { files.append($0.name + "\n" + $0.text) }
            return (out, files)
        }
        let a = try run(FileManager.default.temporaryDirectory.path), b = try run(nil)
        #expect(a.0.count == 2858 && a.0 == b.0)
        #expect(a.1 == b.1)
    }
}
