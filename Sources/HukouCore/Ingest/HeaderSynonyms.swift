// The header synonyms of ingest: for each record kind, its canonical fields in output order and
// the export headers (Chinese, English, pinyin and pinyin initials) that mean each of them.
//
// Headers are compared after `HeaderSynonyms.fold`: trimmed (spaces, ideographic spaces, BOM),
// full-width ASCII (parentheses, letters, digits) made ASCII, Latin letters lower-cased, and spaces, `_` and `-` removed, so
// `身份证号`, ` 身份证号 `, `ID Number`, `id_number` and `ID-NUMBER` all find their field.

/// The canonical fields of one record kind and the headers that name them.
public struct RecordSchema: Sendable {
    /// The record kind (`person`, `death`, …).
    public let kind: String
    /// Canonical fields in output order (docs/FORMATS.md).
    public let fields: [String]
    /// Folded header → index in `fields`.
    private let lookup: [String: Int]

    init(kind: String, _ table: [(field: String, headers: [String])]) {
        self.kind = kind
        fields = table.map(\.field)
        var l: [String: Int] = [:]
        for (k, entry) in table.enumerated() {
            // The field's own name is always a synonym of itself.
            for h in [entry.field] + entry.headers {
                let f = HeaderSynonyms.fold(h)
                precondition(l[f] == nil || l[f] == k, "header \(h) names two fields of \(kind)")
                l[f] = k
            }
        }
        lookup = l
    }

    /// The index in `fields` that `header` names, or nil when the table does not know it.
    public func field(for header: String) -> Int? { lookup[HeaderSynonyms.fold(header)] }

    /// The index of a canonical field name.
    public func index(of field: String) -> Int? { fields.firstIndex(of: field) }
}

/// The synonym tables, one schema per record kind.
public enum HeaderSynonyms {
    /// The kinds `ingest --as` accepts, `person` first.
    public static let kinds = ["person"] + RecordKind.lists

    /// The schema of a kind (nil for an unknown kind).
    public static func schema(for kind: String) -> RecordSchema? {
        switch kind {
        case "person": return person
        case "death": return death
        case "enlistment": return enlistment
        case "emigration": return emigration
        case "birth": return birth
        default: return nil
        }
    }

    /// The form headers are compared in (see the file comment).
    public static func fold(_ header: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in header.unicodeScalars {
            var v = scalar.value
            if v >= 0xFF01 && v <= 0xFF5E { v -= 0xFEE0 }  // full-width ASCII (（）ＩＤ＿) → ASCII
            switch v {
            case 0x20, 0x09, 0x0A, 0x0D, 0x3000, 0xFEFF, 0xA0, 0x5F, 0x2D: continue
            case 0x41...0x5A: out.append(Unicode.Scalar(v + 0x20)!)
            default: out.append(Unicode.Scalar(v)!)
            }
        }
        return String(out)
    }

    static let name = ["姓名", "xm", "xingming"]
    static let sex = ["性别", "xb", "xingbie", "gender"]
    static let birthDate = ["出生日期", "出生年月日", "出生时间", "出生年月", "csrq", "chushengriqi", "birthdate",
                            "date_of_birth", "dob", "birthday"]
    static let idNumber = ["公民身份号码", "身份证号", "身份证号码", "证件号码", "公民身份证号", "公民身份证号码", "sfzh",
                           "gmsfhm", "sfzhm", "zjhm", "idcard", "id_card", "id_no", "idno", "shenfenzheng",
                           "shenfenzhenghao", "shenfenzhenghaoma"]
    static let address = ["住址", "地址", "户籍地址", "户籍地详址", "家庭住址", "zz", "dz", "hjdz", "zhuzhi", "dizhi"]

    /// `person`: the register export (常住人口).
    public static let person = RecordSchema(kind: "person", [
        ("household", ["户号", "hh", "huhao", "household_id", "household_no", "householdnumber", "hukou_no"]),
        ("name", name),
        ("sex", sex),
        ("ethnicity", ["民族", "mz", "minzu", "nation", "nationality", "ethnic"]),
        ("birth_date", birthDate),
        ("id_number", idNumber),
        ("relation", ["与户主关系", "关系", "家庭关系", "yhzgx", "gx", "guanxi", "yuhuzhuguanxi", "relationship",
                      "relation_to_head"]),
        ("village", ["村(居)委会", "村居委会", "居委会", "村委会", "村(居)", "村居", "社区", "cjwh", "cunjuweihui",
                     "community"]),
        ("group", ["村民小组", "组", "小组", "cmxz", "cunminxiaozu", "xiaozu", "zu"]),
        ("address", address),
        ("education", ["文化程度", "学历", "whcd", "wenhuachengdu", "xueli"]),
        ("marital", ["婚姻状况", "婚姻状态", "hyzk", "hunyinzhuangkuang", "marital_status", "marriage"]),
        ("station", ["派出所", "所属派出所", "管辖单位", "pcs", "paichusuo", "police_station"]),
    ])

    /// `death`: civil-affairs deaths and cremations.
    public static let death = RecordSchema(kind: "death", [
        ("name", name),
        ("sex", sex),
        ("id_number", idNumber),
        ("death_date", ["死亡日期", "死亡时间", "swrq", "swsj", "siwangriqi", "date_of_death"]),
        ("certificate", ["火化证明编号", "火化证号", "死亡证明编号", "火化证编号", "死亡证明书编号", "hhzh", "swzmbh",
                         "certificate_no", "cert_no"]),
        ("cause", ["死亡原因", "swyy", "siwangyuanyin", "cause_of_death"]),
        ("address", address),
        ("age", ["年龄", "nl", "nianling"]),
    ])

    /// `enlistment`: the armed-forces department's enlistments.
    public static let enlistment = RecordSchema(kind: "enlistment", [
        ("name", name),
        ("id_number", idNumber),
        ("enlist_date", ["入伍时间", "入伍日期", "rwsj", "rwrq", "ruwushijian", "ruwuriqi", "enlistment_date"]),
        ("place", ["应征地", "入伍地", "户籍所在地", "yzd", "rwd", "yingzhengdi", "ruwudi"]),
        ("sex", sex),
        ("birth_date", birthDate),
    ])

    /// `emigration`: exit-entry settlements abroad.
    public static let emigration = RecordSchema(kind: "emigration", [
        ("name", name),
        ("id_number", idNumber),
        ("country", ["定居国家", "定居国家(地区)", "定居国(地区)", "国家(地区)", "国家", "djgj", "dingjuguojia"]),
        ("settle_date", ["注销依据日期", "批准日期", "定居日期", "zxyjrq", "pzrq", "djrq", "settlement_date"]),
        ("sex", sex),
        ("birth_date", birthDate),
        ("passport", ["护照号码", "护照号", "hzhm", "huzhaohaoma", "passport_no", "passport_number"]),
    ])

    /// `birth`: birth medical certificates (卫健/计生).
    public static let birth = RecordSchema(kind: "birth", [
        ("name", ["新生儿姓名", "婴儿姓名", "姓名", "xsexm", "yexm", "xm", "baby_name"]),
        ("sex", sex),
        ("birth_date", ["出生日期", "出生时间", "csrq", "cssj", "birthdate", "date_of_birth", "dob"]),
        ("certificate", ["出生医学证明编号", "出生证编号", "出生医学证明号", "出生证号", "cszbh", "csyxzmbh",
                         "certificate_no", "cert_no"]),
        ("mother_name", ["母亲姓名", "mqxm", "muqinxingming"]),
        ("mother_id", ["母亲身份证号", "母亲公民身份号码", "母亲身份证号码", "mqsfzh", "mother_id_number"]),
        ("father_name", ["父亲姓名", "fqxm", "fuqinxingming"]),
        ("father_id", ["父亲身份证号", "父亲公民身份号码", "父亲身份证号码", "fqsfzh", "father_id_number"]),
        ("in_policy", ["是否政策内", "政策属性", "政策内外", "sfzcn", "zcsx", "policy"]),
        ("birthplace", ["出生地点", "出生地", "csdd", "chushengdidian", "place_of_birth"]),
        ("institution", ["接生机构", "助产机构", "jsjg", "jieshengjigou"]),
    ])
}

/// A `--map FILE`: headers (or XML element and attribute names) the table does not know, each
/// mapped to a canonical field of the kind or to `extra`.
///
///     # header = field        (a TAB works as well as `=`; `#` starts a comment line)
///     户籍号 = household
///     人员姓名 = name
///     备用电话 = extra
public struct HeaderMap: Sendable {
    /// Folded header → field name (or `extra`).
    public private(set) var entries: [String: String] = [:]

    public init() {}

    /// Parses a map file's text against `schema`; `name` is the file's name in error messages.
    public static func parse(_ text: String, name: String, schema: RecordSchema) throws -> HeaderMap {
        var map = HeaderMap()
        var lineNo = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line.removeLast() }
            if lineNo == 1 && line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            let trimmed = line.trimmingCharacters(in: " \t\u{3000}")
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let cut = trimmed.firstIndex(where: { $0 == "=" || $0 == "\t" }) else {
                throw StageError.usage("\(name):\(lineNo): expected `header = field`")
            }
            let header = trimmed[..<cut].trimmingCharacters(in: " \t\u{3000}")
            let field = trimmed[trimmed.index(after: cut)...].trimmingCharacters(in: " \t\u{3000}=")
            guard !header.isEmpty else { throw StageError.usage("\(name):\(lineNo): empty header") }
            guard field == CommonField.extra || schema.index(of: field) != nil else {
                throw StageError.usage("\(name):\(lineNo): unknown field \"\(field)\" for kind \(schema.kind) "
                    + "(fields: \(schema.fields.joined(separator: ", ")), extra)")
            }
            let key = HeaderSynonyms.fold(header)
            if let prev = map.entries[key], prev != field {
                throw StageError.usage("\(name):\(lineNo): \"\(header)\" is already mapped to \(prev)")
            }
            map.entries[key] = field
        }
        return map
    }

    /// The field (or `extra`) the map gives `header`, if any.
    public func target(for header: String) -> String? { entries.isEmpty ? nil : entries[HeaderSynonyms.fold(header)] }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self[...]
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

/// Where each column (or XML name) of an input goes: a canonical field or `extra`.
public struct FieldResolver: Sendable {
    public let schema: RecordSchema
    public let map: HeaderMap

    public init(schema: RecordSchema, map: HeaderMap = HeaderMap()) {
        self.schema = schema
        self.map = map
    }

    /// The field index `header` maps to (nil: it goes to `extra`). The map wins over the table.
    public func resolve(_ header: String) -> Int? {
        if let t = map.target(for: header) { return t == CommonField.extra ? nil : schema.index(of: t) }
        return schema.field(for: header)
    }
}
