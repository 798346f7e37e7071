// The compact store of the records being matched: per compared field, interned values and the
// parts comparators need (pinyin, ID body, day numbers), never whole records. A million persons
// take a few hundred MB here instead of several GB as parsed JSON.
import Foundation
import HukouIO

/// Interned strings of one column: id 0 is the empty string (a missing value). A value type,
/// like Column, so the comparison loops read plain arrays without exclusivity checks.
///
/// Written by hand rather than as a `[String: Int32]` with a `[[UInt32]]` beside it: at 2M persons
/// the ID, household and identifier pools hold millions of distinct values, and a Swift String,
/// a scalar array and a dictionary entry apiece (each its own allocation, hashed with SipHash)
/// made the pools half of the matcher's memory and its slowest part. Here the bytes and the
/// scalars lie back to back in two arenas and the index is an open-addressing table of ids.
struct StringPool {
    /// Every string's UTF-8 bytes, back to back: string k is `bytes[offsets[k]..<offsets[k + 1]]`.
    private(set) var bytes = LargeArray<UInt8>()
    private(set) var offsets: LargeArray<Int> = [0, 0]
    /// Every string's Unicode scalars likewise (empty for every string when `keepScalars` is
    /// off: the comparators that read characters are the only readers).
    private(set) var scalars = LargeArray<UInt32>()
    private(set) var scalarOffsets: LargeArray<Int> = [0, 0]
    let keepScalars: Bool
    /// Open addressing, linear probing, at most half full: per slot the id in the low 32 bits
    /// and its hash in the high 32 (a quick reject without touching the arena); 0 = free. In
    /// huge-page memory (read at random); copied before a change when a copy of the pool shares it.
    private var table = LargeTable<UInt64>(count: 64)

    init(keepScalars: Bool = true) { self.keepScalars = keepScalars }

    /// Number of ids (the empty string included).
    var count: Int { offsets.count - 1 }

    /// The string of id `k`.
    func string(_ k: Int32) -> String {
        let lo = offsets[Int(k)], hi = offsets[Int(k) + 1]
        return String(decoding: UnsafeBufferPointer(start: bytes.base + lo, count: hi - lo), as: UTF8.self)
    }

    /// The id of `s`, added when new.
    mutating func intern(_ s: String) -> Int32 {
        if s.isEmpty { return 0 }
        if let k = s.utf8.withContiguousStorageIfAvailable({ intern(bytes: $0) }) { return k }
        return Array(s.utf8).withUnsafeBufferPointer { intern(bytes: $0) }
    }

    /// The id of `s` if it is in the pool.
    func find(_ s: String) -> Int32? {
        if s.isEmpty { return 0 }
        let k = Array(s.utf8).withUnsafeBufferPointer { b in probe(b, Self.hash(b)) }
        return table.base[k] == 0 ? nil : Int32(truncatingIfNeeded: table.base[k])
    }

    /// The id of a UTF-8 string, added when new.
    mutating func intern(bytes b: UnsafeBufferPointer<UInt8>) -> Int32 {
        if b.isEmpty { return 0 }
        let h = Self.hash(b)
        let slot = probe(b, h)
        if table.base[slot] != 0 { return Int32(truncatingIfNeeded: table.base[slot]) }
        let k = Int32(count)
        if !isKnownUniquelyReferenced(&table) { table = table.clone() }
        table.base[slot] = UInt64(h) << 32 | UInt64(UInt32(k))
        bytes.append(contentsOf: b)
        offsets.append(bytes.count)
        if keepScalars {
            for u in String(decoding: b, as: UTF8.self).unicodeScalars { scalars.append(u.value) }
        }
        scalarOffsets.append(scalars.count)
        if count * 2 > table.count { grow() }
        return k
    }

    /// The slot holding `b`, or the free slot where it belongs.
    @inline(__always) private func probe(_ b: UnsafeBufferPointer<UInt8>, _ h: UInt32) -> Int {
        let mask = table.count - 1
        var slot = Int(h) & mask
        let arena = bytes.base
        do {
            while true {
                let e = table.base[slot]
                if e == 0 { return slot }
                if UInt32(e >> 32) == h {
                    let k = Int(UInt32(truncatingIfNeeded: e))
                    let lo = offsets[k], n = offsets[k + 1] - lo
                    if n == b.count && memcmp(arena + lo, b.baseAddress!, n) == 0 { return slot }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    private mutating func grow() {
        let t = LargeTable<UInt64>(count: table.count * 2)
        let mask = t.count - 1
        for k in 0..<table.count where table.base[k] != 0 {
            let e = table.base[k]
            var slot = Int(e >> 32) & mask
            while t.base[slot] != 0 { slot = (slot + 1) & mask }
            t.base[slot] = e
        }
        table = t
    }

    /// FNV-1a over the bytes, then a final mix so that the low bits (the slot) depend on all.
    @inline(__always) static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h = fnv64(b)
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return UInt32(truncatingIfNeeded: h)
    }
}

/// One compared field's values for every record, laid out by what its comparator needs.
struct Column {
    let spec: FieldSpec
    var pool = StringPool()
    var raw = LargeArray<Int32>()
    // Names and text: the folded form, the pinyin, surname and given name (pool ids).
    var fold = LargeArray<Int32>()
    var pinyin = LargeArray<Int32>()
    var surname = LargeArray<Int32>()
    /// The surname read as a surname (曾 → zeng), for `pinyin_edit`.
    var surnamePinyin = LargeArray<Int32>()
    var given = LargeArray<Int32>()
    // ID numbers: the 18-digit form (pool id), and flags (see `IDFlags`).
    var id18 = LargeArray<Int32>()
    var idFlags = LargeArray<UInt8>()
    // Dates: yyyymmdd, the day number, and the lunar date's yyyymmdd (0 when none).
    var ymd = LargeArray<Int32>()
    var day = LargeArray<Int32>()
    var lunar = LargeArray<Int32>()
    // Households: 1 when the record is alone in its household run or lodged as 其他.
    var lone = LargeArray<UInt8>()
    // The `within` value (ids of `withinPool`), when the spec names one.
    var within = LargeArray<Int32>()
    var withinPool = StringPool(keepScalars: false)

    init(_ spec: FieldSpec) {
        self.spec = spec
        // Only names, text and dates are read character by character (ID numbers by their
        // bytes); codes and household numbers are only ever equal or not.
        pool = StringPool(keepScalars: spec.comparator == .chineseName || spec.comparator == .text || spec.comparator == .date)
    }
}

/// Strings back to back in one byte array: a million `src` values without a million allocations.
public struct TextList: Sendable {
    private var bytes = LargeArray<UInt8>()
    /// String k is `bytes[offsets[k]..<offsets[k + 1]]`.
    private var offsets: LargeArray<Int> = [0]

    public init() {}
    public init(_ strings: [String]) { for s in strings { append(s) } }
    init(bytes: LargeArray<UInt8>, offsets: LargeArray<Int>) {
        self.bytes = bytes
        self.offsets = offsets
    }

    public var count: Int { offsets.count - 1 }

    public mutating func append(_ s: String) {
        bytes.append(contentsOf: s.utf8)
        offsets.append(bytes.count)
    }

    public subscript(k: Int) -> String {
        let lo = offsets[k], hi = offsets[k + 1]
        return String(decoding: UnsafeBufferPointer(start: bytes.base + lo, count: hi - lo), as: UTF8.self)
    }

    /// Every string, in order.
    public var all: [String] { (0..<count).map { self[$0] } }
}

extension StringPool {
    /// The pool's strings as a TextList (sharing the arena).
    var list: TextList { TextList(bytes: bytes, offsets: offsets) }
}

/// What is known of an ID number's text.
enum IDFlags {
    /// Parses as an 18- or 15-digit number.
    static let parsed: UInt8 = 1
    /// 15-digit legacy form.
    static let legacy: UInt8 = 2
    /// Well-formed: an 18-digit number with a good check and a real birth date, or an upgraded
    /// 15-digit one with a real date.
    static let valid: UInt8 = 4
    /// Destroyed by a spreadsheet: 18 digits ending in `000` whose check fails (only 15
    /// significant digits were kept), so its last digits say nothing.
    static let corrupted: UInt8 = 8
}

/// What matching reads of an ID number's text, worked out once per record.
struct IDFacts {
    /// The text after `IDNumber.normalizeText`.
    var text: String
    /// Not a number but a spreadsheet's rendering of one (`4.30321E+17`): compares as missing.
    var lost = false
    var flags: UInt8 = 0
    /// The 18-digit form ("" when the text is no ID number).
    var eighteen = ""
    /// The value as a shared identifier: a well-formed number's 18-digit form, other text as it
    /// is, "" for a number a spreadsheet destroyed (two of them that came out equal are no
    /// evidence of anything).
    var shared = ""

    init(_ v: String) {
        if let fast = Self.plain18(v) {
            self = fast
            return
        }
        let t = IDNumber.normalizeText(v)
        text = t
        let excel = IDNumber.looksExcelCorrupted(t)
        guard let id = IDNumber(t) else {
            lost = excel
            shared = excel ? "" : t
            return
        }
        flags |= IDFlags.parsed
        if id.isLegacy15 { flags |= IDFlags.legacy }
        if excel { flags |= IDFlags.corrupted }
        eighteen = id.eighteen
        if id.birthDateIsReal && (id.isLegacy15 || id.checksumValid) {
            flags |= IDFlags.valid
            shared = eighteen
        }
    }

    /// The facts of the common case, 17 ASCII digits and a digit or `X` (nothing for
    /// normalizeText to change), read straight from the bytes; nil for anything else. The same
    /// results as the general path: such a text parses, is no legacy number, and is destroyed by
    /// a spreadsheet exactly when it is all digits, ends in `000` and fails its check.
    private static func plain18(_ v: String) -> IDFacts? {
        let u = v.utf8
        guard u.count == 18 else { return nil }
        var sum = 0, k = 0, ymd = 0
        var last: UInt8 = 0
        for b in u {
            if k == 17 {
                last = b
                break
            }
            guard b >= 48 && b <= 57 else { return nil }
            let d = Int(b - 48)
            sum += d * IDNumber.weights[k]
            if k >= 6 && k < 14 { ymd = ymd * 10 + d }
            k += 1
        }
        guard (last >= 48 && last <= 57) || last == UInt8(ascii: "X") else { return nil }
        var f = IDFacts(text: v)
        f.flags = IDFlags.parsed
        let checkOK = IDNumber.checkBytes[sum % 11] == last
        if !checkOK && last == UInt8(ascii: "0") && v.utf8.dropFirst(15).elementsEqual("000".utf8) { f.flags |= IDFlags.corrupted }
        f.eighteen = v
        if checkOK && isRealDate(year: ymd / 10000, month: ymd / 100 % 100, day: ymd % 100) {
            f.flags |= IDFlags.valid
            f.shared = v
        }
        return f
    }

    private init(text: String) { self.text = text }
}

/// The compact records of one match run (or one block group in `hukou score`).
public final class MatchData: @unchecked Sendable {
    public let spec: MatchSpec
    var columns: [Column]
    /// Every record's `src`.
    public private(set) var srcs = TextList()
    /// Household, place and shared-identifier values (pool ids in `aux`).
    var aux = StringPool(keepScalars: false)
    var household: [Int32] = []
    var place: [Int32] = []
    /// What the place is named within, when the spec compares the place field within another
    /// (a village within its police station): the keep rule then counts only registrations in
    /// the same village of the same township, not another township's village of that name.
    let placeWithin: String?
    var sharedID: [Int32] = []
    /// Non-empty compared fields, plus 100 for a well-formed 18-digit ID (50 for a legacy
    /// 15-digit one): the keep rule's completeness.
    var completeness: [Int16] = []
    private var lunarCache: [Int32: Int32] = [:]
    /// Whether a record's household run length came with it (`household_run`).
    private var runKnown: [Bool] = []
    private var derivedName: [String: (String, String, String, String)] = [:]
    /// A surname's reading, by pool id (a county has a few hundred surnames).
    private var surnameReadings: [Int32: Int32] = [:]
    /// The comparison snapshot, made once all records are in (see `comparer()`).
    private var snapshot: Comparer?

    /// Each column's parsed level tests.
    public let levelTests: [[LevelTest]]
    /// The ID number column that reads the spec's shared identifier, if any: its pool then
    /// holds the identifier's values too (`sharedID` ids are that pool's, not `aux`'s), so a
    /// million numbers are not kept twice.
    let sharedColumn: Int?

    /// A record's place for the keep rule: `station/village` when villages are compared within
    /// stations and the record has one, else the village; "" without a place.
    func placeKey(_ r: Record) -> String {
        guard let f = spec.place else { return "" }
        let v = Self.text(r[f])
        guard !v.isEmpty, let w = placeWithin else { return v }
        let outer = Self.text(r[w])
        return outer.isEmpty ? v : outer + "/" + v
    }

    public init(spec: MatchSpec) {
        self.spec = spec
        columns = spec.fields.map { Column($0) }
        levelTests = columns.map { $0.tests() }
        sharedColumn = spec.sharedID.flatMap { f in spec.fields.firstIndex { $0.field == f && $0.comparator == .idNumber } }
        placeWithin = spec.place.flatMap { f in spec.fields.first { $0.field == f }?.within }
        // A spec that fails `problem()` never gets here through the commands; parts that do not
        // parse make their rule produce no keys.
        keyParts = spec.blocking.map { r in
            let parts = r.parts.compactMap { KeyPart.parse($0, spec.fields) }
            return parts.count == r.parts.count ? parts : []
        }
    }

    /// Each blocking rule's parsed parts.
    let keyParts: [[KeyPart]]

    /// The pair's level per field, 4 bits each (field 0 lowest). Loops over many pairs use a
    /// `comparer()` snapshot instead.
    public func pattern(_ a: Int, _ b: Int) -> UInt64 { comparer().pattern(a, b) }

    /// A read-only snapshot of the columns for comparison loops (safe to share between threads),
    /// made once and kept until a record is added.
    public func comparer() -> Comparer {
        if let c = snapshot { return c }
        let c = Comparer(columns: columns, tests: levelTests)
        snapshot = c
        return c
    }

    /// Number of records.
    public var count: Int { srcs.count }

    /// Marks records alone in their household run (consecutive records with one household
    /// value, in the order appended) for the `household` comparator. Call once all records are in.
    public func finalizeHouseholds() {
        snapshot = nil
        for k in columns.indices where columns[k].spec.comparator == .household {
            let h = columns[k].raw
            var s = 0
            while s < h.count {
                var e = s + 1
                while e < h.count && h[e] == h[s] && h[s] != 0 { e += 1 }
                if e - s == 1 && !runKnown[s] { columns[k].lone[s] = 1 }
                s = e
            }
        }
    }

    /// The length of every record's household run (for `hukou block`, which annotates records).
    public static func householdRuns(_ households: [String]) -> [Int] {
        var out = [Int](repeating: 1, count: households.count)
        var s = 0
        while s < households.count {
            var e = s + 1
            while e < households.count && households[e] == households[s] && !households[s].isEmpty { e += 1 }
            for k in s..<e { out[k] = e - s }
            s = e
        }
        return out
    }

    /// Adds one record (its compared fields only).
    public func append(_ r: Record) {
        snapshot = nil
        srcs.append(r.src)
        var complete: Int16 = 0
        // The shared identifier's id in the ID column's pool (see `sharedColumn`).
        var sharedInColumn: Int32 = 0
        for k in columns.indices {
            let v = Self.text(r[columns[k].spec.field])
            if !v.isEmpty { complete += 1 }
            if let w = columns[k].spec.within { columns[k].within.append(columns[k].withinPool.intern(Self.text(r[w]))) }
            switch columns[k].spec.comparator {
            case .chineseName:
                let rawID = columns[k].pool.intern(v)
                columns[k].raw.append(rawID)
                let (f, p, s, g) = nameKeys(v, r["keys"]?.objectValue)
                // (A name is mostly its own folded form: no second lookup then.)
                columns[k].fold.append(f == v ? rawID : columns[k].pool.intern(f))
                columns[k].pinyin.append(columns[k].pool.intern(p))
                let sid = columns[k].pool.intern(s)
                columns[k].surname.append(sid)
                columns[k].surnamePinyin.append(surnameReading(sid, s, column: k))
                columns[k].given.append(columns[k].pool.intern(g))
            case .text:
                columns[k].raw.append(columns[k].pool.intern(v))
                columns[k].fold.append(columns[k].pool.intern(Self.foldText(v)))
            case .idNumber:
                let id = IDFacts(v)
                // A number a spreadsheet turned into `4.30321E+17` is lost, not a value: two such
                // cells that came out equal say nothing, so it compares as missing.
                let rawID = columns[k].pool.intern(id.lost ? "" : id.text)
                columns[k].raw.append(rawID)
                if id.flags & IDFlags.valid != 0 {
                    // The keep rule prefers the current 18-digit number to a legacy one.
                    complete += id.flags & IDFlags.legacy != 0 ? 50 : 100
                }
                let id18 = id.eighteen == id.text && !id.lost ? rawID : columns[k].pool.intern(id.eighteen)
                columns[k].id18.append(id18)
                columns[k].idFlags.append(id.flags)
                if k == sharedColumn {
                    // `IDFacts.shared`, as an id: a well-formed number's 18-digit form, nothing
                    // for another number, other text as it is (and nothing when lost).
                    sharedInColumn = id.flags & IDFlags.valid != 0 ? id18 : id.flags & IDFlags.parsed != 0 ? 0 : rawID
                }
            case .date:
                columns[k].raw.append(columns[k].pool.intern(v))
                let (y, m, d) = Self.parseDate(v)
                if y > 0 {
                    let packed = Int32(y * 10000 + m * 100 + d)
                    columns[k].ymd.append(packed)
                    columns[k].day.append(Int32(daysFromCivil(y, m, d)))
                    if columns[k].spec.levels.contains("lunar") {
                        if let l = lunarCache[packed] { columns[k].lunar.append(l) } else {
                            let l = Self.lunarPacked(y, m, d)
                            lunarCache[packed] = l
                            columns[k].lunar.append(l)
                        }
                    } else { columns[k].lunar.append(0) }
                } else {
                    columns[k].ymd.append(0)
                    columns[k].day.append(0)
                    columns[k].lunar.append(0)
                }
            case .exact:
                columns[k].raw.append(columns[k].pool.intern(v))
            case .household:
                columns[k].raw.append(columns[k].pool.intern(v))
                // `household_run` (written by `hukou block`) carries the run length across the
                // sort; without it `finalizeHouseholds` measures the runs in input order.
                let rel = Self.text(r[PersonField.relation])
                let lodged = rel == "80" || rel == "其他"
                if let n = r["household_run"]?.intValue {
                    columns[k].lone.append(lodged || n == 1 ? 1 : 0)
                    runKnown.append(true)
                } else {
                    columns[k].lone.append(lodged ? 1 : 0)
                    runKnown.append(false)
                }
            }
        }
        household.append(aux.intern(spec.household.map { Self.text(r[$0]) } ?? ""))
        place.append(aux.intern(placeKey(r)))
        if sharedColumn != nil {
            sharedID.append(sharedInColumn)
        } else if let f = spec.sharedID {
            sharedID.append(aux.intern(IDFacts(Self.text(r[f])).shared))
        } else {
            sharedID.append(0)
        }
        completeness.append(complete)
    }

    /// A value as text: strings as they are, numbers as their lexeme, anything else empty.
    public static func text(_ v: JSONValue?) -> String {
        switch v {
        case .string(let s)?: return s
        case .number(let n)?: return n
        default: return ""
        }
    }

    /// Lower-cased letters and digits only: generic text's folded form.
    static func foldText(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.lowercased().unicodeScalars where u.properties.isAlphabetic || ("0"..."9").contains(u) { out.append(u) }
        return String(out)
    }

    /// `keys.name_fold`, `keys.pinyin`, `keys.surname`, `keys.given` from normalize, or derived
    /// here when normalize did not run (never crash on a record without keys).
    private func nameKeys(_ name: String, _ keys: JSONObject?) -> (String, String, String, String) {
        if let k = keys, let f = k.string("name_fold"), let p = k.string("pinyin") {
            return (f, p, k.string("surname") ?? "", k.string("given") ?? "")
        }
        if let d = derivedName[name] { return d }
        // The process's shared keyer: its caches outlive this MatchData (`hukou block` and
        // `hukou score` make one per record or block group; a keyer of their own cost 80% of
        // `hukou block`'s time, in building and freeing its tables).
        let k = NameKeyer.shared.withLock { $0.keys(MatchNameKeys.clean(name)) }
        let d = (k.fold, k.pinyin, k.surname, k.given)
        derivedName[name] = d
        return d
    }

    /// The pool id of a surname's reading (cached per surname).
    private func surnameReading(_ id: Int32, _ s: String, column k: Int) -> Int32 {
        if id == 0 { return 0 }
        if let r = surnameReadings[id] { return r }
        let r = columns[k].pool.intern(NameKeyer.shared.withLock { $0.surnameRead(s) })
        surnameReadings[id] = r
        return r
    }

    /// Parses `YYYY-MM-DD` (or `YYYYMMDD`) into parts; (0,0,0) when it is not a real date.
    static func parseDate(_ s: String) -> (Int, Int, Int) {
        let u = s.utf8
        guard u.count == 10 || u.count == 8 else { return (0, 0, 0) }
        var v = 0, n = 0
        for b in u where b != UInt8(ascii: "-") {
            guard b >= 48 && b <= 57 else { return (0, 0, 0) }
            v = v * 10 + Int(b - 48)
            n += 1
        }
        guard n == 8 else { return (0, 0, 0) }
        let y = v / 10000, m = v / 100 % 100, d = v % 100
        return isRealDate(year: y, month: m, day: d) ? (y, m, d) : (0, 0, 0)
    }
    /// The date's lunar year/month/day packed as yyyymmdd (the lunar year is the solar year
    /// in which it began), or 0 outside the calendar's range.
    static func lunarPacked(_ y: Int, _ m: Int, _ d: Int) -> Int32 {
        guard y >= 1901 && y <= 2099 else { return 0 }
        var greg = Calendar(identifier: .gregorian)
        greg.timeZone = TimeZone(identifier: "UTC")!
        var chinese = Calendar(identifier: .chinese)
        chinese.timeZone = greg.timeZone
        guard let date = greg.date(from: DateComponents(year: y, month: m, day: d, hour: 12)) else { return 0 }
        let c = chinese.dateComponents([.month, .day], from: date)
        guard let lm = c.month, let ld = c.day else { return 0 }
        // The lunar calendar runs 3 to 7 weeks behind: a lunar month above the solar one
        // (the 11th or 12th in January or February) belongs to the previous year.
        let ly = lm > m ? y - 1 : y
        return Int32(ly * 10000 + lm * 100 + ld)
    }
}

/// Name keys when normalize did not run: the name cleaned as normalize would (dots unified,
/// spaces removed), then normalize's own keyer (NameKeyer), so both give the same keys.
public enum MatchNameKeys {
    static let dots: Set<Character> = ["•", "・", "‧", "⋅", "∙", "．", ".", "·"]

    /// The name with its dot variants unified and spaces removed.
    public static func clean(_ name: String) -> String {
        var s = ""
        for ch in name where !ch.isWhitespace { s.append(dots.contains(ch) ? "·" : ch) }
        return s
    }
}
