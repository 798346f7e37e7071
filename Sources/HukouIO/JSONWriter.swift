// Serializes JSON values to bytes: compact, keys in the object's own order, UTF-8 written raw.
//
// The byte-level twin of JSONParser (see there for why it is hand-written). Strings are escaped
// minimally and canonically: `"` `\` and control characters only, so the same record always
// gives the same bytes.

/// Appends the compact JSON form of values to a growable byte buffer.
public struct JSONWriter {
    /// The bytes written so far.
    public var bytes: [UInt8] = []

    public init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    /// Appends one object and a newline: one NDJSON record.
    @inlinable public mutating func writeRecordLine(_ o: JSONObject) {
        writeObject(o)
        bytes.append(0x0A)
    }

    public mutating func write(_ v: JSONValue) {
        switch v {
        case .null: appendASCII("null")
        case .bool(let b): appendASCII(b ? "true" : "false")
        case .number(let s): writeRaw(s)
        case .string(let s): writeString(s)
        case .array(let a):
            bytes.append(UInt8(ascii: "["))
            var first = true
            for item in a {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                write(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let o): writeObject(o)
        }
    }

    public mutating func writeObject(_ o: JSONObject) {
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for f in o.fields {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            writeString(f.key)
            bytes.append(UInt8(ascii: ":"))
            write(f.value)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    @inline(__always) mutating func appendASCII(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    @inline(__always) mutating func writeRaw(_ s: String) {
        if let done: Void = s.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) {
            _ = done
        } else {
            bytes.append(contentsOf: s.utf8)
        }
    }

    public mutating func writeString(_ s: String) {
        bytes.append(0x22)
        let fast: Bool? = s.utf8.withContiguousStorageIfAvailable { buf in
            var runStart = 0
            var k = 0
            let n = buf.count
            while k < n {
                let c = buf[k]
                if c >= 0x20 && c != 0x22 && c != 0x5C { k += 1; continue }
                if k > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<k])) }
                escape(c)
                k += 1
                runStart = k
            }
            if n > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<n])) }
            return true
        }
        if fast == nil {
            for c in s.utf8 {
                if c >= 0x20 && c != 0x22 && c != 0x5C { bytes.append(c) } else { escape(c) }
            }
        }
        bytes.append(0x22)
    }

    @inline(__always) mutating func escape(_ c: UInt8) {
        bytes.append(0x5C)
        switch c {
        case 0x22: bytes.append(0x22)
        case 0x5C: bytes.append(0x5C)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            bytes.append(UInt8(ascii: "u"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(hex[Int(c >> 4)])
            bytes.append(hex[Int(c & 15)])
        }
    }

    /// The compact JSON text of one value (for tests, messages and small outputs).
    public static func string(_ v: JSONValue) -> String {
        var w = JSONWriter(capacity: 256)
        w.write(v)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// The compact JSON text of one object.
    public static func string(_ o: JSONObject) -> String { string(.object(o)) }
}
