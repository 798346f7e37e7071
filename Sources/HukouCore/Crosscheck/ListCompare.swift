// Comparison helpers for linking other agencies' list entries to register persons: name keys
// (folded spelling, toneless pinyin), ID-number relations (same, 15/18 twin, one-digit typo),
// and the lenient readers of dates and sex codes that lists need when they arrive un-normalized.
//
// They work on raw `ingest --as` lists as well as on normalized ones. Where a comparison is the
// duplicate matcher's (counting the differing positions of two texts), it calls Match's helper.
import Foundation
import HukouIO

/// Name keys for comparing a list's spelling with the register's.
public enum NameKey {
    /// The name with spaces removed, every middle-dot variant dropped (lists often omit the dot in
    /// minority names) and GB18030 private-use code points remapped. No NFKC (it changes CJK
    /// compatibility ideographs); traditional forms are handled by `folded`.
    public static func plain(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for sc in s.unicodeScalars {
            switch sc.value {
            case 0x20, 0x09, 0xA0, 0x3000: continue
            case 0xB7, 0x2022, 0x30FB, 0x2027, 0x22C5, 0x2219, 0xFF0E, 0x2E, 0xFF65: continue
            default:
                if let m = Tables.puaRemap[sc.value], let r = Unicode.Scalar(m) { out.append(r) } else { out.append(sc) }
            }
        }
        return String(out)
    }

    /// `plain` with traditional characters folded to simplified (ICU Hant-Hans; only called when
    /// two plain spellings differ, so the register's million names never pay for it).
    public static func folded(_ s: String) -> String {
        let p = plain(s)
        if p.unicodeScalars.allSatisfy({ $0.isASCII }) { return p.lowercased() }
        return p.applyingTransform(StringTransform("Hant-Hans"), reverse: false) ?? p
    }

    /// Toneless pinyin of each character's most common reading, lower case, no separators
    /// (`wangwei`); ASCII letters are kept lower-cased. The index key for homophones (小明/晓明) and
    /// traditional forms (陳/陈 share `chen`).
    public static func pinyin(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(16)
        for sc in plain(s).unicodeScalars {
            if sc.isASCII {
                if sc.properties.isAlphabetic { out += String(sc).lowercased() }
                continue
            }
            if let readings = Tables.pinyin[sc.value], let first = readings.first {
                out += first.filter { !$0.isNumber }
            } else {
                out.unicodeScalars.append(sc)
            }
        }
        return out
    }

    /// How two names relate: the same spelling (after folding), the same sound, or different.
    public static func relation(_ a: String, _ b: String) -> NameRelation {
        if a.isEmpty || b.isEmpty { return .unknown }
        let pa = plain(a), pb = plain(b)
        if pa == pb { return .same }
        // A traditional form reads like its simplified one, so ICU folding is only worth
        // calling for names that sound the same.
        guard pinyin(a) == pinyin(b) else { return .different }
        return folded(a) == folded(b) ? .same : .homophone
    }
}

/// How a list's name relates to a registered name.
public enum NameRelation: String, Sendable {
    case same, homophone, different, unknown
    /// Whether the names agree (same spelling, traditional form or homophone).
    public var agrees: Bool { self == .same || self == .homophone }
}

/// How a list's ID number relates to a registered one.
public enum IDRelation: String, Sendable {
    /// Equal, or the 15- and 18-digit forms of one number.
    case same
    /// One digit different, or two adjacent digits swapped: a typing error.
    case typo
    case different
    /// One side has no number.
    case missing
}

/// ID-number comparisons on text normalized with `IDNumber.normalizeText`.
public enum IDCompare {
    /// The number as crosscheck compares it: normalized text, or "" when it cannot identify
    /// anybody (not the shape of an ID number, or destroyed by a spreadsheet: two `4.30321E+17`
    /// are not the same number).
    public static func usable(_ raw: String) -> String {
        // Fast path, most of a register: 18 ASCII characters, 17 digits and a digit or X, not
        // ending in the 000 of a spreadsheet unless the check character holds.
        let u = raw.utf8
        if u.count == 18 {
            var sum = 0, k = 0, ok = true
            for b in u {
                if k < 17 {
                    guard b >= 48 && b <= 57 else { ok = false; break }
                    sum += Int(b - 48) * IDNumber.weights[k]
                } else if !((b >= 48 && b <= 57) || b == 88) {
                    ok = false
                }
                k += 1
            }
            if ok {
                let valid = IDNumber.checkCharacters[sum % 11].asciiValue == u.last
                if valid || !raw.hasSuffix("000") { return raw }
            }
        }
        let t = IDNumber.normalizeText(raw)
        guard IDNumber(t) != nil, !IDNumber.looksExcelCorrupted(t) else { return "" }
        return t
    }

    /// The key both sides are indexed by: the 18-digit form of a well-shaped number (15 digits
    /// upgraded), else the text itself.
    public static func key(_ text: String) -> String {
        // An 18-character number is its own key; only 15 digits need the upgrade.
        guard text.utf8.count == 15, let id = IDNumber(text) else { return text }
        return id.eighteen
    }

    /// Whether the text is a usable number: the right shape, a real birth date, and (for 18
    /// digits) a correct check character.
    public static func isValid(_ text: String) -> Bool {
        guard let id = IDNumber(text) else { return false }
        return id.birthDateIsReal && (id.isLegacy15 || id.checksumValid)
    }

    /// How two numbers relate.
    public static func relation(_ a: String, _ b: String) -> IDRelation {
        if a.isEmpty || b.isEmpty { return .missing }
        if a == b { return .same }
        let ka = key(a), kb = key(b)
        if ka == kb {
            // Two 18-digit texts with the same key are equal; a 15-digit twin upgrades exactly.
            return .same
        }
        // A 15-digit number against an 18-digit one whose check is wrong: compare the 17-digit bodies.
        if let ia = IDNumber(a), let ib = IDNumber(b), ia.isLegacy15 != ib.isLegacy15 {
            if let fa = ia.fifteen, let fb = ib.fifteen, fa == fb { return .same }
            if let fa = ia.fifteen, let fb = ib.fifteen, nearMiss(fa, fb) { return .typo }
            return .different
        }
        return nearMiss(ka, kb) ? .typo : .different
    }

    /// One substitution or one adjacent transposition between equal-length texts.
    static func nearMiss(_ a: String, _ b: String) -> Bool {
        withScalars(a, b) { x, y in
            switch digitsDiffer(x, y) {
            case 1: return true
            case 2:
                let d = (0..<x.count).filter { x[$0] != y[$0] }
                return d[1] == d[0] + 1 && x[d[0]] == y[d[1]] && x[d[1]] == y[d[0]]
            default: return false
            }
        }
    }

    /// How many positions of two equal-length texts differ (Int.max when the lengths differ):
    /// Match's `digitsDiffer` on their scalars.
    static func differingPositions(_ a: String, _ b: String) -> Int { withScalars(a, b, digitsDiffer) }

    /// Calls `body` with both texts as the scalar buffers Match's comparisons take.
    static func withScalars<T>(_ a: String, _ b: String, _ body: (UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<UInt32>) -> T) -> T {
        let x = a.unicodeScalars.map(\.value), y = b.unicodeScalars.map(\.value)
        return x.withUnsafeBufferPointer { p in y.withUnsafeBufferPointer { q in body(p, q) } }
    }
}

/// Lenient readers for list fields that may not have been through `hukou normalize`.
public enum ListValue {
    /// A date as ISO `YYYY-MM-DD` from `1985-03-12`, `1985/3/12`, `19850312`, `1985年3月12日`,
    /// `1985.3.12`, an Excel serial (`44810`) (a time after the date is ignored); nil when it is
    /// not a real date.
    public static func isoDate(_ raw: String) -> String? {
        // Fast path: already ISO (every normalized record).
        let u = raw.utf8
        if u.count == 10 {
            let b = Array(u)
            if b[4] == 0x2D && b[7] == 0x2D {
                func num(_ r: Range<Int>) -> Int? {
                    var v = 0
                    for k in r { guard b[k] >= 48 && b[k] <= 57 else { return nil }; v = v * 10 + Int(b[k] - 48) }
                    return v
                }
                if let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) {
                    return isRealDate(year: y, month: m, day: d) ? raw : nil
                }
            }
        }
        let s = raw.trimmingCharacters(in: .whitespaces)
        if s.isEmpty { return nil }
        var parts: [Int] = []
        var cur = 0, inNum = false, digits = 0
        var firstRunLength = 0
        for ch in s.unicodeScalars {
            if ch.value >= 48 && ch.value <= 57 {
                cur = cur * 10 + Int(ch.value - 48)
                inNum = true
                digits += 1
            } else {
                if inNum {
                    if parts.isEmpty { firstRunLength = digits }
                    parts.append(cur)
                }
                cur = 0; inNum = false; digits = 0
                if parts.count == 3 { break }
            }
        }
        if inNum && parts.count < 3 {
            if parts.isEmpty { firstRunLength = digits }
            parts.append(cur)
        }
        var y = 0, m = 0, d = 0
        if parts.count == 1 && firstRunLength == 5 && s.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // An Excel serial (days since 1899-12-30; 5 digits: 1927 to 2173), as lists saved from
            // a spreadsheet carry dates.
            return Dates.iso(parts[0] + (Dates.days("1899-12-30") ?? 0))
        } else if parts.count == 1 && firstRunLength == 8 {
            y = parts[0] / 10000; m = parts[0] / 100 % 100; d = parts[0] % 100
        } else if parts.count >= 3 && firstRunLength == 4 {
            y = parts[0]; m = parts[1]; d = parts[2]
        } else {
            return nil
        }
        guard isRealDate(year: y, month: m, day: d) else { return nil }
        return HukouCore.isoDate(y, m, d)
    }

    /// Sex as the GB/T 2261.1 code (`1` male, `2` female) from a code, 男/女, 男性/女性, M/F;
    /// "" when unknown.
    public static func sexCode(_ raw: String) -> String {
        switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1", "男", "男性", "m", "male": return "1"
        case "2", "女", "女性", "f", "female": return "2"
        default: return ""
        }
    }

    /// Whether a birth record's policy field says the birth was outside policy
    /// (否 / 政策外 / 计划外 / 0 / no / false).
    public static func isOutOfPolicy(_ raw: String) -> Bool {
        switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
        case "否", "政策外", "计划外", "0", "n", "no", "false": return true
        default: return false
        }
    }

    /// A record's birth date (ISO) and sex code, each read from the number when the field does
    /// not give it and the number is valid.
    static func birthAndSex(_ r: Record, id: String, idValid: Bool) -> (birth: String?, sex: String) {
        var b = isoDate(r.text("birth_date"))
        var s = sexCode(r.text("sex"))
        if idValid && (b == nil || s.isEmpty), let parsed = IDNumber(id) {
            if b == nil { b = parsed.birthISO }
            if s.isEmpty { s = parsed.sexCode }
        }
        return (b, s)
    }

    /// Whole years between two ISO dates (age at `later` of someone born `earlier`).
    public static func years(from earlier: String, to later: String) -> Int? {
        let a = earlier.split(separator: "-").compactMap { Int($0) }
        let b = later.split(separator: "-").compactMap { Int($0) }
        guard a.count == 3, b.count == 3 else { return nil }
        var y = b[0] - a[0]
        if (b[1], b[2]) < (a[1], a[2]) { y -= 1 }
        return y
    }
}
