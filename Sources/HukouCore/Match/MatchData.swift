// The compact store of the records being matched: per compared field, interned values and the
// parts comparators need (pinyin, ID body, day numbers), never whole records. A million persons
// take a few hundred MB here instead of several GB as parsed JSON.
import Foundation
import HukouIO

/// Interned strings of one column: id 0 is the empty string (a missing value). A value type,
/// like Column, so the comparison loops read plain arrays without exclusivity checks.
struct StringPool {
    var strings: [String] = [""]
    var scalars: [[UInt32]] = [[]]
    private var index: [String: Int32] = ["": 0]

    mutating func intern(_ s: String) -> Int32 {
        if let k = index[s] { return k }
        let k = Int32(strings.count)
        strings.append(s)
        scalars.append(s.unicodeScalars.map(\.value))
        index[s] = k
        return k
    }
}

/// One compared field's values for every record, laid out by what its comparator needs.
struct Column {
    let spec: FieldSpec
    var pool = StringPool()
    var raw: [Int32] = []
    // Names and text: the folded form, the pinyin, surname and given name (pool ids).
    var fold: [Int32] = []
    var pinyin: [Int32] = []
    var surname: [Int32] = []
    /// The surname read as a surname (曾 → zeng), for `pinyin_edit`.
    var surnamePinyin: [Int32] = []
    var given: [Int32] = []
    // ID numbers: the 18-digit form (pool id), and flags (see `IDFlags`).
    var id18: [Int32] = []
    var idFlags: [UInt8] = []
    // Dates: yyyymmdd, the day number, and the lunar date's yyyymmdd (0 when none).
    var ymd: [Int32] = []
    var day: [Int32] = []
    var lunar: [Int32] = []
    // Households: 1 when the record is alone in its household run or lodged as 其他.
    var lone: [UInt8] = []

    init(_ spec: FieldSpec) { self.spec = spec }
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

/// The compact records of one match run (or one block group in `hukou score`).
public final class MatchData: @unchecked Sendable {
    public let spec: MatchSpec
    var columns: [Column]
    /// Every record's `src`.
    public private(set) var srcs: [String] = []
    /// Household, place and shared-identifier values (pool ids in `aux`).
    var aux = StringPool()
    var household: [Int32] = []
    var place: [Int32] = []
    var sharedID: [Int32] = []
    /// Non-empty compared fields, plus 100 for a well-formed 18-digit ID (50 for a legacy
    /// 15-digit one): the keep rule's completeness.
    var completeness: [Int16] = []
    private var lunarCache: [Int32: Int32] = [:]
    /// Whether a record's household run length came with it (`household_run`).
    private var runKnown: [Bool] = []
    private var derivedName: [String: (String, String, String, String)] = [:]
    private var surnameReadings: [String: String] = [:]
    /// Normalize's name keyer, made when a record comes without `keys`.
    private var keyer: NameKeyer?

    /// Each column's parsed level tests.
    public let levelTests: [[LevelTest]]

    public init(spec: MatchSpec) {
        self.spec = spec
        columns = spec.fields.map { Column($0) }
        levelTests = columns.map { $0.tests() }
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

    /// A read-only snapshot of the columns for comparison loops (safe to share between threads).
    public func comparer() -> Comparer { Comparer(columns: columns, tests: levelTests) }

    /// Number of records.
    public var count: Int { srcs.count }

    /// Marks records alone in their household run (consecutive records with one household
    /// value, in the order appended) for the `household` comparator. Call once all records are in.
    public func finalizeHouseholds() {
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
        srcs.append(r.src)
        let keys = r["keys"]?.objectValue
        var complete: Int16 = 0
        for k in columns.indices {
            let v = Self.text(r[columns[k].spec.field])
            if !v.isEmpty { complete += 1 }
            columns[k].raw.append(columns[k].pool.intern(v))
            switch columns[k].spec.comparator {
            case .chineseName:
                let (f, p, s, g) = nameKeys(v, keys)
                columns[k].fold.append(columns[k].pool.intern(f))
                columns[k].pinyin.append(columns[k].pool.intern(p))
                columns[k].surname.append(columns[k].pool.intern(s))
                columns[k].surnamePinyin.append(columns[k].pool.intern(surnameReading(s)))
                columns[k].given.append(columns[k].pool.intern(g))
            case .text:
                let f = Self.foldText(v)
                columns[k].fold.append(columns[k].pool.intern(f))
            case .idNumber:
                let t = IDNumber.normalizeText(v)
                // A number a spreadsheet turned into `4.30321E+17` is lost, not a value: two such
                // cells that came out equal say nothing, so it compares as missing.
                let lost = IDNumber(t) == nil && IDNumber.looksExcelCorrupted(t)
                columns[k].raw[columns[k].raw.count - 1] = columns[k].pool.intern(lost ? "" : t)
                var flags: UInt8 = 0
                var e = ""
                if let id = IDNumber(t) {
                    flags |= IDFlags.parsed
                    if id.isLegacy15 { flags |= IDFlags.legacy }
                    if IDNumber.looksExcelCorrupted(t) { flags |= IDFlags.corrupted }
                    e = id.eighteen
                    if id.birthDateIsReal && (id.isLegacy15 || id.checksumValid) {
                        flags |= IDFlags.valid
                        // The keep rule prefers the current 18-digit number to a legacy one.
                        complete += id.isLegacy15 ? 50 : 100
                    }
                }
                columns[k].id18.append(columns[k].pool.intern(e))
                columns[k].idFlags.append(flags)
            case .date:
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
                break
            case .household:
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
        place.append(aux.intern(spec.place.map { Self.text(r[$0]) } ?? ""))
        var shared = ""
        if let f = spec.sharedID {
            let t = IDNumber.normalizeText(Self.text(r[f]))
            if let id = IDNumber(t) {
                // Only a well-formed number can be shared: two spreadsheet-destroyed numbers
                // (`…000`, check failing) that came out equal are no evidence of anything.
                shared = id.birthDateIsReal && (id.isLegacy15 || id.checksumValid) ? id.eighteen : ""
            } else {
                // Not an ID number: a generic identifier, unless a spreadsheet destroyed it.
                shared = IDNumber.looksExcelCorrupted(t) ? "" : t
            }
        }
        sharedID.append(aux.intern(shared))
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
        if keyer == nil { keyer = NameKeyer() }
        let k = keyer!.keys(MatchNameKeys.clean(name))
        let d = (k.fold, k.pinyin, k.surname, k.given)
        derivedName[name] = d
        return d
    }

    /// A surname's reading (cached per surname: a county has a few hundred).
    private func surnameReading(_ s: String) -> String {
        if s.isEmpty { return "" }
        if let r = surnameReadings[s] { return r }
        if keyer == nil { keyer = NameKeyer() }
        let r = keyer!.surnameRead(s)
        surnameReadings[s] = r
        return r
    }

    /// Parses `YYYY-MM-DD` (or `YYYYMMDD`) into parts; (0,0,0) when it is not a real date.
    static func parseDate(_ s: String) -> (Int, Int, Int) {
        let digits = s.utf8.filter { $0 != UInt8(ascii: "-") }
        guard digits.count == 8, s.utf8.count == 10 || s.utf8.count == 8, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return (0, 0, 0) }
        let n = digits.map { Int($0) - 48 }
        let y = n[0] * 1000 + n[1] * 100 + n[2] * 10 + n[3], m = n[4] * 10 + n[5], d = n[6] * 10 + n[7]
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
