// The JSON data model of the record stream: values and key-ordered objects.
//
// Objects keep their keys in insertion order (never a Dictionary's order), so output is
// byte-for-byte deterministic. Numbers keep their exact lexeme, so a pass-through stage
// writes `1.50` back as `1.50`, not as a re-formatted Double.

/// One JSON value. Numbers are kept as their validated RFC 8259 lexeme.
public enum JSONValue: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The string payload, or nil for any other kind of value.
    @inlinable public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The object payload, or nil.
    @inlinable public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The array payload, or nil.
    @inlinable public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// A number as Double (nil for non-numbers).
    public var doubleValue: Double? {
        if case .number(let s) = self { return Double(s) }
        return nil
    }

    /// A number as Int when it is integral and fits (nil otherwise).
    public var intValue: Int? {
        if case .number(let s) = self { return Int(s) ?? Double(s).flatMap { $0 == $0.rounded() ? Int(exactly: $0) : nil } }
        return nil
    }

    /// A JSON number value from an integer.
    @inlinable public static func int(_ v: Int) -> JSONValue { .number(String(v)) }

    /// A JSON number value from a Double, written with up to `digits` decimals and no trailing zeros.
    public static func double(_ v: Double, digits: Int = 4) -> JSONValue {
        guard v.isFinite else { return .null }
        return .number(formatDecimal(v, digits: digits))
    }

    /// An array of strings.
    @inlinable public static func strings(_ a: [String]) -> JSONValue { .array(a.map { .string($0) }) }
}

/// Formats a Double with at most `digits` decimals, stable across platforms (no locale, no exponent).
public func formatDecimal(_ v: Double, digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (v * scale).rounded() / scale
    if r == r.rounded(), abs(r) < 1e15 { return String(Int(r)) }
    var s = String(Int((abs(r) * scale).rounded()))
    while s.count <= digits { s = "0" + s }
    let cut = s.index(s.endIndex, offsetBy: -digits)
    var frac = String(s[cut...])
    while frac.hasSuffix("0") { frac.removeLast() }
    return (r < 0 ? "-" : "") + String(s[..<cut]) + (frac.isEmpty ? "" : "." + frac)
}

/// One key/value pair of an object.
public struct JSONField: Sendable, Equatable, Hashable {
    public var key: String
    public var value: JSONValue
    @inlinable public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// A JSON object whose keys keep their order. Lookups are linear: records have a few dozen
/// keys at most, where a scan beats hashing.
public struct JSONObject: Sendable, Equatable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public var fields: ContiguousArray<JSONField>

    @inlinable public init() { fields = [] }
    @inlinable public init(fields: ContiguousArray<JSONField>) { self.fields = fields }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        fields = ContiguousArray(elements.map { JSONField($0.0, $0.1) })
    }

    @inlinable public var count: Int { fields.count }

    /// The identity of the storage of `fields`. Arrays copy on write, so while this object is
    /// alive, another object with the same identity holds the very same fields, unchanged: the
    /// driver recognises a record a stage passes on as it was read (see PassThroughLine).
    @inlinable public var storageIdentity: UnsafeRawPointer? {
        fields.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }
    @inlinable public var keys: [String] { fields.map(\.key) }
    @inlinable public func makeIterator() -> IndexingIterator<ContiguousArray<JSONField>> { fields.makeIterator() }

    /// The index of `key`, if present.
    @inlinable public func index(of key: String) -> Int? {
        for i in fields.indices where fields[i].key == key { return i }
        return nil
    }

    /// Gets a value; setting replaces it in place, appends a new key at the end, or removes with nil.
    @inlinable public subscript(key: String) -> JSONValue? {
        get {
            for f in fields where f.key == key { return f.value }
            return nil
        }
        set {
            if let i = index(of: key) {
                if let v = newValue { fields[i].value = v } else { fields.remove(at: i) }
            } else if let v = newValue {
                fields.append(JSONField(key, v))
            }
        }
    }

    /// The string at `key`, or nil when absent or not a string.
    @inlinable public func string(_ key: String) -> String? { self[key]?.stringValue }

    /// Appends without checking for an existing key (for builders that know keys are new).
    @inlinable public mutating func append(_ key: String, _ value: JSONValue) {
        fields.append(JSONField(key, value))
    }
}

/// Index of the first byte in `p[from..<n]` that is `"`, `\` or a control character (< 0x20),
/// or `n` when there is none. Eight bytes are tested at a time (SWAR), the tail with one
/// overlapping load: this scan is the inner loop of both the parser and the writer, and most
/// strings of a record are shorter than a word or two (a byte loop over the tail was the
/// writer's hottest instructions, measured with perf on `hukou normalize`).
@inline(__always)
func firstSpecialJSONByte(_ p: UnsafePointer<UInt8>, from: Int, count n: Int) -> Int {
    var k = from
    let raw = UnsafeRawPointer(p)
    while k + 8 <= n {
        let m = specialJSONBytes(raw.loadUnaligned(fromByteOffset: k, as: UInt64.self))
        // The lowest flagged byte is exact (borrows only flag bytes above a real match).
        if m != 0 { return k + m.trailingZeroBitCount >> 3 }
        k += 8
    }
    if k == n { return n }
    // Fewer than 8 bytes left: test them with loads that end at `n` and start at or after `from`
    // (they may overlap bytes already tested, which are clean); a hit is located byte by byte.
    if n - from >= 8 {
        if specialJSONBytes(raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) == 0 { return n }
    } else if n - k >= 4 {
        let w = UInt64(raw.loadUnaligned(fromByteOffset: k, as: UInt32.self))
            | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
        if specialJSONBytes(w) == 0 { return n }
    }
    while k < n {
        let c = p[k]
        if c < 0x20 || c == 0x22 || c == 0x5C { return k }
        k += 1
    }
    return n
}

/// The letter of the two-character escape JSON has for byte `c` (`\"` `\\` `\n` `\r` `\t` `\b`
/// `\f`), or nil. JSONWriter writes these and `\u00xx` (lower case) for the other control
/// characters; the parser counts exactly those forms as canonical.
@inline(__always)
func shortJSONEscape(_ c: UInt8) -> UInt8? {
    switch c {
    case 0x22: return 0x22
    case 0x5C: return 0x5C
    case 0x0A: return UInt8(ascii: "n")
    case 0x0D: return UInt8(ascii: "r")
    case 0x09: return UInt8(ascii: "t")
    case 0x08: return UInt8(ascii: "b")
    case 0x0C: return UInt8(ascii: "f")
    default: return nil
    }
}

/// The high bit of each byte of `x` that is `"`, `\` or below 0x20 (and possibly of bytes above
/// such a byte, never below the lowest one).
@inline(__always)
func specialJSONBytes(_ x: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let quote = x ^ (ones &* 0x22)
    let slash = x ^ (ones &* 0x5C)
    let hasQuote = (quote &- ones) & ~quote
    let hasSlash = (slash &- ones) & ~slash
    let hasControl = (x &- ones &* 0x20) & ~x
    return (hasQuote | hasSlash | hasControl) & 0x8080_8080_8080_8080
}
