// The files synth writes: CSV in GB18030 or UTF-8 (with or without BOM, CRLF or LF) and the
// register's XML layout, each counting the physical lines it has written so that every row's
// `src` (`path:line`) is known the moment it is written. In GB18030, the two forms of a rare
// character (user-defined bytes, standard four-byte sequence) are written here, not by iconv.
import HukouIO

/// A CSV file written row by row. Rows are gathered as UTF-8 and converted to the target
/// encoding in large chunks (iconv per field would dominate the run time).
public final class SynthCSV {
    /// The path as records will cite it (`DIR/file` with DIR as given).
    public let display: String
    private let out: ByteOutput
    private let iconv: Iconv?
    private let crlf: Bool
    private var buffer: [UInt8] = []
    /// Lines written so far (the header is line 1).
    public private(set) var lines = 0
    /// Data rows written so far.
    public var rows: Int { max(0, lines - 1) }

    /// Opens `path`; `encoding` is "GB18030" or "UTF-8"; `bom` writes the UTF-8 BOM.
    public init(path: String, display: String, encoding: String, bom: Bool, crlf: Bool) throws {
        self.display = display
        out = try ByteOutput.file(path)
        iconv = encoding == "UTF-8" ? nil : Iconv(from: "UTF-8", to: encoding)
        self.crlf = crlf
        buffer.reserveCapacity(1 << 18)
        if bom { try out.write([0xEF, 0xBB, 0xBF]) }
    }

    /// Writes one row and returns its `src`.
    @discardableResult
    public func row(_ fields: [String]) throws -> String {
        for (k, f) in fields.enumerated() {
            if k > 0 { buffer.append(UInt8(ascii: ",")) }
            SynthCSV.appendField(f, to: &buffer)
        }
        if crlf { buffer.append(13) }
        buffer.append(10)
        lines += 1
        if buffer.count >= 1 << 18 { try flush() }
        return display + ":" + String(lines)
    }

    /// Writes one row already encoded as CSV (no line end) and returns its `src`.
    public func raw(_ line: String) throws -> String {
        buffer.append(contentsOf: line.utf8)
        if crlf { buffer.append(13) }
        buffer.append(10)
        lines += 1
        if buffer.count >= 1 << 18 { try flush() }
        return display + ":" + String(lines)
    }

    /// RFC 4180 quoting, only where a field needs it.
    static func appendField(_ f: String, to b: inout [UInt8]) {
        var needs = false
        for c in f.utf8 where c == UInt8(ascii: ",") || c == UInt8(ascii: "\"") || c == 10 || c == 13 { needs = true; break }
        if !needs { b.append(contentsOf: f.utf8); return }
        b.append(UInt8(ascii: "\""))
        for c in f.utf8 {
            if c == UInt8(ascii: "\"") { b.append(c) }
            b.append(c)
        }
        b.append(UInt8(ascii: "\""))
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        if let iconv {
            var converted: [UInt8] = []
            converted.reserveCapacity(buffer.count)
            try buffer.withUnsafeBytes { raw in
                // glibc converts everything but the rare characters' two forms (see
                // `RareCharacters`): it writes the standard character as the user-defined bytes
                // and has no mapping for the private-use code point. Those are written here.
                var start = 0, k = 0
                while k < raw.count {
                    let b = raw[k]
                    // Only lead bytes EE (U+E000…U+EFFF) and F0…F4 (supplementary planes) matter.
                    guard b == 0xEE || (b >= 0xF0 && b <= 0xF4), let (v, n) = SynthCSV.scalar(raw, at: k) else { k += 1; continue }
                    let bytes: [UInt8]
                    if v >= 0x10000 {
                        bytes = SynthCSV.gb18030FourByte(v)
                    } else if let s = Tables.puaRemap[v], let sc = Unicode.Scalar(s) {
                        bytes = try Iconv.encode(String(sc), to: "GB18030")
                    } else {
                        k += n; continue
                    }
                    try iconv.convert(UnsafeRawBufferPointer(rebasing: raw[start..<k]), final: false, into: &converted)
                    converted.append(contentsOf: bytes)
                    k += n
                    start = k
                }
                try iconv.convert(UnsafeRawBufferPointer(rebasing: raw[start...]), final: false, into: &converted)
            }
            try out.write(converted)
        } else {
            try out.write(buffer)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// The scalar of the UTF-8 sequence at `k` and its length (synth's buffers hold valid UTF-8).
    static func scalar(_ raw: UnsafeRawBufferPointer, at k: Int) -> (UInt32, Int)? {
        let b = raw[k]
        let n = b >= 0xF0 ? 4 : 3
        guard k + n <= raw.count else { return nil }
        var v = UInt32(b & (n == 4 ? 0x07 : 0x0F))
        for j in 1..<n { v = v << 6 | UInt32(raw[k + j] & 0x3F) }
        return (v, n)
    }

    /// The GB18030 four-byte sequence of a supplementary-plane code point: the standard's linear
    /// mapping from U+10000 = 90 30 81 30 (digit, 126-value, digit bytes). glibc gives it for
    /// every such character except the few standard forms of user-defined characters, which it
    /// writes as the user-defined bytes; a GB18030-2005 export writes this sequence for them too.
    static func gb18030FourByte(_ v: UInt32) -> [UInt8] {
        var i = Int(v) - 0x10000
        let b4 = i % 10; i /= 10
        let b3 = i % 126; i /= 126
        let b2 = i % 10; i /= 10
        return [UInt8(0x90 + i), UInt8(0x30 + b2), UInt8(0x81 + b3), UInt8(0x30 + b4)]
    }

    /// Flushes and renames the file into place.
    public func close() throws {
        try flush()
        try out.close()
    }
}

/// The register's default XML layout (docs/FORMATS.md): `<常住人口 派出所=…>`, households `<户 户号=…>`,
/// persons `<人员>` with one child element per field, four lines per person.
public final class SynthXML {
    public let display: String
    private let out: ByteOutput
    private var buffer: [UInt8] = []
    public private(set) var lines = 0
    public private(set) var persons = 0

    /// Opens `path` and writes the declaration and the root element with the station.
    public init(path: String, display: String, station: String) throws {
        self.display = display
        out = try ByteOutput.file(path)
        buffer.reserveCapacity(1 << 18)
        line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        line("<常住人口 派出所=\"\(SynthXML.escape(station))\">")
    }

    private func line(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        buffer.append(10)
        lines += 1
    }

    /// Escapes text and attribute values.
    static func escape(_ s: String) -> String {
        var needs = false
        for c in s.utf8 where c == UInt8(ascii: "&") || c == UInt8(ascii: "<") || c == UInt8(ascii: ">") || c == UInt8(ascii: "\"") { needs = true; break }
        guard needs else { return s }
        var o = ""
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default: o.append(c)
            }
        }
        return o
    }

    /// Writes a household; `members` are (element, value) lists in field order. Returns each
    /// member's `src` (the line of its `<人员>` tag).
    public func household(_ number: String, _ members: [[(String, String)]]) throws -> [String] {
        line("  <户 户号=\"\(SynthXML.escape(number))\">")
        var srcs: [String] = []
        for m in members {
            line("    <人员>")
            srcs.append(display + ":" + String(lines))
            // Fields on three lines, as the population system pretty-prints them.
            let third = (m.count + 2) / 3
            var k = 0
            while k < m.count {
                var s = "      "
                for (tag, value) in m[k..<min(m.count, k + third)] {
                    s += "<\(tag)>\(SynthXML.escape(value))</\(tag)>"
                }
                line(s)
                k += third
            }
            line("    </人员>")
            persons += 1
        }
        line("  </户>")
        if buffer.count >= 1 << 18 {
            try out.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
        return srcs
    }

    /// Closes the root element, flushes and renames the file into place.
    public func close() throws {
        line("</常住人口>")
        try out.write(buffer)
        buffer.removeAll()
        try out.close()
    }
}
