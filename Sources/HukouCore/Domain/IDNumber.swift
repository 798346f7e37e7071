// The citizen ID number (GB 11643-1999): structure, check character, the legacy 15-digit form
// and its upgrade, and the parts (region, birth date, sequence) that matching compares.

/// A citizen ID number split into its parts. Created only from text that has the right shape
/// (18 characters: 17 digits and a digit or X; or 15 digits); whether the check character and
/// the birth date are right is reported, never "repaired".
public struct IDNumber: Sendable, Hashable {
    /// The number as given, after `normalizeText` (upper-case X, no spaces, half-width digits).
    public let text: String
    /// 6-digit address code (GB/T 2260 county of registration at issue).
    public let region: String
    /// Year, month and day as encoded (the 15-digit form's year gets the `19` century).
    public let year: Int, month: Int, day: Int
    /// 3-digit sequence; odd for men, even for women.
    public let sequence: Int
    /// The check character of an 18-digit number (nil for 15 digits).
    public let check: Character?
    /// Whether this is a legacy 15-digit number.
    public var isLegacy15: Bool { check == nil }

    /// The weights of GB 11643's check character over the first 17 digits.
    public static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    /// S mod 11 → check character.
    public static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]
    /// The same as ASCII bytes (for checks on a number's bytes).
    public static let checkBytes: [UInt8] = checkCharacters.map { $0.asciiValue! }

    /// Parses text already normalized with `normalizeText`; nil when the shape is wrong.
    public init?(_ raw: String) {
        let u = Array(raw.utf8)
        func digits(_ r: Range<Int>) -> Int? {
            var v = 0
            for k in r {
                let d = Int(u[k]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        if u.count == 18 {
            guard digits(0..<17) != nil else { return nil }
            let last = u[17]
            guard (last >= 48 && last <= 57) || last == UInt8(ascii: "X") else { return nil }
            region = String(decoding: u[0..<6], as: UTF8.self)
            year = digits(6..<10)!
            month = digits(10..<12)!
            day = digits(12..<14)!
            sequence = digits(14..<17)!
            check = Character(Unicode.Scalar(last))
        } else if u.count == 15 {
            guard digits(0..<15) != nil else { return nil }
            region = String(decoding: u[0..<6], as: UTF8.self)
            year = 1900 + digits(6..<8)!
            month = digits(8..<10)!
            day = digits(10..<12)!
            sequence = digits(12..<15)!
            check = nil
        } else {
            return nil
        }
        text = raw
    }

    /// The check character for the first 17 characters of an 18-digit number.
    public static func checkCharacter(forFirst17 s: some StringProtocol) -> Character? {
        let u = Array(s.utf8)
        guard u.count >= 17 else { return nil }
        var sum = 0
        for k in 0..<17 {
            let d = Int(u[k]) - 48
            guard d >= 0 && d <= 9 else { return nil }
            sum += d * weights[k]
        }
        return checkCharacters[sum % 11]
    }

    /// Whether the check character is right (always false for 15 digits, which have none).
    public var checksumValid: Bool {
        guard let c = check else { return false }
        return IDNumber.checkCharacter(forFirst17: text) == c
    }

    /// Sex encoded by the sequence: 1 male (odd), 2 female (even), as GB/T 2261.1 codes.
    public var sexCode: String { sequence % 2 == 1 ? "1" : "2" }

    /// The encoded birth date as `YYYY-MM-DD` (not checked for validity).
    public var birthISO: String { isoDate(year, month, day) }

    /// Whether the encoded birth date is a real calendar date.
    public var birthDateIsReal: Bool { isRealDate(year: year, month: month, day: day) }

    /// The 18-digit form: itself for 18 digits, the GB 11643 upgrade for 15
    /// (insert `19` before YYMMDD and compute the check).
    public var eighteen: String {
        guard isLegacy15 else { return text }
        let u = Array(text.utf8)
        let body = String(decoding: u[0..<6], as: UTF8.self) + "19" + String(decoding: u[6..<15], as: UTF8.self)
        return body + String(IDNumber.checkCharacter(forFirst17: body)!)
    }

    /// The 15-digit form of an 18-digit number born in the 1900s (nil otherwise): the key that
    /// links a person's legacy and current numbers.
    public var fifteen: String? {
        if isLegacy15 { return text }
        guard year >= 1900 && year <= 1999 else { return nil }
        let u = Array(text.utf8)
        return String(decoding: u[0..<6] + u[8..<17], as: UTF8.self)
    }

    /// The kind of number by its address code: citizens, HK/Macau/Taiwan residence permits
    /// (810000/820000/830000), foreign permanent residents (numbers starting with 9, since 2023).
    public enum Holder: String, Sendable { case citizen, hongKong, macau, taiwan, foreigner }
    public var holder: Holder {
        switch region {
        case "810000": return .hongKong
        case "820000": return .macau
        case "830000": return .taiwan
        default: return region.hasPrefix("9") ? .foreigner : .citizen
        }
    }

    /// Normalizes ID text as found in exports: full-width digits and letters to ASCII, spaces
    /// (ASCII, no-break, full-width) removed, `x` → `X`. Nothing else is changed.
    public static func normalizeText(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for sc in s.unicodeScalars {
            switch sc.value {
            case 0x20, 0x09, 0xA0, 0x3000: continue
            case 0xFF10...0xFF19: out.append(Unicode.Scalar(sc.value - 0xFF10 + 0x30)!)
            case 0xFF38, 0xFF58: out.append("X")  // Ｘ ｘ
            case 0x78: out.append("X")
            default: out.append(sc)
            }
        }
        return String(out)
    }

    /// Whether text looks like an ID number destroyed by a spreadsheet: scientific notation
    /// (`4.30321E+17`), or 18 digits ending in `000` whose check fails (15 significant digits kept).
    public static func looksExcelCorrupted(_ s: String) -> Bool {
        let t = s.uppercased()
        if t.contains("E+") || t.contains("E17") {
            let mantissa = t.split(separator: "E").first ?? ""
            if !mantissa.isEmpty && mantissa.allSatisfy({ $0.isNumber || $0 == "." }) { return true }
        }
        if t.utf8.count == 18, t.hasSuffix("000"), t.allSatisfy({ $0.isASCII && $0.isNumber }),
           let id = IDNumber(t), !id.checksumValid {
            return true
        }
        return false
    }
}

/// `YYYY-MM-DD` with zero padding.
public func isoDate(_ y: Int, _ m: Int, _ d: Int) -> String {
    // The common case written straight into the string's storage (no interpolation).
    if y >= 0 && y <= 9999 && m >= 0 && m <= 99 && d >= 0 && d <= 99 {
        return String(unsafeUninitializedCapacity: 10) { b in
            b[0] = UInt8(48 + y / 1000); b[1] = UInt8(48 + y / 100 % 10); b[2] = UInt8(48 + y / 10 % 10); b[3] = UInt8(48 + y % 10)
            b[4] = 0x2D; b[5] = UInt8(48 + m / 10); b[6] = UInt8(48 + m % 10)
            b[7] = 0x2D; b[8] = UInt8(48 + d / 10); b[9] = UInt8(48 + d % 10)
            return 10
        }
    }
    func pad(_ v: Int, _ w: Int) -> String {
        let s = String(v)
        return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
    }
    return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
}

/// Whether y-m-d is a real proleptic Gregorian date (leap years included; any year ≥ 1).
public func isRealDate(year y: Int, month m: Int, day d: Int) -> Bool {
    guard y >= 1, m >= 1, m <= 12, d >= 1 else { return false }
    switch m {
    case 2:
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        return d <= (leap ? 29 : 28)
    case 4, 6, 9, 11: return d <= 30
    default: return d <= 31
    }
}
