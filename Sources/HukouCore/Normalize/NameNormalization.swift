// Names: the normalized form of a registered name (dots, spaces, private-use remaps; never NFKC)
// and the derived comparison keys (folded simplified form, toneless pinyin, surname / given name).
//
// ICU transforms are slow per call (tens of microseconds), and names repeat the same few thousand
// characters, so every ICU result is cached per character (per surname for the surname reading).
import Foundation

/// Normalizes a name as found in an export: private-use code points of the GB18030 user-defined
/// areas are remapped, leading and trailing spaces (ASCII, no-break, ideographic) trimmed, the
/// middle-dot variants between two name parts become U+00B7, spaces inside a Han name are
/// removed (a Latin name keeps single ASCII spaces between words). No NFKC: it would change CJK
/// compatibility ideographs.
public func normalizeName(_ raw: String) -> String {
    // Fast path: plain Han names (the overwhelming majority) have nothing to change.
    if isPlainHan(raw) { return raw }

    var scalars: [Unicode.Scalar] = []
    scalars.reserveCapacity(raw.unicodeScalars.count)
    let pua = Tables.puaRemap
    for sc in raw.unicodeScalars {
        if sc.value >= 0xE000 && sc.value <= 0xF8FF, let m = pua[sc.value], let u = Unicode.Scalar(m) {
            scalars.append(u)
        } else {
            scalars.append(sc)
        }
    }
    // Trim.
    while let f = scalars.first, isNameSpace(f) { scalars.removeFirst() }
    while let l = scalars.last, isNameSpace(l) { scalars.removeLast() }

    let hasHan = scalars.contains(where: isHan)
    let hasLatin = scalars.contains(where: isLatinLetter)
    var out = String.UnicodeScalarView()
    var k = 0
    while k < scalars.count {
        let sc = scalars[k]
        if isDotVariant(sc) {
            // A dot between two parts (spaces around it allowed) is the name separator.
            var before = out.count
            while before > 0, isNameSpace(out[out.index(out.startIndex, offsetBy: before - 1)]) { before -= 1 }
            var after = k + 1
            while after < scalars.count, isNameSpace(scalars[after]) { after += 1 }
            let prevOK = before > 0 && isNamePart(out[out.index(out.startIndex, offsetBy: before - 1)])
            let nextOK = after < scalars.count && isNamePart(scalars[after])
            if prevOK && nextOK {
                while out.count > before { out.removeLast() }
                out.append("\u{00B7}")
                k = after
                continue
            }
            out.append(sc)
            k += 1
            continue
        }
        if isNameSpace(sc) {
            if hasHan && !hasLatin {
                k += 1
                continue
            }
            // Latin (or mixed) names: one ASCII space between words.
            if let last = out.last, !isNameSpace(last), last != "\u{00B7}" { out.append(" ") }
            k += 1
            continue
        }
        out.append(sc)
        k += 1
    }
    while let l = out.last, isNameSpace(l) { out.removeLast() }
    return String(out)
}

/// Whether every character is in U+4E00…U+9FFF (the empty string too), checked on the UTF-8
/// bytes: three-byte sequences led by E4 (second byte from B8 on) to E9.
@inline(__always) func isPlainHan(_ s: String) -> Bool {
    var s = s
    return s.withUTF8 { b in
        var k = 0
        let n = b.count
        while k < n {
            let lead = b[k]
            guard lead >= 0xE4 && lead <= 0xE9, k + 2 < n, lead != 0xE4 || b[k + 1] >= 0xB8 else { return false }
            k += 3
        }
        return true
    }
}

/// Spaces found in names: ASCII space and tab, no-break space, ideographic (full-width) space,
/// and the other Unicode spaces exports carry.
@inlinable func isNameSpace(_ sc: Unicode.Scalar) -> Bool {
    switch sc.value {
    case 0x20, 0x09, 0xA0, 0x3000, 0x2000...0x200B, 0x202F, 0x205F, 0xFEFF: return true
    default: return false
    }
}

/// The middle-dot variants exports put between the parts of a minority name.
@inlinable func isDotVariant(_ sc: Unicode.Scalar) -> Bool {
    switch sc.value {
    case 0x00B7, 0x2022, 0x30FB, 0x2027, 0x22C5, 0x2219, 0xFF0E, 0x002E, 0xFF65, 0x0387, 0x2E31, 0x16EB: return true
    default: return false
    }
}

/// Han ideographs (unified, extensions, compatibility).
@inlinable func isHan(_ sc: Unicode.Scalar) -> Bool {
    let v = sc.value
    return (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0x20000 && v <= 0x323AF)
        || (v >= 0xF900 && v <= 0xFAFF) || v == 0x3007
}

@inlinable func isLatinLetter(_ sc: Unicode.Scalar) -> Bool {
    let v = sc.value
    return (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || (v >= 0xC0 && v <= 0x24F && v != 0xD7 && v != 0xF7)
        || (v >= 0xFF21 && v <= 0xFF3A) || (v >= 0xFF41 && v <= 0xFF5A)
}

/// A character that can stand on either side of a name separator.
@inlinable func isNamePart(_ sc: Unicode.Scalar) -> Bool { isHan(sc) || isLatinLetter(sc) || (sc.value >= 0xE000 && sc.value <= 0xF8FF) }

/// The comparison keys of a name (FORMATS.md, `keys`).
public struct NameKeys: Sendable, Hashable {
    /// Simplified characters, dots unified, no spaces, Latin letters lower-cased.
    public var fold: String
    /// Toneless pinyin, lower case, no spaces (`wangwei`; ü as `v`); the surname read as a surname.
    public var pinyin: String
    /// The surname (compound surnames such as 欧阳 recognised); "" for dotted minority names.
    public var surname: String
    /// The given name (the whole folded name for dotted minority names).
    public var given: String

    public init(fold: String, pinyin: String, surname: String, given: String) {
        self.fold = fold
        self.pinyin = pinyin
        self.surname = surname
        self.given = given
    }

    /// The keys of a (normalized) name, computed with the process-wide cache.
    public init(name: String) {
        self = NameKeyer.shared.withLock { $0.keys(name) }
    }
}

/// Computes name keys with per-character caches of ICU results. Not thread-safe: a stage owns
/// one; `NameKeyer.shared` is a lock-guarded one for occasional callers.
public final class NameKeyer {
    // Per-character caches of ICU and table results, flat over the BMP (a dictionary lookup per
    // character cost more than the rest of the key computation); other planes use dictionaries.
    private var simplifiedBMP = [UInt32](repeating: 0, count: 0x10000)
    private var simplifiedOther: [UInt32: UInt32] = [:]
    private var readingBMP = [String?](repeating: nil, count: 0x10000)
    private var readingOther: [UInt32: String] = [:]
    private var surnameReading: [UTF8Key: String] = [:]
    /// Readings of one-character surnames, flat over the BMP (most surnames are one character).
    private var surnameBMP = [String?](repeating: nil, count: 0x10000)
    private let compound: FrozenStrings

    public init() {
        compound = FrozenStrings(Tables.compoundSurnames)
    }

    /// A lock-guarded keyer shared by the process (for callers without their own).
    public static let shared = LockedKeyer()

    /// Keys of names already seen (names repeat heavily: a 1M-person county has about 300,000
    /// different names; cleared when it reaches its cap, which bounds the memory).
    private var cache = BytesTable<NameKeys>(capacity: 1 << 15)
    private let cacheCap = 400_000

    /// The keys of a normalized name.
    public func keys(_ name: String) -> NameKeys {
        if let k = cache.get(name) { return k }
        let k = computeKeys(name)
        if cache.count >= cacheCap { cache.removeAll() }
        cache.addNew(name, k)
        return k
    }

    /// Reused buffers of the key computation (no allocation per name beyond the key strings).
    private var scalars: [Unicode.Scalar] = []
    private var bytes: [UInt8] = []

    func computeKeys(_ name: String) -> NameKeys {
        // Fold into scalars and UTF-8 bytes at once (simplified, no spaces, Latin lower-cased).
        scalars.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        var hasHan = false, hasDot = false
        var ends: (Int, Int) = (0, 0)  // byte offsets after the first and second scalar
        for sc in name.unicodeScalars {
            if isNameSpace(sc) { continue }
            var f = sc
            if isHan(sc) {
                f = simplify(sc)
                hasHan = true
            } else if sc.value >= 0x41 && sc.value <= 0x5A {
                f = Unicode.Scalar(sc.value + 32)!
            } else if sc.value == 0xB7 {
                hasDot = true
            }
            scalars.append(f)
            appendUTF8(f, to: &bytes)
            if scalars.count == 1 { ends.0 = bytes.count } else if scalars.count == 2 { ends.1 = bytes.count }
        }
        let fold = String(decoding: bytes, as: UTF8.self)
        if scalars.isEmpty || hasDot || !hasHan {
            // Minority names with a separator, and Latin names: no surname split.
            return NameKeys(fold: fold, pinyin: pinyin(of: scalars, surnameLength: 0), surname: "", given: fold)
        }
        var sl = 1
        if scalars.count >= 3 && bytes.withUnsafeBufferPointer({ compound.find(UnsafeBufferPointer(rebasing: $0[0..<ends.1])) }) != nil { sl = 2 }
        let cut = sl == 1 ? ends.0 : ends.1
        let surname = String(decoding: bytes[0..<cut], as: UTF8.self)
        let given = String(decoding: bytes[cut...], as: UTF8.self)
        return NameKeys(fold: fold, pinyin: pinyin(of: scalars, surnameLength: sl), surname: surname, given: given)
    }

    /// The folded name: simplified characters (ICU Hant-Hans, cached per character), no spaces,
    /// Latin letters lower-cased.
    public func fold(_ name: String) -> String {
        var out = String.UnicodeScalarView()
        for sc in name.unicodeScalars {
            if isNameSpace(sc) { continue }
            if isHan(sc) {
                out.append(simplify(sc))
            } else if sc.value >= 0x41 && sc.value <= 0x5A {
                out.append(Unicode.Scalar(sc.value + 32)!)
            } else {
                out.append(sc)
            }
        }
        return String(out)
    }

    /// The simplified form of one Han character (itself when it has none, or when ICU gives
    /// more than one character).
    public func simplify(_ sc: Unicode.Scalar) -> Unicode.Scalar {
        let v = sc.value
        if v < 0x10000 {
            let c = simplifiedBMP[Int(v)]
            if c != 0 { return Unicode.Scalar(c)! }
        } else if let c = simplifiedOther[v] {
            return Unicode.Scalar(c)!
        }
        let one = String(Character(sc))
        let t = one.applyingTransform(StringTransform("Hant-Hans"), reverse: false) ?? one
        let scs = Array(t.unicodeScalars)
        let r = scs.count == 1 ? scs[0] : sc
        if v < 0x10000 { simplifiedBMP[Int(v)] = r.value } else { simplifiedOther[v] = r.value }
        return r
    }

    /// Toneless pinyin of a folded name; the first `surnameLength` characters are read as a surname.
    func pinyin(of sc: [Unicode.Scalar], surnameLength: Int) -> String {
        // Built as bytes: a String grown by += lives on the heap even when the result would fit
        // in a small (inline) string.
        pinyinBytes.removeAll(keepingCapacity: true)
        if surnameLength > 0 {
            if surnameLength == 1 && sc[0].value < 0x10000 {
                let v = Int(sc[0].value)
                if let r = surnameBMP[v] {
                    pinyinBytes.append(contentsOf: r.utf8)
                } else {
                    let r = surnameRead(String(Character(sc[0])))
                    surnameBMP[v] = r
                    pinyinBytes.append(contentsOf: r.utf8)
                }
            } else {
                pinyinBytes.append(contentsOf: surnameRead(String(String.UnicodeScalarView(sc[0..<surnameLength]))).utf8)
            }
        }
        for s in sc[surnameLength...] {
            if isHan(s) {
                pinyinBytes.append(contentsOf: commonReading(s).utf8)
            } else if isLatinLetter(s) {
                pinyinBytes.append(contentsOf: detone(String(Character(s))).utf8)
            }
        }
        return String(decoding: pinyinBytes, as: UTF8.self)
    }
    private var pinyinBytes: [UInt8] = []

    /// The most common reading of a character, toneless (the vendored table; ICU when absent).
    public func commonReading(_ sc: Unicode.Scalar) -> String {
        let v = sc.value
        if v < 0x10000 {
            if let r = readingBMP[Int(v)] { return r }
        } else if let r = readingOther[v] {
            return r
        }
        var r: String
        if let all = Tables.pinyin[v], let first = all.first {
            r = String(first.filter { !$0.isNumber })
        } else {
            let one = String(Character(sc))
            r = detone(one.applyingTransform(.mandarinToLatin, reverse: false) ?? "")
            if r == one { r = "" }
        }
        if v < 0x10000 { readingBMP[Int(v)] = r } else { readingOther[v] = r }
        return r
    }

    /// A surname's reading (ICU Han-Latin/Names: 曾 → zeng, 单 → shan), toneless, cached.
    public func surnameRead(_ s: String) -> String {
        if let r = surnameReading[UTF8Key(s)] { return r }
        var r = detone(s.applyingTransform(StringTransform("Han-Latin/Names"), reverse: false) ?? "")
        r.removeAll { $0 == " " || $0 == "'" }
        if r.isEmpty || r.unicodeScalars.contains(where: isHan) {
            r = s.unicodeScalars.map { commonReading($0) }.joined()
        }
        surnameReading[UTF8Key(s)] = r
        return r
    }
}

/// A NameKeyer behind a lock, for callers that share one across threads.
public final class LockedKeyer: @unchecked Sendable {
    private let lock = NSLock()
    private let keyer = NameKeyer()
    /// Runs `body` with the keyer while holding the lock.
    public func withLock<T>(_ body: (NameKeyer) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(keyer)
    }
}

/// Removes tone marks from pinyin (ü → v), lower-cased.
public func detone(_ s: String) -> String {
    var out = String.UnicodeScalarView()
    for sc in s.lowercased().unicodeScalars {
        switch sc {
        case "ā", "á", "ǎ", "à": out.append("a")
        case "ē", "é", "ě", "è": out.append("e")
        case "ī", "í", "ǐ", "ì": out.append("i")
        case "ō", "ó", "ǒ", "ò": out.append("o")
        case "ū", "ú", "ǔ", "ù": out.append("u")
        case "ǖ", "ǘ", "ǚ", "ǜ", "ü": out.append("v")
        case "ń", "ň", "ǹ": out.append("n")
        case "ḿ": out.append("m")
        case "\u{0300}", "\u{0301}", "\u{0304}", "\u{030C}": continue
        case "\u{0308}":
            if out.last == "u" { out.removeLast() }
            out.append("v")
        default: out.append(sc)
        }
    }
    return String(out)
}

/// Appends the UTF-8 encoding of a scalar.
@inline(__always) func appendUTF8(_ sc: Unicode.Scalar, to b: inout [UInt8]) {
    let v = sc.value
    switch v {
    case 0..<0x80: b.append(UInt8(v))
    case 0x80..<0x800:
        b.append(UInt8(0xC0 | (v >> 6))); b.append(UInt8(0x80 | (v & 0x3F)))
    case 0x800..<0x10000:
        b.append(UInt8(0xE0 | (v >> 12))); b.append(UInt8(0x80 | ((v >> 6) & 0x3F))); b.append(UInt8(0x80 | (v & 0x3F)))
    default:
        b.append(UInt8(0xF0 | (v >> 18))); b.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
        b.append(UInt8(0x80 | ((v >> 6) & 0x3F))); b.append(UInt8(0x80 | (v & 0x3F)))
    }
}
