// The vendored reference tables (GB/T code tables, divisions, names, villages, pinyin), parsed
// lazily from the generated TSV literals in Generated/ on first use.

/// Namespace of the raw generated TSV literals (see scripts/vendor-tables.py).
public enum VendoredTables {}

/// One row of a code table: a GB/T code and its name.
public struct CodeEntry: Sendable, Hashable {
    public let code: String
    public let name: String
}

/// One name of a GB/T 2260 code over a span of years (nil: open-ended or unknown).
public struct DivisionName: Sendable, Hashable {
    public let name: String
    public let firstYear: Int?
    public let lastYear: Int?
}

/// A code change event (同名改码, 码位改派, 撤销, 更名 …).
public struct DivisionChange: Sendable, Hashable {
    public let year: Int
    public let type: String
    public let oldCode: String
    public let newCode: String
}

/// A village of the sample counties.
public struct VillageEntry: Sendable, Hashable {
    public let countyCode: String
    public let countyName: String
    public let townCode: String
    public let townName: String
    public let village: String
}

/// Parsed reference tables. Each is built once, on first use, and is safe to share.
public enum Tables {
    static func rows(_ text: String) -> [[Substring]] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map {
            $0.split(separator: "\t", omittingEmptySubsequences: false)
        }
    }

    static func codes(_ text: String) -> [CodeEntry] {
        rows(text).map { CodeEntry(code: String($0[0]), name: String($0[1])) }
    }

    /// GB/T 2260: every code that exists in any year, with its names over time.
    public static let divisions: [String: [DivisionName]] = {
        var d: [String: [DivisionName]] = [:]
        for r in rows(VendoredTables.divisions) {
            d[String(r[0]), default: []].append(DivisionName(name: String(r[1]), firstYear: Int(r[2]), lastYear: Int(r[3])))
        }
        return d
    }()

    /// The first year a code is known to exist (nil: existed in 1980 or earlier, or unknown).
    public static func divisionFirstYear(_ code: String) -> Int? {
        guard let names = divisions[code] else { return nil }
        let years = names.map { $0.firstYear ?? 0 }
        let y = years.min() ?? 0
        return y <= 1980 ? nil : y
    }

    /// GB/T 2260 code change events since 1980.
    public static let divisionChanges: [DivisionChange] = rows(VendoredTables.divisionChanges).compactMap { r in
        guard let y = Int(r[0]) else { return nil }
        return DivisionChange(year: y, type: String(r[1]), oldCode: String(r[2]), newCode: String(r[3]))
    }

    /// GB/T 2261.1 sex.
    public static let sex = codes(VendoredTables.sex)
    /// GB/T 2261.2 marital status.
    public static let marital = codes(VendoredTables.marital)
    /// GB/T 3304 ethnic groups (name; romanization and letter code in `ethnicLetters`).
    public static let ethnic = codes(VendoredTables.ethnic)
    /// GB/T 3304 romanization and two-letter code by numeric code.
    public static let ethnicRomanization: [String: (romanization: String, letters: String)] = {
        var d: [String: (String, String)] = [:]
        for r in rows(VendoredTables.ethnic) { d[String(r[0])] = (String(r[2]), String(r[3])) }
        return d
    }()
    /// GB/T 4658 education.
    public static let education = codes(VendoredTables.education)
    /// GB/T 4761 relation to the head, two-digit codes.
    public static let relation = codes(VendoredTables.relation)
    /// GB/T 4761 one-digit relation codes.
    public static let relation1 = codes(VendoredTables.relation1)

    /// The 100 most common surnames with their population share in percent, most common first.
    public static let surnames: [(surname: String, share: Double)] = rows(VendoredTables.surnames).map {
        (String($0[0]), Double($0[1]) ?? 0.01)
    }

    /// Common full names and given names with counts, and compound surnames (kind says which).
    public static let commonNames: [(name: String, count: Int, kind: String)] = rows(VendoredTables.commonNames).map {
        (String($0[0]), Int($0[1]) ?? 0, String($0[2]))
    }

    /// Compound (two-character) surnames: 欧阳, 上官, 司马 … plus a few more seen in registers.
    public static let compoundSurnames: [String] = {
        var s = commonNames.filter { $0.kind.contains("compound surname") }.map(\.name)
        for extra in ["东方", "南宫", "公孙", "宇文", "澹台", "轩辕", "端木", "独孤", "百里", "呼延", "钟离", "闻人", "万俟", "赫连", "拓跋", "西门", "太史", "仲孙", "濮阳", "淳于", "单于", "羊舌", "宗政", "公冶", "巫马", "乐正", "壤驷", "公良", "夹谷", "宰父", "漆雕", "段干", "司寇", "司空", "欧"] where !s.contains(extra) && extra.count == 2 {
            s.append(extra)
        }
        return s
    }()

    /// Towns and villages of the sample counties (654022 察布查尔, 430321 湘潭县).
    public static let villages: [VillageEntry] = rows(VendoredTables.villages).map {
        VillageEntry(countyCode: String($0[0]), countyName: String($0[1]), townCode: String($0[2]), townName: String($0[3]), village: String($0[4]))
    }

    /// GB18030 private-use code points some decoders produce, mapped to the standard character.
    public static let puaRemap: [UInt32: UInt32] = {
        var d: [UInt32: UInt32] = [:]
        for r in rows(VendoredTables.puaRemap) {
            if let a = UInt32(r[0], radix: 16), let b = UInt32(r[1], radix: 16) { d[a] = b }
        }
        return d
    }()

    /// Every reading of a Han character, with tone numbers (`zeng1`, `ceng2`), most common first.
    public static let pinyin: [UInt32: [String]] = {
        var d: [UInt32: [String]] = [:]
        d.reserveCapacity(42_000)
        for r in rows(VendoredTables.pinyin) {
            guard let sc = r[0].unicodeScalars.first else { continue }
            d[sc.value] = r[1].split(separator: " ").map(String.init)
        }
        return d
    }()
}
