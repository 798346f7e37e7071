// How each problem is planted on a person or household, and what follows once its rows are
// written: the truth line, the second registration queued for a later household, the entry
// for another agency's list. Every plant keeps the rest of the record clean, so a record
// carries exactly the problems its truth lines name.
import HukouIO

extension Synthesizer {
    /// Applies person-level plant `code` to `p` if `p` qualifies; returns the note (and the
    /// field, for FIELD_INVALID). Nil: `p` does not qualify, the quota waits for the next person.
    func plant(_ code: String, _ p: inout SynthPerson, township t: SynthTownship) -> (note: String, field: String?)? {
        let age = p.birth.years(to: synthReferenceDate)
        let y = p.birth.year
        switch code {
        case "DUP":
            lunarDuplicateDue += Synthesizer.lunarDuplicateShare
            privateUseDuplicateDue += Synthesizer.privateUseDuplicateShare
            if lunarDuplicateDue >= 1, y <= 1970, let l = LunarDate(p.birth), l.asWritten != nil {
                lunarDuplicateDue -= 1
                p.duplicateVariant = .lunar(l)
            } else if privateUseDuplicateDue >= 1, !p.dotted {
                privateUseDuplicateDue -= 1
                if !RareCharacters.has(p.name) { p.name = RareCharacters.withRare(p.name, &rng) }
                let firstPUA = rng.chance(0.5)
                p.nameField = firstPUA ? RareCharacters.pua(p.name) : p.name
                p.duplicateVariant = .privateUse(firstPUA: firstPUA)
            }
            return ("", nil)
        case "LUNAR":
            // Mostly older people: everyone born by 1965, one in ten of those born by 1985.
            guard y <= 1965 || (y <= 1985 && rng.chance(0.1)), let l = LunarDate(p.birth), let w = l.asWritten else { return nil }
            p.writtenBirth = w
            return ("birth date recorded in the lunar calendar (lunar \(l.label)); the number has the solar date \(p.birth.iso)", nil)
        case "SHARED", DecoyCode.sameName.rawValue: return age >= 20 ? ("", nil) : nil
        case ProblemCode.deceased.rawValue: return age >= 35 ? ("", nil) : nil
        case DecoyCode.death.rawValue: return age >= 30 ? ("", nil) : nil
        case ProblemCode.enlisted.rawValue: return p.sex == 1 && age >= 19 && age <= 25 ? ("", nil) : nil
        case ProblemCode.emigrated.rawValue: return age >= 20 ? ("", nil) : nil
        case ProblemCode.idBadChecksum.rawValue:
            if rng.chance(0.6) {
                p.id = IDMaker.badChecksum(p.trueID, &rng)
                return ("wrong check character", nil)
            }
            p.id = IDMaker.typoInSequence(p.trueID, &rng)
            return ("a sequence digit mistyped", nil)
        case ProblemCode.idBirthdateMismatch.rawValue:
            let d = typo(p.birth)
            p.writtenBirth = d
            return ("birth date field \(d.iso), number says \(p.birth.iso)", nil)
        case ProblemCode.idSexMismatch.rawValue:
            let region = String(p.trueID.prefix(6))
            guard let id = maker.ids.issue(region: region, birth: p.birth, sex: p.sex == 1 ? 2 : 1) else { return nil }
            p.id = id
            return ("sex \(p.sex == 1 ? "男" : "女"), the number's sequence says otherwise", nil)
        case ProblemCode.idUnknownRegion.rawValue:
            let region = rng.pick(maker.ids.unknownCodes)
            guard let id = maker.ids.issue(region: region, birth: p.birth, sex: p.sex) else { return nil }
            p.id = id
            return ("address code \(region) is in no year of GB/T 2260", nil)
        case ProblemCode.id15.rawValue:
            guard y >= 1900 && y <= 1990, let f = IDMaker.fifteen(p.trueID) else { return nil }
            p.id = f
            return ("15-digit number", nil)
        case ProblemCode.idExcel.rawValue:
            guard t.csv != nil else { return nil }
            p.id = IDMaker.excel(p.trueID, &rng)
            return (p.id.contains("E") ? "scientific notation" : "15 significant digits and 000", nil)
        case ProblemCode.idMissing.rawValue:
            guard age >= 18 else { return nil }
            p.id = ""
            return ("adult without a number", nil)
        case ProblemCode.fieldInvalid.rawValue:
            var fields = ["ethnicity", "birth_date"]
            if p.relationCode != "02" { fields.append("relation") }
            switch rng.pick(fields) {
            case "ethnicity":
                p.ethnicityField = rng.pick(["穿青人", "66", "00", "汉汉族"])
                return ("ethnicity \(p.ethnicityField!) is in no table", "ethnicity")
            case "relation":
                p.relationField = rng.pick(["00", "98", "04", "舍友"])
                return ("relation \(p.relationField!) is in no table", "relation")
            default:
                let b = p.birth.parts
                p.birthField = rng.pick(["\(b.year)-02-30", "\(b.year)-13-\(pad(b.day, 2))", "\(b.year)\(pad(b.month, 2))32",
                                         "\(b.year)年2月30日", "\(b.year)-00-\(pad(b.day, 2))"])
                return ("birth date \(p.birthField!) is no date", "birth_date")
            }
        default: return nil
        }
    }

    /// A plausible mistyped birth date: a day off, day and month swapped, a year or month off.
    func typo(_ d: SynthDate) -> SynthDate {
        let p = d.parts
        for _ in 0..<12 {
            var (y, m, day) = p
            switch rng.below(4) {
            case 0: day += rng.chance(0.5) ? 1 : -1
            case 1: if day <= 12 && day != m { swap(&m, &day) } else { m = m == 12 ? 11 : m + 1 }
            case 2: y += rng.chance(0.5) ? 1 : -1
            default: m += rng.chance(0.5) ? 1 : -1
            }
            guard isRealDate(year: y, month: m, day: day) else { continue }
            let t = SynthDate(y, m, day)
            if t != d && t < synthReferenceDate { return t }
        }
        return SynthDate(days: d.days - 1)
    }

    /// Rewrites a member's birth so that its relation to the head is impossible.
    func plantRelationAge(_ hh: inout SynthHousehold, _ m: Int) {
        let head = hh.members[0]
        var x = hh.members[m]
        let b: SynthDate
        if x.role == .parent {
            b = SynthDate(days: head.birth.days + rng.int(1...8) * 365 + rng.below(300))
        } else if rng.chance(0.6) {
            b = SynthDate(days: head.birth.days - rng.int(1...6) * 365 - rng.below(300))
        } else {
            b = SynthDate(days: head.birth.days + rng.int(5...9) * 365 + rng.below(300))
        }
        x.birth = SynthDate(days: min(b.days, synthReferenceDate.days - 30))
        let id = maker.ids.issue(birth: x.birth, sex: x.sex, migrant: false, older: false, &rng)
        x.trueID = id
        x.id = id
        x.education = maker.education(age: x.birth.years(to: synthReferenceDate), &rng)
        hh.members[m] = x
    }

    /// Another township than `t` (there are always at least two).
    func otherTownship(_ t: SynthTownship) -> Int {
        (t.index + 1 + rng.below(townships.count - 1)) % townships.count
    }

    /// What follows a person-level plant once the row is written.
    func followUp(_ code: String, _ p: SynthPerson, hh: SynthHousehold, township t: SynthTownship, index: Int, note: String, field: String?) throws {
        let ref = synthReferenceDate
        let age = p.birth.years(to: ref)
        switch code {
        case "DUP": queueDuplicate(p, place: hh.place, township: t, index: index)
        case "LUNAR": try truth.add(ProblemCode.idBirthdateMismatch.rawValue, refs: [p.src], note: note)
        case "SHARED":
            var b = p
            b.role = .head; b.relation = "户主"; b.relationCode = "02"
            b.name = differentName(p)
            b.nameField = nil; b.birthField = nil; b.writtenBirth = nil; b.src = ""
            b.education = maker.education(age: age, &rng)
            b.marital = "已婚"
            pending.append(PendingRow(kind: .shared, township: otherTownship(t), notBefore: index + 1, person: b, original: p.src,
                                      ownHousehold: true, extraTruth: [], note: "one number held by two persons with the same birth date and sex"))
        case DecoyCode.sameName.rawValue:
            var b = p
            b.role = .head; b.relation = "户主"; b.relationCode = "02"
            b.nameField = nil; b.birthField = nil; b.writtenBirth = nil; b.src = ""
            b.id = maker.ids.issue(birth: p.birth, sex: p.sex, migrant: false, older: false, &rng)
            b.trueID = b.id
            b.education = maker.education(age: age, &rng)
            b.marital = "已婚"
            pending.append(PendingRow(kind: .decoy, township: otherTownship(t), notBefore: index + 1, person: b, original: p.src,
                                      ownHousehold: true, extraTruth: [], note: "two persons with the same name, sex and birth date"))
        case ProblemCode.deceased.rawValue:
            let lo = max(SynthDate(days: ref.days - 5 * 365).days, HouseholdMaker.plusYears(p.birth, 35).days)
            let died = maker.date(between: SynthDate(days: lo), ref, &rng)
            var notes: [String] = []
            let id = noise.id(p.trueID, birthYear: p.birth.year, &rng, notes: &notes)
            let name = noise.name(p.name, &rng, notes: &notes, allowVariant: !id.isEmpty)
            try deaths.add(date: died, fields: [listName(name), p.sex == 1 ? "男" : "女", id, ListNoise.date(died, excel: true, &rng), nextCertificate(died),
                                          rng.pick(["疾病", "疾病", "自然死亡", "意外", "不详"]), hh.place.address, String(p.birth.years(to: died))],
                                 person: p.src, codes: [code], note: (["died \(died.iso)"] + notes).joined(separator: "; "))
        case DecoyCode.death.rawValue:
            // A stranger: same name and birth year, another birth date and number, not registered here.
            var b = SynthDate(days: SynthDate(p.birth.year, 1, 1).days + rng.below(365))
            if b == p.birth { b = SynthDate(days: b.days + (b.parts.month == 12 ? -1 : 1)) }
            let id = maker.ids.issue(birth: b, sex: p.sex, migrant: rng.chance(0.4), older: false, &rng)
            let died = maker.date(between: SynthDate(days: ref.days - 4 * 365), ref, &rng)
            let other = townships[otherTownship(t)]
            try deaths.add(date: died, fields: [listName(p.name), p.sex == 1 ? "男" : "女", id, ListNoise.date(died, excel: true, &rng), nextCertificate(died),
                                          "疾病", "\(countyName)\(other.name)", String(b.years(to: died))],
                                 person: nil, decoyOf: p.src, note: "decoy: same name and birth year as a living registered person, another number")
        case ProblemCode.enlisted.rawValue:
            var years: [SynthDate] = []
            for y in 2021...2026 {
                let d = SynthDate(y, 9, 1)
                let a = p.birth.years(to: d)
                if d < ref && a >= 18 && a <= 24 { years.append(d) }
            }
            let d = years.isEmpty ? SynthDate(2026, 9, 1) : rng.pick(years)
            var notes: [String] = []
            let id = noise.id(p.trueID, birthYear: p.birth.year, &rng, notes: &notes)
            let name = noise.name(p.name, &rng, notes: &notes, allowVariant: !id.isEmpty)
            try enlistments.add(date: d, fields: [listName(name), id, ListNoise.date(d, excel: false, &rng), "\(countyName)\(t.name)", "男", p.birth.iso],
                                      person: p.src, codes: [code], note: (["enlisted \(d.iso)"] + notes).joined(separator: "; "))
        case ProblemCode.emigrated.rawValue:
            let d = maker.date(between: SynthDate(days: ref.days - 8 * 365), SynthDate(days: ref.days - 30), &rng)
            var notes: [String] = []
            let id = noise.id(p.trueID, birthYear: p.birth.year, &rng, notes: &notes)
            let name = noise.name(p.name, &rng, notes: &notes, allowVariant: !id.isEmpty)
            let countries = options.county.hasPrefix("65") ? ["哈萨克斯坦", "吉尔吉斯斯坦", "土耳其", "俄罗斯"] : ["美国", "加拿大", "澳大利亚", "新西兰", "日本", "新加坡", "英国", "德国"]
            try emigrations.add(date: d, fields: [listName(name), id, rng.pick(countries), ListNoise.date(d, excel: false, &rng), p.sex == 1 ? "男" : "女",
                                               p.birth.iso, "E" + pad(rng.below(100_000_000), 8)],
                                      person: p.src, codes: [code], note: (["settled abroad \(d.iso)"] + notes).joined(separator: "; "))
        default:
            try truth.add(code, refs: [p.src], field: field, note: note)
        }
    }

    /// A name clearly not the same person's: another surname (or another transliterated name).
    func differentName(_ p: SynthPerson) -> String {
        for _ in 0..<20 {
            let n = p.dotted ? maker.names.dotName(female: p.sex == 2, &rng)
                : maker.names.hanName(female: p.sex == 2, year: p.birth.year, surname: maker.names.surname(&rng), &rng)
            // Another surname that does not even sound the same (章 for 张 would read as one name).
            if n.first != p.name.first && reading(n.first!) != reading(p.name.first!) { return n }
        }
        return (p.name.first == "王" ? "李" : "王") + String(p.name.dropFirst())
    }

    func reading(_ c: Character) -> String {
        guard let sc = c.unicodeScalars.first, let r = Tables.pinyin[sc.value]?.first else { return String(c) }
        return String(r.filter { $0.isLetter })
    }

    /// A second valid number for `p` (一人多号) encoding `birth`: in the region of its first number
    /// while that day has sequences left there, else the county's.
    func secondNumber(_ p: SynthPerson, birth: SynthDate) -> String {
        maker.ids.issue(region: String(p.trueID.prefix(6)), birth: birth, sex: p.sex)
            ?? maker.ids.issue(birth: birth, sex: p.sex, migrant: false, older: false, &rng)
    }

    /// Queues the second registration of `p`, in one of its variants.
    func queueDuplicate(_ p: SynthPerson, place: SynthPlace, township t: SynthTownship, index: Int) {
        var a = p
        a.src = ""; a.nameField = nil; a.birthField = nil; a.writtenBirth = nil
        a.duplicateVariant = nil
        a.role = .head
        let y = p.birth.year
        let legacyOK = y >= 1900 && y <= 1990
        var extra: [(code: String, note: String)] = []
        var cross = true
        var note: String
        var target: Int?
        switch p.duplicateVariant {
        case .lunar(let l)?:
            let w = l.asWritten!
            if rng.chance(0.5) {
                a.writtenBirth = w
                extra.append((ProblemCode.idBirthdateMismatch.rawValue, "birth date recorded in the lunar calendar (lunar \(l.label)); the number has the solar date \(p.birth.iso)"))
                note = "same number, the second registration's birth date in the lunar calendar (\(w.iso) for \(p.birth.iso))"
            } else {
                // Registered again from the lunar date: a second valid number that encodes it.
                a.birth = w
                a.id = secondNumber(p, birth: w)
                a.trueID = a.id
                cross = false
                note = "same person under two valid numbers (一人多号), the second registered with the lunar birth date (\(w.iso) for \(p.birth.iso))"
            }
        case .privateUse(let firstPUA)?:
            // The copies in an XML and a CSV township: hukou's GB18030 decoder reads both byte
            // forms as the standard character, so the XML side is where the private-use code
            // point reaches normalize when it is the one that carries it.
            let rare = p.name.first { RareCharacters.has(String($0)) }!
            let pua = RareCharacters.pua(String(rare)).unicodeScalars.first!.value
            a.nameField = firstPUA ? p.name : RareCharacters.pua(p.name)
            if t.xml == nil { target = townships.firstIndex { $0.xml != nil } }
            note = "same number, the rare character \(rare) written as its private-use code point U+\(String(pua, radix: 16, uppercase: true)) in the \(firstPUA ? "first" : "second") registration"
        case nil:
            switch rng.below(7) {
            case 1 where legacyOK:
                a.id = IDMaker.fifteen(p.trueID)!
                extra.append((ProblemCode.id15.rawValue, "second registration under the 15-digit number"))
                note = "same person under the 15- and the 18-digit number"
            case 2:
                if let (v, kind) = maker.names.variant(p.name, &rng) { a.nameField = v; note = "same number, name \(kind.rawValue) variant" } else { note = "same number" }
            case 3:
                let d = typo(p.birth)
                a.writtenBirth = d
                extra.append((ProblemCode.idBirthdateMismatch.rawValue, "birth date field \(d.iso), number says \(p.birth.iso)"))
                note = "same number, birth date mistyped in the second registration"
            case 4:
                a.id = secondNumber(p, birth: p.birth)
                a.trueID = a.id
                cross = false
                note = "same person under two valid numbers (一人多号)"
            case 5:
                let d = typo(p.birth)
                a.birth = d
                a.id = secondNumber(p, birth: d)
                a.trueID = a.id
                cross = false
                note = "same person under two valid numbers (一人多号) with the birth date mistyped (\(d.iso) for \(p.birth.iso))"
                if rng.chance(0.5), let (v, kind) = maker.names.variant(p.name, &rng) { a.nameField = v; note += ", name \(kind.rawValue) variant" }
            case 6 where legacyOK:
                a.id = IDMaker.fifteen(p.trueID)!
                extra.append((ProblemCode.id15.rawValue, "second registration under the 15-digit number"))
                note = "same person under the 15- and the 18-digit number"
                if let (v, kind) = maker.names.variant(p.name, &rng) { a.nameField = v; note += ", name \(kind.rawValue) variant" }
            default:
                note = "same number, same name"
            }
        }
        let own = p.birth.years(to: synthReferenceDate) >= 18 && rng.chance(0.7)
        pending.append(PendingRow(kind: .duplicate, township: target ?? (cross ? otherTownship(t) : t.index), notBefore: index + 1, person: a,
                                  original: p.src, ownHousehold: own, extraTruth: extra,
                                  note: note + (cross ? " (another township)" : " (same village)") + (own ? "; second row is its own household" : "; second row as 其他 in another household"),
                                  village: cross ? nil : place))
    }

    /// A name as a list writes it: a rare character as its private-use code point half of the
    /// time (in a GB18030 list, the user-defined bytes).
    func listName(_ name: String) -> String {
        RareCharacters.has(name) && rng.chance(0.5) ? RareCharacters.pua(name) : name
    }

    func nextCertificate(_ d: SynthDate) -> String {
        certificate += 1
        if options.county.hasPrefix("65") { return "N" + pad(d.year % 100, 2) + pad(certificate, 7) }
        return "HZ\(d.year)" + pad(certificate, 6)
    }

    /// A baby born to a woman of the household and never registered (nil when no woman fits).
    func unregisteredBirth(_ hh: SynthHousehold) -> (mother: Int, father: Int?, baby: SynthPerson)? {
        let ref = synthReferenceDate
        let m = hh.members
        guard let mother = m.indices.first(where: { k in
            let a = m[k].birth.years(to: ref)
            return m[k].sex == 2 && !m[k].used && (k == 0 || m[k].role == .spouse || m[k].role == .childSpouse) && a >= 22 && a <= 42
        }) else { return nil }
        let father: Int?
        if m[mother].role == .childSpouse {
            father = m[..<mother].lastIndex(where: { $0.role == .child && $0.sex == 1 })
        } else {
            father = m.indices.first(where: { ($0 == 0 || m[$0].role == .spouse) && m[$0].sex == 1 })
        }
        let lo = max(ref.days - 3 * 365, HouseholdMaker.plusYears(m[mother].birth, 21).days)
        let b = maker.date(between: SynthDate(days: lo), SynthDate(days: ref.days - 10), &rng)
        let sex = rng.chance(0.52) ? 1 : 2
        let surnameOf = father.map { m[$0] } ?? m[mother]
        let name: String
        if surnameOf.dotted {
            name = maker.names.dotName(female: sex == 2, patronym: father.map { maker.names.familyPart(m[$0].name) }, &rng)
        } else {
            name = maker.names.hanName(female: sex == 2, year: b.year, surname: maker.names.familyPart(surnameOf.name), &rng)
        }
        let baby = SynthPerson(role: .child, name: name, sex: sex, birth: b, ethnicity: m[mother].ethnicity, relationCode: "20",
                               relation: "子", education: "", marital: "未婚", trueID: "", id: "", dotted: surnameOf.dotted)
        return (mother, father, baby)
    }

    /// A birth-certificate entry: for a registered baby (no truth) or an unregistered one.
    func addBirthEntry(_ hh: SynthHousehold, child: SynthPerson, mother: Int, father: Int?, registered: Bool) throws {
        let mo = hh.members[mother]
        let fa = father.map { hh.members[$0] }
        var codes: [String] = []
        var inPolicy = "是"
        var note = "registered baby"
        if registered {
            if rng.chance(0.08) { inPolicy = "否"; note = "registered baby, out of policy (registered: not a problem)" }
        } else {
            codes.append(ProblemCode.birthNotRegistered.rawValue)
            note = "baby never registered; mother registered at \(mo.src)"
            due[ProblemCode.birthOutOfPolicy.rawValue]! += 0.4
            if take(ProblemCode.birthOutOfPolicy.rawValue) {
                inPolicy = "否"
                codes.append(ProblemCode.birthOutOfPolicy.rawValue)
                note += ", out of policy"
            }
        }
        var name = child.name
        if registered && rng.chance(0.03), let v = maker.names.homophone(child.name, &rng) { name = v }
        name = listName(name)
        let motherID = rng.chance(0.05) ? IDMaker.cosmetic(mo.trueID, &rng) : mo.trueID
        let institution = rng.pick(["\(countyName)人民医院", "\(countyName)妇幼保健院", "\(townships[hh.place.town].name)卫生院"])
        certificate += 1
        try births.add(date: child.birth, fields: [name, child.sex == 1 ? "男" : "女", ListNoise.date(child.birth, excel: false, &rng),
                                      (child.birth.year >= 2024 ? "R" : "Q") + "43" + pad(certificate, 7),
                                      listName(mo.name), motherID, fa.map { listName($0.name) } ?? "", fa?.trueID ?? "", inPolicy, countyName, institution],
                             person: nil, codes: codes, note: note)
    }

    /// Entries for people who are not in this register (moved away long ago, other counties).
    func addOutsiders() throws {
        let ref = synthReferenceDate
        let dotted = options.county.hasPrefix("65")
        func stranger(age: ClosedRange<Int>, sex: Int) -> (name: String, birth: SynthDate, id: String) {
            let b = maker.birthFor(age: rng.int(age), &rng)
            let isDot = dotted && rng.chance(0.3)
            let name = isDot ? maker.names.dotName(female: sex == 2, &rng) : maker.names.hanName(female: sex == 2, year: b.year, surname: nil, &rng)
            let id = maker.ids.issue(birth: b, sex: sex, migrant: rng.chance(0.6), older: false, &rng)
            return (name, b, id)
        }
        for _ in 0..<(deaths.count / 2 + 3) {
            let sex = rng.chance(0.55) ? 1 : 2
            let s = stranger(age: 45...95, sex: sex)
            let died = maker.date(between: SynthDate(days: ref.days - 5 * 365), ref, &rng)
            var notes: [String] = []
            let id = noise.id(s.id, birthYear: s.birth.year, &rng, notes: &notes)
            try deaths.add(date: died, fields: [s.name, sex == 1 ? "男" : "女", id, ListNoise.date(died, excel: true, &rng), nextCertificate(died),
                                          "疾病", countyName, String(s.birth.years(to: died))],
                                 person: nil, note: "not in this register")
        }
        for _ in 0..<(enlistments.count / 2 + 2) {
            let s = stranger(age: 19...23, sex: 1)
            let d = SynthDate(2026, 9, 1)
            try enlistments.add(date: d, fields: [s.name, s.id, d.iso, countyName, "男", s.birth.iso], person: nil, note: "not in this register")
        }
        for _ in 0..<(emigrations.count / 2 + 2) {
            let sex = rng.chance(0.5) ? 1 : 2
            let s = stranger(age: 25...70, sex: sex)
            let d = maker.date(between: SynthDate(days: ref.days - 8 * 365), SynthDate(days: ref.days - 30), &rng)
            try emigrations.add(date: d, fields: [s.name, s.id, "加拿大", d.iso, sex == 1 ? "男" : "女", s.birth.iso, "E" + pad(rng.below(100_000_000), 8)],
                                      person: nil, note: "not in this register")
        }
        for _ in 0..<(births.count / 5 + 3) {
            let mo = stranger(age: 22...40, sex: 2)
            let fa = stranger(age: 24...45, sex: 1)
            let b = maker.date(between: SynthDate(days: ref.days - 3 * 365), SynthDate(days: ref.days - 10), &rng)
            let sex = rng.chance(0.52) ? 1 : 2
            let name = String(fa.name.prefix(1)) + maker.names.given(female: sex == 2, year: b.year, &rng)
            certificate += 1
            try births.add(date: b, fields: [name, sex == 1 ? "男" : "女", b.iso, "R43" + pad(certificate, 7), mo.name, mo.id, fa.name, fa.id,
                                          rng.chance(0.9) ? "是" : "否", countyName, "\(countyName)人民医院"],
                                 person: nil, note: "parents not in this register")
        }
    }

    func writeManifest() throws {
        let o = options
        var s = """
        Synthetic register made by `hukou synth` (not real people). Regenerate with:

          hukou synth --seed \(o.seed) --persons \(o.persons) --out \(o.outDir) --county \(o.county) --problem-rate \(formatDecimal(o.problemRate, digits: 4))

        County \(o.county) \(countyName); the data are as of \(synthReferenceDate.iso).
        Persons in the register: \(summary.persons) in \(summary.households) households.

        Files (data rows):

        """
        let encodings: [String: String] = [
            "deaths.csv": "GB18030, CRLF", "enlistments.csv": "GB18030, CRLF", "emigrations.csv": "UTF-8, LF",
            "births.csv": "UTF-8 with BOM, CRLF", "truth.ndjson": "NDJSON, one line per planted problem or decoy",
        ]
        for f in summary.files {
            let enc: String = encodings[f.name] ?? (f.name.hasSuffix(".xml") ? "UTF-8 XML, persons" : "GB18030, CRLF")
            let line: String = "  " + f.name.rightPadded(26) + String(f.rows).leftPadded(8) + "  " + enc
            s += line + "\n"
        }
        s += "\nPlanted (truth.ndjson lines per code; refs are `path:line` as `hukou ingest` cites them):\n\n"
        for c in summary.counts {
            let line: String = "  " + c.code.rightPadded(34) + String(c.count).leftPadded(6)
            s += line + "\n"
        }
        s += """

        DECOY_* lines are not problems: two different persons a matcher must not merge, or a death
        entry that must not cancel the living person it resembles. Score a findings file with:

          hukou score --truth \(display)truth.ndjson FINDINGS.ndjson

        """
        let out = try ByteOutput.file(o.outDir + "/README.txt")
        try out.write(s)
        try out.close()
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
    func rightPadded(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
