// Tests of the hand-written tables and fast paths behind normalize's and validate's speed: each is
// checked against the plain implementation it stands in for (a Dictionary, the code tables, the
// GB/T 2260 tables, the full ID checks), so a fast path can never change a result.
@testable import HukouCore
import HukouIO
import Testing

@Suite("normalize/validate: fast paths")
struct FastPathTests {
    /// A deterministic pseudo-random sequence (SplitMix64).
    struct Rng {
        var s: UInt64
        mutating func next() -> UInt64 {
            s &+= 0x9E3779B97F4A7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
    }

    @Test func positionMapAgreesWithADictionary() {
        var map = PositionMap()
        var model: [UInt64: Int] = [:]
        var rng = Rng(s: 7)
        // Few distinct keys (collisions of home slots and long probe runs), inserts and removals.
        for step in 0..<200_000 {
            let key = rng.next() % 3_000 &* 0x1000_0000_0000
            switch rng.next() % 3 {
            case 0, 1:
                map[key] = step
                model[key] = step
            default:
                map[key] = nil
                model[key] = nil
            }
            if step % 997 == 0 {
                for k in model.keys { #expect(map[k] == model[k]) }
            }
        }
        for k in 0..<3_000 {
            let key = UInt64(k) &* 0x1000_0000_0000
            #expect(map[key] == model[key])
        }
    }

    @Test func bytesTableAgreesWithADictionary() {
        var t = BytesTable<Int>(capacity: 4)
        var model: [String: Int] = [:]
        let words = ["王伟", "欧阳娜娜", "", "a", "王伟 ", "e\u{301}", "\u{e9}", String(repeating: "张", count: 40)] + (0..<5_000).map { "name\($0)" }
        for (k, w) in words.enumerated() {
            t.set(w, k)
            model[w] = k
        }
        // Byte identity: the composed and decomposed é are different keys (String == says equal).
        #expect(t.get("e\u{301}") == 5 && t.get("\u{e9}") == 6)
        for w in words where w != "e\u{301}" && w != "\u{e9}" { #expect(t.get(w) == model[w]) }
        #expect(t.get("nobody") == nil)
        t.set("王伟", -1)
        #expect(t.get("王伟") == -1 && t.count == words.count)
        t.removeAll()
        #expect(t.count == 0 && t.get("王伟") == nil)
        t.addNew("王伟", 3)
        #expect(t.get("王伟") == 3)
    }

    @Test func frozenStringsFindEveryKeyOnce() {
        let keys = ["01", "1", "男", "汉族", "", "01", "户主本人"]
        let f = FrozenStrings(keys)
        for (k, key) in keys.enumerated() { #expect(f.find(key) == keys.firstIndex(of: key)!, "\(k)") }
        #expect(f.find("02") == nil && f.find("汉") == nil)
    }

    @Test func codeTablesAgreeWithTheDictionaries() {
        for cf in CodedField.allCases {
            for (key, entry) in CodeTables.table[cf.index] {
                let id = cf.hit(key.string)
                #expect(id > 0 && cf.table.entry(id) == entry)
                let number = cf.table.numbers[id]
                #expect(number == (entry.code.allSatisfy(\.isASCII) ? Int(entry.code) ?? -1 : -1))
            }
            #expect(cf.hit("火星") == 0 && cf.hit("") == 0)
        }
        // The lookup key's folding still applies (spaces, full-width, case).
        #expect(CodedField.sex.lookup(" ｍ ")?.code == "1")
    }

    @Test func regionTableAgreesWithTheDivisions() {
        var known = 0
        for code in Tables.divisions.keys where code.utf8.count == 6 {
            guard let n = Int(code) else { continue }
            known += 1
            let v = regionTable[n]
            #expect(v != 0)
            if let y = lateRegionFirstYear[code] { #expect(Int(v) + 1900 == y) } else { #expect(v == 1) }
        }
        #expect(known > 1_000)
        #expect(regionTable[999_999] == 0 && regionTable[0] == 0)
    }

    @Test func plainHanNames() {
        #expect(isPlainHan("王伟") && isPlainHan("") && isPlainHan("一龥"))
        #expect(!isPlainHan("王 伟") && !isPlainHan("阿依·买买提") && !isPlainHan("㐀") && !isPlainHan("王a"))
    }

    /// The fast ID path gives a birth date only where the full checks find nothing, and then the
    /// same one; every other case is left to the full checks.
    @Test func cleanIDFastPathOnlyForCleanNumbers() {
        let checker = PersonChecker(rules: ValidationRules())
        let cases: [(sex: String, birth: String, id: String)] = [
            ("2", "1949-12-31", "11010519491231002X"),         // clean
            ("1", "1880-01-01", "440524188001010014"),         // clean, abolished code, before 1900
            ("1", "1949-12-31", "11010519491231002X"),         // sex mismatch
            ("2", "1949-12-30", "11010519491231002X"),         // birth mismatch
            ("2", "", "11010519491231002X"),                   // no registered birth date: still clean
            ("2", "1949-12-31", "110105194912310021"),         // bad check character
            ("1", "2030-01-01", withCheck("11010520300101001")),  // born after as-of
            ("1", "1990-02-30", withCheck("11010519900230001")),  // no such date
            ("1", "1990-01-01", withCheck("99999919900101001")),  // foreign permanent resident (9…)
            ("1", "1990-01-01", withCheck("81000019900101001")),  // Hong Kong
            ("1", "1990-01-01", withCheck("00000119900101001")),  // unknown region
            ("1", "1990-01-01", "110105900101001"),            // 15 digits
            ("2", "1949-12-31", "11010519491231002x"),         // lower-case x (normalized first)
        ]
        for c in cases {
            let r = personRecord(sex: c.sex, birth: c.birth, id: c.id)
            let full = checker.check(r)
            let birth = c.birth.isEmpty ? nil : parseDate(c.birth)
            let fast = checker.cleanIDBirth(normalizeIDText(c.id), birth: birth, sexCode: c.sex)
            let idFindings = full.findings.filter { ["id_number", "sex"].contains($0.field) || $0.code == FindingCode.idBirthdateMismatch }
            if let f = fast {
                #expect(idFindings.isEmpty, "\(c.id)")
                #expect(full.member.birth == (birth ?? f), "\(c.id)")
            } else {
                #expect(!idFindings.isEmpty || c.id.utf8.count != 18 || IDNumber(c.id)?.holder != .citizen, "\(c.id)")
            }
        }
        #expect(checker.cleanIDBirth("11010519491231002X", birth: nil, sexCode: "2") == CivilDate(1949, 12, 31))
        #expect(checker.cleanIDBirth("11010519491231002X", birth: nil, sexCode: "1") == nil)
    }

    @Test func checkPersonReportsTheFirstHousehold() {
        var r = personRecord(household: "H1", birth: "1949-12-31", id: "11010519491231002X")
        r.append("household", .string("H2"))
        #expect(PersonChecker(rules: ValidationRules()).checkPerson(r).household == "H1")
        var n = Record.make(kind: "person", src: "x:1")
        n.append("household", .number("12"))
        #expect(PersonChecker(rules: ValidationRules()).checkPerson(n).household == "12")
    }

    /// The grouper's index survives compaction of its ring (positions are absolute).
    @Test func groupingAcrossCompaction() throws {
        let g = HouseholdGrouper(grouping: .auto, window: 50)
        var out: [(String, [String])] = []
        // 20,000 households; every member of household k after the first comes 20 households later.
        var input: [(String, String)] = []
        for k in 0..<20_000 {
            input.append(("H\(k)", "a\(k)"))
            if k >= 20 { input.append(("H\(k - 20)", "b\(k - 20)")) }
        }
        for (h, src) in input {
            try g.add(household: h, member: MemberSummary(src: src, relation: "02", relationText: "户主", birth: nil)) { key, ms in out.append((key, ms.map(\.src))) }
        }
        try g.finish { key, ms in out.append((key, ms.map(\.src))) }
        #expect(out.count == 20_000)
        #expect(out.allSatisfy { $0.1.count == (Int($0.0.dropFirst())! >= 19_980 ? 1 : 2) })
        #expect(out.map(\.0) == (0..<20_000).map { "H\($0)" })
    }

    @Test func memberRelationNumber() {
        var m = MemberSummary(src: "a", relation: "20", relationText: "子", birth: nil)
        #expect(m.relationNumber == 20)
        m.relation = nil
        #expect(m.relationNumber == -1)
        #expect(isHeadCode("02") && isHeadCode("01") && isHeadCode("03") && !isHeadCode("2") && !isHeadCode("20") && !isHeadCode("04"))
    }

    @Test func fieldNumbers() {
        for (n, f) in RecordNormalizer.changeable.enumerated() { #expect(RecordNormalizer.fieldNumber(f) == n, "\(f)") }
        #expect(RecordNormalizer.fieldNumber("registered") == RecordNormalizer.registeredField)
        #expect(RecordNormalizer.fieldNumber("labels") == RecordNormalizer.labelsField)
        #expect(RecordNormalizer.fieldNumber("keys") == RecordNormalizer.keysField)
        for other in ["", "s", "src", "kind", "household", "station", "village", "group", "address", "nam", "sexx", "ethnicitx",
                      "marita1", "birth_datE", "mother_namf", "labelz", "register3d", "姓名"] {
            #expect(RecordNormalizer.fieldNumber(other) == RecordNormalizer.otherField, "\(other)")
        }
    }

    /// Labels objects are shared between records by their codes; each record still gets its own.
    @Test func labelsFollowEachRecord() {
        let norm = RecordNormalizer()
        func rec(_ sex: String, _ eth: String) -> Record {
            var r = Record.make(kind: "person", src: "r:1")
            r.append("name", .string("王伟"))
            r.append("sex", .string(sex))
            r.append("ethnicity", .string(eth))
            return r
        }
        for _ in 0..<2 {
            #expect(norm.normalize(rec("男", "汉族"))["labels"] == .object(["sex": .string("男"), "ethnicity": .string("汉族")]))
            #expect(norm.normalize(rec("2", "回"))["labels"] == .object(["sex": .string("女"), "ethnicity": .string("回族")]))
            #expect(norm.normalize(rec("火星", "回"))["labels"] == .object(["ethnicity": .string("回族")]))
        }
        // A number value is normalized to a string and kept as registered.
        var r = rec("男", "01")
        r["sex"] = .number("2")
        let n = norm.normalize(r)
        #expect(n["sex"] == .string("2") && n["registered"] == .object(["sex": .number("2")]))
    }

    /// An earlier run's `registered` wins for its fields; new changes join it in field order.
    @Test func registeredMergesWithAnEarlierRun() {
        var r = Record.make(kind: "person", src: "r:1")
        r.append("name", .string("王伟"))
        r.append("sex", .string("男"))
        r.append("birth_date", .string("1985/3/12"))
        r.append("registered", .object(["sex": .string("M"), "other": .string("x")]))
        let n = RecordNormalizer().normalize(r)
        #expect(n["registered"] == .object(["sex": .string("M"), "birth_date": .string("1985/3/12"), "other": .string("x")]))
        #expect(n.keys == ["kind", "src", "name", "sex", "birth_date", "registered", "labels", "keys"])
    }

    /// `registered` objects are shared only between records whose changes are all the same
    /// exact coded values; any other change (before or after the coded ones) is the record's own.
    @Test func registeredCacheNeverMixesRecords() {
        let norm = RecordNormalizer()
        func rec(_ date: String, _ id: String) -> Record {
            var r = Record.make(kind: "person", src: "r:1")
            r.append("sex", .string("男"))
            r.append("birth_date", .string(date))
            r.append("id_number", .string(id))
            r.append("relation", .string("户主"))
            return r
        }
        for _ in 0..<2 {
            #expect(norm.normalize(rec("1985-03-12", "11010519491231002X"))["registered"] == .object(["sex": .string("男"), "relation": .string("户主")]))
            #expect(norm.normalize(rec("1985/3/12", "11010519491231002X"))["registered"]
                == .object(["sex": .string("男"), "birth_date": .string("1985/3/12"), "relation": .string("户主")]))
            #expect(norm.normalize(rec("1985/3/13", "11010519491231002X"))["registered"]
                == .object(["sex": .string("男"), "birth_date": .string("1985/3/13"), "relation": .string("户主")]))
            #expect(norm.normalize(rec("1985-03-12", "110105 19491231002X"))["registered"]
                == .object(["sex": .string("男"), "id_number": .string("110105 19491231002X"), "relation": .string("户主")]))
            #expect(norm.normalize(rec("1985-03-12", "11010519491231002X"))["registered"] == .object(["sex": .string("男"), "relation": .string("户主")]))
        }
    }

    /// The closed-household set: every hash found after inserting (across its tables), none of
    /// the others, and about 9.4 bytes a hash once it is large.
    @Test func hashSet64() {
        var set = HashSet64()
        var rng = Rng(s: 11)
        var inserted: [UInt64] = []
        let n = 2_000_000
        for _ in 0..<n {
            let h = rng.next()
            set.insert(h)
            inserted.append(h)
        }
        set.insert(0)
        set.insert(inserted[5])
        set.insert(inserted[n - 5])
        #expect(set.count == n && set.contains(0))
        for h in inserted where !set.contains(h) { Issue.record("lost \(h)") }
        var other = Rng(s: 12)
        for _ in 0..<10_000 { #expect(!set.contains(other.next())) }
        #expect(set.capacity == 3 * HashSet64.largestTable)
    }
}
