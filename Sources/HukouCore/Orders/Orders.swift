// Correction orders: the findings of every stage grouped into one order per person (or household,
// cluster, birth certificate) and action, each with a content-derived number, its legal basis,
// the persons with their registered values, the evidence, a due date and the text to print.
import HukouIO

/// Settings of `hukou orders`.
public struct OrdersConfig: Sendable {
    /// The date orders are issued (ISO); due dates count from it. A fixed default keeps runs
    /// reproducible; pass the real date in production.
    public var asOf = "2026-11-01"
    /// Days an officer has to carry an order out.
    public var dueDays = 30
    /// Where to spill the persons and findings kept until the end (a temporary file, unlinked at
    /// once); nil keeps them in memory.
    public var spillDirectory: String?
    public init() {}
}

/// The register persons orders quote: the values as registered (before normalize), kept in a
/// PackedStore so that a million of them stay small (or spill to a temporary file).
public final class PersonRows {
    /// Field order of the stored values after the place's location: registered values first,
    /// then the normalized relation, ID, name and birth date the order number is derived from.
    public static let personFields = ["name", "sex", "ethnicity", "birth_date", "id_number", "relation", "relation_code", "id_norm", "name_norm", "birth_norm"]
    /// The household-level fields, stored once per household (see `places`).
    public static let placeFields = ["household", "village", "group", "address", "station"]
    var store: PackedStore
    public init(spillDirectory: String? = nil) {
        store = PackedStore(spillDirectory: spillDirectory)
        places = TextArena(spillDirectory: spillDirectory)
    }

    /// Household-level values (household, village, group, address, station), shared by the
    /// members of a household: stored once per run of its members (they come one after
    /// another), each person keeps where they are.
    var places: TextArena
    var lastPlace: (values: [String], loc: UInt64)?

    /// Remembers a (normalized or raw) person record. Cheap on purpose: every person of the
    /// register passes here; keys are derived only for the few that orders cite.
    public func add(_ r: Record) {
        recent = []
        let v = RegisteredView(r)
        let place = [v.household, v.village, v.group, v.address, v.station]
        let loc: UInt64
        if let last = lastPlace, last.values == place { loc = last.loc } else {
            loc = places.append(place)
            lastPlace = (place, loc)
        }
        // Normalized values equal to the registered ones are stored as "" (most of a register).
        store.add(r.src, [String(loc, radix: 36), v.name, v.sex, v.ethnicity, v.birthDate, v.idNumber, v.relation,
                          v.relationCode == v.relation ? "" : v.relationCode,
                          v.idNorm == v.idNumber ? "" : v.idNorm, v.nameNorm == v.name ? "" : v.nameNorm,
                          v.birthNorm == v.birthDate ? "" : v.birthNorm])
    }

    /// The last few lookups: an order asks for its persons several times in a row (number,
    /// location, persons, text).
    private var recent: [(src: String, values: [String: String]?)] = []

    /// The values of `src` by field name, with `src`, `id_key` (18-digit form) and `name_key`
    /// (name and ISO birth date) for order numbers; nil for a src never seen.
    public subscript(src: String) -> [String: String]? {
        if let hit = recent.first(where: { sameBytes($0.src, src) }) { return hit.values }
        let v = lookup(src)
        if recent.count == 8 { recent.removeFirst() }
        recent.append((src, v))
        return v
    }

    func lookup(_ src: String) -> [String: String]? {
        guard let parts = store.get(src), let first = parts.first, let loc = UInt64(first, radix: 36) else { return nil }
        var d: [String: String] = ["src": src]
        let place = places.get(loc)
        for (k, f) in Self.placeFields.enumerated() where k < place.count { d[f] = place[k] }
        for (k, f) in Self.personFields.enumerated() where k + 1 < parts.count { d[f] = parts[k + 1] }
        for (norm, reg) in [("relation_code", "relation"), ("id_norm", "id_number"), ("name_norm", "name"), ("birth_norm", "birth_date")] where d[norm] == "" {
            d[norm] = d[reg]
        }
        d["id_key"] = IDCompare.key(IDNumber.normalizeText(d["id_norm"] ?? ""))
        let b = d["birth_norm"] ?? ""
        d["name_key"] = NameKey.plain(d["name_norm"] ?? "") + "|" + (ListValue.isoDate(b) ?? b)
        return d
    }
}

/// A person's values as an order or a list prints them, read in one pass over the record: the
/// value as registered where normalize changed it, coded fields as their GB/T label, and the
/// normalized ID, name, birth date and relation code beside them.
public struct RegisteredView {
    public var household = "", name = "", sex = "", ethnicity = "", birthDate = "", idNumber = ""
    public var relation = "", village = "", group = "", address = "", station = ""
    public var relationCode = "", idNorm = "", nameNorm = "", birthNorm = ""

    public init(_ r: Record) {
        var registered: JSONObject?
        var labels: JSONObject?
        for f in r.fields {
            guard case .string(let v) = f.value else {
                if f.key == "registered" { registered = f.value.objectValue }
                if f.key == "labels" { labels = f.value.objectValue }
                continue
            }
            setPrinted(f.key, v)
            switch f.key {
            case "name": nameNorm = v
            case "birth_date": birthNorm = v
            case "id_number": idNorm = v
            case "relation": relationCode = v
            default: break
            }
        }
        // The value as registered wins over the normalized one for printing.
        if let reg = registered {
            for f in reg.fields {
                if case .string(let v) = f.value { setPrinted(f.key, v) }
            }
        }
        // Coded fields print as their label (男, 汉族, 户主) when normalize supplied one.
        if let l = labels {
            for f in l.fields {
                guard case .string(let v) = f.value, !v.isEmpty else { continue }
                switch f.key {
                case "sex": sex = v
                case "ethnicity": ethnicity = v
                case "relation": relation = v
                default: break
                }
            }
        }
        if sex == "1" { sex = "男" } else if sex == "2" { sex = "女" }
    }

    /// Sets the printed value of a person field (no-op for other keys).
    private mutating func setPrinted(_ key: String, _ v: String) {
        switch key {
        case "household": household = v
        case "name": name = v
        case "sex": sex = v
        case "ethnicity": ethnicity = v
        case "birth_date": birthDate = v
        case "id_number": idNumber = v
        case "relation": relation = v
        case "village": village = v
        case "group": group = v
        case "address": address = v
        case "station": station = v
        default: break
        }
    }
}

/// One order under construction.
struct OrderDraft {
    var action: String
    var reason: String
    /// Person srcs in the order they were first involved, with their role.
    var persons: [(src: String, role: String)] = []
    /// Where the findings are in the builder's finding store (read back when rendered).
    var findings: [UInt64] = []
    /// Identity text the order number is derived from.
    var identity: String
    var location: (station: String, village: String, group: String, household: String)

    mutating func involve(_ src: String, _ role: String) {
        if !persons.contains(where: { $0.src == src }) { persons.append((src, role)) }
    }
}

/// Builds orders from persons and findings.
public final class OrderBuilder {
    let config: OrdersConfig
    var persons: PersonRows
    var drafts: [String: OrderDraft] = [:]
    var draftOrder: [String] = []
    /// The findings, as compact JSON in the order they came (a parsed record takes several times
    /// the bytes, and tens of thousands wait here for the end of the stream). They are folded
    /// into drafts by `build`, when every person is known.
    var findingStore: ByteArena
    let writer = JSONWriter(capacity: 4096)

    public init(config: OrdersConfig) {
        self.config = config
        persons = PersonRows(spillDirectory: config.spillDirectory)
        findingStore = ByteArena(spillDirectory: config.spillDirectory)
    }

    /// Remembers a register person (orders quote the registered values).
    public func addPerson(_ r: Record) { persons.add(r) }

    static let crossCodes: [String: String] = ["DECEASED_STILL_REGISTERED": "death", "ENLISTED_STILL_REGISTERED": "enlistment", "EMIGRATED_STILL_REGISTERED": "emigration"]
    static let defaultAction: [String: String] = [
        "DECEASED_STILL_REGISTERED": "cancel", "ENLISTED_STILL_REGISTERED": "cancel", "EMIGRATED_STILL_REGISTERED": "cancel",
        "DUPLICATE_REGISTRATION": "cancel", "ID_SHARED_BY_DIFFERENT_PERSONS": "change_id",
        "ID_BAD_CHECKSUM": "change_id", "ID_UNKNOWN_REGION": "change_id", "ID_15_DIGIT_NOT_UPGRADED": "change_id",
        "ID_BIRTHDATE_MISMATCH": "correct", "ID_SEX_MISMATCH": "correct", "FIELD_INVALID": "correct",
        "HOUSEHOLD_WITHOUT_HEAD": "correct", "HOUSEHOLD_MULTIPLE_HEADS": "correct", "RELATION_AGE_IMPOSSIBLE": "correct",
        "ID_EXCEL_CORRUPTED": "verify", "ID_MISSING": "verify",
        "BIRTH_NOT_REGISTERED": "register", "BIRTH_OUT_OF_POLICY": "register",
    ]
    /// The actions in the order an officer's list shows them.
    public static let actions = ["cancel", "register", "correct", "change_id", "verify"]

    /// Keeps a finding for its order. Returns false for a finding no order takes (a warning).
    @discardableResult
    public func addFinding(_ f: Record) -> Bool {
        if f.text("severity") == "warning" { return false }
        _ = findingStore.append(f, writer)
        return true
    }

    /// Folds a finding (stored at `at`) into its order.
    func fold(_ f: Record, at: UInt64) {
        let code = f.text("code")
        var refs = (f["refs"]?.arrayValue ?? []).compactMap { $0.stringValue }
        if refs.isEmpty { refs = [f.src] }
        let action = f.string("action") ?? Self.defaultAction[code] ?? "verify"
        var reason = ""
        var subjectKey: String
        var identity: String
        var involved: [(String, String)] = []
        func ident(_ src: String) -> String {
            guard let v = persons[src] else { return "src:" + src }
            return (v["id_key"] ?? "").isEmpty ? "nk:" + (v["name_key"] ?? "") + "|" + (v["household"] ?? "") : "id:" + v["id_key"]!
        }
        switch code {
        case "BIRTH_NOT_REGISTERED", "BIRTH_OUT_OF_POLICY":
            let e = f["entry"]?.objectValue ?? JSONObject()
            let cert = e.text("certificate")
            identity = "birth:" + (cert.isEmpty ? e.text("name") + "|" + e.text("birth_date") + "|" + e.text("mother_id") + "|" + e.text("father_id") : cert)
            subjectKey = "entry:" + refs[0]
            if let p = f.string("parent_src") { involved.append((p, f.text("parent"))) }
        case "DUPLICATE_REGISTRATION", "ID_SHARED_BY_DIFFERENT_PERSONS":
            if action == "cancel" { reason = "duplicate" }
            let members = refs.sorted()
            subjectKey = "cluster:" + members.joined(separator: ";")
            identity = members.map(ident).sorted().joined(separator: ";")
            involved = members.map { ($0, "member") }
        case "HOUSEHOLD_WITHOUT_HEAD", "HOUSEHOLD_MULTIPLE_HEADS":
            let v = persons[refs[0]] ?? [:]
            let hh = (v["station"] ?? f.text("station")) + "|" + (v["village"] ?? f.text("village")) + "|" + (v["household"] ?? f.text("household"))
            subjectKey = "household:" + hh
            identity = "household:" + hh
            involved = refs.map { ($0, "member") }
        default:
            // Person-level: the subject is the first ref, except for a relation contradiction,
            // whose subject is the member (refs: head, member).
            let subject = code == "RELATION_AGE_IMPOSSIBLE" ? refs[refs.count - 1] : refs[0]
            if action == "cancel", let list = Self.crossCodes[code] { reason = list }
            subjectKey = "person:" + subject
            identity = ident(subject)
            // A verification naming several candidates is about all of them: its number must not
            // depend on which one the stream happened to show first.
            let cands = (f["candidates"]?.arrayValue ?? []).compactMap { $0.objectValue?.string("src") }
            if cands.count > 1 { identity = cands.map(ident).sorted().joined(separator: ";") }
            involved.append((subject, "subject"))
            if code == "RELATION_AGE_IMPOSSIBLE" { for r in refs where r != subject { involved.append((r, "head")) } }
            for c in f["candidates"]?.arrayValue ?? [] {
                if let s = c.objectValue?.string("src"), s != subject { involved.append((s, "candidate")) }
            }
        }
        let key = action + "|" + reason + "|" + subjectKey
        if drafts[key] == nil {
            let loc = location(of: involved.first?.0 ?? refs[0], finding: f)
            drafts[key] = OrderDraft(action: action, reason: reason, identity: action + "|" + reason + "|" + identity, location: loc)
            draftOrder.append(key)
        }
        for (s, role) in involved { drafts[key]!.involve(s, role) }
        drafts[key]!.findings.append(at)
    }

    func location(of src: String, finding f: Record) -> (station: String, village: String, group: String, household: String) {
        if f.text("code").hasPrefix("BIRTH_") || persons[src] == nil {
            return (f.text("station"), f.text("village"), f.text("group"), f.text("household"))
        }
        let v = persons[src]!
        return (v["station"] ?? "", v["village"] ?? "", v["group"] ?? "", v["household"] ?? "")
    }

    /// Hands the orders to `emit` one at a time, numbered and sorted by station, village, group,
    /// household, action, number. Empties the builder: what it kept is let go at the end.
    public func build(_ emit: (Record) throws -> Void) rethrows {
        findingStore.forEach { at, b in
            // Written by `addFinding` from a record: it parses back.
            if let f = try? JSONParser.parseObject(b.assumingMemoryBound(to: UInt8.self)) { fold(f, at: at) }
        }
        var numbered: [(number: String, draft: OrderDraft)] = draftOrder.map { k in
            let d = drafts[k]!
            return (OrderNumber.make(action: d.action, identity: d.identity), d)
        }
        drafts = [:]
        draftOrder = []
        numbered.sort { a, b in
            let la = a.draft.location, lb = b.draft.location
            if la.station != lb.station { return la.station < lb.station }
            if la.village != lb.village { return la.village < lb.village }
            if la.group != lb.group { return naturalLess(la.group, lb.group) }
            if la.household != lb.household { return la.household < lb.household }
            let ia = Self.actions.firstIndex(of: a.draft.action) ?? 9, ib = Self.actions.firstIndex(of: b.draft.action) ?? 9
            if ia != ib { return ia < ib }
            if a.number != b.number { return a.number < b.number }
            return a.draft.identity < b.draft.identity
        }
        // Two different problems hashing to one number (never seen, but possible): later ones
        // in sorted order get a suffix, so numbers stay unique and still content-derived.
        var used: [String: Int] = [:]
        for k in numbered.indices {
            let n = numbered[k].number
            used[n, default: 0] += 1
            if used[n]! > 1 { numbered[k].number = n + "-" + String(used[n]!) }
        }
        let due = Dates.adding(days: config.dueDays, to: config.asOf) ?? config.asOf
        for k in numbered.indices {
            let d = numbered[k].draft
            numbered[k].draft.persons = []
            try emit(render(numbered[k].number, d, d.findings.map(findingStore.record), due: due))
        }
        persons = PersonRows()
        findingStore = ByteArena()
    }

    func render(_ number: String, _ d: OrderDraft, _ findings: [Record], due: String) -> Record {
        let first = d.persons.first?.src ?? findings[0].src
        let src = findings.contains { $0.text("code").hasPrefix("BIRTH_") } ? findings[0].src : first
        var r = Record.make(kind: RecordKind.order, src: src)
        r.append("order_no", .string(number))
        r.append("action", .string(d.action))
        if !d.reason.isEmpty { r.append("reason", .string(d.reason)) }
        var codes: [String] = []
        for f in findings where !codes.contains(f.text("code")) { codes.append(f.text("code")) }
        r.append("codes", .strings(codes))
        r.append("legal_basis", .string(LegalBasis.text(action: d.action, reason: d.reason, codes: codes)))
        r.append("station", .string(d.location.station))
        r.append("village", .string(d.location.village))
        r.append("group", .string(d.location.group))
        r.append("household", .string(d.location.household))
        r.append("issued", .string(config.asOf))
        r.append("due_date", .string(due))
        r.append("persons", .array(d.persons.map { p in
            var o = JSONObject()
            o.append("src", .string(p.src))
            o.append("role", .string(p.role))
            if let v = persons[p.src] {
                for f in ["household", "name", "sex", "ethnicity", "birth_date", "id_number", "relation", "village", "group", "address"] {
                    o.append(f, .string(v[f] ?? ""))
                }
            }
            return .object(o)
        }))
        r.append("evidence", .array(findings.map { f in
            var o = JSONObject()
            for x in f where !["kind", "station", "village", "group", "household", "message_en"].contains(x.key) { o.append(x.key, x.value) }
            return .object(o)
        }))
        r.append("text_zh", .string(OrderText.render(number: number, draft: d, findings: findings, persons: persons, due: due)))
        return r
    }
}

/// Order numbers derived from content: `HK-` + an action letter + `-` + 12 hex digits of FNV-1a
/// over the action, the reason and the identities involved (ID numbers in 18-digit form, else name,
/// birth date and household; certificate numbers for births). Line numbers are not part of it, so
/// next month's export of the same problem yields the same number.
public enum OrderNumber {
    static let letters = ["cancel": "C", "register": "R", "correct": "E", "change_id": "N", "verify": "V"]

    public static func make(action: String, identity: String) -> String {
        var h = fnv64(identity)
        // FNV-1a alone barely mixes its last bytes into the high bits; finish with the
        // SplitMix64 avalanche so near-identical identities get unrelated numbers.
        h = (h ^ (h >> 30)) &* 0xbf58476d1ce4e5b9
        h = (h ^ (h >> 27)) &* 0x94d049bb133111eb
        h ^= h >> 31
        let hex = String(h >> 16, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 12 - hex.count)) + hex
        return "HK-" + (letters[action] ?? "X") + "-" + padded
    }
}

/// The articles of 《中华人民共和国户口登记条例》 each action rests on (DOMAIN.md).
public enum LegalBasis {
    static let law = "《中华人民共和国户口登记条例》"
    public static func text(action: String, reason: String, codes: [String]) -> String {
        switch (action, reason) {
        case ("cancel", "death"): return law + "第八条（死亡注销户口）"
        case ("cancel", "enlistment"): return law + "第十一条（应征入伍注销户口）"
        case ("cancel", "emigration"): return law + "第十条（迁出注销户口）；出境定居注销户口的规定"
        case ("cancel", _): return law + "第六条（公民应当在经常居住的地方登记为常住人口，一个公民只能在一个地方登记为常住人口）"
        case ("register", _): return law + "第七条（婴儿出生后一个月以内申报出生登记）"
        case ("correct", _): return law + "第十七条（户口登记的内容需要变更或者更正）"
        case ("change_id", _): return law + "第十七条（变更更正）；GB 11643-1999《公民身份号码》"
        default:
            let then: String
            if codes.contains("DECEASED_STILL_REGISTERED") { then = "第八条" }
            else if codes.contains("ENLISTED_STILL_REGISTERED") { then = "第十一条" }
            else if codes.contains("EMIGRATED_STILL_REGISTERED") { then = "第十条" }
            else if codes.contains("DUPLICATE_REGISTRATION") { then = "第六条" }
            else { then = "第十七条" }
            return "核实后依" + law + then + "办理"
        }
    }
}

/// Small date arithmetic on ISO dates (days since 1970-01-01, proleptic Gregorian).
public enum Dates {
    public static func days(_ iso: String) -> Int? {
        // YYYY-MM-DD read from the bytes (this runs for every candidate of every birth).
        var p = [0, 0, 0]
        var k = 0, digits = 0
        for b in iso.utf8 {
            if b == 0x2D {
                guard digits > 0, k < 2 else { return nil }
                k += 1
                digits = 0
            } else if b >= 48 && b <= 57 {
                p[k] = p[k] * 10 + Int(b - 48)
                digits += 1
            } else {
                return nil
            }
        }
        guard k == 2, digits > 0, isRealDate(year: p[0], month: p[1], day: p[2]) else { return nil }
        return daysFromCivil(p[0], p[1], p[2])
    }

    public static func iso(_ z0: Int) -> String {
        let c = civilFromDays(z0)
        return isoDate(c.year, c.month, c.day)
    }

    public static func adding(days n: Int, to iso: String) -> String? { days(iso).map { Self.iso($0 + n) } }
}

/// Orders village groups as 第2组 < 第10组: digit runs compare by value.
public func naturalLess(_ a: String, _ b: String) -> Bool {
    let ua = Array(a.unicodeScalars), ub = Array(b.unicodeScalars)
    var i = 0, j = 0
    while i < ua.count && j < ub.count {
        let da = ua[i].properties.numericType != nil && ua[i].isASCII, db = ub[j].properties.numericType != nil && ub[j].isASCII
        if da && db {
            var na = 0, nb = 0
            while i < ua.count && ua[i].isASCII && ua[i].properties.numericType != nil { na = na * 10 + Int(ua[i].value - 48); i += 1 }
            while j < ub.count && ub[j].isASCII && ub[j].properties.numericType != nil { nb = nb * 10 + Int(ub[j].value - 48); j += 1 }
            if na != nb { return na < nb }
        } else {
            if ua[i] != ub[j] { return ua[i].value < ub[j].value }
            i += 1; j += 1
        }
    }
    return ua.count - i < ub.count - j
}
