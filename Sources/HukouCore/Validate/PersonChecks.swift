// The checks of one person record on its own: the ID number against itself (shape, check
// character, birth date, region) and against the record (birth date, sex), missing numbers of
// adults, and items no table knows. Works on normalized and on raw records alike.
import HukouIO

/// What the single-record and household checks are measured against.
public struct ValidationRules: Sendable {
    /// "Today" for ages and future dates (deterministic: a fixed default, not the clock).
    public var asOf: CivilDate
    /// From this age on a missing ID number is reported (ID cards are compulsory from 16).
    public var adultAge: Int
    /// A child must be born at least this many years after the head (parents this many before).
    public var minParentGap: Int
    /// A grandchild at least this many years after the head (grandparents this many before).
    public var minGrandparentGap: Int

    /// The 7th national census reference date is 2020-11-01; the next census (2030) is far, so the
    /// default is the date this register rectification is reckoned from: 2026-11-01.
    public static let defaultAsOf = CivilDate(2026, 11, 1)

    public init(asOf: CivilDate = ValidationRules.defaultAsOf, adultAge: Int = 16, minParentGap: Int = 14, minGrandparentGap: Int = 28) {
        self.asOf = asOf
        self.adultAge = adultAge
        self.minParentGap = minParentGap
        self.minGrandparentGap = minGrandparentGap
    }
}

/// What the household checks need of a member: where it is, its relation code and birth date.
public struct MemberSummary: Sendable, Equatable {
    public var src: String
    /// The GB/T 4761 code, nil when the relation is unknown or empty.
    public var relation: String? {
        didSet { relationNumber = relation.flatMap { Int($0) } ?? -1 }
    }
    /// The relation code as a number (-1 when there is none), for the age checks.
    var relationNumber: Int
    /// The relation as registered (for messages).
    public var relationText: String
    /// The birth date: the registered one when it is a date, else the ID number's when real.
    public var birth: CivilDate?

    public init(src: String, relation: String?, relationText: String, birth: CivilDate?) {
        self.init(src: src, relation: relation, number: relation.flatMap { Int($0) } ?? -1, relationText: relationText, birth: birth)
    }

    /// With the relation code's number already known (from the code table).
    init(src: String, relation: String?, number: Int, relationText: String, birth: CivilDate?) {
        self.src = src
        self.relation = relation
        self.relationNumber = number
        self.relationText = relationText
        self.birth = birth
    }
}

/// Runs the single-record checks.
public struct PersonChecker: Sendable {
    public let rules: ValidationRules

    public init(rules: ValidationRules) { self.rules = rules }

    static let fieldTables: [(CodedField, String)] = [
        (.sex, "GB/T 2261.1"), (.ethnicity, "GB/T 3304"), (.relation, "GB/T 4761"), (.marital, "GB/T 2261.2"), (.education, "GB/T 4658"),
    ]
    static let fieldZh: [String: String] = [
        "sex": "性别", "ethnicity": "民族", "relation": "与户主关系", "marital": "婚姻状况", "education": "文化程度",
        "birth_date": "出生日期", "id_number": "公民身份号码",
    ]

    /// The findings of one person record and its household summary.
    public func check(_ r: Record) -> (findings: [Finding], member: MemberSummary) {
        let c = checkPerson(r)
        return (c.findings, c.member)
    }

    /// `check`, and the household number (the first `household` field's text, "" when none),
    /// found in the same pass over the fields.
    public func checkPerson(_ r: Record) -> (findings: [Finding], member: MemberSummary, household: String) {
        var src = "", birthText = "", idRaw = ""
        var household: String? = nil
        var coded = ("", "", "", "", "")
        var registered: JSONObject? = nil
        // One pass over the fields (a lookup per field would scan the record a dozen times). A
        // key is a candidate by its length and first two bytes, then confirmed by one
        // comparison (comparing unequal strings is String's slow path).
        for f in r.fields {
            let k = f.key
            let (n, first, second) = keyTag(k)
            var text: String {
                switch f.value {
                case .string(let s): return s
                case .number(let s): return s
                default: return ""
                }
            }
            switch (n, first) {
            case (3, 0x73):
                if second == 0x72 { if k == "src" { src = text } } else if second == 0x65 { if k == "sex" { coded.0 = text } }
            case (7, 0x6D): if k == "marital" { coded.3 = text }
            case (9, 0x68): if household == nil && k == "household" { household = text }
            case (8, 0x72): if k == "relation" { coded.2 = text }
            case (9, 0x69): if k == "id_number" { idRaw = text }
            case (9, 0x65):
                if second == 0x74 { if k == "ethnicity" { coded.1 = text } } else if k == "education" { coded.4 = text }
            case (10, 0x62): if k == "birth_date" { birthText = text }
            case (10, 0x72): if k == "registered" { registered = f.value.objectValue }
            default: break
            }
        }
        var out: [Finding] = []
        func asRegistered(_ f: String) -> String {
            if let v = registered?[f] {
                if case .string(let s) = v { return s }
                if case .number(let s) = v { return s }
            }
            return fieldText(r, f)
        }

        // Birth date.
        var birth: CivilDate? = nil
        if !birthText.isEmpty {
            if let d = parseDate(birthText) {
                if d > rules.asOf {
                    out.append(Finding(code: FindingCode.fieldInvalid, refs: [src], field: "birth_date", value: asRegistered("birth_date"),
                                       expected: "a date not after \(rules.asOf.iso)", action: "correct",
                                       zh: "出生日期晚于核查基准日", en: "the birth date is in the future"))
                } else {
                    birth = d
                }
            } else {
                out.append(Finding(code: FindingCode.fieldInvalid, refs: [src], field: "birth_date", value: asRegistered("birth_date"),
                                   expected: "a calendar date (YYYY-MM-DD)", action: "correct",
                                   zh: "出生日期不是有效日期", en: "the birth date is no date"))
            }
        }

        // Coded items.
        var relationCode: String? = nil
        var relationNumber = -1
        var sexCode: String? = nil
        for (k, (cf, table)) in Self.fieldTables.enumerated() {
            let v: String
            switch k {
            case 0: v = coded.0
            case 1: v = coded.1
            case 2: v = coded.2
            case 3: v = coded.3
            default: v = coded.4
            }
            if v.isEmpty { continue }
            let id = cf.hit(v)
            if id > 0 {
                if cf == .relation { relationCode = cf.table.codes[id]; relationNumber = cf.table.numbers[id] }
                if cf == .sex { sexCode = cf.table.codes[id] }
            } else {
                out.append(Finding(code: FindingCode.fieldInvalid, refs: [src], field: cf.field, value: asRegistered(cf.field),
                                   expected: "a \(table) code or name", action: "correct",
                                   zh: "\(Self.fieldZh[cf.field] ?? cf.field)不在代码表中", en: "the \(cf.field) is in no \(table) table"))
            }
        }

        // The ID number: a clean 18-digit number is recognised on its bytes; anything else takes
        // the full path below, which names the problem.
        let idText = normalizeIDText(idRaw)
        var idBirth: CivilDate? = nil
        if let e = cleanIDBirth(idText, birth: birth, sexCode: sexCode) {
            idBirth = e
        } else {
            let regID = asRegistered("id_number")
            if idText.isEmpty {
                if let b = birth, b.years(until: rules.asOf) >= rules.adultAge {
                    out.append(Finding(code: FindingCode.idMissing, refs: [src], field: "id_number", value: regID,
                                       expected: "an ID number (age \(b.years(until: rules.asOf)))", action: "verify",
                                       zh: "成年人无公民身份号码", en: "an adult without an ID number"))
                }
            } else if excelCorrupted(idText) {
                out.append(Finding(code: FindingCode.idExcelCorrupted, refs: [src], field: "id_number", value: regID,
                                   expected: "the number as issued (re-export the source)", action: "verify",
                                   zh: "公民身份号码被电子表格损坏（科学计数法或末三位为000）",
                                   en: "the ID number was destroyed by a spreadsheet (scientific notation or trailing 000)"))
            } else if let id = IDNumber(idText) {
                if id.isLegacy15 {
                    out.append(Finding(code: FindingCode.id15NotUpgraded, refs: [src], field: "id_number", value: regID,
                                       expected: id.eighteen, action: "change_id",
                                       zh: "15位公民身份号码未升位", en: "a 15-digit number never upgraded to 18 digits"))
                } else if !id.checksumValid {
                    let body = String(id.text.prefix(17))
                    let right = IDNumber.checkCharacter(forFirst17: body).map { body + String($0) } ?? ""
                    out.append(Finding(code: FindingCode.idBadChecksum, refs: [src], field: "id_number", value: regID,
                                       expected: right, action: "change_id",
                                       zh: "公民身份号码校验码错误", en: "the ID number's check character is wrong"))
                }
                let encoded = id.birthDateIsReal ? CivilDate(id.year, id.month, id.day) : nil
                if let e = encoded, e <= rules.asOf {
                    idBirth = e
                    if let b = birth, b != e {
                        out.append(Finding(code: FindingCode.idBirthdateMismatch, refs: [src], field: "birth_date", value: asRegistered("birth_date"),
                                           expected: e.iso, action: "correct",
                                           zh: "出生日期与公民身份号码不符", en: "the birth date differs from the one the ID number encodes"))
                    }
                } else if let b = birth {
                    // The number encodes no possible date: it cannot agree with the registered one.
                    out.append(Finding(code: FindingCode.idBirthdateMismatch, refs: [src], field: "id_number", value: regID,
                                       expected: b.iso, action: "correct",
                                       zh: "公民身份号码中的出生日期不存在", en: "the birth date inside the ID number is impossible"))
                } else {
                    out.append(Finding(code: FindingCode.fieldInvalid, refs: [src], field: "id_number", value: regID,
                                       expected: "a number encoding a real birth date", action: "correct",
                                       zh: "公民身份号码中的出生日期不存在", en: "the birth date inside the ID number is impossible"))
                }
                if let s = sexCode, s == "1" || s == "2", s != id.sexCode {
                    out.append(Finding(code: FindingCode.idSexMismatch, refs: [src], field: "sex", value: asRegistered("sex"),
                                       expected: id.sexCode == "1" ? "男" : "女", action: "correct",
                                       zh: "性别与公民身份号码不符", en: "the sex differs from the one the ID number encodes"))
                }
                if id.holder == .citizen {
                    if !knownRegion(id.region) {
                        out.append(Finding(code: FindingCode.idUnknownRegion, refs: [src], field: "id_number", value: regID,
                                           expected: "a GB/T 2260 code of some year", action: "change_id",
                                           zh: "公民身份号码地址码不在任何年份的行政区划代码中", en: "the ID number's address code is in no year of GB/T 2260"))
                    } else if let first = lateRegionFirstYear[id.region], first > id.year + 16 {
                        out.append(Finding(code: FindingCode.idUnknownRegion, severity: "warning", refs: [src], field: "id_number", value: regID,
                                           expected: "a code existing by \(id.year + 16) (this one from \(first))", action: "verify",
                                           zh: "地址码设立晚于持证人应领证年份", en: "the address code was created after the holder turned 16"))
                    }
                }
            } else {
                out.append(Finding(code: FindingCode.fieldInvalid, refs: [src], field: "id_number", value: regID,
                                   expected: "18 characters (17 digits and a digit or X) or 15 digits", action: "correct",
                                   zh: "公民身份号码格式错误", en: "the ID number has the wrong form"))
            }
        }

        var relationText = coded.2
        if let reg = registered {
            for f in reg.fields where f.key.utf8.count == 8 && f.key == "relation" {
                if case .string(let s) = f.value { relationText = s }
                break
            }
        }
        let member = MemberSummary(src: src, relation: relationCode, number: relationNumber, relationText: relationText, birth: birth ?? idBirth)
        return (out, member, household ?? "")
    }

    /// The birth date encoded in a number that gives no finding at all: 18 ASCII characters
    /// with the right check character, a real birth date not after `asOf` that agrees with the
    /// registered one, a sequence that agrees with the registered sex, and (for citizens) an
    /// address code known since before the holder turned 16. Nil for every other number: the
    /// full checks then decide (and report) what is wrong.
    @inline(__always) func cleanIDBirth(_ text: String, birth: CivilDate?, sexCode: String?) -> CivilDate? {
        guard text.utf8.count == 18 else { return nil }
        var sum = 0, k = 0, region = 0, y = 0, m = 0, d = 0, last: UInt8 = 0, seqLast = 0
        for b in text.utf8 {
            if k < 17 {
                guard b >= 0x30 && b <= 0x39 else { return nil }
                let v = Int(b &- 0x30)
                sum &+= v &* IDNumber.weights[k]
                switch k {
                case 0..<6: region = region &* 10 &+ v
                case 6..<10: y = y &* 10 &+ v
                case 10..<12: m = m &* 10 &+ v
                case 12..<14: d = d &* 10 &+ v
                case 16: seqLast = v
                default: break
                }
            } else {
                last = b
            }
            k += 1
        }
        guard IDNumber.checkBytes[sum % 11] == last, isRealDate(year: y, month: m, day: d) else { return nil }
        let e = CivilDate(y, m, d)
        guard e <= rules.asOf, birth == nil || birth! == e else { return nil }
        if let s = sexCode, s.utf8.count == 1, let c = s.utf8.first, c == 0x31 || c == 0x32 {
            guard (c == 0x31) == (seqLast % 2 == 1) else { return nil }
        }
        // Citizens only: 810000/820000/830000 and 9… numbers have no GB/T 2260 code.
        if region >= 900_000 || region == 810_000 || region == 820_000 || region == 830_000 { return e }
        let known = regionTable[region]
        guard known != 0 else { return nil }
        if known > 1 && Int(known) + 1900 > y + 16 { return nil }
        return e
    }
}

/// Every 6-digit GB/T 2260 code by its number: 0 in no year of the tables, 1 known from 1984 or
/// earlier, else the year it was created minus 1900 (the ID_UNKNOWN_REGION warning's rule). A
/// flat array (1 MB) answers in one load where a String-keyed dictionary hashes the code.
let regionTable: [UInt8] = {
    var t = [UInt8](repeating: 0, count: 1_000_000)
    for code in Tables.divisions.keys {
        guard code.utf8.count == 6, code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(code) else { continue }
        if let y = lateRegionFirstYear[code] {
            precondition(y > 1984 && y - 1900 < 256, "a division year outside the region table's range")
            t[n] = UInt8(y - 1900)
        } else {
            t[n] = 1
        }
    }
    return t
}()

/// A field's text: strings as they are, numbers by their lexeme, anything else "".
@inlinable func fieldText(_ r: Record, _ f: String) -> String {
    switch r[f] {
    case .string(let s)?: return s
    case .number(let s)?: return s
    default: return ""
    }
}

/// Whether ID text was destroyed by a spreadsheet (IDNumber.looksExcelCorrupted), checked on the
/// bytes first: a well-formed number with a right check character never is.
func excelCorrupted(_ t: String) -> Bool {
    var sawE = false
    var allDigits = true
    for b in t.utf8 {
        if b == UInt8(ascii: "E") || b == UInt8(ascii: "e") { sawE = true }
        if !(b >= 0x30 && b <= 0x39) { allDigits = false }
    }
    if !sawE && !(allDigits && t.utf8.count == 18 && t.hasSuffix("000")) { return false }
    return IDNumber.looksExcelCorrupted(t)
}

/// Whether an address code exists in some year of GB/T 2260.
func knownRegion(_ code: String) -> Bool {
    Tables.divisions[code] != nil
}

/// Codes first created after 1984, with that year (the ID_UNKNOWN_REGION warning's rule).
let lateRegionFirstYear: [String: Int] = {
    var d: [String: Int] = [:]
    for code in Tables.divisions.keys {
        if let y = Tables.divisionFirstYear(code), y > 1984 { d[code] = y }
    }
    return d
}()
