// The reports a station prints: the statistics table per village and problem code, one door-to-
// door verification list per village, the out-of-policy birth register, the unmatched list
// entries, and the orders' texts. Built in memory as named text files; the command writes them.
import Foundation
import HukouIO

/// One report file: a name inside the output directory and its text (UTF-8; CSV files may be
/// re-encoded to GB18030 by the writer).
public struct ReportFile: Sendable {
    public let name: String
    public let text: String
    /// Whether the file is CSV (re-encoded with `--excel`).
    public var isCSV: Bool { name.hasSuffix(".csv") }
}

/// Settings of `hukou report`.
public struct ReportConfig: Sendable {
    /// Mask ID numbers (`4303211985******12`) in everything written.
    public var mask = false
    /// Where to spill the persons' cells kept until the end (a temporary file, unlinked at
    /// once); nil keeps them in memory.
    public var spillDirectory: String?
    public init() {}
}

/// Problem codes in the order of DOMAIN.md, with the short Chinese names the table prints.
public enum ProblemNames {
    public static let all: [(code: String, zh: String)] = [
        ("DUPLICATE_REGISTRATION", "重户重口"), ("ID_SHARED_BY_DIFFERENT_PERSONS", "一号多人"),
        ("ID_BAD_CHECKSUM", "校验码错误"), ("ID_BIRTHDATE_MISMATCH", "号码与出生日期不符"),
        ("ID_SEX_MISMATCH", "号码与性别不符"), ("ID_UNKNOWN_REGION", "地址码无效"),
        ("ID_15_DIGIT_NOT_UPGRADED", "15位号码未升位"), ("ID_EXCEL_CORRUPTED", "号码被表格损坏"),
        ("ID_MISSING", "无公民身份号码"), ("DECEASED_STILL_REGISTERED", "死亡未注销"),
        ("ENLISTED_STILL_REGISTERED", "入伍未注销"), ("EMIGRATED_STILL_REGISTERED", "出境定居未注销"),
        ("BIRTH_NOT_REGISTERED", "出生未登记"), ("BIRTH_OUT_OF_POLICY", "计划外出生"),
        ("HOUSEHOLD_WITHOUT_HEAD", "无户主"), ("HOUSEHOLD_MULTIPLE_HEADS", "多个户主"),
        ("RELATION_AGE_IMPOSSIBLE", "关系与年龄矛盾"), ("FIELD_INVALID", "登记项目无效"),
    ]
    public static func zh(_ code: String) -> String { all.first { $0.code == code }?.zh ?? code }
    static func rank(_ code: String) -> Int { all.firstIndex { $0.code == code } ?? all.count }
    static let actions = ["cancel": "注销", "register": "出生登记", "correct": "变更更正", "change_id": "变更号码", "verify": "核实"]
    static let lists = ["death": "死亡名单", "enlistment": "入伍名单", "emigration": "出境定居名单", "birth": "出生医学证明"]
}

/// Collects persons, orders, warnings and unmatched entries, and renders the report files.
/// Orders, warnings and unmatched entries are folded in as they arrive (remarks, counts, rows
/// of the special lists, order texts); only the persons wait for the end, compactly.
public final class ReportBuilder {
    let config: ReportConfig
    var rows: [VRow] = []
    /// Remarks per person (by src hash): those of orders, then those of warnings.
    var orderRemarks: [UInt64: [String]] = [:]
    var warningRemarks: [UInt64: [String]] = [:]
    /// Findings per village (station␟village) and code, and orders per village.
    var counts: [String: [String: Int]] = [:]
    var orderCounts: [String: Int] = [:]
    /// The out-of-policy birth register, the unmatched entries and the order texts so far.
    var outOfPolicy = CSV(header: ["序号", "村(居)委会", "村民小组", "落户户号", "新生儿姓名", "性别", "出生日期", "出生医学证明编号", "母亲姓名", "母亲公民身份号码", "父亲姓名", "父亲公民身份号码", "接生机构", "整改单号"])
    var outOfPolicyCount = 0
    var unmatched = CSV(header: ["名单", "名单记录", "姓名", "公民身份号码", "日期", "原因"])
    var orderTexts = ""
    var villageIndex: [UTF8Key: Int32] = [:]
    var villageNames: [String] = []
    var groupIndex: [UTF8Key: Int32] = [:]
    var groupNames: [String] = []
    /// The rows as they arrive (sort keys, src hash, where the cells are, household number and
    /// birth date as registered), spilled with the cells: read back into `rows` by `build`.
    var rowStore: ByteArena
    var scratch: [UInt8] = []
    /// Each row's own CSV cells (姓名 … 与户主关系, quoted and comma-joined; 序号, 村, 备注 are
    /// added when written) and where its household's cells are, out of line so that a million
    /// rows stay small.
    var arena: TextArena
    /// The cells shared by a household's rows (组 and 户号, 住址), once per household.
    /// The cells shared by a household's rows (组 and 户号, 住址), stored once per run of the
    /// household's members (they come one after another; a household met again later is stored
    /// again, which costs a few spilled bytes, not an index of every household in memory).
    var placeArena: TextArena
    var lastPlace: (cells: [String], loc: UInt64)?

    /// A row's cells 村民小组 … 住址, quoted and comma-joined.
    func row(_ text: UInt64) -> String {
        let parts = arena.get(text)
        let place = placeArena.get(UInt64(parts[1], radix: 36)!)
        return place[0] + "," + parts[0] + "," + place[1]
    }

    /// A person of a verification list: its sort keys (village, group, household and birth date
    /// as indices into the builder's names) and where its src and cells are. 40 bytes a row.
    struct VRow {
        let village: Int32
        let group: Int32
        let household: Int32
        let birth: Int32
        let rel: Int16
        /// The src's PackedStore.hash: remarks are looked up by it.
        let src: UInt64
        let text: UInt64
    }

    /// The index of `name` in `names`, added when new (keyed by the bytes: hashing a Chinese
    /// string as a String checks canonical equivalence, several times slower).
    static func intern(_ name: String, _ index: inout [UTF8Key: Int32], _ names: inout [String]) -> Int32 {
        if let k = index[UTF8Key(name)] { return k }
        let k = Int32(names.count)
        index[UTF8Key(name)] = k
        names.append(name)
        return k
    }

    public init(config: ReportConfig) {
        self.config = config
        arena = TextArena(spillDirectory: config.spillDirectory)
        placeArena = TextArena(spillDirectory: config.spillDirectory)
        rowStore = ByteArena(spillDirectory: config.spillDirectory)
    }

    /// Adds a register person to its village's list (values as registered, labels for codes).
    public func addPerson(_ r: Record) {
        let p = RegisteredView(r)
        // A village is keyed with its police station: two townships may each have a 新村.
        let village = p.station + "\u{1F}" + p.village, group = p.group, household = p.household
        let v = Self.intern(village, &villageIndex, &villageNames)
        let g = Self.intern(group, &groupIndex, &groupNames)
        var cells = ""
        for (k, x) in [p.name, p.sex, p.ethnicity, p.birthDate, id(p.idNumber), p.relation].enumerated() {
            if k > 0 { cells += "," }
            cells += CSV.quote(x)
        }
        // The household's cells (组, 户号 before the person's, 住址 after) are stored once per
        // household; the row keeps where they are.
        let place = [CSV.quote(group) + "," + CSV.quote(household), CSV.quote(p.address)]
        let loc: UInt64
        if let last = lastPlace, last.cells == place { loc = last.loc } else {
            loc = placeArena.append(place)
            lastPlace = (place, loc)
        }
        scratch.removeAll(keepingCapacity: true)
        for x in [UInt64(UInt32(bitPattern: v)) | UInt64(UInt32(bitPattern: g)) << 32, UInt64(min(Self.relationRank(p.relationCode), Int(Int16.max))), PackedStore.hash(r.src), arena.append([cells, String(loc, radix: 36)]), UInt64(household.utf8.count)] {
            withUnsafeBytes(of: x.littleEndian) { scratch.append(contentsOf: $0) }
        }
        scratch.append(contentsOf: household.utf8)
        scratch.append(contentsOf: p.birthDate.utf8)
        _ = scratch.withUnsafeBytes { rowStore.append($0) }
    }

    /// Reads the stored rows back, household numbers and birth dates each kept once.
    func loadRows() -> (households: [String], births: [String]) {
        var householdIndex: [UTF8Key: Int32] = [:], householdNames: [String] = []
        var birthIndex: [UTF8Key: Int32] = [:], birthNames: [String] = []
        rows = []
        rowStore.forEach { _, b in
            func word(_ k: Int) -> UInt64 { b.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self).littleEndian }
            let cut = 40 + Int(word(4))
            let household = String(decoding: b[40..<cut], as: UTF8.self)
            let birth = String(decoding: b[cut...], as: UTF8.self)
            let vg = word(0)
            rows.append(VRow(village: Int32(bitPattern: UInt32(truncatingIfNeeded: vg)), group: Int32(bitPattern: UInt32(truncatingIfNeeded: vg >> 32)),
                             household: Self.intern(household, &householdIndex, &householdNames), birth: Self.intern(birth, &birthIndex, &birthNames),
                             rel: Int16(truncatingIfNeeded: word(1)), src: word(2), text: word(3)))
        }
        rowStore = ByteArena()
        return (householdNames, birthNames)
    }

    /// Folds an order in: remarks for its persons, its village's counts, its out-of-policy
    /// register row, its text.
    public func addOrder(_ o: Record) {
        let no = o.text("order_no")
        let codeList = (o["codes"]?.arrayValue ?? []).compactMap { $0.stringValue }
        let codes = codeList.map(ProblemNames.zh).joined(separator: "、")
        let action = ProblemNames.actions[o.text("action")] ?? o.text("action")
        for p in o["persons"]?.arrayValue ?? [] {
            guard let po = p.objectValue else { continue }
            let role = po.text("role")
            let roleNote = ["candidate": "（候选人）", "mother": "（母亲户内落户）", "father": "（父亲户内落户）", "head": "（户主）"][role] ?? ""
            orderRemarks[PackedStore.hash(po.text("src")), default: []].append("\(action)：\(codes)\(roleNote) \(no)")
        }
        let v = o.text("station") + "\u{1F}" + o.text("village")
        orderCounts[v, default: 0] += 1
        for e in o["evidence"]?.arrayValue ?? [] {
            guard let code = e.objectValue?.string("code") else { continue }
            counts[v, default: [:]][code, default: 0] += 1
        }
        if codeList.contains("BIRTH_OUT_OF_POLICY"),
           let e = (o["evidence"]?.arrayValue ?? []).compactMap({ $0.objectValue?["entry"]?.objectValue }).first {
            outOfPolicyCount += 1
            let sex = ListValue.sexCode(e.text("sex"))
            outOfPolicy.row([String(outOfPolicyCount), o.text("village"), o.text("group"), o.text("household"), e.text("name"), sex == "1" ? "男" : sex == "2" ? "女" : e.text("sex"),
                             ListValue.isoDate(e.text("birth_date")) ?? e.text("birth_date"), e.text("certificate"), e.text("mother_name"), id(e.text("mother_id")),
                             e.text("father_name"), id(e.text("father_id")), e.text("institution"), no])
        }
        let t = o.text("text_zh")
        orderTexts += (config.mask ? Self.maskIDs(in: t) : t) + "\n\n"
    }

    /// Folds a warning in: a remark for each person it names.
    public func addWarning(_ w: Record) {
        let refs = (w["refs"]?.arrayValue ?? []).compactMap { $0.stringValue }
        let m = w.text("message_zh").isEmpty ? ProblemNames.zh(w.text("code")) : w.text("message_zh")
        for s in refs.isEmpty ? [w.src] : refs { warningRemarks[PackedStore.hash(s), default: []].append("提示：\(m)") }
    }

    /// Adds an unmatched list entry to its list.
    public func addUnmatched(_ u: Record) {
        let e = u["entry"]?.objectValue ?? JSONObject()
        let date = ["death_date", "enlist_date", "settle_date", "birth_date"].lazy.map { e.text($0) }.first { !$0.isEmpty } ?? ""
        unmatched.row([ProblemNames.lists[u.text("list")] ?? u.text("list"), u.src, e.text("name"), id(e.text("id_number")), date, u.string("message_zh") ?? u.text("reason")])
    }

    func id(_ s: String) -> String { config.mask && !s.isEmpty ? maskID(s) : s }

    /// Every report file, in a fixed order, handed to `emit` one at a time (a county's lists
    /// are never all in memory at once).
    public func build(_ emit: (ReportFile) throws -> Void) throws {
        let (householdNames, birthNames) = loadRows()
        // Sort 村—组—户, then relation (head first), birth date, src. Villages and groups are
        // ranked once (groups naturally: 第2组 before 第10组).
        let villageRank = Self.ranks(villageNames, by: <)
        let groupRank = Self.ranks(groupNames, by: naturalLess)
        let householdRank = Self.ranks(householdNames, by: <)
        let birthRank = Self.ranks(birthNames, by: <)
        var order = Array(rows.indices)
        order.sort { i, j in
            let a = rows[i], b = rows[j]
            if a.village != b.village { return villageRank[Int(a.village)] < villageRank[Int(b.village)] }
            if a.group != b.group { return groupRank[Int(a.group)] < groupRank[Int(b.group)] }
            if a.household != b.household { return householdRank[Int(a.household)] < householdRank[Int(b.household)] }
            if a.rel != b.rel { return a.rel < b.rel }
            if a.birth != b.birth { return birthRank[Int(a.birth)] < birthRank[Int(b.birth)] }
            return i < j  // input order
        }

        // Statistics: households and persons per village, findings per village and code, orders.
        var people: [String: Int] = [:]
        var householdCount: [String: Int] = [:]
        var householdsSeen = Set<UInt64>()
        for r in rows {
            let v = villageNames[Int(r.village)]
            people[v, default: 0] += 1
            if householdsSeen.insert(UInt64(UInt32(r.village)) << 32 | UInt64(UInt32(r.household))).inserted { householdCount[v, default: 0] += 1 }
        }
        // Villages of persons, and those only orders name (persons of another run's register).
        let villages = Set(villageNames).union(orderCounts.keys).sorted()
        var codes = Set<String>()
        for c in counts.values { codes.formUnion(c.keys) }
        let codeList = codes.sorted { (ProblemNames.rank($0), $0) < (ProblemNames.rank($1), $1) }
        for f in statistics(villages: villages, codes: codeList, households: householdCount, people: people, counts: counts, orders: orderCounts) { try emit(f) }

        // One verification list per village.
        var start = 0
        while start < order.count {
            let village = rows[order[start]].village
            let (station, name) = Self.split(villageNames[Int(village)])
            var text = CSV(header: ["序号", "村(居)委会", "村民小组", "户号", "姓名", "性别", "民族", "出生日期", "公民身份号码", "与户主关系", "住址", "备注"]).text
            let quotedVillage = CSV.quote(name)
            var end = start
            var n = 0
            while end < order.count && rows[order[end]].village == village {
                let r = rows[order[end]]
                n += 1
                let remarks = (orderRemarks[r.src] ?? []) + (warningRemarks[r.src] ?? [])
                text += String(n) + "," + quotedVillage + "," + row(r.text) + "," + CSV.quote(remarks.joined(separator: "；")) + "\n"
                end += 1
            }
            let stationPart = station.isEmpty ? "" : Self.fileSafe(station) + "-"
            try emit(ReportFile(name: "verify-list-\(stationPart)\(Self.fileSafe(name)).csv", text: text))
            start = end
        }

        try emit(ReportFile(name: "out-of-policy-births.csv", text: outOfPolicy.text))
        try emit(ReportFile(name: "unmatched-entries.csv", text: unmatched.text))
        try emit(ReportFile(name: "orders.txt", text: orderTexts))
    }

    /// Each name's position in sorted order.
    static func ranks(_ names: [String], by less: (String, String) -> Bool) -> [Int] {
        var r = [Int](repeating: 0, count: names.count)
        for (pos, k) in names.indices.sorted(by: { less(names[$0], names[$1]) }).enumerated() { r[k] = pos }
        return r
    }

    /// A station–village key's two parts.
    static func split(_ key: String) -> (station: String, village: String) {
        let parts = key.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : ("", key)
    }

    func statistics(villages: [String], codes: [String], households: [String: Int], people: [String: Int], counts: [String: [String: Int]], orders: [String: Int]) -> [ReportFile] {
        let header = ["派出所", "村(居)委会", "户数", "人数"] + codes.map { ProblemNames.zh($0) } + ["问题合计", "整改通知单"]
        var csv = CSV(header: ["派出所", "村(居)委会", "户数", "人数"] + codes.map { "\(ProblemNames.zh($0))(\($0))" } + ["问题合计", "整改通知单"])
        var md = "# 人口普查户口整顿工作情况统计表\n\n| " + header.joined(separator: " | ") + " |\n|" + header.enumerated().map { $0.offset < 2 ? "---|" : "---:|" }.joined() + "\n"
        var totals = [Int](repeating: 0, count: codes.count + 4)
        for v in villages {
            var cells = [households[v] ?? 0, people[v] ?? 0]
            var sum = 0
            for c in codes {
                let n = counts[v]?[c] ?? 0
                cells.append(n)
                sum += n
            }
            cells.append(sum)
            cells.append(orders[v] ?? 0)
            for (i, n) in cells.enumerated() { totals[i] += n }
            let (station, village) = Self.split(v)
            let name = village.isEmpty ? "（未知）" : village
            csv.row([station, name] + cells.map(String.init))
            md += "| " + ([station, name] + cells.map(String.init)).joined(separator: " | ") + " |\n"
        }
        csv.row(["合计", ""] + totals.map(String.init))
        md += "| **合计** | | " + totals.map { "**\($0)**" }.joined(separator: " | ") + " |\n"
        return [ReportFile(name: "statistics.csv", text: csv.text), ReportFile(name: "statistics.md", text: md)]
    }

    /// Head of household (本人/户主) first, then the GB/T 4761 code order; unknown last.
    static func relationRank(_ code: String) -> Int {
        var c = code
        if Int(c) == nil { c = Tables.relation.first { $0.name == code }?.code ?? "" }
        guard let n = Int(c) else { return 100 }
        return n <= 2 ? 0 : n
    }

    /// A village name usable as part of a file name (slashes and controls replaced).
    static func fileSafe(_ s: String) -> String {
        if s.isEmpty { return "未知" }
        return String(s.map { $0 == "/" || $0 == "\\" || $0.asciiValue.map { $0 < 32 } == true ? "_" : $0 })
    }

    /// Masks every run of 15 or 18 ID characters (digits, a final X) inside free text.
    public static func maskIDs(in s: String) -> String {
        var out = ""
        var run = ""
        func flush() {
            if run.count == 18 || run.count == 15 { out += maskID(run) } else { out += run }
            run = ""
        }
        for ch in s {
            if ch.isASCII && (ch.isNumber || (ch == "X" && run.count == 17)) { run.append(ch) } else {
                flush()
                out.append(ch)
            }
        }
        flush()
        return out
    }
}

/// A CSV table (RFC 4180 quoting, `\n` line ends; the writer turns them into CRLF for Excel).
struct CSV {
    var text: String
    init(header: [String]) {
        text = ""
        row(header)
    }
    mutating func row(_ cells: [String]) {
        text += cells.map(Self.quote).joined(separator: ",") + "\n"
    }
    static func quote(_ s: String) -> String {
        if !s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) { return s }
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
}
