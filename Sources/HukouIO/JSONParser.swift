// A byte-level RFC 8259 JSON parser for one NDJSON line.
//
// Written by hand because Foundation's JSON is far too slow for the record stream: measured on a
// 1M-record file, JSONDecoder+Encoder ran at ~15 MB/s and JSONSerialization at ~3 MB/s, against
// 160–250 MB/s for a byte-level codec (issue #2). It is a strict parser: escapes, `\u` surrogate
// pairs, the number grammar, nesting, and UTF-8 validity are all checked; anything else is an error
// with a reason a person can act on (never the line's content, which may be personal data).

/// Why a line is not valid JSON (the message names the problem, never the data).
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    public let message: String
    /// Byte offset within the line, 0-based.
    public let offset: Int
    public var description: String { "\(message) at byte \(offset + 1)" }
}

/// Parses JSON text from a byte buffer. Cheap to create; parse one document per call.
public struct JSONParser {
    @usableFromInline let base: UnsafePointer<UInt8>
    @usableFromInline let end: Int
    @usableFromInline var i: Int = 0
    @usableFromInline var scratch: [UInt8] = []
    /// Whether the text seen so far is exactly what JSONWriter writes for the parsed value: no
    /// whitespace between tokens and no escape the writer would write differently. A record read
    /// from such a line and passed on unchanged can be written as the same bytes (see
    /// PassThroughLine), sparing its serialization.
    @usableFromInline var canonical = true
    /// Recently made strings, reused when the same bytes come again (nil: make every string).
    @usableFromInline let cache: StringCache?
    static let maxDepth = 256

    init(_ buf: UnsafeBufferPointer<UInt8>, cache: StringCache? = nil) {
        // An empty buffer has a nil base address; point at a static byte instead.
        self.base = buf.baseAddress ?? JSONParser.emptyByte
        self.end = buf.count
        self.cache = cache
    }
    nonisolated(unsafe) static let emptyByte: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.pointee = 0
        return UnsafePointer(p)
    }()

    /// Parses a buffer that must hold exactly one JSON value (surrounding whitespace allowed).
    public static func parse(_ buf: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        // The line is validated once up front; String(validating:) per string measured 2× slower.
        try validateUTF8(buf)
        var p = JSONParser(buf)
        p.skipWS()
        let v = try p.value(depth: 0)
        p.skipWS()
        if p.i != p.end { throw p.fail("unexpected data after the JSON value") }
        return v
    }

    /// Parses a buffer that must hold one JSON object (an NDJSON record line).
    public static func parseObject(_ buf: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONObject {
        try parseRecord(buf).object
    }

    /// Parses one NDJSON record line, and tells whether the line is byte for byte what
    /// JSONWriter.writeObject writes for the object (`canonical`).
    /// `cache` (one per thread) spares making the same short strings again.
    public static func parseRecord(_ buf: UnsafeBufferPointer<UInt8>, cache: StringCache? = nil) throws(JSONParseError) -> (object: JSONObject, canonical: Bool) {
        try validateUTF8(buf)
        var p = JSONParser(buf, cache: cache)
        p.skipWS()
        guard p.i < p.end else { throw p.fail("empty line") }
        guard p.base[p.i] == UInt8(ascii: "{") else { throw p.fail("a record must be a JSON object") }
        let o = try p.object(depth: 0)
        p.skipWS()
        if p.i != p.end { throw p.fail("unexpected data after the JSON object") }
        return (o, p.canonical)
    }

    /// Parses a Swift string holding one JSON value.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var t = text
        let r: Result<JSONValue, JSONParseError> = t.withUTF8 { b in
            do throws(JSONParseError) { return .success(try parse(b)) } catch { return .failure(error) }
        }
        return try r.get()
    }

    @inline(__always) func fail(_ m: String) -> JSONParseError { JSONParseError(message: m, offset: i) }

    @inline(__always) mutating func skipWS() {
        while i < end {
            let c = base[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1; canonical = false } else { break }
        }
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard i < end else { throw fail("unexpected end of line") }
        switch base[i] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"): return .object(try object(depth: depth))
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard end - i >= n else { throw fail("invalid literal") }
        let w = word.utf8Start
        for k in 0..<n where base[i + k] != w[k] { throw fail("invalid literal") }
        i += n
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSONObject {
        if depth >= JSONParser.maxDepth { throw fail("nesting deeper than \(JSONParser.maxDepth)") }
        i += 1  // {
        var fields = ContiguousArray<JSONField>()
        fields.reserveCapacity(24)
        skipWS()
        if i < end && base[i] == UInt8(ascii: "}") { i += 1; return JSONObject(fields: fields) }
        while true {
            skipWS()
            guard i < end, base[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let k = try string()
            skipWS()
            guard i < end, base[i] == UInt8(ascii: ":") else { throw fail("expected ':' after key") }
            i += 1
            skipWS()
            let v = try value(depth: depth + 1)
            fields.append(JSONField(k, v))
            skipWS()
            guard i < end else { throw fail("unterminated object") }
            let c = base[i]
            i += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "}") { return JSONObject(fields: fields) }
            i -= 1
            throw fail("expected ',' or '}' in object")
        }
    }

    mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        if depth >= JSONParser.maxDepth { throw fail("nesting deeper than \(JSONParser.maxDepth)") }
        i += 1  // [
        var items: [JSONValue] = []
        skipWS()
        if i < end && base[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipWS()
            items.append(try value(depth: depth + 1))
            skipWS()
            guard i < end else { throw fail("unterminated array") }
            let c = base[i]
            i += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "]") { return .array(items) }
            i -= 1
            throw fail("expected ',' or ']' in array")
        }
    }

    mutating func number() throws(JSONParseError) -> String {
        let start = i
        if base[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end, isDigit(base[i]) else { throw fail("invalid number") }
        if base[i] == UInt8(ascii: "0") {
            i += 1
            if i < end && isDigit(base[i]) { throw fail("invalid number: leading zero") }
        } else {
            while i < end && isDigit(base[i]) { i += 1 }
        }
        if i < end && base[i] == UInt8(ascii: ".") {
            i += 1
            guard i < end, isDigit(base[i]) else { throw fail("invalid number: no digit after '.'") }
            while i < end && isDigit(base[i]) { i += 1 }
        }
        if i < end && (base[i] == UInt8(ascii: "e") || base[i] == UInt8(ascii: "E")) {
            i += 1
            if i < end && (base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < end, isDigit(base[i]) else { throw fail("invalid number: no digit in exponent") }
            while i < end && isDigit(base[i]) { i += 1 }
        }
        return String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
    }

    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    mutating func string() throws(JSONParseError) -> String {
        i += 1  // opening quote
        let start = i
        // Fast path: no escapes.
        i = firstSpecialJSONByte(base, from: i, count: end)
        while i < end {
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                let s = cache?.string(base + start, i - start)
                    ?? String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
                i += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw fail("control character in string") }
            i += 1
        }
        guard i < end else { throw fail("unterminated string") }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: i - start))
        while i < end {
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if c < 0x20 { throw fail("control character in string") }
            if c != UInt8(ascii: "\\") { scratch.append(c); i += 1; continue }
            i += 1
            guard i < end else { throw fail("unterminated escape") }
            let e = base[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F); canonical = false
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var cp = try hex4()
                // The writer writes \u only for the control characters without a short form,
                // in lower case; any other \u text differs from what it would write.
                if canonical && !(cp < 0x20 && shortJSONEscape(UInt8(cp)) == nil
                    && (i - 4..<i).allSatisfy({ base[$0] < UInt8(ascii: "A") || base[$0] > UInt8(ascii: "F") })) {
                    canonical = false
                }
                if cp >= 0xD800 && cp <= 0xDBFF {
                    guard end - i >= 6, base[i] == UInt8(ascii: "\\"), base[i + 1] == UInt8(ascii: "u") else {
                        throw fail("lone high surrogate in \\u escape")
                    }
                    i += 2
                    let lo = try hex4()
                    guard lo >= 0xDC00 && lo <= 0xDFFF else { throw fail("high surrogate not followed by a low surrogate") }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                } else if cp >= 0xDC00 && cp <= 0xDFFF {
                    throw fail("lone low surrogate in \\u escape")
                }
                appendUTF8(cp)
            default:
                i -= 1
                throw fail("invalid escape")
            }
        }
        throw fail("unterminated string")
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard end - i >= 4 else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = base[i]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - 0x41 + 10)
            default: throw fail("invalid hex digit in \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    mutating func appendUTF8(_ cp: UInt32) {
        if cp < 0x80 {
            scratch.append(UInt8(cp))
        } else if cp < 0x800 {
            scratch.append(UInt8(0xC0 | (cp >> 6)))
            scratch.append(UInt8(0x80 | (cp & 0x3F)))
        } else if cp < 0x10000 {
            scratch.append(UInt8(0xE0 | (cp >> 12)))
            scratch.append(UInt8(0x80 | ((cp >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (cp & 0x3F)))
        } else {
            scratch.append(UInt8(0xF0 | (cp >> 18)))
            scratch.append(UInt8(0x80 | ((cp >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((cp >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (cp & 0x3F)))
        }
    }
}

/// Checks that a buffer is well-formed UTF-8 (see firstInvalidUTF8).
public func validateUTF8(_ buf: UnsafeBufferPointer<UInt8>) throws(JSONParseError) {
    guard let p = buf.baseAddress, let bad = firstInvalidUTF8(p, buf.count) else { return }
    throw JSONParseError(message: bad.truncated ? "invalid UTF-8 (truncated sequence)" : "invalid UTF-8", offset: bad.offset)
}
