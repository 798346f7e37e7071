// Other agencies' lists as synth writes them: civil-affairs deaths, armed-forces enlistments,
// exit-entry settlements, birth medical certificates. Each has its own headers and encoding and
// is noisier than the register (missing and 15-digit numbers, one-digit typos, name variants,
// Excel date serials). Entries are gathered during the run and written sorted by date, as the
// agencies print them; the truth lines that cite them are written then.
#if canImport(Glibc)
import Glibc
#endif
import HukouIO

/// One entry of a list, with what the truth must say about it.
struct ListEntry {
    var date: SynthDate
    var order: Int
    /// The row, CSV-encoded without its line end (one string, not one per field: lists of a
    /// 10M-person county hold a million entries until they are sorted).
    var line: String
    /// The register row of the person this entry is about (nil: a person not in the register).
    var person: String?
    /// Problem codes this entry proves (with the register row when there is one).
    var codes: [String] = []
    /// A decoy: the living register row this entry must not be matched to.
    var decoyOf: String?
    var note: String
}

/// A list being gathered. Entries are kept in memory up to `runSize`, then sorted and spilled
/// to a run file in the output folder; `write` merges the runs, so memory stays bounded
/// however large the county (and the bytes are those of one in-memory sort).
final class AgencyList {
    let file: String
    let header: [String]
    let encoding: String
    let bom: Bool
    let crlf: Bool
    let dir: String
    private var entries: [ListEntry] = []
    private var runs: [String] = []
    /// Entries added so far.
    private(set) var count = 0
    static let runSize = 20_000

    init(file: String, header: [String], encoding: String, bom: Bool, crlf: Bool, dir: String) {
        self.file = file
        self.header = header
        self.encoding = encoding
        self.bom = bom
        self.crlf = crlf
        self.dir = dir
    }

    func add(date: SynthDate, fields: [String], person: String?, codes: [String] = [], decoyOf: String? = nil, note: String) throws {
        var b: [UInt8] = []
        for (k, f) in fields.enumerated() {
            if k > 0 { b.append(UInt8(ascii: ",")) }
            SynthCSV.appendField(f, to: &b)
        }
        entries.append(ListEntry(date: date, order: count, line: String(decoding: b, as: UTF8.self), person: person,
                                 codes: codes, decoyOf: decoyOf, note: note))
        count += 1
        if entries.count >= AgencyList.runSize { try spill() }
    }

    static func before(_ a: ListEntry, _ b: ListEntry) -> Bool { (a.date.days, a.order) < (b.date.days, b.order) }

    private func spill() throws {
        entries.sort(by: AgencyList.before)
        let path = "\(dir)/.\(file).run\(runs.count)"
        let out = try ByteOutput.file(path, mode: 0o600)
        for e in entries {
            // Tab-separated: no field synth writes holds a tab or a line end.
            try out.write("\(e.date.days)\t\(e.order)\t\(e.person ?? "")\t\(e.codes.joined(separator: ","))\t\(e.decoyOf ?? "")\t\(e.note)\t\(e.line)\n")
        }
        try out.close()
        runs.append(path)
        entries.removeAll(keepingCapacity: true)
    }

    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> ListEntry {
        let parts = b.split(separator: 9, maxSplits: 6, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        return ListEntry(date: SynthDate(days: Int(parts[0])!), order: Int(parts[1])!, line: parts[6],
                         person: parts[2].isEmpty ? nil : parts[2], codes: parts[3].isEmpty ? [] : parts[3].split(separator: ",").map(String.init),
                         decoyOf: parts[4].isEmpty ? nil : parts[4], note: parts[5])
    }

    /// Writes the list sorted by date (ties in the order gathered) and the truth lines of its
    /// entries, in list order. Returns the number of data rows.
    func write(display: String, truth: TruthWriter) throws -> Int {
        let csv = try SynthCSV(path: dir + "/" + file, display: display + file, encoding: encoding, bom: bom, crlf: crlf)
        try csv.row(header)
        func emit(_ e: ListEntry) throws {
            let src = try csv.raw(e.line)
            for code in e.codes {
                if let p = e.person {
                    try truth.add(code, refs: [p, src], person: p, note: e.note)
                } else {
                    try truth.add(code, refs: [src], note: e.note)
                }
            }
            if let d = e.decoyOf { try truth.add(DecoyCode.death.rawValue, refs: [d, src], note: e.note) }
        }
        if runs.isEmpty {
            entries.sort(by: AgencyList.before)
            for e in entries { try emit(e) }
        } else {
            if !entries.isEmpty { try spill() }
            let readers = try runs.map { LineReader(try InputFile(path: $0)) }
            func next(_ r: LineReader) throws -> ListEntry? {
                guard let l = try r.next(), case .text(let b) = l else { return nil }
                return AgencyList.parse(b)
            }
            var heads = try readers.map { try next($0) }
            while true {
                var best = -1
                for k in heads.indices {
                    guard let h = heads[k] else { continue }
                    if best < 0 || AgencyList.before(h, heads[best]!) { best = k }
                }
                if best < 0 { break }
                try emit(heads[best]!)
                heads[best] = try next(readers[best])
            }
            for r in runs { unlink(r) }
        }
        entries = []
        try csv.close()
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
