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
    /// The row, CSV-encoded without its line end.
    var line: String
    /// The register row of the person this entry is about (nil: a person not in the register).
    var person: String?
    /// Problem codes this entry proves (with the register row when there is one).
    var codes: [String] = []
    /// A decoy: the living register row this entry must not be matched to.
    var decoyOf: String?
    var note: String
}

/// A list being gathered. Entries are kept as tab-separated lines in one byte buffer (no
/// per-entry strings: lists of a 10M-person county hold a million entries) with a small index;
/// when the buffer passes `runBytes` it is sorted and spilled to a run file in the output
/// folder, and `write` merges the runs. Memory stays bounded however large the county, and the
/// bytes are those of one in-memory sort (date, then the order gathered: a total order).
final class AgencyList {
    let file: String
    let header: [String]
    let encoding: String
    let bom: Bool
    let crlf: Bool
    let dir: String
    /// Entries as lines: days, order, person, codes, decoy, note, CSV row; tab-separated (no
    /// field synth writes holds a tab or a line end).
    private var buffer: [UInt8] = []
    private var index: [(days: Int32, order: Int32, start: Int32, end: Int32)] = []
    private var runs: [String] = []
    private var runSerial = 0
    /// Entries added so far.
    private(set) var count = 0
    /// Buffer size that triggers a spill, and runs merged at once (parameters for tests).
    let runBytes: Int
    let fanIn: Int

    init(file: String, header: [String], encoding: String, bom: Bool, crlf: Bool, dir: String, runBytes: Int = 2 << 20, fanIn: Int = 16) {
        self.runBytes = runBytes
        self.fanIn = fanIn
        self.file = file
        self.header = header
        self.encoding = encoding
        self.bom = bom
        self.crlf = crlf
        self.dir = dir
    }

    func add(date: SynthDate, fields: [String], person: String?, codes: [String] = [], decoyOf: String? = nil, note: String) throws {
        let start = buffer.count
        let tab = UInt8(ascii: "\t")
        buffer.append(contentsOf: String(date.days).utf8); buffer.append(tab)
        buffer.append(contentsOf: String(count).utf8); buffer.append(tab)
        buffer.append(contentsOf: (person ?? "").utf8); buffer.append(tab)
        buffer.append(contentsOf: codes.joined(separator: ",").utf8); buffer.append(tab)
        buffer.append(contentsOf: (decoyOf ?? "").utf8); buffer.append(tab)
        buffer.append(contentsOf: note.utf8); buffer.append(tab)
        for (k, f) in fields.enumerated() {
            if k > 0 { buffer.append(UInt8(ascii: ",")) }
            SynthCSV.appendField(f, to: &buffer)
        }
        buffer.append(10)
        index.append((Int32(date.days), Int32(count), Int32(start), Int32(buffer.count)))
        count += 1
        if buffer.count >= runBytes { try spill() }
    }


    private func sortIndex() {
        index.sort { ($0.days, $0.order) < ($1.days, $1.order) }
    }

    private func spill() throws {
        sortIndex()
        let path = nextRunPath()
        let out = try ByteOutput.file(path, mode: 0o600)
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 16)
        for e in index {
            chunk.append(contentsOf: buffer[Int(e.start)..<Int(e.end)])
            if chunk.count >= 1 << 16 { try out.write(chunk); chunk.removeAll(keepingCapacity: true) }
        }
        try out.write(chunk)
        try out.close()
        runs.append(path)
        buffer.removeAll(keepingCapacity: true)
        index.removeAll(keepingCapacity: true)
    }

    /// Merges sorted run files line by line in (date, order) and deletes them. `sink` gets each
    /// line without its line feed, valid during the call.
    private static func merge(_ paths: [String], _ sink: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        // Small read chunks: up to `fanIn` runs are open at once.
        let readers = try paths.map { LineReader(try InputFile(path: $0), chunk: 1 << 16) }
        func next(_ r: LineReader) throws -> (key: (Int, Int), line: [UInt8])? {
            guard let l = try r.next(), case .text(let b) = l else { return nil }
            return (key(b), Array(b))
        }
        var heads = try readers.map { try next($0) }
        while true {
            var best = -1
            for k in heads.indices {
                guard let h = heads[k] else { continue }
                if best < 0 || h.key < heads[best]!.key { best = k }
            }
            if best < 0 { break }
            try heads[best]!.line.withUnsafeBufferPointer { try sink($0) }
            heads[best] = try next(readers[best])
        }
        for p in paths { unlink(p) }
    }

    /// The (days, order) sort key at the start of a run line.
    private static func key(_ b: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var k = 0
        func int() -> Int {
            var neg = false, v = 0
            if k < b.count && b[k] == UInt8(ascii: "-") { neg = true; k += 1 }
            while k < b.count && b[k] != 9 { v = v * 10 + Int(b[k] - 48); k += 1 }
            k += 1
            return neg ? -v : v
        }
        let days = int()
        return (days, int())
    }

    private func nextRunPath() -> String {
        runSerial += 1
        return "\(dir)/.\(file).run\(runSerial)"
    }

    /// An entry from its line (without the line feed).
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
            sortIndex()
            for e in index {
                try buffer.withUnsafeBufferPointer { b in
                    try emit(AgencyList.parse(UnsafeBufferPointer(rebasing: b[Int(e.start)..<Int(e.end) - 1])))
                }
            }
        } else {
            if !index.isEmpty { try spill() }
            // Bounded fan-in: runs are merged in groups into longer runs first, so the merge
            // holds at most `fanIn` read buffers however many runs a large county spilled.
            while runs.count > fanIn {
                let group = Array(runs.prefix(fanIn))
                runs.removeFirst(group.count)
                let path = nextRunPath()
                let out = try ByteOutput.file(path, mode: 0o600)
                var chunk: [UInt8] = []
                chunk.reserveCapacity(1 << 16)
                try AgencyList.merge(group) { line in
                    chunk.append(contentsOf: line)
                    chunk.append(10)
                    if chunk.count >= 1 << 16 { try out.write(chunk); chunk.removeAll(keepingCapacity: true) }
                }
                try out.write(chunk)
                try out.close()
                runs.append(path)
            }
            try AgencyList.merge(runs) { line in try emit(AgencyList.parse(line)) }
            runs = []
        }
        buffer = []
        index = []
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
