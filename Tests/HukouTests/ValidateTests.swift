// Unit tests of validation: every ID code (the standard's examples, the upgrade examples, leap
// days, years before 1900, abolished codes, lower-case x, full-width digits), FIELD_INVALID,
// the household checks and the household grouping.
import HukouCore
import HukouIO
import Testing

/// A person record with a correct check character computed for `body17` (or `id` as given).
func personRecord(src: String = "r.csv:2", household: String = "430321000001", name: String = "王伟", sex: String = "1",
                  birth: String, id: String, relation: String = "02", ethnicity: String = "01") -> Record {
    var r = Record.make(kind: "person", src: src)
    for (k, v) in [("household", household), ("name", name), ("sex", sex), ("ethnicity", ethnicity), ("birth_date", birth),
                   ("id_number", id), ("relation", relation), ("education", "70"), ("marital", "20")] {
        r.append(k, .string(v))
    }
    return r
}

/// The 18-digit number with the right check character for 17 digits.
func withCheck(_ body: String) -> String { body + String(IDNumber.checkCharacter(forFirst17: body)!) }

@Suite("validate: ID numbers")
struct IDCheckTests {
    let checker = PersonChecker(rules: ValidationRules())
    func codes(_ r: Record) -> [String] { checker.check(r).findings.map(\.code) }
    func errors(_ r: Record) -> [String] { checker.check(r).findings.filter { $0.severity == "error" }.map(\.code) }

    @Test func standardExamplesAreClean() {
        #expect(codes(personRecord(sex: "2", birth: "1949-12-31", id: "11010519491231002X")).isEmpty)
        #expect(codes(personRecord(sex: "1", birth: "1880-01-01", id: "440524188001010014")).isEmpty)  // before 1900; 440524 abolished
        #expect(codes(personRecord(sex: "2", birth: "1949-12-31", id: "11010519491231002x")).isEmpty)  // lower-case x
        #expect(codes(personRecord(sex: "1", birth: "1880-01-01", id: "４４０５２４１８８００１０１００１４")).isEmpty)  // full-width
    }

    @Test func cleanRecordHasNoFinding() {
        #expect(codes(personRecord(birth: "1985-03-12", id: withCheck("43032119850312123"))).isEmpty)
        #expect(codes(personRecord(birth: "2000-02-29", id: withCheck("43032120000229123"))).isEmpty)  // leap day
        #expect(codes(personRecord(birth: "1980-03-03", id: withCheck("43030319800303113"))).isEmpty)  // abolished 1992: still valid
    }

    @Test func badChecksum() {
        let good = withCheck("43032119850312123")
        let bad = String(good.prefix(17)) + (good.hasSuffix("1") ? "2" : "1")
        let f = checker.check(personRecord(birth: "1985-03-12", id: bad)).findings
        #expect(f.map(\.code) == ["ID_BAD_CHECKSUM"])
        #expect(f[0].expected == good && f[0].value == bad && f[0].refs == ["r.csv:2"] && f[0].action == "change_id")
    }

    @Test func birthdateMismatch() {
        let f = checker.check(personRecord(birth: "1985-03-13", id: withCheck("43032119850312123"))).findings
        #expect(f.map(\.code) == ["ID_BIRTHDATE_MISMATCH"])
        #expect(f[0].field == "birth_date" && f[0].expected == "1985-03-12" && f[0].value == "1985-03-13")
    }

    @Test func impossibleDateInsideNumber() {
        // 1900 is no leap year; the check character is right, so only the date is reported.
        let f = checker.check(personRecord(birth: "2000-02-29", id: withCheck("43032119000229123"))).findings
        #expect(f.map(\.code) == ["ID_BIRTHDATE_MISMATCH"])
        #expect(f[0].field == "id_number" && f[0].expected == "2000-02-29")
        // Without a registered date to compare with, it is an invalid item.
        #expect(codes(personRecord(birth: "", id: withCheck("43032119851301123"))) == ["FIELD_INVALID"])
    }

    @Test func sexMismatch() {
        let f = checker.check(personRecord(sex: "2", birth: "1985-03-12", id: withCheck("43032119850312123"))).findings
        #expect(f.map(\.code) == ["ID_SEX_MISMATCH"])
        #expect(f[0].expected == "男")
        #expect(codes(personRecord(sex: "女", birth: "1949-12-31", id: "11010519491231002X")).isEmpty)  // raw form
    }

    @Test func regions() {
        #expect(codes(personRecord(birth: "1973-07-07", id: withCheck("43039919730707113"))) == ["ID_UNKNOWN_REGION"])
        // HK/Macau/Taiwan permits and foreign permanent residents are their own kinds of number.
        #expect(codes(personRecord(birth: "1990-05-05", id: withCheck("81000019900505113"))).isEmpty)
        #expect(codes(personRecord(birth: "1990-05-05", id: withCheck("83000019900505113"))).isEmpty)
        #expect(codes(personRecord(birth: "1980-06-06", id: withCheck("93032119800606113"))).isEmpty)
        // 430306 was created in 1988: a warning for someone who turned 16 before, nothing after.
        let w = checker.check(personRecord(birth: "1960-04-04", id: withCheck("43030619600404113"))).findings
        #expect(w.map(\.code) == ["ID_UNKNOWN_REGION"] && w[0].severity == "warning")
        #expect(codes(personRecord(birth: "1980-04-04", id: withCheck("43030619800404113"))).isEmpty)
    }

    @Test func fifteenDigits() {
        let f = checker.check(personRecord(sex: "2", birth: "1962-09-27", id: "610104620927690")).findings
        #expect(f.map(\.code) == ["ID_15_DIGIT_NOT_UPGRADED"])
        #expect(f[0].expected == "610104196209276908")
        let g = checker.check(personRecord(sex: "2", birth: "1920-04-03", id: "330102200403064")).findings
        #expect(g.map(\.code) == ["ID_15_DIGIT_NOT_UPGRADED"] && g[0].expected == "33010219200403064X")
    }

    @Test func excel() {
        #expect(codes(personRecord(birth: "1974-08-08", id: "4.30321E+17")) == ["ID_EXCEL_CORRUPTED"])
        #expect(codes(personRecord(birth: "1975-09-09", id: "430321197509091000")) == ["ID_EXCEL_CORRUPTED"])
        // 18 digits ending in 000 with a right check character are a real number.
        let real = withCheck("43032119750909100")
        if real.hasSuffix("000") { #expect(codes(personRecord(birth: "1975-09-09", id: real)).isEmpty) }
    }

    @Test func missing() {
        #expect(codes(personRecord(birth: "1976-10-10", id: "")) == ["ID_MISSING"])
        #expect(codes(personRecord(birth: "2015-10-01", id: "")).isEmpty)  // a child
        #expect(codes(personRecord(birth: "2010-11-01", id: "")) == ["ID_MISSING"])  // 16 on the as-of date
        #expect(codes(personRecord(birth: "2010-11-02", id: "")).isEmpty)
        let strict = PersonChecker(rules: ValidationRules(adultAge: 10))
        #expect(strict.check(personRecord(birth: "2015-10-01", id: "")).findings.map(\.code) == ["ID_MISSING"])
    }

    @Test func fieldInvalid() {
        let f = checker.check(personRecord(birth: "不详", id: withCheck("43032119850312123"), relation: "邻居", ethnicity: "火星族")).findings
        #expect(f.map(\.code) == ["FIELD_INVALID", "FIELD_INVALID", "FIELD_INVALID"])
        #expect(f.map(\.field) == ["birth_date", "ethnicity", "relation"])
        #expect(codes(personRecord(birth: "2030-01-01", id: "")) == ["FIELD_INVALID"])  // in the future
        #expect(codes(personRecord(birth: "1977-11-11", id: "43032119771111113")) == ["FIELD_INVALID"])  // 17 digits
    }

    @Test func rawRecordsToo() {
        #expect(codes(personRecord(sex: "男", birth: "1985/3/12", id: withCheck("43032119850312123").lowercased(), relation: "户主", ethnicity: "汉")).isEmpty)
    }

    @Test func findingRecordShape() {
        let f = checker.check(personRecord(birth: "1985-03-13", id: withCheck("43032119850312123"))).findings[0]
        let r = f.record(stage: "validate")
        #expect(r.keys == ["kind", "src", "code", "severity", "refs", "field", "value", "expected", "stage", "action", "message_zh", "message_en"])
        #expect(r.string("src") == "r.csv:2" && r.string("stage") == "validate")
    }
}

@Suite("validate: households")
struct HouseholdTests {
    let rules = ValidationRules()
    func m(_ src: String, _ rel: String?, _ birth: String?) -> MemberSummary {
        MemberSummary(src: src, relation: rel, relationText: rel ?? "", birth: birth.flatMap { CivilDate(iso: $0) })
    }

    @Test func heads() {
        #expect(householdFindings([m("a", "02", "1970-01-01"), m("b", "12", "1971-01-01")], rules: rules).isEmpty)
        let none = householdFindings([m("a", "11", "1970-01-01"), m("b", "12", "1971-01-01")], rules: rules)
        #expect(none.map(\.code) == ["HOUSEHOLD_WITHOUT_HEAD"] && none[0].refs == ["a", "b"])
        let two = householdFindings([m("a", "02", "1970-01-01"), m("b", "01", "1971-01-01"), m("c", "20", "2000-01-01")], rules: rules)
        #expect(two.map(\.code) == ["HOUSEHOLD_MULTIPLE_HEADS"] && two[0].refs == ["a", "b", "c"])
    }

    @Test func relationAges() {
        let h = m("h", "02", "1970-06-15")
        #expect(householdFindings([h, m("c", "20", "1984-06-15")], rules: rules).isEmpty)  // exactly 14 years
        let young = householdFindings([h, m("c", "30", "1984-06-14")], rules: rules)
        #expect(young.map(\.code) == ["RELATION_AGE_IMPOSSIBLE"] && young[0].refs == ["h", "c"])
        #expect(householdFindings([h, m("c", "20", "1960-01-01")], rules: rules).count == 1)  // child older than the head
        #expect(householdFindings([h, m("g", "41", "1990-01-01")], rules: rules).count == 1)  // grandchild 19 years younger
        #expect(householdFindings([h, m("g", "41", "2000-01-01")], rules: rules).isEmpty)
        #expect(householdFindings([h, m("p", "52", "1960-01-01")], rules: rules).count == 1)  // mother 10 years older
        #expect(householdFindings([h, m("p", "51", "1940-01-01")], rules: rules).isEmpty)
        #expect(householdFindings([h, m("p", "61", "1950-01-01")], rules: rules).count == 1)  // grandfather 20 years older
        #expect(householdFindings([h, m("s", "12", "1990-01-01"), m("b", "71", "1990-01-01")], rules: rules).isEmpty)  // no constraint
        let loose = ValidationRules(minParentGap: 10, minGrandparentGap: 0)
        #expect(householdFindings([h, m("p", "52", "1960-01-01"), m("g", "41", "1990-01-01")], rules: loose).isEmpty)
        // A head born on 29 February.
        let leap = m("h", "02", "1972-02-29")
        #expect(householdFindings([leap, m("c", "20", "1986-02-28")], rules: rules).count == 1)
        #expect(householdFindings([leap, m("c", "20", "1986-03-01")], rules: rules).isEmpty)
    }

    func run(_ grouping: HouseholdGrouping, window: Int = 10_000, _ input: [(String, String)]) throws -> [(String, [String])] {
        let g = HouseholdGrouper(grouping: grouping, window: window)
        var out: [(String, [String])] = []
        for (h, src) in input {
            try g.add(household: h, member: m(src, "02", nil)) { key, ms in out.append((key, ms.map(\.src))) }
        }
        try g.finish { key, ms in out.append((key, ms.map(\.src))) }
        return out
    }

    @Test func grouping() throws {
        let ordered = [("A", "1"), ("A", "2"), ("B", "3"), ("C", "4"), ("C", "5")]
        let unordered = [("A", "1"), ("B", "2"), ("A", "3"), ("C", "4"), ("B", "5")]
        for mode in HouseholdGrouping.allCases {
            let r = try run(mode, ordered)
            #expect(r.map(\.0) == ["A", "B", "C"] && r.map(\.1) == [["1", "2"], ["3"], ["4", "5"]])
        }
        for mode in [HouseholdGrouping.index, .auto] {
            let r = try run(mode, unordered)
            #expect(r.map(\.0) == ["A", "B", "C"] && r.map(\.1) == [["1", "3"], ["2", "5"], ["4"]])
        }
        #expect(throws: HouseholdOrderError.self) { try run(.ordered, unordered) }
        #expect(throws: HouseholdOrderError.self) { try run(.auto, window: 1, unordered) }
        // Many households: the window is held, nothing lost.
        let many = (0..<30_000).map { ("H\($0 / 3)", "s\($0)") }
        #expect(try run(.auto, window: 100, many).count == 10_000)
        #expect(try run(.ordered, many).count == 10_000)
    }
}
