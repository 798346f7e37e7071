// Other agencies' lists as synth writes them: civil-affairs deaths, armed-forces enlistments,
// exit-entry settlements, birth medical certificates. Each has its own headers and encoding and
// is noisier than the register (missing and 15-digit numbers, one-digit typos, name variants,
// Excel date serials). Entries are gathered during the run and written sorted by date, as the
// agencies print them; the truth lines that cite them are written then.

/// One entry of a list, with what the truth must say about it.
struct ListEntry {
    var date: SynthDate
    var order: Int
    var fields: [String]
    /// The register row of the person this entry is about (nil: a person not in the register).
    var person: String?
    /// Problem codes this entry proves (with the register row when there is one).
    var codes: [String] = []
    /// A decoy: the living register row this entry must not be matched to.
    var decoyOf: String?
    var note: String
}

/// A list being gathered.
struct AgencyList {
    let file: String
    let header: [String]
    let encoding: String
    let bom: Bool
    let crlf: Bool
    var entries: [ListEntry] = []

    mutating func add(_ e: ListEntry) {
        var e = e
        e.order = entries.count
        entries.append(e)
    }

    /// Writes the list sorted by date (ties in the order gathered), then its truth lines.
    func write(dir: String, display: String, truth: TruthWriter) throws -> Int {
        let csv = try SynthCSV(path: dir + "/" + file, display: display + file, encoding: encoding, bom: bom, crlf: crlf)
        try csv.row(header)
        let sorted = entries.sorted { ($0.date.days, $0.order) < ($1.date.days, $1.order) }
        var srcs: [String] = []
        srcs.reserveCapacity(sorted.count)
        for e in sorted { srcs.append(try csv.row(e.fields)) }
        try csv.close()
        for (e, src) in zip(sorted, srcs) {
            for code in e.codes {
                if let p = e.person {
                    try truth.add(code, refs: [p, src], person: p, note: e.note)
                } else {
                    try truth.add(code, refs: [src], note: e.note)
                }
            }
            if let d = e.decoyOf { try truth.add(DecoyCode.death.rawValue, refs: [d, src], note: e.note) }
        }
        return csv.rows
    }
}

/// How a list writes a person's number and name: mostly right, sometimes missing, 15 digits,
/// mistyped or spelt another way. Returns the values and a note of what was done.
struct ListNoise {
    var names: NameMaker

    func id(_ id: String, birthYear: Int, _ rng: inout SynthRandom, notes: inout [String]) -> String {
        let u = rng.unit()
        if u < 0.08 { notes.append("list: ID missing"); return "" }
        if u < 0.16, birthYear >= 1900 && birthYear <= 1999, let f = IDMaker.fifteen(id) { notes.append("list: 15-digit ID"); return f }
        if u < 0.24 { notes.append("list: one-digit typo in ID"); return IDMaker.listTypo(id, &rng) }
        if u < 0.28 { return IDMaker.cosmetic(id, &rng) }
        return id
    }

    func name(_ name: String, _ rng: inout SynthRandom, notes: inout [String], allowVariant: Bool = true) -> String {
        let u = rng.unit()
        if allowVariant && u < 0.12, let (v, kind) = names.variant(name, &rng) { notes.append("list: name \(kind.rawValue) variant"); return v }
        if u > 0.97 && !name.contains("·") && name.count == 2 { return String(name.first!) + " " + String(name.last!) }
        return name
    }

    /// A list's date: ISO mostly, other spellings sometimes, an Excel serial now and then.
    static func date(_ d: SynthDate, excel: Bool, _ rng: inout SynthRandom) -> String {
        let p = d.parts
        let u = rng.unit()
        if excel && u < 0.1 { return String(d.days - daysFromCivil(1899, 12, 30)) }
        if u < 0.3 { return "\(p.year)/\(p.month)/\(p.day)" }
        if u < 0.38 { return "\(p.year)年\(p.month)月\(p.day)日" }
        return d.iso
    }
}
