// The match specification: which fields are compared, with which comparison levels, how records
// are blocked, and the decision thresholds. The engine takes this parsed struct (it knows no
// YAML); `pipelines/hukou-match.yaml` is the same built-in spec as text, and a test holds the two
// equal.

/// How the values of one field are compared. Each comparator has a vocabulary of level names
/// (see `FieldSpec.levels`); a pair gets the first listed level that holds, else `different`,
/// or `missing` (weight 0) when either side is empty.
public enum Comparator: String, Sendable, Equatable, CaseIterable {
    /// Chinese names: `exact`, `fold` (keys.name_fold), `pinyin` (keys.pinyin: homophones),
    /// `pinyin_edit:N`, `chars:T` (the same surname, and Jaro–Winkler over the characters ≥ T).
    case chineseName = "chinese_name"
    /// Generic text: `exact`, `fold` (case and punctuation folded), `levenshtein:N`, `jaro_winkler:T`.
    case text
    /// GB 11643 ID numbers: `exact`, `15_18` (the same number's two forms), `typo` (one digit
    /// or one adjacent transposition apart, with a failing check or a legacy form on one side),
    /// `same_birth` (both well-formed, the same encoded birth date, another number: how two
    /// people born the same day differ), `same_region` (both well-formed, different, issued
    /// in the same county: the first six digits agree), `different_valid` (both well-formed, different).
    case idNumber = "id_number"
    /// ISO dates: `exact`, `swap_dm` (day and month swapped), `one_digit`, `off_by_one` (the
    /// year, the month or the day one apart, the rest equal: 1979-09-16 for 1980-09-16), `lunar` (the same
    /// date read in the other calendar), `within_days:N`.
    case date
    /// Codes and other values that are equal or not: `exact`.
    case exact
    /// The household a record sits in (the field holds the household number): `alone` (either
    /// record is the only one of its household, or is lodged as 其他 (80): how a second
    /// registration usually looks). Households are runs of consecutive records with one number,
    /// as exports list them.
    case household
}

/// One compared field.
public struct FieldSpec: Sendable, Equatable {
    /// The name used in weights, findings and blocking expressions.
    public var name: String
    /// The record key holding the value.
    public var field: String
    public var comparator: Comparator
    /// Agreement levels, strongest first (`different` and `missing` are implicit).
    public var levels: [String]
    /// Term-frequency adjustment on the agreeing levels (`exact`, `fold`, `pinyin`): a common
    /// value agreeing says less than a rare one.
    public var termFrequency: Bool
    /// Levels at which a pair can never be linked whatever the other fields say (e.g. sex
    /// `different`): the domain's hard evidence.
    public var veto: [String]
    /// Another field this one depends on among different people (birth date and sex on the
    /// name: names follow the fashions of their years and are given to boys or to girls). When a
    /// pair agrees on that field (`exact`, `fold` or `pinyin`), this field's u is the one measured
    /// among pairs of different people who agree on it too, so the evidence is not counted twice.
    public var given: String?
    /// The record key of what this field's values are named within: two values agree only when
    /// the records agree on it too (when both have it). A village is named within its township,
    /// and names repeat: 永红村委会 is a village of 分水乡 and another of 中路铺镇, which the police
    /// station (one per township) tells apart.
    public var within: String?

    public init(name: String, field: String, comparator: Comparator, levels: [String], termFrequency: Bool = false, veto: [String] = [], given: String? = nil, within: String? = nil) {
        self.name = name
        self.field = field
        self.comparator = comparator
        self.levels = levels
        self.termFrequency = termFrequency
        self.veto = veto
        self.given = given
        self.within = within
    }
}

/// One blocking pass: records sharing all of the parts' values become candidate pairs.
/// A part is `FIELD` or `FIELD|TRANSFORM` with FIELD a spec field name; transforms: `fold`,
/// `pinyin`, `surname`, `given`, `year`, `first:N`, `id_body`, `id15`, `id_typo` (several keys).
public struct BlockRule: Sendable, Equatable {
    public var name: String
    public var parts: [String]
    public init(name: String, parts: [String]) {
        self.name = name
        self.parts = parts
    }
}

/// A combination of levels that forbids a link: every condition must hold (e.g. the ID numbers
/// are `same_birth` AND the villages differ: two people born the same day elsewhere).
public struct VetoRule: Sendable, Equatable {
    public struct Condition: Sendable, Equatable {
        public var field: String
        public var levels: [String]
        public init(field: String, levels: [String]) {
            self.field = field
            self.levels = levels
        }
    }
    public var when: [Condition]
    public init(when: [Condition]) { self.when = when }
    /// The rule's name in pairs and findings: its fields joined by `+`.
    public var name: String { when.map(\.field).joined(separator: "+") }
}

/// A veto compiled against the fields: per condition, the field index and which levels hold.
public struct CompiledVeto: Sendable {
    public let name: String
    public let conditions: [(field: Int, levels: [Bool])]

    /// Whether the pattern meets every condition (a missing value never meets one).
    @inline(__always) public func holds(_ p: UInt64) -> Bool {
        for c in conditions {
            let l = Int((p >> (4 * UInt64(c.field))) & 15)
            if l == Int(Level.missing) || !c.levels[l] { return false }
        }
        return true
    }
}

/// A whole match specification.
public struct MatchSpec: Sendable, Equatable {
    /// A label for the spec (kept in the model file).
    public var name: String
    /// Which records are matched (`person`); every other kind passes through.
    public var kind: String
    public var fields: [FieldSpec]
    public var blocking: [BlockRule]
    /// Match probability at or above which a pair is a link.
    public var threshold: Double
    /// Every pair inside a cluster must reach this probability (complete linkage), so one strong
    /// link cannot chain two strangers together.
    public var clusterFloor: Double
    /// Blocks larger than this are skipped with a warning (a runaway key such as an empty-ish value).
    public var blockCap: Int
    /// Records with the same non-empty value here are never the same person (one household
    /// does not register one person twice; twins share a household and a birth date).
    public var cannotLink: String?
    /// The field naming the identifier whose sharing by different people is a finding
    /// (ID_SHARED_BY_DIFFERENT_PERSONS); nil for none.
    public var sharedID: String?
    /// The field that says which household a record belongs to (for the keep rule and findings).
    public var household: String?
    /// The field that says where the household is (village), for the keep rule.
    public var place: String?
    /// Combinations of levels that forbid a link (beside each field's own `veto` levels).
    public var vetoes: [VetoRule]

    public init(name: String, kind: String, fields: [FieldSpec], blocking: [BlockRule], threshold: Double, clusterFloor: Double, blockCap: Int, cannotLink: String?, sharedID: String?, household: String?, place: String?, vetoes: [VetoRule] = []) {
        self.name = name
        self.kind = kind
        self.fields = fields
        self.blocking = blocking
        self.threshold = threshold
        self.clusterFloor = clusterFloor
        self.blockCap = blockCap
        self.cannotLink = cannotLink
        self.sharedID = sharedID
        self.household = household
        self.place = place
        self.vetoes = vetoes
    }

    /// Per field, the index of its `given` field (-1 for none).
    public var givenIndex: [Int] {
        fields.map { f in f.given.flatMap { g in fields.firstIndex { $0.name == g } } ?? -1 }
    }

    /// Every veto: each field's own (in field order), then the combinations.
    public func compiledVetoes() -> [CompiledVeto] {
        var out: [CompiledVeto] = []
        for (f, fs) in fields.enumerated() where !fs.veto.isEmpty {
            out.append(CompiledVeto(name: fs.name, conditions: [(f, (fs.levels + ["different"]).map { fs.veto.contains($0) })]))
        }
        for v in vetoes {
            var conds: [(field: Int, levels: [Bool])] = []
            for c in v.when {
                guard let f = fields.firstIndex(where: { $0.name == c.field }) else { continue }
                conds.append((f, (fields[f].levels + ["different"]).map { c.levels.contains($0) }))
            }
            if conds.count == v.when.count && !conds.isEmpty { out.append(CompiledVeto(name: v.name, conditions: conds)) }
        }
        return out
    }

    /// Checks names, levels and blocking expressions; returns the first problem found.
    public func problem() -> String? {
        if fields.isEmpty { return "the spec has no fields" }
        if fields.count > 15 { return "at most 15 fields can be compared" }
        var seen: [String] = []
        for f in fields {
            if seen.contains(f.name) { return "field `\(f.name)` is named twice" }
            seen.append(f.name)
            if f.levels.count > 12 { return "field `\(f.name)`: at most 12 levels" }
            for l in f.levels + f.veto where l != "different" && LevelTest.parse(l, f.comparator) == nil {
                return "field `\(f.name)`: unknown level `\(l)` for comparator \(f.comparator.rawValue)"
            }
            if let g = f.given {
                guard let gf = fields.first(where: { $0.name == g }), g != f.name, gf.given == nil else {
                    return "field `\(f.name)`: `given` must name another field that has no `given` of its own"
                }
                if f.termFrequency { return "field `\(f.name)`: `tf` and `given` cannot be combined" }
            }
        }
        for v in vetoes {
            if v.when.isEmpty { return "a veto needs at least one condition" }
            for c in v.when {
                guard let f = fields.first(where: { $0.name == c.field }) else { return "veto: no field `\(c.field)`" }
                for l in c.levels where l != "different" && LevelTest.parse(l, f.comparator) == nil {
                    return "veto: unknown level `\(l)` for field `\(c.field)`"
                }
            }
        }
        if blocking.isEmpty { return "the spec has no blocking rules" }
        for r in blocking {
            if r.parts.isEmpty { return "blocking rule `\(r.name)` has no parts" }
            for p in r.parts where KeyPart.parse(p, fields) == nil { return "blocking rule `\(r.name)`: bad part `\(p)`" }
        }
        if !(threshold > 0 && threshold < 1) || !(clusterFloor > 0 && clusterFloor <= threshold) {
            return "thresholds must satisfy 0 < cluster_floor ≤ threshold < 1"
        }
        if blockCap < 2 { return "block_cap must be at least 2" }
        return nil
    }

    /// The built-in spec for normalized person records (the text of pipelines/hukou-match.yaml).
    public static let hukou = MatchSpec(
        name: "hukou-person",
        kind: "person",
        fields: [
            FieldSpec(name: "name", field: "name", comparator: .chineseName,
                      levels: ["exact", "fold", "pinyin", "pinyin_edit:1", "chars:0.75"],
                      termFrequency: true, veto: ["different"]),
            FieldSpec(name: "id", field: "id_number", comparator: .idNumber,
                      levels: ["exact", "15_18", "typo", "same_region", "different_valid"]),
            FieldSpec(name: "birth_date", field: "birth_date", comparator: .date,
                      levels: ["exact", "swap_dm", "off_by_one", "one_digit", "lunar"], veto: ["different"], given: "name"),
            FieldSpec(name: "sex", field: "sex", comparator: .exact, levels: ["exact"], veto: ["different"], given: "name"),
            FieldSpec(name: "ethnicity", field: "ethnicity", comparator: .exact, levels: ["exact"]),
            // A village is named within its township (the police station's area): names repeat.
            FieldSpec(name: "village", field: "village", comparator: .exact, levels: ["exact"], within: "station"),
            // Marital status is an attribute of the person, like sex: two registrations of one
            // person agree on it unless it changed between them, while namesakes of one village
            // born a digit apart (different numbers) often do not. EM learns how much either says.
            FieldSpec(name: "marital", field: "marital", comparator: .exact, levels: ["exact"]),
            FieldSpec(name: "relation", field: "relation", comparator: .exact, levels: ["exact"]),
            FieldSpec(name: "station", field: "station", comparator: .exact, levels: ["exact"]),
            FieldSpec(name: "household", field: "household", comparator: .household, levels: ["alone"]),
        ],
        blocking: [
            BlockRule(name: "id_body", parts: ["id|id_body"]),
            BlockRule(name: "id15", parts: ["id|id15"]),
            BlockRule(name: "pinyin_birth", parts: ["name|pinyin", "birth_date"]),
            BlockRule(name: "surname_birth_sex", parts: ["name|surname", "birth_date", "sex"]),
            BlockRule(name: "id_typo", parts: ["id|id_typo", "name|surname"]),
            BlockRule(name: "pinyin_village", parts: ["name|pinyin", "village"]),
        ],
        threshold: 0.9,
        clusterFloor: 0.5,
        blockCap: 2000,
        cannotLink: "household",
        sharedID: "id_number",
        household: "household",
        place: "village",
        vetoes: [
            VetoRule(when: [.init(field: "id", levels: ["same_region", "different_valid"]), .init(field: "birth_date", levels: ["exact"]),
                            .init(field: "village", levels: ["different"])]),
            VetoRule(when: [.init(field: "id", levels: ["typo", "same_region", "different_valid", "different"]), .init(field: "name", levels: ["pinyin_edit:1", "chars:0.75"])]),
            VetoRule(when: [.init(field: "id", levels: ["same_region", "different_valid"]), .init(field: "household", levels: ["different"])]),
        ]
    )
}

/// A parsed level name: what a comparator tests for it.
public enum LevelTest: Sendable, Equatable {
    case exact, fold, pinyin, form1518, typo, sameBirth, sameRegion, differentValid, swapDM, oneDigit, offByOne, lunar, alone
    case pinyinEdit(Int), levenshtein(Int), chars(Double), jaroWinkler(Double), withinDays(Int)
    case different

    /// Parses `name` or `name:arg` for a comparator; nil when the comparator does not know it.
    public static func parse(_ s: String, _ c: Comparator) -> LevelTest? {
        let bits = s.split(separator: ":", maxSplits: 1).map(String.init)
        let arg = bits.count > 1 ? bits[1] : nil
        switch (c, bits[0], arg) {
        case (_, "different", nil): return .different
        case (_, "exact", nil): return .exact
        case (.chineseName, "fold", nil), (.text, "fold", nil): return .fold
        case (.chineseName, "pinyin", nil): return .pinyin
        case (.chineseName, "pinyin_edit", let a?): return Int(a).map { .pinyinEdit($0) }
        case (.chineseName, "chars", let a?): return Double(a).map { .chars($0) }
        case (.text, "levenshtein", let a?): return Int(a).map { .levenshtein($0) }
        case (.text, "jaro_winkler", let a?), (.chineseName, "jaro_winkler", let a?): return Double(a).map { .jaroWinkler($0) }
        case (.idNumber, "15_18", nil): return .form1518
        case (.idNumber, "typo", nil): return .typo
        case (.idNumber, "same_birth", nil): return .sameBirth
        case (.idNumber, "same_region", nil): return .sameRegion
        case (.idNumber, "different_valid", nil): return .differentValid
        case (.date, "swap_dm", nil): return .swapDM
        case (.household, "alone", nil): return .alone
        case (.date, "one_digit", nil): return .oneDigit
        case (.date, "off_by_one", nil): return .offByOne
        case (.date, "lunar", nil): return .lunar
        case (.date, "within_days", let a?): return Int(a).map { .withinDays($0) }
        default: return nil
        }
    }
}

/// A parsed blocking part: a field index and a transform.
public struct KeyPart: Sendable, Equatable {
    public enum Transform: Sendable, Equatable { case raw, fold, pinyin, surname, given, year, first(Int), idBody, id15, idTypo }
    public var field: Int
    public var transform: Transform

    /// Parses `FIELD` or `FIELD|TRANSFORM` against the spec's fields.
    public static func parse(_ s: String, _ fields: [FieldSpec]) -> KeyPart? {
        let bits = s.split(separator: "|", maxSplits: 1).map(String.init)
        guard let f = fields.firstIndex(where: { $0.name == bits[0] }) else { return nil }
        guard bits.count == 2 else { return KeyPart(field: f, transform: .raw) }
        let t = bits[1]
        switch t {
        case "fold": return KeyPart(field: f, transform: .fold)
        case "pinyin": return KeyPart(field: f, transform: .pinyin)
        case "surname": return KeyPart(field: f, transform: .surname)
        case "given": return KeyPart(field: f, transform: .given)
        case "year": return KeyPart(field: f, transform: .year)
        case "id_body": return KeyPart(field: f, transform: .idBody)
        case "id15": return KeyPart(field: f, transform: .id15)
        case "id_typo": return KeyPart(field: f, transform: .idTypo)
        default:
            if t.hasPrefix("first:"), let n = Int(t.dropFirst(6)), n > 0 { return KeyPart(field: f, transform: .first(n)) }
            return nil
        }
    }
}
