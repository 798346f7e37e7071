// Dates as registers write them, parsed to a calendar date: ISO, slashes, dots, compact digits,
// 年月日 with Arabic or Chinese numerals, and Excel serial numbers. A value that is no date is
// never guessed at: parseDate returns nil and the caller keeps the value.

/// A proleptic Gregorian calendar date.
public struct CivilDate: Sendable, Hashable, Comparable {
    public let year: Int, month: Int, day: Int
    public init(_ year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }
    /// `YYYY-MM-DD`.
    public var iso: String { isoDate(year, month, day) }
    /// A sortable integer `YYYYMMDD`.
    public var ordinal: Int { year * 10000 + month * 100 + day }
    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.ordinal < b.ordinal }

    /// Full years from `self` to `later` (an age: the birthday must have come).
    public func years(until later: CivilDate) -> Int {
        var y = later.year - year
        if later.month * 100 + later.day < month * 100 + day { y -= 1 }
        return y
    }

    /// Days since 1970-01-01 (negative before), for the Excel serial conversion.
    public var daysSinceEpoch: Int { daysFromCivil(year, month, day) }

    /// The date `days` after 1970-01-01.
    public init(daysSinceEpoch z0: Int) {
        let c = civilFromDays(z0)
        self.init(c.year, c.month, c.day)
    }

    /// Parses exactly `YYYY-MM-DD` (nil for anything else or a date that does not exist).
    public init?(iso s: String) {
        guard s.utf8.count == 10 else { return nil }
        var y = 0, m = 0, d = 0
        var i = 0
        for b in s.utf8 {
            defer { i += 1 }
            if i == 4 || i == 7 {
                guard b == 0x2D else { return nil }
                continue
            }
            guard b >= 0x30 && b <= 0x39 else { return nil }
            let v = Int(b - 0x30)
            if i < 4 { y = y * 10 + v } else if i < 7 { m = m * 10 + v } else { d = d * 10 + v }
        }
        guard isRealDate(year: y, month: m, day: d) else { return nil }
        self.init(y, m, d)
    }
}

@inline(__always) func digitsValue(_ u: [UInt8], _ from: Int, _ to: Int) -> Int? {
    var v = 0
    for k in from..<to {
        let d = Int(u[k]) - 48
        guard d >= 0 && d <= 9 else { return nil }
        v = v * 10 + d
    }
    return v
}

/// The earliest Excel serial accepted as a date (1900-03-01, after Excel's phantom 1900-02-29) and
/// the latest (2099-12-31). Smaller numbers are too ambiguous to call dates.
let excelSerialRange = 61...73415

/// Parses a registered date. Accepted: `1985-03-12`, `1985/3/12`, `1985.3.12`, `19850312`,
/// `1985年3月12日` (full-width digits too; a trailing time such as ` 00:00:00` is ignored),
/// `一九八五年三月十二日` (〇/零/○ for zero, 十 in months and days), and Excel serial numbers
/// (1900 date system, five digits: 10000…73415, i.e. 1927-05-18…2099-12-31, optionally with
/// `.0`; four digits are taken for a bare year, which is no date). Returns nil when the value is no real
/// calendar date; it never guesses (two-digit years, month-day swaps and lunar dates are no dates).
public func parseDate(_ raw: String) -> CivilDate? {
    // Fast path: ASCII digits with - / . separators (ISO, 1985/3/12, 1985.3.12, 19850312),
    // parsed without allocating.
    var fast = true
    var nums = (0, 0, 0), lens = (0, 0, 0), nparts = 0, sep: UInt8 = 0
    for b in raw.utf8 {
        if b >= 0x30 && b <= 0x39 {
            let d = Int(b - 0x30)
            switch nparts {
            case 0: nums.0 = nums.0 * 10 + d; lens.0 += 1
            case 1: nums.1 = nums.1 * 10 + d; lens.1 += 1
            case 2: nums.2 = nums.2 * 10 + d; lens.2 += 1
            default: fast = false
            }
        } else if (b == 0x2D || b == 0x2F || b == 0x2E) && (sep == 0 || sep == b) && nparts < 2 {
            sep = b
            nparts += 1
        } else {
            fast = false
            break
        }
        if lens.0 > 8 { fast = false; break }
    }
    if fast {
        if nparts == 2 {
            guard lens.0 == 4, (1...2).contains(lens.1), (1...2).contains(lens.2),
                  isRealDate(year: nums.0, month: nums.1, day: nums.2) else { return nil }
            return CivilDate(nums.0, nums.1, nums.2)
        }
        if nparts == 0 && lens.0 == 8 {
            let y = nums.0 / 10000, m = nums.0 / 100 % 100, d = nums.0 % 100
            return isRealDate(year: y, month: m, day: d) ? CivilDate(y, m, d) : nil
        }
        if nparts == 0 && lens.0 == 5 { return excelSerialDate(nums.0) }
        if nparts == 0 || nparts == 2 { return nil }
    }
    // Map to ASCII digits and separators; Chinese numerals are handled separately.
    var u: [UInt8] = []
    u.reserveCapacity(16)
    var hasChineseNumeral = false
    for sc in raw.unicodeScalars {
        switch sc.value {
        case 0x30...0x39: u.append(UInt8(sc.value))
        case 0xFF10...0xFF19: u.append(UInt8(sc.value - 0xFF10 + 0x30))
        case 0x2D, 0x2F, 0x2E, 0xFF0D, 0xFF0F, 0xFF0E, 0x2010...0x2015: u.append(0x2D)   // - / . and their full-width forms
        case 0x5E74, 0x6708: u.append(0x2D)                                            // 年 月
        case 0x65E5, 0x53F7: u.append(0x3B)                                            // 日 号 end the date
        case 0x20, 0x3000, 0x09, 0x54: u.append(0x20)                                  // space, T: a time may follow
        case 0x3A: u.append(0x3A)
        default:
            if chineseDigit(sc) != nil || sc == "十" || sc == "廿" { hasChineseNumeral = true; u.append(0x3F) } else { return nil }
        }
    }
    if hasChineseNumeral { return parseChineseDate(raw) }
    // Cut a trailing time (`1985-03-12 00:00:00`, `1985年3月12日 8:00`).
    var end = u.count
    for (k, b) in u.enumerated() where b == 0x20 || b == 0x3B {
        end = k
        // After the cut only a time may follow.
        let rest = u[(k + 1)...].filter { $0 != 0x20 }
        if b == 0x3B && rest.isEmpty { break }
        guard rest.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x3A }), rest.contains(0x3A) || rest.isEmpty else { return nil }
        break
    }
    let body = Array(u[0..<end])
    guard !body.isEmpty else { return nil }
    // Trim separators at the ends (a 年月 ending like `1985年3月12` has none; `1985-3-12-` is odd but harmless).
    var parts: [[UInt8]] = [[]]
    for b in body {
        if b == 0x2D { parts.append([]) } else if b >= 0x30 && b <= 0x39 { parts[parts.count - 1].append(b) } else { return nil }
    }
    if parts.last?.isEmpty == true && parts.count == 4 { parts.removeLast() }
    if parts.count == 3 {
        guard (4...4).contains(parts[0].count), (1...2).contains(parts[1].count), (1...2).contains(parts[2].count) else { return nil }
        let y = digitsValue(parts[0], 0, parts[0].count)!, m = digitsValue(parts[1], 0, parts[1].count)!, d = digitsValue(parts[2], 0, parts[2].count)!
        return isRealDate(year: y, month: m, day: d) ? CivilDate(y, m, d) : nil
    }
    if parts.count == 1 {
        let p = parts[0]
        if p.count == 8 {
            let y = digitsValue(p, 0, 4)!, m = digitsValue(p, 4, 6)!, d = digitsValue(p, 6, 8)!
            return isRealDate(year: y, month: m, day: d) ? CivilDate(y, m, d) : nil
        }
        if p.count == 5, let serial = digitsValue(p, 0, p.count) { return excelSerialDate(serial) }
        return nil
    }
    // `31118.0`: an Excel serial written as a decimal (the dot was mapped to a separator).
    if parts.count == 2, parts[0].count == 5, !parts[1].isEmpty, parts[1].allSatisfy({ $0 == 0x30 }),
       !raw.contains("年"), !raw.contains("-"), !raw.contains("/"),
       let serial = digitsValue(parts[0], 0, parts[0].count) {
        return excelSerialDate(serial)
    }
    return nil
}

/// The date of an Excel serial number (1900 date system), or nil outside the accepted range.
public func excelSerialDate(_ serial: Int) -> CivilDate? {
    guard excelSerialRange.contains(serial) else { return nil }
    // Serial 1 is 1900-01-01 and Excel counts a 1900-02-29 that never was: from serial 61 on,
    // day 0 is 1899-12-30.
    return CivilDate(daysSinceEpoch: CivilDate(1899, 12, 30).daysSinceEpoch + serial)
}

func chineseDigit(_ sc: Unicode.Scalar) -> Int? {
    switch sc {
    case "〇", "零", "○", "Ｏ", "О": return 0
    case "一", "壹": return 1
    case "二", "贰", "两": return 2
    case "三", "叁": return 3
    case "四", "肆": return 4
    case "五", "伍": return 5
    case "六", "陆": return 6
    case "七", "柒": return 7
    case "八", "捌": return 8
    case "九", "玖": return 9
    default: return nil
    }
}

/// `一九八五年三月十二日`: the year digit by digit, month and day as numbers with 十 (廿 = 20).
func parseChineseDate(_ raw: String) -> CivilDate? {
    var s = raw.unicodeScalars.filter { !isNameSpace($0) }
    // Allow a trailing 日 or 号, nothing after it.
    if let l = s.last, l == "日" || l == "号" { s.removeLast() }
    let text = String(String.UnicodeScalarView(s))
    let a = text.split(separator: "年", omittingEmptySubsequences: false)
    guard a.count == 2 else { return nil }
    let b = a[1].split(separator: "月", omittingEmptySubsequences: false)
    guard b.count == 2 else { return nil }
    func yearValue(_ t: Substring) -> Int? {
        var v = 0
        var n = 0
        for sc in t.unicodeScalars {
            if let d = chineseDigit(sc) { v = v * 10 + d } else if sc.value >= 0x30 && sc.value <= 0x39 { v = v * 10 + Int(sc.value - 0x30) } else if sc.value >= 0xFF10 && sc.value <= 0xFF19 { v = v * 10 + Int(sc.value - 0xFF10) } else { return nil }
            n += 1
        }
        return n == 4 ? v : nil
    }
    func smallValue(_ t: Substring) -> Int? {
        let sc = Array(t.unicodeScalars)
        guard !sc.isEmpty, sc.count <= 3 else { return nil }
        if sc.allSatisfy({ ($0.value >= 0x30 && $0.value <= 0x39) }) { return Int(String(t)) }
        var tens = 0, ones = 0, k = 0
        if sc[k] == "廿" { tens = 2; k += 1 } else if sc.count >= 2, sc[1] == "十", let d = chineseDigit(sc[0]) { tens = d; k = 2 } else if sc[k] == "十" { tens = 1; k += 1 }
        if k < sc.count {
            guard k == sc.count - 1, let d = chineseDigit(sc[k]) else { return nil }
            // `〇三` / `零三` style: the tens digit written as zero.
            if tens == 0 && k == 0 { return d }
            ones = d
        } else if tens == 0 { return nil }
        return tens * 10 + ones
    }
    // Month `〇三` (two digits written digit by digit) also occurs.
    func monthDay(_ t: Substring) -> Int? {
        let sc = Array(t.unicodeScalars)
        if sc.count == 2, let a = chineseDigit(sc[0]), let b = chineseDigit(sc[1]), a <= 3 { return a * 10 + b }
        return smallValue(t)
    }
    guard let y = yearValue(a[0]), let m = monthDay(b[0]), let d = monthDay(b[1]), isRealDate(year: y, month: m, day: d) else { return nil }
    return CivilDate(y, m, d)
}
