// `hukou synth`'s engine: streams households into the township exports, plants every problem
// code of DOMAIN.md at the configured rate (with its truth line), gathers the agencies' lists,
// and writes the manifest. Memory stays flat in the register's size: households are written as
// they are made; only a short queue of pending second registrations, fixed tables of ID
// counters and each list's current run (spilled to disk when full) are kept.
import Foundation
import HukouIO

/// What to make.
public struct SynthOptions: Sendable {
    public var seed: UInt64
    public var persons: Int
    /// The output directory as given on the command line; truth refs start with it.
    public var outDir: String
    public var county: String
    /// Per code, the share of opportunities (persons, households or possible mothers) planted.
    public var problemRate: Double

    /// Options as `hukou synth` takes them (defaults: 湘潭县, 0.005 per code).
    public init(seed: UInt64, persons: Int, outDir: String, county: String = "430321", problemRate: Double = 0.005) {
        self.seed = seed
        self.persons = persons
        self.outDir = outDir
        self.county = county
        self.problemRate = problemRate
    }
}

/// What was made: files with their data rows, and counts per truth code.
public struct SynthSummary: Sendable {
    public var files: [(name: String, rows: Int)] = []
    public var counts: [(code: String, count: Int)] = []
    public var persons = 0
    public var households = 0
}

/// Errors of the options (exit 64).
public struct SynthError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// A township of the output: where it writes and where its households stand.
final class SynthTownship {
    let index: Int
    let code: String
    let name: String
    let file: String
    let villages: [String]
    let station: String
    let csv: SynthCSV?
    let xml: SynthXML?
    let fields: FieldWriter
    var persons = 0
    var households = 0
    var village = 0
    var inVillage = 0

    init(index: Int, code: String, name: String, file: String, villages: [String], station: String, csv: SynthCSV?, xml: SynthXML?) {
        self.index = index
        self.code = code
        self.name = name
        self.file = file
        self.villages = villages
        self.station = station
        self.csv = csv
        self.xml = xml
        // The population system's XML is tidier than spreadsheets saved by hand.
        fields = FieldWriter(realityRate: xml != nil ? 0.01 : 0.04)
    }
}

/// A second registration (or a look-alike) waiting for a later household of its township.
struct PendingRow {
    enum Kind { case duplicate, shared, decoy }
    var kind: Kind
    var township: Int
    var notBefore: Int
    var person: SynthPerson
    /// The first row's src.
    var original: String
    /// Whether it is written as a one-person household (else appended to one as 其他).
    var ownHousehold: Bool
    var extraTruth: [(code: String, note: String)]
    var note: String
    /// The first row's place when the second registration belongs in the same village (the
    /// variants under a second number in the same township: the village is what tells them
    /// from two strangers born the same day).
    var village: SynthPlace? = nil
}

/// The generator. `run()` writes everything and returns the summary.
public final class Synthesizer {
    let options: SynthOptions
    var rng: SynthRandom
    var maker: HouseholdMaker
    let noise: ListNoise
    var townships: [SynthTownship] = []
    var pending: [PendingRow] = []
    var truth: TruthWriter!
    /// Quotas: a plant is due when its share reaches 1 (dictionary for the rarer codes, an
    /// array in `personCodes` order for the per-person ones, looked at for every person).
    var due: [String: Double] = [:]
    var personDue: [Double] = []
    /// Quotas of the duplicate variants prepared at planting time.
    var lunarDuplicateDue = 0.0, privateUseDuplicateDue = 0.0
    let deaths: AgencyList, enlistments: AgencyList, emigrations: AgencyList, births: AgencyList
    let countyName: String
    let display: String
    var summary = SynthSummary()
    /// Called now and then with the persons written so far (the command shows it on a terminal).
    public var progress: ((Int) -> Void)?
    var certificate = 0

    static let personCodes: [String] = [
        "DUP", "SHARED", DecoyCode.sameName.rawValue, ProblemCode.deceased.rawValue, DecoyCode.death.rawValue,
        ProblemCode.enlisted.rawValue, ProblemCode.emigrated.rawValue, ProblemCode.idBadChecksum.rawValue,
        ProblemCode.idBirthdateMismatch.rawValue, ProblemCode.idSexMismatch.rawValue, ProblemCode.idUnknownRegion.rawValue,
        ProblemCode.id15.rawValue, ProblemCode.idExcel.rawValue, ProblemCode.idMissing.rawValue, ProblemCode.fieldInvalid.rawValue,
        "LUNAR",
    ]
    /// Per person code, its share of `--problem-rate`: a lunar birth date (an input reality that
    /// shows as ID_BIRTHDATE_MISMATCH) at half the rate, mostly on older people.
    static let personRates: [Double] = personCodes.map { $0 == "LUNAR" ? 0.5 : 1 }
    /// Share of planted duplicates whose second registration carries the lunar birth date, and
    /// share whose name has a rare character written as a private-use code point in one copy.
    static let lunarDuplicateShare = 0.12, privateUseDuplicateShare = 0.12
    static let householdCodes: [String] = [
        ProblemCode.householdWithoutHead.rawValue, ProblemCode.householdMultipleHeads.rawValue, ProblemCode.relationAgeImpossible.rawValue,
    ]

    /// Checks the options (a `SynthError` when they cannot work); nothing is written yet.
    public init(_ options: SynthOptions) throws {
        guard options.persons >= 1 else { throw SynthError(description: "--persons must be at least 1") }
        guard options.problemRate >= 0 && options.problemRate <= 0.05 else {
            throw SynthError(description: "--problem-rate must be between 0 and 0.05 (a share per code)")
        }
        let counties = Array(Set(Tables.villages.map(\.countyCode))).sorted()
        guard counties.contains(options.county) else {
            throw SynthError(description: "no town list for county \(options.county) in the vendored tables (known: \(counties.joined(separator: ", ")))")
        }
        self.options = options
        rng = SynthRandom(seed: options.seed)
        let names = NameMaker()
        maker = HouseholdMaker(names: names, ids: IDMaker(county: options.county), minorityCounty: options.county.hasPrefix("65"))
        noise = ListNoise(names: names)
        countyName = Tables.villages.first { $0.countyCode == options.county }!.countyName
        display = options.outDir.hasSuffix("/") ? options.outDir : options.outDir + "/"
        let minority = options.county.hasPrefix("65")
        deaths = AgencyList(file: "deaths.csv", header: ["姓名", "性别", "身份证号", "死亡日期", minority ? "死亡证明编号" : "火化证号", "死亡原因", "住址", "年龄"],
                            encoding: "GB18030", bom: false, crlf: true, dir: options.outDir)
        enlistments = AgencyList(file: "enlistments.csv", header: ["姓名", "身份证号", "入伍时间", "应征地", "性别", "出生日期"],
                                 encoding: "GB18030", bom: false, crlf: true, dir: options.outDir)
        emigrations = AgencyList(file: "emigrations.csv", header: ["姓名", "公民身份号码", "定居国家(地区)", "批准日期", "性别", "出生日期", "护照号码"],
                                 encoding: "UTF-8", bom: false, crlf: false, dir: options.outDir)
        births = AgencyList(file: "births.csv", header: ["新生儿姓名", "性别", "出生日期", "出生医学证明编号", "母亲姓名", "母亲身份证号", "父亲姓名", "父亲身份证号", "是否政策内", "出生地点", "接生机构"],
                            encoding: "UTF-8", bom: true, crlf: true, dir: options.outDir)
        // Each code's first plant comes within half a cycle, so small outputs hold every code.
        for c in Synthesizer.personCodes + Synthesizer.householdCodes + [ProblemCode.birthNotRegistered.rawValue] {
            due[c] = 0.5 + 0.5 * rng.unit()
        }
        personDue = Synthesizer.personCodes.map { due[$0]! }
        lunarDuplicateDue = 0.5 + 0.5 * rng.unit()
        privateUseDuplicateDue = 0.5 + 0.5 * rng.unit()
        due[ProblemCode.birthOutOfPolicy.rawValue] = 1
    }

    /// The file name part of a town: its toneless pinyin without 镇/乡.
    static func pinyin(_ town: String) -> String {
        var t = town
        if t.count > 2, let l = t.last, "镇乡场".contains(l) { t.removeLast() }
        var s = ""
        for c in t.unicodeScalars {
            if let r = Tables.pinyin[c.value]?.first { s += r.filter { $0.isLetter } } else if c.isASCII { s.unicodeScalars.append(c) }
        }
        return s.lowercased()
    }

    func setUpTownships() throws {
        var order: [String] = []
        var byTown: [String: (name: String, villages: [String])] = [:]
        for v in Tables.villages where v.countyCode == options.county && !v.townCode.isEmpty {
            if byTown[v.townCode] == nil { order.append(v.townCode); byTown[v.townCode] = (v.townName, []) }
            byTown[v.townCode]!.villages.append(v.village)
        }
        // At least three townships (two CSV, one XML), one more per 40,000 persons.
        let wanted = min(order.count, max(3, (options.persons + 39_999) / 40_000))
        var usedFiles: Set<String> = []
        var plan: [(code: String, name: String, villages: [String], file: String, station: String)] = []
        for k in 0..<wanted {
            let code = order[k], town = byTown[code]!
            var base = Synthesizer.pinyin(town.name)
            if base.isEmpty || usedFiles.contains(base) { base = code }
            usedFiles.insert(base)
            let station = (town.name.count > 2 && "镇乡".contains(town.name.last!) ? String(town.name.dropLast()) : town.name) + "派出所"
            plan.append((code, town.name, town.villages, "register_\(base).\(k == 1 ? "xml" : "csv")", station))
        }
        // Register files of an earlier run with other options would be ingested with this run's
        // truth by `DIR/register_*`: refuse rather than delete them.
        let mine = Set(plan.map(\.file))
        let stale = ((try? FileManager.default.contentsOfDirectory(atPath: options.outDir)) ?? [])
            .filter { $0.hasPrefix("register_") && !mine.contains($0) }.sorted()
        if !stale.isEmpty {
            throw SynthError(description: "\(options.outDir) holds register files of another run (\(stale.prefix(3).joined(separator: ", "))); use an empty or new folder")
        }
        for (k, p) in plan.enumerated() {
            let path = options.outDir + "/" + p.file
            var csv: SynthCSV?, xw: SynthXML?
            if k == 1 {
                xw = try SynthXML(path: path, display: display + p.file, station: p.station)
            } else {
                csv = try SynthCSV(path: path, display: display + p.file, encoding: "GB18030", bom: false, crlf: true)
                try csv!.row(PersonField.all.map(\.chinese))
            }
            townships.append(SynthTownship(index: k, code: p.code, name: p.name, file: p.file, villages: p.villages,
                                           station: p.station, csv: csv, xml: xw))
        }
    }

    /// Takes a due plant of `code` if its quota has come.
    func take(_ code: String) -> Bool {
        if due[code]! >= 1 { due[code]! -= 1; return true }
        return false
    }

    /// Runs the whole generation.
    public func run() throws -> SynthSummary {
        try setUpTownships()
        truth = try TruthWriter(path: options.outDir + "/truth.ndjson")
        var index = 0
        while summary.persons < options.persons {
            try makeHousehold(index: index)
            index += 1
            if index & 0xFFFF == 0 { progress?(summary.persons) }
        }
        for t in townships {
            if let c = t.csv { try c.close(); summary.files.append((t.file, c.rows)) }
            if let x = t.xml { try x.close(); summary.files.append((t.file, x.persons)) }
        }
        try addOutsiders()
        for list in [deaths, enlistments, emigrations, births] {
            let rows = try list.write(display: display, truth: truth)
            summary.files.append((list.file, rows))
        }
        try truth.close()
        for c in ProblemCode.allCases { summary.counts.append((c.rawValue, truth.counts[c.rawValue] ?? 0)) }
        for c in DecoyCode.allCases { summary.counts.append((c.rawValue, truth.counts[c.rawValue] ?? 0)) }
        summary.files.append(("truth.ndjson", truth.counts.values.reduce(0, +)))
        try writeManifest()
        return summary
    }

    // MARK: households

    func place(_ t: SynthTownship) -> SynthPlace {
        let perVillage = max(1, options.persons / townships.count / t.villages.count)
        let v = min(t.villages.count - 1, t.persons / perVillage)
        if v != t.village { t.village = v; t.inVillage = 0 }
        let group = 1 + t.inVillage / 28
        let house = 1 + t.inVillage % 28
        t.inVillage += 1
        t.households += 1
        let village = t.villages[v]
        let number = t.code + pad(t.households, 5)
        let address = "\(countyName)\(t.name)\(village)第\(group)组\(house)号"
        return SynthPlace(town: t.index, village: village, group: group, house: house, number: number, address: address)
    }

    func makeHousehold(index: Int) throws {
        let t = townships[index % townships.count]
        var p = place(t)
        var hh: SynthHousehold
        var item: PendingRow?
        if let k = pending.firstIndex(where: { $0.township == t.index && $0.notBefore <= index }) {
            item = pending.remove(at: k)
        }
        if let v = item?.village {
            p.village = v.village
            p.group = v.group
            p.address = "\(countyName)\(t.name)\(v.village)第\(v.group)组\(p.house)号"
        }
        var secondRow = -1
        if let it = item {
            switch it.kind {
            case .duplicate where it.ownHousehold:
                var a = it.person
                a.relation = "户主"; a.relationCode = "02"
                hh = SynthHousehold(place: p, members: [a])
                secondRow = 0
            case .duplicate:
                hh = maker.household(place: p, head: nil, &rng)
                var a = it.person
                a.relation = "其他"; a.relationCode = "80"; a.role = .other
                hh.members.append(a)
                secondRow = hh.members.count - 1
            case .shared, .decoy:
                hh = maker.household(place: p, head: it.person, &rng)
                secondRow = 0
            }
            hh.members[secondRow].protected = true
            hh.members[secondRow].used = true
        } else {
            hh = maker.household(place: p, head: nil, &rng)
        }

        // Household-level problems (not on households that carry a second registration).
        var householdProblem: String?
        var relationTarget = -1
        var dropHead = false
        if item == nil {
            for c in Synthesizer.householdCodes { due[c]! += options.problemRate }
            if hh.members.count >= 2 && take(ProblemCode.householdWithoutHead.rawValue) {
                householdProblem = ProblemCode.householdWithoutHead.rawValue
                dropHead = true
            } else if let s = hh.members.firstIndex(where: { $0.role == .spouse }), take(ProblemCode.householdMultipleHeads.rawValue) {
                householdProblem = ProblemCode.householdMultipleHeads.rawValue
                hh.members[s].relation = "户主"; hh.members[s].relationCode = "02"
            } else if let m = hh.members.lastIndex(where: { ($0.role == .child && $0.marital == "未婚") || $0.role == .parent }),
                      take(ProblemCode.relationAgeImpossible.rawValue) {
                householdProblem = ProblemCode.relationAgeImpossible.rawValue
                relationTarget = m
                plantRelationAge(&hh, m)
            }
        }
        if householdProblem != nil { for k in hh.members.indices { hh.members[k].used = true } }

        // Registered babies: the birth list must find them with their mother.
        var birthEntries: [(child: Int, mother: Int, father: Int?)] = []
        if householdProblem == nil {
            let since = SynthDate(days: synthReferenceDate.days - 3 * 365)
            for (k, m) in hh.members.enumerated() where (m.role == .child || m.role == .grandchild) && m.birth >= since && k != secondRow {
                guard let (mother, father) = parents(of: k, in: hh) else { continue }
                hh.members[k].protected = true
                hh.members[mother].protected = true
                if let f = father { hh.members[f].protected = true }
                birthEntries.append((k, mother, father))
            }
        }

        // Person-level problems and list entries.
        var plans: [(member: Int, code: String, note: String, field: String?)] = []
        if householdProblem == nil {
            for k in hh.members.indices {
                for c in personDue.indices { personDue[c] += options.problemRate * Synthesizer.personRates[c] }
                guard !hh.members[k].used && !hh.members[k].protected else { continue }
                for (c, code) in Synthesizer.personCodes.enumerated() where personDue[c] >= 1 {
                    if let plan = plant(code, &hh.members[k], township: t) {
                        personDue[c] -= 1
                        hh.members[k].used = true
                        plans.append((k, code, plan.note, plan.field))
                        break
                    }
                }
            }
        }

        // A birth never registered in this household.
        var unregistered: (mother: Int, father: Int?, baby: SynthPerson)?
        if householdProblem == nil {
            due[ProblemCode.birthNotRegistered.rawValue]! += options.problemRate * 4
            if due[ProblemCode.birthNotRegistered.rawValue]! >= 1, let u = unregisteredBirth(hh) {
                _ = take(ProblemCode.birthNotRegistered.rawValue)
                hh.members[u.mother].protected = true
                unregistered = u
            }
        }

        // Write the rows.
        let written = dropHead ? Array(hh.members.indices.dropFirst()) : Array(hh.members.indices)
        let srcs = try write(hh, rows: written, township: t)
        for (k, s) in zip(written, srcs) { hh.members[k].src = s }
        summary.persons += written.count
        summary.households += 1

        // Truth and follow-ups, now that every row has its src.
        if let hp = householdProblem {
            switch hp {
            case ProblemCode.relationAgeImpossible.rawValue:
                let m = hh.members[relationTarget]
                try truth.add(hp, refs: [hh.members[0].src, m.src], note: "\(m.relation) born \(m.birth.year), head born \(hh.members[0].birth.year)")
            case ProblemCode.householdWithoutHead.rawValue:
                try truth.add(hp, refs: srcs, note: "the head's row is missing")
            default:
                try truth.add(hp, refs: srcs, note: "the spouse is also written as 户主")
            }
        }
        if let it = item {
            let second = hh.members[secondRow].src
            switch it.kind {
            case .duplicate:
                try truth.add(ProblemCode.duplicateRegistration.rawValue, refs: [it.original, second], note: it.note)
                for e in it.extraTruth { try truth.add(e.code, refs: [second], note: e.note) }
            case .shared:
                try truth.add(ProblemCode.idShared.rawValue, refs: [it.original, second], note: it.note)
            case .decoy:
                try truth.add(DecoyCode.sameName.rawValue, refs: [it.original, second], note: it.note)
            }
        }
        for plan in plans { try followUp(plan.code, hh.members[plan.member], hh: hh, township: t, index: index, note: plan.note, field: plan.field) }
        for b in birthEntries { try addBirthEntry(hh, child: hh.members[b.child], mother: b.mother, father: b.father, registered: true) }
        if let u = unregistered { try addBirthEntry(hh, child: u.baby, mother: u.mother, father: u.father, registered: false) }
    }

    /// The mother (and father) of a child or grandchild in the household, if both are there.
    func parents(of k: Int, in hh: SynthHousehold) -> (Int, Int?)? {
        let m = hh.members
        if m[k].role == .child {
            guard let mother = m.indices.first(where: { ($0 == 0 || m[$0].role == .spouse) && m[$0].sex == 2 }) else { return nil }
            let father = m.indices.first(where: { ($0 == 0 || m[$0].role == .spouse) && m[$0].sex == 1 })
            return (mother, father)
        }
        guard let mother = m[..<k].lastIndex(where: { $0.role == .childSpouse }) else { return nil }
        let father = m[..<mother].lastIndex(where: { $0.role == .child && $0.sex == 1 })
        return (mother, father)
    }

    func write(_ hh: SynthHousehold, rows: [Int], township t: SynthTownship) throws -> [String] {
        let f = t.fields
        var records: [[String]] = []
        for k in rows {
            let m = hh.members[k]
            let birth = m.birthField ?? f.date(m.writtenBirth ?? m.birth, &rng)
            var name = m.nameField ?? f.name(m.name, dotted: m.dotted, &rng)
            // The population system holds most rare characters in its user-defined area.
            if m.nameField == nil && RareCharacters.has(name) && rng.chance(0.7) { name = RareCharacters.pua(name) }
            let id = m.id == m.trueID ? f.id(m.id, &rng) : m.id
            records.append([hh.place.number, name, f.sex(m.sex, &rng), m.ethnicityField ?? f.ethnicity(m.ethnicity, &rng), birth, id,
                            m.relationField ?? m.relation, hh.place.village, "第\(hh.place.group)组", hh.place.address,
                            m.education, m.marital, t.station])
        }
        t.persons += rows.count
        if let csv = t.csv {
            var srcs: [String] = []
            for r in records { srcs.append(try csv.row(r)) }
            return srcs
        }
        let tags = PersonField.all.map { $0.chinese == "村(居)委会" ? "村居委会" : $0.chinese }
        return try t.xml!.household(hh.place.number, records.map { r in
            // The station is an attribute of the root; the household number one of <户>.
            Array(zip(tags, r).dropFirst().filter { $0.0 != "派出所" })
        })
    }
}
