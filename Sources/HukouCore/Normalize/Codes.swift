// The coded fields (sex, ethnicity, relation to the head, marital status, education): a value
// given as a GB/T code, a GB/T name or a common short form, looked up to the code and its label.
import Foundation

/// A field whose values are GB/T codes.
public enum CodedField: String, Sendable, CaseIterable {
    case sex, ethnicity, relation, marital, education

    /// The record field name.
    public var field: String { rawValue }

    /// The code and label for a registered value (code, name or short form), or nil when no
    /// table knows it. Empty values return nil too (callers decide whether empty is a problem).
    public func lookup(_ value: String) -> CodeEntry? {
        let id = hit(value)
        return id == 0 ? nil : table.entry(id)
    }

    /// The table hit for a registered value: the entry's number (1…) in `CodeTables.tables`,
    /// or 0 when no table knows it.
    @inline(__always) func hit(_ value: String) -> Int {
        let t = table
        if let k = t.keys.find(value) { return Int(t.entryOfKey[k]) }
        let key = CodeTables.key(value)
        if key.isEmpty { return 0 }
        if let k = t.keys.find(key) { return Int(t.entryOfKey[k]) }
        return 0
    }

    /// This field's table.
    @inline(__always) var table: CodeTable {
        switch self {
        case .sex: return CodeTables.sexFast
        case .ethnicity: return CodeTables.ethnicFast
        case .relation: return CodeTables.relationFast
        case .marital: return CodeTables.maritalFast
        case .education: return CodeTables.educationFast
        }
    }

    var index: Int {
        switch self {
        case .sex: return 0
        case .ethnicity: return 1
        case .relation: return 2
        case .marital: return 3
        case .education: return 4
        }
    }
}

/// A code table for the per-record lookups, in raw memory that is never freed (see
/// FrozenStrings): its keys (codes, names, short forms), each key's entry number (1…, below 256),
/// and per entry number its code, label and code as a number (-1 when not all digits).
struct CodeTable: @unchecked Sendable {
    let keys: FrozenStrings
    let entryOfKey: UnsafeMutablePointer<UInt8>
    let codes: UnsafeMutablePointer<String>
    let names: UnsafeMutablePointer<String>
    let numbers: UnsafeMutablePointer<Int>

    init(_ d: [UTF8Key: CodeEntry]) {
        let entries = Set(d.values).sorted { ($0.code, $0.name) < ($1.code, $1.name) }
        precondition(entries.count < 256, "a code table outgrew the 8-bit entry numbers")
        let ids = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($0.element, $0.offset + 1) })
        let pairs = d.map { ($0.key.string, ids[$0.value]!) }
        precondition(pairs.count < 1023, "a code table outgrew the 10-bit key numbers of normalize's registered cache")
        keys = FrozenStrings(pairs.map(\.0))
        entryOfKey = .allocate(capacity: max(pairs.count, 1))
        entryOfKey.initialize(from: pairs.map { UInt8($0.1) }, count: pairs.count)
        let n = entries.count + 1
        codes = .allocate(capacity: n)
        names = .allocate(capacity: n)
        numbers = .allocate(capacity: n)
        codes.initialize(to: "")
        names.initialize(to: "")
        numbers.initialize(to: -1)
        for (k, e) in entries.enumerated() {
            (codes + k + 1).initialize(to: e.code)
            (names + k + 1).initialize(to: e.name)
            let digits = !e.code.isEmpty && e.code.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
            (numbers + k + 1).initialize(to: digits ? Int(e.code) ?? -1 : -1)
        }
    }

    /// The entry with number `id` (1…).
    func entry(_ id: Int) -> CodeEntry { CodeEntry(code: codes[id], name: names[id]) }
}

/// The relation codes that make a person the head of the household: 01 本人, 02 户主, 03 小集体户户主.
public let headRelationCodes: Set<String> = ["01", "02", "03"]

enum CodeTables {
    /// Lookup keys: spaces removed, full-width ASCII to ASCII, Latin upper-cased.
    static func key(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for sc in s.unicodeScalars {
            switch sc.value {
            case 0x20, 0x09, 0xA0, 0x3000: continue
            case 0xFF01...0xFF5E:
                let a = sc.value - 0xFEE0
                out.append(Unicode.Scalar(a >= 0x61 && a <= 0x7A ? a - 32 : a)!)
            case 0x61...0x7A: out.append(Unicode.Scalar(sc.value - 32)!)
            default: out.append(sc)
            }
        }
        return String(out)
    }

    static let table: [[UTF8Key: CodeEntry]] = [sexTable(), ethnicTable(), relationTable(), maritalTable(), educationTable()]

    static let sexFast = CodeTable(table[0])
    static let ethnicFast = CodeTable(table[1])
    static let relationFast = CodeTable(table[2])
    static let maritalFast = CodeTable(table[3])
    static let educationFast = CodeTable(table[4])

    static func add(_ d: inout [UTF8Key: CodeEntry], _ keys: [String], _ e: CodeEntry) {
        for k in keys { d[UTF8Key(key(k))] = d[UTF8Key(key(k))] ?? e }
    }

    static func sexTable() -> [UTF8Key: CodeEntry] {
        // Labels as registers print them (男 / 女); the GB/T names for 0 and 9.
        var d: [UTF8Key: CodeEntry] = [:]
        let m = CodeEntry(code: "1", name: "男"), f = CodeEntry(code: "2", name: "女")
        add(&d, ["1", "男", "男性", "M", "MALE", "01"], m)
        add(&d, ["2", "女", "女性", "F", "FEMALE", "02"], f)
        for e in Tables.sex where e.code == "0" || e.code == "9" { add(&d, [e.code, e.name], e) }
        return d
    }

    static func ethnicTable() -> [UTF8Key: CodeEntry] {
        var d: [UTF8Key: CodeEntry] = [:]
        for e in Tables.ethnic {
            var keys = [e.code, e.name]
            if let c = Int(e.code), c < 10 { keys.append(String(c)) }
            if e.name.hasSuffix("族") && e.name.count > 2 { keys.append(String(e.name.dropLast())) }
            if e.name == "汉族" { keys.append("汉") }
            if let r = Tables.ethnicRomanization[e.code] {
                if !r.romanization.isEmpty { keys.append(r.romanization) }
                if !r.letters.isEmpty { keys.append(r.letters) }
            }
            add(&d, keys, e)
        }
        // Common short forms and older spellings.
        let byName = Dictionary(Tables.ethnic.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let extra: [(String, String)] = [("回", "回族"), ("藏", "藏族"), ("苗", "苗族"), ("彝", "彝族"), ("壮", "壮族"), ("满", "满族"),
                                          ("侗", "侗族"), ("瑶", "瑶族"), ("白", "白族"), ("黎", "黎族"), ("傣", "傣族"), ("畲", "畲族"),
                                          ("水", "水族"), ("土", "土族"), ("佤", "佤族"), ("维吾尔", "维吾尔族"), ("维", "维吾尔族"),
                                          ("锡伯", "锡伯族"), ("蒙", "蒙古族"), ("朝鲜", "朝鲜族"), ("土家", "土家族"), ("哈萨克", "哈萨克族")]
        for (k, n) in extra { if let e = byName[n] { add(&d, [k], e) } }
        return d
    }

    static func relationTable() -> [UTF8Key: CodeEntry] {
        var d: [UTF8Key: CodeEntry] = [:]
        let byCode = Dictionary(Tables.relation.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        for e in Tables.relation { add(&d, [e.code, e.name], e) }
        // One-digit GB/T 4761 codes: the class's two-digit code (0 本人或户主 → 02 户主).
        let one: [String: String] = ["0": "02", "1": "10", "2": "20", "3": "30", "4": "40", "5": "50", "6": "60", "7": "70", "8": "80"]
        for (k, c) in one { if let e = byCode[c] { add(&d, [k], e) } }
        let short: [(String, String)] = [
            ("户主本人", "02"), ("丈夫", "11"), ("妻子", "12"), ("老婆", "12"), ("儿子", "20"), ("子女", "20"), ("女儿", "30"),
            ("孙", "41"), ("外孙", "43"), ("孙媳", "45"), ("孙女婿", "46"), ("曾孙", "47"), ("曾孙女", "48"), ("父", "51"), ("母", "52"),
            ("爷爷", "61"), ("奶奶", "62"), ("外公", "63"), ("外婆", "64"), ("哥哥", "71"), ("弟弟", "73"), ("姐", "75"), ("妹", "77"),
            ("兄弟", "70"), ("姐妹", "70"), ("侄", "93"), ("侄儿", "93"), ("外甥女", "96"), ("继子", "27"), ("养子", "27"),
            ("继女", "37"), ("养女", "37"), ("媳妇", "38"), ("儿媳妇", "38"), ("亲属", "97"), ("其他亲属", "97"), ("保姆", "99"),
        ]
        for (k, c) in short { if let e = byCode[c] { add(&d, [k], e) } }
        return d
    }

    static func maritalTable() -> [UTF8Key: CodeEntry] {
        var d: [UTF8Key: CodeEntry] = [:]
        let byCode = Dictionary(Tables.marital.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        for e in Tables.marital { add(&d, [e.code, e.name], e) }
        // One-digit forms of the older standard (1 未婚, 2 已婚, 3 丧偶, 4 离婚, 9 未说明).
        let short: [(String, String)] = [("1", "10"), ("2", "20"), ("3", "30"), ("4", "40"), ("9", "90"), ("有配偶", "20"),
                                          ("已婚有配偶", "20"), ("离异", "40"), ("未说明", "90"), ("不详", "90")]
        for (k, c) in short { if let e = byCode[c] { add(&d, [k], e) } }
        return d
    }

    static func educationTable() -> [UTF8Key: CodeEntry] {
        var d: [UTF8Key: CodeEntry] = [:]
        let byCode = Dictionary(Tables.education.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        for e in Tables.education { add(&d, [e.code, e.name], e) }
        // Short forms name the level: the level's class code (初中 → 70 初级中学教育).
        let short: [(String, String)] = [
            ("研究生", "10"), ("博士", "11"), ("博士研究生", "11"), ("硕士", "14"), ("硕士研究生", "14"),
            ("大学本科", "20"), ("本科", "20"), ("大学", "20"), ("大学专科", "30"), ("大专", "30"), ("专科", "30"),
            ("中专", "40"), ("中等专科", "40"), ("职高", "40"), ("技校", "40"), ("中技", "40"),
            ("高中", "60"), ("普通高中", "60"), ("初中", "70"), ("小学", "80"),
            ("文盲", "90"), ("半文盲", "90"), ("文盲或半文盲", "90"), ("不识字或识字很少", "90"), ("其它", "90"),
        ]
        for (k, c) in short { if let e = byCode[c] { add(&d, [k], e) } }
        return d
    }
}

/// A dictionary key compared and hashed by its UTF-8 bytes. Swift's String equality and hashing
/// are canonical-equivalence aware, which costs a normalization check per non-ASCII character;
/// the code tables and caches want byte identity, several times per record.
public struct UTF8Key: Hashable, Sendable {
    public let string: String
    @inlinable public init(_ s: String) { string = s }
    @inlinable public static func == (a: UTF8Key, b: UTF8Key) -> Bool { sameBytes(a.string, b.string) }
    @inlinable public func hash(into h: inout Hasher) {
        var s = string
        s.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// Whether two strings have the same UTF-8 bytes (no canonical-equivalence check).
@inlinable public func sameBytes(_ a: String, _ b: String) -> Bool {
    guard a.utf8.count == b.utf8.count else { return false }
    var x = a, y = b
    return x.withUTF8 { p in y.withUTF8 { q in p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0 } }
}
