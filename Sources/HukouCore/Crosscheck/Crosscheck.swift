// The cross-check of other agencies' lists against the register: index the small lists, stream
// the register past them, keep only the register persons that hit a list key, and link each list
// entry to at most one person at the end.
//
// The rule (README "Cross-check, orders and reports"): cancelling a living person is the worst
// error, so a cancellation needs
//   - the same ID number (or its 15/18-digit twin) and an agreeing name (same spelling after
//     folding traditional forms and dots, or a homophone), or
//   - when the list entry has no ID: the same name, birth date and sex as exactly one registered
//     person, with no other person of that birth date and sex whose name sounds the same;
// and dates that make sense (no death before birth, no enlistment of a child). Everything weaker
// (a one-digit typo in the number, a number held by someone with another name, several
// candidates, a name and birth date only, a name only) is a verification finding naming the
// candidates. A list entry whose valid number differs from a registered valid number is never
// linked to that person, however alike the names: that is the namesake (decoy) case.
import Foundation
import HukouIO

/// Settings of the cross-check (command-line options of `hukou crosscheck`).
public struct CrosscheckConfig: Sendable {
    /// Below this age at the enlistment date, an enlistment is a verification finding.
    public var minEnlistAge = 16
    /// A name-only entry (no ID, no birth date) with more namesakes than this is not worth a
    /// verification finding: it is listed as unmatched with the count.
    public var maxNamesakes = 3
    /// Whether a one-digit typo in the number, with name and birth date agreeing, may cancel.
    /// Off by default: a typo is also what two different people's numbers can look like.
    public var typoCancels = false
    public init() {}
}

/// Why a register person is a candidate for a list entry, strongest first.
public enum LinkBasis: String, Sendable, Comparable {
    case idAndName = "id_and_name"
    case nameBirthSex = "name_birth_sex"
    case idTypo = "id_one_digit_off"
    case idOtherName = "id_held_by_other_name"
    case nameBirth = "name_and_birth_date"
    case nameOnly = "name_only"

    var rank: Int {
        switch self {
        case .idAndName: 0
        case .nameBirthSex: 1
        case .idTypo: 2
        case .idOtherName: 3
        case .nameBirth: 4
        case .nameOnly: 5
        }
    }
    public static func < (a: LinkBasis, b: LinkBasis) -> Bool { a.rank < b.rank }
}

/// One list entry, with the comparison keys crosscheck derives itself (so raw and normalized
/// lists behave the same).
struct CrossEntry {
    let kind: String
    let src: String
    /// Where the entry's own fields (without `kind`, `src` and normalize's derived objects) are
    /// in the engine's evidence store, as compact JSON: the evidence findings quote, and the
    /// only copy of the entry kept (a parsed record takes several times the bytes).
    let fieldsAt: UInt64
    let name: String
    let pinyin: String
    let id: String
    let idKey: String
    let idValid: Bool
    let birth: String?
    let sex: String
    /// The event date (death, enlistment, settlement) as ISO, when readable.
    let date: String?
    let motherKey: String
    let fatherKey: String
    let outOfPolicy: Bool
    /// The parents' names on a birth certificate ("" on other lists).
    let motherName: String
    let fatherName: String
    /// Age at death as the death list states it (年龄), when it is a number.
    let age: Int?
    /// The address (住址) without spaces; "" when absent.
    let address: String

    init(_ r: Record, kind: String, store: ByteArena, writer: JSONWriter) {
        self.kind = kind
        self.src = r.src
        var o = JSONObject()
        for f in r where !["kind", "src", "keys", "labels", "registered"].contains(f.key) { o.append(f.key, f.value) }
        fieldsAt = store.append(o, writer)
        name = r.text("name")
        pinyin = NameKey.pinyin(name)
        id = IDCompare.usable(r.text("id_number"))
        idKey = IDCompare.key(id)
        idValid = IDCompare.isValid(id)
        (birth, sex) = ListValue.birthAndSex(r, id: id, idValid: idValid)
        let dateField = ["death": "death_date", "enlistment": "enlist_date", "emigration": "settle_date"][kind] ?? ""
        date = dateField.isEmpty ? nil : ListValue.isoDate(r.text(dateField))
        motherKey = IDCompare.key(IDCompare.usable(r.text("mother_id")))
        fatherKey = IDCompare.key(IDCompare.usable(r.text("father_id")))
        outOfPolicy = kind == "birth" && ListValue.isOutOfPolicy(r.text("in_policy"))
        motherName = kind == "birth" ? r.text("mother_name") : ""
        fatherName = kind == "birth" ? r.text("father_name") : ""
        age = Int(r.text("age").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "岁", with: ""))
        address = NameKey.plain(r.text("address"))
    }
}

/// What crosscheck keeps of a register person that hit a list key (tens of thousands in a
/// county): the values comparisons read, and where the rest is (see `PersonSnap.Cold`).
struct PersonSnap {
    let name: String
    let id: String
    let idValid: Bool
    let birth: String?
    let sex: String
    let household: String
    /// Where src, station, village, group and address are in the engine's snapshot store.
    let coldAt: UInt64

    /// The values only findings and tie-breaks read, in their order in the store.
    enum Cold: Int { case src, station, village, group, address }

    init(_ r: Record, id: String, store: inout TextArena) {
        name = r.text("name")
        self.id = id
        idValid = IDCompare.isValid(id)
        (birth, sex) = ListValue.birthAndSex(r, id: id, idValid: idValid)
        household = r.text("household")
        coldAt = store.append([r.src, r.text("station"), r.text("village"), r.text("group"), NameKey.plain(r.text("address"))])
    }
}

/// A candidate person for a list entry, with the comparison that made it one.
struct CrossCandidate {
    let person: Int
    let basis: LinkBasis
    let names: NameRelation
    let weight: Double
    /// For births: whether the registered child's birth date is the certificate's.
    var dateAgrees = true
}

/// The cross-check engine: built from the lists, fed every register person, decided at the end.
public final class CrosscheckEngine {
    let config: CrosscheckConfig
    var entries: [CrossEntry] = []
    var byID: [UTF8Key: [Int]] = [:]
    var byPinyin: [UTF8Key: [Int]] = [:]
    var byBirthDate: [UTF8Key: [Int]] = [:]
    /// Birth certificates by `date|pinyin`: the children whose names can agree.
    var byBirthDateName: [UTF8Key: [Int]] = [:]
    /// Register persons born on a certificate's date (one entry per person, not per pair: a day
    /// has dozens of certificates and dozens of babies); milk-name matches look here at the end.
    var datePersons: [UTF8Key: [Int]] = [:]
    var byBirthName: [UTF8Key: [Int]] = [:]
    var byParentID: [UTF8Key: [Int]] = [:]
    var persons: [PersonSnap] = []
    var candidates: [[CrossCandidate]] = []
    /// Per birth entry: the register persons holding the mother's and the father's number.
    var mothers: [Int: Int] = [:]
    var fathers: [Int: Int] = [:]
    /// The entries' own fields as compact JSON (see `CrossEntry.fieldsAt`).
    var evidenceStore = ByteArena()
    /// The persons' values that comparisons do not read (see `PersonSnap.coldAt`).
    var snapStore = TextArena()

    /// A person's value from the snapshot store.
    func cold(_ p: PersonSnap, _ v: PersonSnap.Cold) -> String { snapStore.get(p.coldAt)[v.rawValue] }

    /// Indexes the lists (each record's kind must be one of death, enlistment, emigration, birth).
    public init(lists: [Record], config: CrosscheckConfig) {
        self.config = config
        let writer = JSONWriter(capacity: 4096)
        entries.reserveCapacity(lists.count)
        for r in lists {
            let e = CrossEntry(r, kind: r.kind, store: evidenceStore, writer: writer)
            let k = entries.count
            entries.append(e)
            if e.kind == RecordKind.birth {
                if let b = e.birth {
                    byBirthDate[UTF8Key(b), default: []].append(k)
                    byBirthDateName[UTF8Key(b + "|" + e.pinyin), default: []].append(k)
                }
                if !e.pinyin.isEmpty { byBirthName[UTF8Key(e.pinyin), default: []].append(k) }
                if !e.motherKey.isEmpty { byParentID[UTF8Key(e.motherKey), default: []].append(k) }
                if !e.fatherKey.isEmpty && e.fatherKey != e.motherKey { byParentID[UTF8Key(e.fatherKey), default: []].append(k) }
            } else {
                if !e.idKey.isEmpty { byID[UTF8Key(e.idKey), default: []].append(k) }
                if !e.pinyin.isEmpty { byPinyin[UTF8Key(e.pinyin), default: []].append(k) }
            }
        }
        candidates = Array(repeating: [], count: entries.count)
    }

    /// Looks at one register person; keeps a snapshot only when it hits a list key.
    public func observe(_ r: Record) {
        let id = IDCompare.usable(r.text("id_number"))
        let idKey = IDCompare.key(id)
        var snap: Int? = nil
        func snapshot() -> Int {
            if let s = snap { return s }
            persons.append(PersonSnap(r, id: id, store: &snapStore))
            snap = persons.count - 1
            return snap!
        }
        if !idKey.isEmpty {
            if let hits = byID[UTF8Key(idKey)] {
                for k in hits { consider(k, snapshot()) }
            }
            if let hits = byParentID[UTF8Key(idKey)] {
                // The parent's number must be held by a person of the parent's name: a number
                // held by someone else (a typo, a shared number) gives no household.
                let p = snapshot()
                let name = persons[p].name
                for k in hits {
                    let e = entries[k]
                    if e.motherKey == idKey, mothers[k] == nil, NameKey.relation(e.motherName, name) != .different { mothers[k] = p }
                    if e.fatherKey == idKey, fathers[k] == nil, NameKey.relation(e.fatherName, name) != .different { fathers[k] = p }
                }
            }
        }
        let name = r.text("name")
        let birthISO = byBirthDate.isEmpty ? nil : ListValue.isoDate(r.text("birth_date"))
        // The name's pinyin key, looked up once for the three indexes that use it.
        let py = name.isEmpty ? "" : pinyin(name)
        if !name.isEmpty, !byBirthName.isEmpty, let hits = byBirthName[UTF8Key(py)] {
            // A registered child whose birth date was mistyped: same name, another date; it
            // counts only in a parent's household (decided at the end).
            for k in hits where birthISO != entries[k].birth && Self.nearDate(birthISO, entries[k].birth) {
                let p = snapshot()
                let names = NameKey.relation(entries[k].name, persons[p].name)
                if names.agrees { candidates[k].append(CrossCandidate(person: p, basis: .nameOnly, names: names, weight: 2, dateAgrees: false)) }
            }
        }
        if !name.isEmpty, let hits = byPinyin[UTF8Key(py)] {
            // Without the same number, every link needs the birth dates not to differ: skip the
            // crowd of namesakes born on other days before building anything for them.
            let birth = ListValue.isoDate(r.text("birth_date"))
            for k in hits where !(idKey == entries[k].idKey && !idKey.isEmpty) {  // already considered by ID
                let e = entries[k]
                if let b = birth, let eb = e.birth, b != eb { continue }
                // With a number on the list, a namesake with another number is a candidate only
                // when the numbers are a typo apart (the same number was found by the ID index).
                if !e.id.isEmpty && !id.isEmpty && IDCompare.relation(e.id, id) != .typo { continue }
                // A death entry without birth date still has the age at death: the birth year
                // must fit it.
                if e.birth == nil, let a = e.age, let d = e.date, let b = birth,
                   let dy = Int(d.prefix(4)), let by = Int(b.prefix(4)), abs((dy - by) - a) > 1 { continue }
                consider(k, snapshot())
            }
        }
        if let b = birthISO, byBirthDate[UTF8Key(b)] != nil {
            let p = snapshot()
            datePersons[UTF8Key(b), default: []].append(p)
            if !name.isEmpty, let hits = byBirthDateName[UTF8Key(b + "|" + py)] {
                for k in hits { considerBirth(k, p) }
            }
        }
    }

    /// The pinyin key of a register name, cached: names repeat a lot in a county (王伟, 李娜),
    /// and the cache is bounded so memory still grows with the lists, not the register.
    var pinyinCache: [UTF8Key: String] = [:]
    func pinyin(_ name: String) -> String {
        if let p = pinyinCache[UTF8Key(name)] { return p }
        let p = NameKey.pinyin(name)
        if pinyinCache.count < 65_536 { pinyinCache[UTF8Key(name)] = p }
        return p
    }

    /// Compares a cancellation-list entry with a person and keeps the person when it is a candidate.
    func consider(_ k: Int, _ p: Int) {
        let e = entries[k], s = persons[p]
        let idRel = IDCompare.relation(e.id, s.id)
        let names = NameKey.relation(e.name, s.name)
        let birthAgrees = e.birth != nil && e.birth == s.birth
        let birthDiffers = e.birth != nil && s.birth != nil && e.birth != s.birth
        let sexAgrees = !e.sex.isEmpty && e.sex == s.sex
        let sexDiffers = !e.sex.isEmpty && !s.sex.isEmpty && e.sex != s.sex
        // Without a number, the list's age at death and address are evidence too: an age more
        // than a year off is against; a name-only link needs the address not to contradict.
        var ageAgrees = false, ageDiffers = false
        if let a = e.age, let d = e.date, let b = s.birth, let real = ListValue.years(from: b, to: d) {
            if abs(real - a) <= 1 { ageAgrees = true } else { ageDiffers = true }
        }
        // The registered address is read only for a list entry that has one.
        let address = e.address.isEmpty ? "" : cold(s, .address)
        let addressAgrees = Self.addressesAgree(e.address, address)
        let addressDiffers = !e.address.isEmpty && !address.isEmpty && !addressAgrees
        var basis: LinkBasis?
        switch idRel {
        case .same:
            basis = names.agrees ? .idAndName : .idOtherName
        case .typo:
            if names.agrees && !birthDiffers { basis = .idTypo }
        case .different:
            // A valid number on the list that is not the person's (nor a typo of it) belongs to
            // somebody else, whether or not the registered number is itself right (the namesake
            // case). Only a broken number on the list leaves name and birth date to go by.
            if !e.idValid, names.agrees, birthAgrees, !sexDiffers { basis = .nameBirth }
        case .missing:
            if e.id.isEmpty {
                if ageDiffers {
                    basis = nil
                } else if names == .same && birthAgrees && sexAgrees {
                    basis = .nameBirthSex
                } else if names.agrees && birthAgrees && !sexDiffers {
                    basis = .nameBirth
                } else if names == .same && e.birth == nil && !sexDiffers && !addressDiffers {
                    basis = .nameOnly
                }
            } else if names.agrees && birthAgrees && !sexDiffers {
                basis = .nameBirth
            }
        }
        guard let b = basis else { return }
        var w = 0.0
        switch idRel {
        case .same: w += 10
        case .typo: w += 5
        case .different: w -= 10
        case .missing: break
        }
        switch names {
        case .same: w += 4
        case .homophone: w += 2
        case .different: w -= 4
        case .unknown: break
        }
        if birthAgrees { w += 3 } else if birthDiffers { w -= 3 }
        if sexAgrees { w += 0.5 } else if sexDiffers { w -= 2 }
        if ageAgrees { w += 1 } else if ageDiffers { w -= 2 }
        if addressAgrees { w += 2 }
        candidates[k].append(CrossCandidate(person: p, basis: b, names: names, weight: w))
    }

    /// Compares a birth certificate with a person born on its date.
    func considerBirth(_ k: Int, _ p: Int) {
        let e = entries[k], s = persons[p]
        if !e.sex.isEmpty && !s.sex.isEmpty && e.sex != s.sex { return }
        let names = NameKey.relation(e.name, s.name)
        let w = 3.0 + (names == .same ? 4 : names == .homophone ? 2 : 0) + (e.sex.isEmpty ? 0 : 0.5)
        candidates[k].append(CrossCandidate(person: p, basis: names.agrees ? .nameBirthSex : .nameOnly, names: names, weight: w))
    }

    /// A verdict on one list entry.
    enum Verdict {
        case cancel(CrossCandidate)
        case verify([CrossCandidate], reason: String)
        case unmatched(String)
        case birthMatched(CrossCandidate)
        case birthUnregistered(parent: Int?, parentRole: String)
    }

    /// Links entries to persons (one-to-one within each list kind) and returns the findings and
    /// unmatched-entry records (see `decide(_:)`).
    public func decide() -> (records: [Record], summary: CrosscheckSummary) {
        var out: [Record] = []
        let summary = decide { out.append($0) }
        return (out, summary)
    }

    /// Links entries to persons (one-to-one within each list kind) and hands the findings and
    /// unmatched-entry records to `emit` in a fixed order: lists in the order death, enlistment,
    /// emigration, birth; entries in list order; a birth's two findings NOT_REGISTERED before
    /// OUT_OF_POLICY. Decides once: the engine lets go of the lists and persons at the end.
    @discardableResult
    public func decide(_ emit: (Record) throws -> Void) rethrows -> CrosscheckSummary {
        var verdicts = [Verdict?](repeating: nil, count: entries.count)
        var linked: [String: Set<Int>] = [:]  // list kind → persons already linked
        func sorted(_ cs: [CrossCandidate]) -> [CrossCandidate] {
            cs.sorted {
                if $0.basis != $1.basis { return $0.basis < $1.basis }
                if $0.weight != $1.weight { return $0.weight > $1.weight }
                return contentLess(persons[$0.person], persons[$1.person])
            }
        }
        // Pass 1: same number and agreeing name.
        for k in entries.indices where entries[k].kind != RecordKind.birth {
            let free = sorted(candidates[k].filter { $0.basis == .idAndName && !linked[entries[k].kind, default: []].contains($0.person) })
            if let best = free.first {
                linked[entries[k].kind, default: []].insert(best.person)
                verdicts[k] = .cancel(best)
            }
        }
        // Pass 2: no number on the list; name, birth date and sex agree with exactly one person.
        for k in entries.indices where entries[k].kind != RecordKind.birth && verdicts[k] == nil {
            let taken = linked[entries[k].kind, default: []]
            let free = candidates[k].filter { !taken.contains($0.person) }
            let strong = free.filter { $0.basis == .nameBirthSex }
            let alike = free.filter { $0.basis == .nameBirth }
            if strong.count == 1 && alike.isEmpty {
                linked[entries[k].kind, default: []].insert(strong[0].person)
                verdicts[k] = .cancel(strong[0])
            }
        }
        // Pass 3: everything weaker is a verification naming the candidates.
        for k in entries.indices where entries[k].kind != RecordKind.birth && verdicts[k] == nil {
            let taken = linked[entries[k].kind, default: []]
            let free = sorted(candidates[k].filter { !taken.contains($0.person) })
            guard let best = free.first else {
                verdicts[k] = .unmatched(candidates[k].isEmpty ? "no_match" : "candidates_linked_elsewhere")
                continue
            }
            if best.basis == .nameOnly && free.count > config.maxNamesakes {
                verdicts[k] = .unmatched("too_many_namesakes:\(free.count)")
                continue
            }
            let reason: String
            switch best.basis {
            case .idAndName: reason = "same_id_already_linked"
            case .nameBirthSex: reason = free.filter({ $0.basis <= .nameBirth }).count > 1 ? "several_candidates" : "name_birth_sex"
            case .idTypo: reason = "id_one_digit_off"
            case .idOtherName: reason = "id_held_by_other_name"
            case .nameBirth: reason = free.count > 1 ? "several_candidates" : "name_and_birth_date_only"
            case .nameOnly: reason = "name_only"
            }
            if best.basis == .idTypo && config.typoCancels && free.count == 1 {
                verdicts[k] = .cancel(best)
                linked[entries[k].kind, default: []].insert(best.person)
            } else {
                verdicts[k] = .verify(free, reason: reason)
            }
        }
        // Births: a certificate is fine when a registered child of that birth date and sex has an
        // agreeing name (pass 1), or, in a parent's household, when the name agrees and the date
        // is a near miss (a typo), or the date agrees and the name does not (a milk name) (pass 2).
        // Exact matches go first, each pass over all certificates, so that a sibling or another
        // family's baby cannot take a certificate's child.
        var linkedBirths = Set<Int>()
        let births = entries.indices.filter { entries[$0].kind == RecordKind.birth }
        func homes(_ k: Int) -> [String] {
            [mothers[k], fathers[k]].compactMap { $0 }.map { persons[$0].household }.filter { !$0.isEmpty }
        }
        func pick(_ k: Int, _ accept: (CrossCandidate, Bool) -> Bool) {
            let home = homes(k)
            let ok = candidates[k].filter { c in
                !linkedBirths.contains(c.person) && accept(c, home.contains(persons[c.person].household))
            }.sorted {
                let ha = home.contains(persons[$0.person].household), hb = home.contains(persons[$1.person].household)
                if ha != hb { return ha }
                if $0.weight != $1.weight { return $0.weight > $1.weight }
                return contentLess(persons[$0.person], persons[$1.person])
            }
            if let best = ok.first {
                linkedBirths.insert(best.person)
                verdicts[k] = .birthMatched(best)
            }
        }
        // 1a: in a parent's household, an agreeing name (homophones too) and the same date;
        // 1b: only when the mother is not registered here (her household unknown): elsewhere,
        // the same spelling, date and sex. With the mother's household known, a baby of the same
        // name and birthday in another family is somebody else's (popular names collide in a
        // county of a million).
        for k in births { pick(k) { c, home in home && c.names.agrees && c.dateAgrees } }
        for k in births where verdicts[k] == nil && mothers[k] == nil { pick(k) { c, _ in c.names == .same && c.dateAgrees } }
        for k in births where verdicts[k] == nil {
            // A differently named child of that date and sex in a parent's household (the
            // certificate carries a milk name): candidates made only now that homes are known.
            let e = entries[k], home = homes(k)
            guard !home.isEmpty, let b = e.birth else { continue }
            for p in datePersons[UTF8Key(b)] ?? [] where home.contains(persons[p].household) {
                let s = persons[p]
                if !e.sex.isEmpty && !s.sex.isEmpty && e.sex != s.sex { continue }
                let names = NameKey.relation(e.name, s.name)
                if !names.agrees { candidates[k].append(CrossCandidate(person: p, basis: .nameOnly, names: names, weight: 3)) }
            }
        }
        for k in births where verdicts[k] == nil {
            let date = entries[k].birth
            pick(k) { c, home in
                home && ((c.names.agrees && Self.nearDate(date, persons[c.person].birth)) || (c.dateAgrees && !c.names.agrees))
            }
        }
        for k in births where verdicts[k] == nil {
            if let m = mothers[k] {
                verdicts[k] = .birthUnregistered(parent: m, parentRole: "mother")
            } else if let f = fathers[k] {
                verdicts[k] = .birthUnregistered(parent: f, parentRole: "father")
            } else {
                verdicts[k] = .birthUnregistered(parent: nil, parentRole: "")
            }
        }
        // Date checks: a cancellation with impossible dates becomes a verification; a
        // verification names the conflict too.
        for k in entries.indices {
            switch verdicts[k]! {
            case .cancel(let c):
                if let why = dateConflict(entries[k], persons[c.person]) { verdicts[k] = .verify([c], reason: why) }
            case .verify(let cs, let reason):
                if let why = dateConflict(entries[k], persons[cs[0].person]) { verdicts[k] = .verify(cs, reason: reason + "," + why) }
            default: break
            }
        }

        var summary = CrosscheckSummary()
        for kind in RecordKind.lists {
            for k in entries.indices where entries[k].kind == kind {
                let e = entries[k]
                summary.count(kind, verdicts[k]!)
                switch verdicts[k]! {
                case .cancel(let c):
                    try emit(finding(e, best: c, action: "cancel", reason: nil, candidates: [c]))
                case .verify(let cs, let reason):
                    try emit(finding(e, best: cs[0], action: "verify", reason: reason, candidates: cs))
                case .unmatched(let reason):
                    try emit(unmatched(e, reason: reason))
                case .birthMatched:
                    break
                case .birthUnregistered(let parent, let role):
                    if let p = parent {
                        try emit(birthFinding(e, code: "BIRTH_NOT_REGISTERED", parent: p, role: role))
                        if e.outOfPolicy { try emit(birthFinding(e, code: "BIRTH_OUT_OF_POLICY", parent: p, role: role)) }
                    } else {
                        try emit(unmatched(e, reason: "no_parent_registered"))
                    }
                }
            }
        }
        release()
        return summary
    }

    /// Lets go of the lists, their indexes and the persons kept (the rest of the pipeline still
    /// has the orders and reports to build).
    func release() {
        entries = []
        persons = []
        candidates = []
        for k in [\CrosscheckEngine.byID, \.byPinyin, \.byBirthDate, \.byBirthDateName, \.datePersons, \.byBirthName, \.byParentID] { self[keyPath: k] = [:] }
        mothers = [:]
        fathers = [:]
        pinyinCache = [:]
        evidenceStore = ByteArena()
        snapStore = TextArena()
    }

    /// Whether a registered birth date is a plausible typo of the certificate's: at most two
    /// characters differ (a digit, a swapped pair), or at most 31 days apart.
    static func nearDate(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return false }
        if IDCompare.differingPositions(a, b) <= 2 { return true }
        // Most names collide with people born decades apart: the years settle it cheaply.
        if let ya = Int(a.prefix(4)), let yb = Int(b.prefix(4)), abs(ya - yb) > 1 { return false }
        guard let da = Dates.days(a), let db = Dates.days(b) else { return false }
        return abs(da - db) <= 31
    }

    /// Whether two addresses name the same place: equal, or one contains the other and the
    /// shorter is specific enough (at least 6 characters: more than a county's name).
    static func addressesAgree(_ a: String, _ b: String) -> Bool {
        if a.isEmpty || b.isEmpty { return false }
        if a == b { return true }
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        return short.count >= 6 && long.contains(short)
    }

    /// Tie-break between equally good candidates by content (ID number, household, name, src),
    /// not by position in the stream, so that a reordered export links the same way.
    func contentLess(_ a: PersonSnap, _ b: PersonSnap) -> Bool {
        if a.id != b.id { return a.id < b.id }
        if a.household != b.household { return a.household < b.household }
        if a.name != b.name { return a.name < b.name }
        return cold(a, .src) < cold(b, .src)
    }

    /// A date that makes the entry impossible for this person, or nil.
    func dateConflict(_ e: CrossEntry, _ p: PersonSnap) -> String? {
        guard let d = e.date, let b = p.birth else { return nil }
        switch e.kind {
        case "death": return d < b ? "death_before_birth" : nil
        case "emigration": return d < b ? "settled_before_birth" : nil
        case "enlistment":
            guard let age = ListValue.years(from: b, to: d) else { return nil }
            return age < config.minEnlistAge ? "enlisted_as_child" : nil
        default: return nil
        }
    }

    static let codes = ["death": "DECEASED_STILL_REGISTERED", "enlistment": "ENLISTED_STILL_REGISTERED", "emigration": "EMIGRATED_STILL_REGISTERED"]
    static let messages: [String: (zh: String, en: String)] = [
        "death": ("死亡未注销户口", "died, registration not cancelled"),
        "enlistment": ("入伍未注销户口", "enlisted, registration not cancelled"),
        "emigration": ("出境定居未注销户口", "settled abroad, registration not cancelled"),
    ]
    static let reasonsZh: [String: String] = [
        "same_id_already_linked": "同号人员已与其他条目对应", "several_candidates": "有多名候选人", "name_birth_sex": "仅姓名、出生日期、性别相符",
        "id_one_digit_off": "身份号码有一位不同", "id_held_by_other_name": "身份号码相同但姓名不同",
        "name_and_birth_date_only": "仅姓名和出生日期相符", "name_only": "仅姓名相符",
        "death_before_birth": "死亡日期早于出生日期", "settled_before_birth": "定居日期早于出生日期",
        "enlisted_as_child": "入伍时未成年",
    ]

    /// The entry's fields for evidence: everything but `kind`, `src` and derived keys.
    func evidence(_ e: CrossEntry) -> JSONValue { .object(evidenceStore.record(e.fieldsAt)) }

    func personFields(_ r: inout Record, _ p: PersonSnap) {
        let c = snapStore.get(p.coldAt)
        r.append("station", .string(c[PersonSnap.Cold.station.rawValue]))
        r.append("village", .string(c[PersonSnap.Cold.village.rawValue]))
        r.append("group", .string(c[PersonSnap.Cold.group.rawValue]))
        r.append("household", .string(p.household))
    }

    func finding(_ e: CrossEntry, best: CrossCandidate, action: String, reason: String?, candidates cs: [CrossCandidate]) -> Record {
        let p = persons[best.person]
        let src = cold(p, .src)
        var r = Record.make(kind: RecordKind.finding, src: src)
        r.append("code", .string(Self.codes[e.kind]!))
        r.append("severity", .string("error"))
        r.append("refs", .strings([src, e.src]))
        r.append("action", .string(action))
        r.append("stage", .string("crosscheck"))
        r.append("list", .string(e.kind))
        r.append("basis", .string(best.basis.rawValue))
        if let reason { r.append("reason", .string(reason)) }
        r.append("weight", .double(best.weight, digits: 1))
        if action == "verify" {
            r.append("candidates", .array(cs.map { c in
                var o = JSONObject()
                o.append("src", .string(cold(persons[c.person], .src)))
                o.append("basis", .string(c.basis.rawValue))
                o.append("weight", .double(c.weight, digits: 1))
                return .object(o)
            }))
        }
        r.append("entry", evidence(e))
        personFields(&r, p)
        let m = Self.messages[e.kind]!
        if action == "cancel" {
            r.append("message_zh", .string(m.zh))
            r.append("message_en", .string(m.en))
        } else {
            let why = (reason ?? "").split(separator: ",").map { Self.reasonsZh[String($0)] ?? String($0) }.joined(separator: "；")
            r.append("message_zh", .string("疑似\(m.zh)，需核实（\(why)）"))
            r.append("message_en", .string("possibly \(m.en); verify (\((reason ?? "").replacingOccurrences(of: "_", with: " ")))"))
        }
        return r
    }

    func birthFinding(_ e: CrossEntry, code: String, parent: Int, role: String) -> Record {
        let p = persons[parent]
        var r = Record.make(kind: RecordKind.finding, src: e.src)
        r.append("code", .string(code))
        r.append("severity", .string("error"))
        r.append("refs", .strings([e.src]))
        r.append("action", .string("register"))
        r.append("stage", .string("crosscheck"))
        r.append("list", .string(e.kind))
        r.append("parent", .string(role))
        r.append("parent_src", .string(cold(p, .src)))
        r.append("entry", evidence(e))
        personFields(&r, p)
        if code == "BIRTH_NOT_REGISTERED" {
            r.append("message_zh", .string("出生未登记户口，应在\(role == "mother" ? "母亲" : "父亲")户内申报出生登记"))
            r.append("message_en", .string("birth not registered; register it in the \(role)'s household"))
        } else {
            r.append("message_zh", .string("计划外出生，照常登记户口并列入计划外出生人口登记表"))
            r.append("message_en", .string("birth outside policy: register it all the same and list it"))
        }
        return r
    }

    func unmatched(_ e: CrossEntry, reason: String) -> Record {
        var r = Record.make(kind: "unmatched", src: e.src)
        r.append("list", .string(e.kind))
        let parts = reason.split(separator: ":")
        r.append("reason", .string(String(parts[0])))
        let zh: String
        switch parts[0] {
        case "no_match": zh = "本辖区登记中无对应人员（可能属其他派出所）"
        case "candidates_linked_elsewhere": zh = "候选人已与名单中其他记录对应"
        case "too_many_namesakes": zh = "名单仅有姓名，本辖区同名\(parts.count > 1 ? parts[1] : "")人，无法确定"
        default: zh = "无已登记的婴儿，父母均不在本辖区登记"
        }
        if parts.count > 1, let n = Int(parts[1]) { r.append("namesakes", .int(n)) }
        r.append("message_zh", .string(zh))
        r.append("entry", evidence(e))
        return r
    }
}

/// Counts of the cross-check per list kind (matched, cancel, verify, birth findings, unmatched).
public struct CrosscheckSummary: Sendable {
    public var perList: [String: [String: Int]] = [:]
    mutating func count(_ kind: String, _ v: CrosscheckEngine.Verdict) {
        let key: String
        switch v {
        case .cancel: key = "cancel"
        case .verify: key = "verify"
        case .unmatched: key = "unmatched"
        case .birthMatched: key = "registered"
        case .birthUnregistered(let p, _): key = p == nil ? "unmatched" : "not_registered"
        }
        perList[kind, default: [:]][key, default: 0] += 1
    }
}
