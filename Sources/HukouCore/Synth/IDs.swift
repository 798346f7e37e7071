// ID numbers for the synthetic register: unique valid numbers (per region, birth date and sex a
// counter hands out sequences, so two clean persons never share one), the county's older codes,
// in-migrants' codes, and the ways a number goes wrong (check, date, sex, region, 15 digits, Excel).

/// Hands out GB 11643 numbers and their corrupted forms. Uniqueness is kept with counters, not
/// with a set of issued numbers, so memory stays flat: a flat array per (day, sex) for the
/// county's own codes, and for the rarer in-migrant codes a fixed table of counters that each
/// (code, day, sex) hashes into (a counter shared by two keys only skips sequences, never
/// repeats one: see `issue`).
public struct IDMaker {
    /// The county's current code.
    public let county: String
    /// Older codes of the same county with the last year each was in use.
    public let olderCodes: [(code: String, first: Int, last: Int)]
    /// County-level codes that existed by 1980 (valid for every birth year), for in-migrants.
    public let migrantCodes: [String]
    /// Codes of the county's prefecture shape that exist in no year of GB/T 2260.
    public let unknownCodes: [String]

    private static let firstDay = daysFromCivil(1900, 1, 1)
    private static let dayCount = daysFromCivil(2030, 1, 1) - firstDay
    private var regionIndex: [String: Int] = [:]
    /// Flat counters for the first few regions (the county and its older codes).
    private var flat: [[UInt16]] = []
    /// Shared counters of the in-migrant codes (2 MB whatever the county's size).
    private var hashed = [UInt16](repeating: 0, count: IDMaker.hashedCount)
    private static let hashedCount = 1 << 20

    /// Makes numbers for `county`, its older codes and in-migrants (codes from the tables).
    public init(county: String) {
        self.county = county
        let current = Tables.divisions[county]?.first(where: { $0.lastYear == nil })?.name
            ?? Tables.divisions[county]?.first?.name ?? ""
        var older: [(String, Int, Int)] = []
        for code in Tables.divisions.keys.sorted() where code != county {
            for n in Tables.divisions[code]! where n.name == current {
                if let last = n.lastYear { older.append((code, Tables.divisionFirstYear(code) ?? 1900, last)) }
            }
        }
        olderCodes = older.map { (code: $0.0, first: $0.1, last: $0.2) }
        let skip = Set([county] + older.map(\.0))
        migrantCodes = Tables.divisions.keys.sorted().filter { code in
            guard !skip.contains(code), let f = code.first, ("1"..."6").contains(f), !code.hasSuffix("00"),
                  Tables.divisionFirstYear(code) == nil,
                  let name = Tables.divisions[code]?.first?.name, name != "市辖区", name != "县",
                  name.hasSuffix("县") || name.hasSuffix("市") || name.hasSuffix("区") || name.hasSuffix("旗")
            else { return false }
            return true
        }
        let prefix = String(county.prefix(4))
        unknownCodes = (70...99).map { prefix + String($0) }.filter { Tables.divisions[$0] == nil }
        for c in [county] + olderCodes.map(\.code) { _ = index(of: c) }
    }

    private mutating func index(of region: String) -> Int {
        if let k = regionIndex[region] { return k }
        let k = regionIndex.count
        regionIndex[region] = k
        if k < 4 { flat.append([UInt16](repeating: 0, count: IDMaker.dayCount * 2)) }
        return k
    }

    /// A fresh 18-digit number for region, birth date and sex (1 male, 2 female); nil when the
    /// 499 sequences of that day and sex are used up.
    public mutating func issue(region: String, birth: SynthDate, sex: Int) -> String? {
        let r = index(of: region)
        let day = birth.days - IDMaker.firstDay
        guard day >= 0 && day < IDMaker.dayCount else { return nil }
        let slot = day * 2 + (sex == 1 ? 0 : 1)
        // Sequences of a day start at a point that depends on region and day, then count up:
        // strangers born the same day get numbers a few digits apart, as in real registers.
        var h = SynthRandom(seed: UInt64(r) << 32 ^ UInt64(slot))
        let start = Int(h.next() % 499)
        let used: Int
        if r < flat.count {
            used = Int(flat[r][slot])
            guard used < 499 else { return nil }
            flat[r][slot] = UInt16(used + 1)
        } else {
            // The counter of this key's bucket only grows, so the values this key sees are
            // distinct and below 499: distinct sequences. Another key in the bucket makes this
            // one skip a few, as if those numbers had been issued.
            let bucket = Int(h.next() >> 44)
            used = Int(hashed[bucket])
            guard used < 499 else { return nil }
            hashed[bucket] = UInt16(used + 1)
        }
        let k = (start + used) % 499
        let seq = sex == 1 ? 2 * k + 1 : 2 * k + 2
        return IDMaker.make(region: region, birth: birth, sequence: seq)
    }

    /// An older code of the county for someone born in `y`, sometimes: numbers keep the code of
    /// the county when they were issued (first ID cards from 1985, later at birth registration),
    /// so where the code changed after that, most older people carry the old one; a few born
    /// while an old code was in use carry it too.
    public func olderCode(birthYear y: Int, _ rng: inout SynthRandom) -> String? {
        let issued = max(y, 1985)
        if let o = olderCodes.first(where: { issued >= $0.first && issued <= $0.last }), rng.chance(0.6) { return o.code }
        if let o = olderCodes.first(where: { y >= $0.first && y <= $0.last }), rng.chance(0.12) { return o.code }
        return nil
    }

    /// A valid number for a person born in the county (an older code of it when `older` and
    /// `olderCode` says so) or elsewhere, falling back to the county's code and then to
    /// in-migrant codes when a day is full.
    public mutating func issue(birth: SynthDate, sex: Int, migrant: Bool, older: Bool, _ rng: inout SynthRandom) -> String {
        if older && !migrant, let o = olderCode(birthYear: birth.year, &rng),
           let id = issue(region: o, birth: birth, sex: sex) { return id }
        if !migrant, let id = issue(region: county, birth: birth, sex: sex) { return id }
        while true {
            if let id = issue(region: rng.pick(migrantCodes), birth: birth, sex: sex) { return id }
        }
    }

    /// An 18-digit number from its parts, with its check character.
    public static func make(region: String, birth: SynthDate, sequence: Int) -> String {
        let body = region + birth.compact + pad(sequence, 3)
        return body + String(IDNumber.checkCharacter(forFirst17: body)!)
    }

    /// The number with a wrong check character (never one ending in 000, which reads as Excel's).
    public static func badChecksum(_ id: String, _ rng: inout SynthRandom) -> String {
        let body = String(id.prefix(17))
        let right = id.last!
        var choices = IDNumber.checkCharacters.filter { $0 != right }
        if body.hasSuffix("00") { choices.removeAll { $0 == "0" } }
        return body + String(rng.pick(choices))
    }

    /// The number with one digit of its sequence mistyped (the check no longer fits; the
    /// sex digit, the last of the sequence, is kept).
    public static func typoInSequence(_ id: String, _ rng: inout SynthRandom) -> String {
        var u = Array(id.utf8)
        for _ in 0..<10 {
            let p = rng.int(14...15)
            let old = u[p]
            var d = UInt8(ascii: "0") + UInt8(rng.below(10))
            if d == old { d = d == UInt8(ascii: "9") ? UInt8(ascii: "0") : d + 1 }
            u[p] = d
            let s = String(decoding: u, as: UTF8.self)
            if let n = IDNumber(s), !n.checksumValid, !IDNumber.looksExcelCorrupted(s) { return s }
            u[p] = old
        }
        return badChecksum(id, &rng)
    }

    /// The 15-digit legacy form of a number of someone born in the 1900s.
    public static func fifteen(_ id: String) -> String? { IDNumber(id)?.fifteen }

    /// What Excel makes of a number stored as a number: `4.30321E+17`, or 15 significant
    /// digits and `000` (chosen so that the check fails, as it does in real exports).
    public static func excel(_ id: String, _ rng: inout SynthRandom) -> String {
        let digits = Array(id.prefix(15))
        let zeros = String(digits) + "000"
        if rng.chance(0.5), IDNumber(zeros).map({ !$0.checksumValid }) == true { return zeros }
        // Excel's General format: 6 significant digits, trailing zeros dropped.
        var mant = Array(String(digits[0..<6]))
        let round = Int(String(digits[6]))! >= 5
        if round {
            var k = 5
            while k >= 0 {
                if mant[k] == "9" { mant[k] = "0"; k -= 1 } else { mant[k] = Character(String(Int(String(mant[k]))! + 1)); break }
            }
        }
        var frac = String(mant.dropFirst())
        while frac.hasSuffix("0") { frac.removeLast() }
        return String(mant[0]) + (frac.isEmpty ? "" : "." + frac) + "E+17"
    }

    /// A one-digit typo in a list's copy of a number (anywhere in the date or sequence).
    public static func listTypo(_ id: String, _ rng: inout SynthRandom) -> String {
        var u = Array(id.utf8)
        for _ in 0..<20 {
            let p = rng.int(6...16)
            let old = u[p]
            u[p] = UInt8(ascii: "0") + UInt8((Int(old - 48) + rng.int(1...9)) % 10)
            let s = String(decoding: u, as: UTF8.self)
            if let n = IDNumber(s), !n.checksumValid { return s }
            u[p] = old
        }
        return badChecksum(id, &rng)
    }

    /// Export noise that normalize undoes: full-width digits, a lower-case x, inner spaces.
    public static func cosmetic(_ id: String, _ rng: inout SynthRandom) -> String {
        if id.hasSuffix("X") && rng.chance(0.7) { return String(id.dropLast()) + "x" }
        switch rng.below(3) {
        case 0: return String(String.UnicodeScalarView(id.unicodeScalars.map { sc in
            sc.value >= 0x30 && sc.value <= 0x39 ? Unicode.Scalar(sc.value - 0x30 + 0xFF10)! : sc }))
        case 1: return id + " "
        default: return String(id.prefix(6)) + " " + String(id.dropFirst(6))
        }
    }
}
