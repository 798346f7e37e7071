// Households of realistic shape for the synthetic register: a head, often a spouse, children at
// least twenty years younger than both parents, sometimes the head's parents, a married son with
// his wife and children; and the written form of each person's fields, with the input realities
// (mixed date formats, 1/2 for sex, 汉/01 for ethnicity, dots and spaces in names) at low rates.

/// One person as generated: the true facts, and the values as they will be written.
struct SynthPerson {
    enum Role: Sendable { case head, spouse, child, parent, childSpouse, grandchild, other }
    var role: Role
    var name: String
    /// 1 male, 2 female.
    var sex: Int
    var birth: SynthDate
    /// GB/T 3304 code.
    var ethnicity: String
    /// GB/T 4761 code and the name written in the export.
    var relationCode: String
    var relation: String
    var education: String
    var marital: String
    /// The person's true 18-digit number.
    var trueID: String
    /// The ID as written (a planted problem may change it).
    var id: String
    /// Written instead of the formatted birth date when set (invalid dates).
    var birthField: String?
    /// A date written, in the row's format, instead of the true birth date (typos, lunar dates).
    var writtenBirth: SynthDate?
    var ethnicityField: String?
    var relationField: String?
    /// Written name when it differs from the true name (second registrations).
    var nameField: String?
    /// Whether the name carries a middle dot (transliterated minority name).
    var dotted: Bool
    /// The kind of second registration chosen when a duplicate was planted on this person
    /// (variants that need the first row prepared before it is written).
    var duplicateVariant: DuplicateVariant?
    /// Set when a problem or a list touches this person: no second plan may.
    var used = false
    /// Set when an agency list must find this person exactly as generated.
    var protected = false
    /// `path:line` once written.
    var src = ""
}

/// Second registrations whose first row is prepared at planting time.
enum DuplicateVariant: Sendable {
    /// One copy's birth date recorded in the lunar calendar.
    case lunar(LunarDate)
    /// A rare character in the name, written as its private-use code point in one copy (the
    /// first row's when `firstPUA`) and as the standard character in the other.
    case privateUse(firstPUA: Bool)
}

/// The place of a household: township, village, group and house number.
struct SynthPlace {
    var town: Int
    var village: String
    var group: Int
    var house: Int
    var number: String
    var address: String
}

/// A household being built.
struct SynthHousehold {
    var place: SynthPlace
    var members: [SynthPerson]
}

/// The fixed date the synthetic register is "as of" (ages, recent births and lists are counted
/// from it, so the output does not depend on the day it is made).
public let synthReferenceDate = SynthDate(2026, 11, 1)

/// Builds households. Holds the name and ID makers and the county's ethnic mix.
struct HouseholdMaker {
    var names: NameMaker
    var ids: IDMaker
    let minorityCounty: Bool
    let ref = synthReferenceDate

    /// A birth date `years` years (plus a random part of a year) before the reference date.
    func birthFor(age: Int, _ rng: inout SynthRandom) -> SynthDate {
        SynthDate(days: ref.days - age * 365 - age / 4 - rng.below(365) - 1)
    }

    /// A date between `lo` and `hi` (inclusive), clamped to the reference date.
    func date(between lo: SynthDate, _ hi: SynthDate, _ rng: inout SynthRandom) -> SynthDate {
        let h = min(hi.days, ref.days - 1)
        guard h > lo.days else { return SynthDate(days: min(lo.days, ref.days - 1)) }
        return SynthDate(days: lo.days + rng.below(h - lo.days + 1))
    }

    static func plusYears(_ d: SynthDate, _ y: Int) -> SynthDate {
        let p = d.parts
        let day = (p.month == 2 && p.day == 29) ? 28 : p.day
        return SynthDate(p.year + y, p.month, day)
    }

    /// The household's ethnicity and naming style.
    func ethnicity(_ rng: inout SynthRandom) -> (code: String, dotted: Bool) {
        if minorityCounty {
            let u = rng.unit()
            if u < 0.40 { return ("01", false) }
            if u < 0.65 { return ("38", false) }    // 锡伯族: Han-style names
            if u < 0.77 { return ("05", true) }     // 维吾尔族
            if u < 0.90 { return ("17", true) }     // 哈萨克族
            return ("03", false)                    // 回族
        }
        let u = rng.unit()
        if u < 0.985 { return ("01", false) }
        return (u < 0.993 ? "15" : "06", false)     // 土家族, 苗族
    }

    func education(age: Int, _ rng: inout SynthRandom) -> String {
        if age < 6 { return "" }
        if age < 12 { return "小学教育" }
        if age < 15 { return "初级中学教育" }
        if age < 18 { return "普通高级中学教育" }
        let u = rng.unit()
        if age >= 60 { return u < 0.5 ? "小学毕业" : (u < 0.8 ? "初中毕业" : (u < 0.95 ? "普通高中毕业" : "其他")) }
        if age >= 40 { return u < 0.2 ? "小学毕业" : (u < 0.65 ? "初中毕业" : (u < 0.9 ? "普通高中毕业" : "大学专科毕业")) }
        return u < 0.35 ? "初中毕业" : (u < 0.6 ? "普通高中毕业" : (u < 0.8 ? "大学专科毕业" : "大学本科毕业"))
    }

    /// A new person with a valid, unique number.
    mutating func person(role: SynthPerson.Role, sex: Int, birth: SynthDate, surname: String?, eth: (code: String, dotted: Bool),
                         relationCode: String, relation: String, _ rng: inout SynthRandom) -> SynthPerson {
        let y = birth.year
        let age = birth.years(to: ref)
        // For a transliterated name, `surname` is the father's given name (the part after the dot).
        let name = eth.dotted ? names.dotName(female: sex == 2, patronym: surname, &rng)
            : names.hanName(female: sex == 2, year: y, surname: surname, &rng)
        // Adults born elsewhere (in-migrants, wives from other counties); older codes of the county.
        let migrant = age >= 18 && rng.chance(role == .spouse || role == .childSpouse ? 0.15 : 0.04)
        let id = ids.issue(birth: birth, sex: sex, migrant: migrant, older: true, &rng)
        let marital: String
        switch role {
        case .head, .spouse, .childSpouse: marital = age < 20 ? "未婚" : "已婚"
        case .parent: marital = rng.chance(0.3) ? "丧偶" : "已婚"
        default: marital = "未婚"
        }
        return SynthPerson(role: role, name: name, sex: sex, birth: birth, ethnicity: eth.code,
                           relationCode: relationCode, relation: relation, education: education(age: age, &rng),
                           marital: marital, trueID: id, id: id, dotted: eth.dotted)
    }

    /// A household around a head (generated, or given: a second registration, a shared number, a decoy).
    mutating func household(place: SynthPlace, head given: SynthPerson?, _ rng: inout SynthRandom) -> SynthHousehold {
        let eth = ethnicity(&rng)
        var members: [SynthPerson] = []
        var head: SynthPerson
        if let given {
            head = given
        } else {
            let age = rng.chance(0.5) ? rng.int(24...55) : rng.int(56...88)
            let sex = rng.chance(0.82) ? 1 : 2
            head = person(role: .head, sex: sex, birth: birthFor(age: age, &rng), surname: nil, eth: eth,
                          relationCode: "02", relation: "户主", &rng)
        }
        let headAge = head.birth.years(to: ref)
        let headSurname: String? = head.dotted ? nil : names.familyPart(head.name)
        members.append(head)
        if given != nil && rng.chance(0.5) { return SynthHousehold(place: place, members: members) }
        if headAge >= 70 && rng.chance(0.35) { return SynthHousehold(place: place, members: members) }
        if headAge < 28 && rng.chance(0.6) { return SynthHousehold(place: place, members: members) }
        let headEth = (code: head.ethnicity, dotted: head.dotted)

        // Spouse: opposite sex, within four years.
        var spouse: SynthPerson?
        if rng.chance(0.82) {
            let sex = head.sex == 1 ? 2 : 1
            let gap = rng.int(-4...4)
            let b = SynthDate(days: head.birth.days + gap * 365 + rng.below(200))
            if b.years(to: ref) >= 20 {
                let s = person(role: .spouse, sex: sex, birth: b, surname: nil, eth: headEth,
                               relationCode: sex == 2 ? "12" : "11", relation: sex == 2 ? "妻" : "夫", &rng)
                spouse = s
                members.append(s)
            }
        }
        if members.count == 1 { members[0].marital = headAge < 30 ? "未婚" : (rng.chance(0.6) ? "丧偶" : "离婚") }

        // What the children's names carry: the head's surname, or after the dot the father's name.
        let father = [head, spouse].compactMap { $0 }.first { $0.sex == 1 }
        let childSurname: String? = head.dotted ? father.map { names.familyPart($0.name) } : headSurname

        // Children: born at least 21 years after both parents, at most 44 after the elder.
        let older = spouse.map { min($0.birth.days, head.birth.days) } ?? head.birth.days
        let younger = spouse.map { max($0.birth.days, head.birth.days) } ?? head.birth.days
        let motherYear = SynthDate(days: younger).year
        let maxKids = motherYear < 1960 ? 4 : (motherYear < 1980 ? 3 : 2)
        let kids = headAge < 24 ? 0 : rng.int(0...maxKids)
        var sons = 0, daughters = 0
        var born: [SynthDate] = []
        let earliest = HouseholdMaker.plusYears(SynthDate(days: younger), 21)
        let latest = HouseholdMaker.plusYears(SynthDate(days: older), 44)
        if earliest.days < ref.days {
            for _ in 0..<kids {
                born.append(date(between: earliest, min(latest, ref), &rng))
            }
        }
        born.sort()
        let ordinals = ["长", "次", "三", "四"]
        for b in born {
            let sex = rng.chance(0.52) ? 1 : 2
            let age = b.years(to: ref)
            // Grown children mostly have their own households.
            if age >= 30 && rng.chance(0.7) { continue }
            let n = sex == 1 ? sons : daughters
            if sex == 1 { sons += 1 } else { daughters += 1 }
            let code = sex == 1 ? ["22", "23", "24", "25"][min(n, 3)] : ["32", "33", "34", "35"][min(n, 3)]
            let rel = rng.chance(0.25) ? (sex == 1 ? "子" : "女") : ordinals[min(n, 3)] + (sex == 1 ? "子" : "女")
            let relCode = rel.count == 1 ? (sex == 1 ? "20" : "30") : code
            var c = person(role: .child, sex: sex, birth: b, surname: childSurname, eth: headEth,
                           relationCode: relCode, relation: rel, &rng)
            if age >= 25 && rng.chance(0.6) { c.marital = "已婚" }
            members.append(c)
            // A married son living with his parents: his wife and their children.
            if sex == 1 && c.marital == "已婚" && age >= 25 {
                let wb = date(between: SynthDate(days: max(b.days - 700, HouseholdMaker.plusYears(SynthDate(days: younger), 21).days)),
                              SynthDate(days: b.days + 1400), &rng)
                if wb.years(to: ref) >= 20 {
                    var w = person(role: .childSpouse, sex: 2, birth: wb, surname: nil, eth: headEth,
                                   relationCode: "38", relation: "儿媳", &rng)
                    w.marital = "已婚"
                    members.append(w)
                    let gEarliest = HouseholdMaker.plusYears(SynthDate(days: max(b.days, wb.days)), 21)
                    if gEarliest.days < ref.days {
                        for _ in 0..<rng.int(0...2) {
                            let gb = date(between: gEarliest, ref, &rng)
                            let gs = rng.chance(0.52) ? 1 : 2
                            members.append(person(role: .grandchild, sex: gs, birth: gb, surname: names.familyPart(c.name),
                                                  eth: headEth, relationCode: gs == 1 ? "41" : "42", relation: gs == 1 ? "孙子" : "孙女", &rng))
                        }
                    }
                }
            }
        }

        // The head's parents, 24–36 years older than the head.
        if headAge < 56 && given == nil && rng.chance(0.28) {
            for sex in [1, 2] where rng.chance(0.7) {
                let gap = rng.int(24...36)
                let b = SynthDate(days: head.birth.days - gap * 365 - rng.below(300))
                guard b.years(to: ref) <= 95 else { continue }
                let p = person(role: .parent, sex: sex, birth: b, surname: sex == 1 && !head.dotted ? headSurname : nil, eth: headEth,
                               relationCode: sex == 1 ? "51" : "52", relation: sex == 1 ? "父亲" : "母亲", &rng)
                members.append(p)
            }
        }
        return SynthHousehold(place: place, members: members)
    }
}

/// How a person's fields are written. `style` lets the XML township be tidier than the CSV ones.
struct FieldWriter {
    /// Share of values written in a non-canonical but normalizable form.
    let realityRate: Double

    static let ethnicNames: [String: String] = Dictionary(uniqueKeysWithValues: Tables.ethnic.map { ($0.code, $0.name) })

    func date(_ d: SynthDate, _ rng: inout SynthRandom) -> String {
        guard rng.chance(realityRate) else { return d.iso }
        let p = d.parts
        switch rng.below(4) {
        case 0: return "\(p.year)/\(p.month)/\(p.day)"
        case 1: return d.compact
        case 2: return "\(p.year)年\(p.month)月\(p.day)日"
        default: return "\(p.year).\(p.month).\(p.day)"
        }
    }

    func sex(_ s: Int, _ rng: inout SynthRandom) -> String {
        if rng.chance(realityRate) { return String(s) }
        return s == 1 ? "男" : "女"
    }

    func ethnicity(_ code: String, _ rng: inout SynthRandom) -> String {
        let name = FieldWriter.ethnicNames[code] ?? code
        guard rng.chance(realityRate) else { return name }
        if rng.chance(0.5) { return code }
        return name.hasSuffix("族") && name.count > 2 ? String(name.dropLast()) : name
    }

    func name(_ n: String, dotted: Bool, _ rng: inout SynthRandom) -> String {
        guard rng.chance(realityRate * 0.6) else { return n }
        if dotted { let d = rng.pick(NameMaker.dotVariants); return String(n.map { $0 == "·" ? d : $0 }) }
        if n.count == 2 && rng.chance(0.5) { return String(n.first!) + "\u{3000}" + String(n.last!) }
        return n + "\u{3000}"
    }

    func id(_ id: String, _ rng: inout SynthRandom) -> String {
        guard id.utf8.count == 18, rng.chance(realityRate * 0.5) else { return id }
        return IDMaker.cosmetic(id, &rng)
    }
}
