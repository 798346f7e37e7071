// An RFC 4180 CSV reader over decoded UTF-8 bytes: quoted fields with commas, doubled quotes and
// line breaks; CRLF or LF; the physical line where each row starts.
//
// It works on raw buffers (memchr for quoted runs, a pointer loop elsewhere) and hands out each
// field as a byte slice; the caller builds Strings only for the fields it keeps. A row that
// cannot be split honestly (an unterminated quote, text after a closing quote) is still returned,
// with `problem` set, so the caller can reject it with its line instead of guessing.
#if canImport(Glibc)
import Glibc
#endif

/// Errors that stop reading a CSV input.
public enum CSVError: Error, Sendable {
    /// A row (usually an unterminated quote swallowing the rest of the file) outgrew the limit.
    case rowTooLong(line: Int, limit: Int)
}

/// Reads CSV rows from a ByteSource. Views (`field`, `raw`) are valid until the next `next()`.
public final class CSVReader {
    private let source: ByteSource
    private var buf: UnsafeMutablePointer<UInt8>
    private var cap: Int
    private var start = 0, end = 0
    private var eof = false
    private let maxRowBytes: Int

    private var fieldBuf: UnsafeMutablePointer<UInt8>
    private var fieldCap: Int
    private var fieldLen = 0
    /// Each field as (start, length): start ≥ 0 is an offset in `buf` (an unquoted field, not
    /// copied), start < 0 is `~offset` in `fieldBuf` (a quoted field, unescaped there).
    private var spans: UnsafeMutablePointer<Int>
    private var spansCap = 64
    private var nFields = 0
    private var firstQuoted = false
    private var rawStart = 0, rawEnd = 0
    private var nextLine = 1

    /// The physical line (1-based) where the row last returned starts.
    public private(set) var line = 0
    /// Why the row last returned cannot be trusted (nil for a good row).
    public private(set) var problem: String?

    /// Reads from `source`; rows longer than `maxRowBytes` stop the input with `rowTooLong`.
    public init(_ source: ByteSource, chunk: Int = 1 << 20, maxRowBytes: Int = 64 << 20) {
        self.source = source
        cap = max(chunk, 128)
        buf = .allocate(capacity: cap)
        fieldCap = 4096
        fieldBuf = .allocate(capacity: fieldCap)
        self.maxRowBytes = maxRowBytes
        spans = .allocate(capacity: 2 * spansCap)
    }

    deinit {
        buf.deallocate()
        fieldBuf.deallocate()
        spans.deallocate()
    }

    /// The number of fields of the current row.
    public var fieldCount: Int { nFields }

    /// Field `i` of the current row, unquoted (`""` → `"`), as UTF-8 bytes (not yet validated).
    @inline(__always) public func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let s = spans[2 * i], n = spans[2 * i + 1]
        return UnsafeBufferPointer(start: s >= 0 ? UnsafePointer(buf + s) : UnsafePointer(fieldBuf + ~s), count: n)
    }

    /// The current row's bytes as they stand in the input, without the final line break.
    public var raw: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: buf + rawStart, count: rawEnd - rawStart) }

    /// Whether the current row is valid UTF-8 (then every field is: fields are cut from the row
    /// at ASCII delimiters, and a sequence broken by a delimiter makes the row invalid too).
    public var rowIsValidUTF8: Bool { EncodingDetector.isValidUTF8(buf + rawStart, rawEnd - rawStart) }

    /// Whether the current row holds `byte` (e.g. the decoder's invalid-sequence marker).
    public func rowContains(_ byte: UInt8) -> Bool { memchr(buf + rawStart, Int32(byte), rawEnd - rawStart) != nil }

    /// Moves to the next row; false at the end. Blank lines (empty or only spaces and tabs, not
    /// quoted) carry no data and are skipped, wherever they are.
    public func next() throws -> Bool {
        while true {
            if start == end {
                if eof { return false }
                try refill()
                continue
            }
            guard let (nextStart, rowEnd, newlines) = parseRow() else {
                try refill()
                continue
            }
            rawStart = start
            rawEnd = rowEnd
            line = nextLine
            nextLine += 1 + newlines
            start = nextStart
            if isBlank() { continue }
            return true
        }
    }

    private func isBlank() -> Bool {
        guard nFields == 1, !firstQuoted, problem == nil else { return false }
        for c in field(0) where c != 0x20 && c != 0x09 { return false }
        return true
    }

    /// Compacts the buffer, grows it when one row fills it, and reads more input.
    private func refill() throws {
        if start > 0 {
            let pending = end - start
            if pending > 0 { memmove(buf, buf + start, pending) }
            start = 0
            end = pending
        }
        // Decoders need room for a whole character (DecodedInput asks for 8 bytes at least).
        if cap - end < 64 {
            if cap >= maxRowBytes { throw CSVError.rowTooLong(line: nextLine, limit: maxRowBytes) }
            let ncap = max(min(cap * 2, maxRowBytes), cap + 64)
            let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: ncap)
            nb.update(from: buf, count: end)
            buf.deallocate()
            buf = nb
            cap = ncap
        }
        let n = try source.read(into: buf + end, count: cap - end)
        if n == 0 { eof = true } else { end += n }
    }

    @inline(__always) private func append(_ p: UnsafePointer<UInt8>, _ n: Int) {
        if fieldLen + n > fieldCap {
            var ncap = fieldCap * 2
            while ncap < fieldLen + n { ncap *= 2 }
            let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: ncap)
            nb.update(from: fieldBuf, count: fieldLen)
            fieldBuf.deallocate()
            fieldBuf = nb
            fieldCap = ncap
        }
        (fieldBuf + fieldLen).update(from: p, count: n)
        fieldLen += n
    }

    @inline(__always) private func addSpan(_ start: Int, _ len: Int) {
        if nFields == spansCap {
            let nc = spansCap * 2
            let ne = UnsafeMutablePointer<Int>.allocate(capacity: 2 * nc)
            ne.update(from: spans, count: 2 * nFields)
            spans.deallocate()
            spans = ne
            spansCap = nc
        }
        spans[2 * nFields] = start
        spans[2 * nFields + 1] = len
        nFields += 1
    }

    /// Ends a field unescaped into fieldBuf from offset `from`.
    @inline(__always) private func endScratchField(from: Int) { addSpan(~from, fieldLen - from) }

    private func countNewlines(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var c = 0
        var q = p
        var left = n
        while left > 0, let hit = memchr(q, 0x0A, left) {
            let h = hit.assumingMemoryBound(to: UInt8.self)
            c += 1
            left -= (UnsafePointer(h) - q) + 1
            q = UnsafePointer(h) + 1
        }
        return c
    }

    /// Splits the row at `start`. Returns where the next row starts, where this row's bytes end
    /// (before CR LF) and how many line breaks quoted fields held; nil when the buffer ends
    /// before the row does and more input is needed.
    private func parseRow() -> (Int, Int, Int)? {
        fieldLen = 0
        nFields = 0
        problem = nil
        firstQuoted = false
        let b = buf
        let end = self.end
        var p = start
        var newlines = 0
        while true {
            var scratchFrom = -1
            if p < end && b[p] == 0x22 {
                if nFields == 0 { firstQuoted = true }
                scratchFrom = fieldLen
                p += 1
                var closed = false
                while !closed {
                    guard p < end, let hit = memchr(b + p, 0x22, end - p) else {
                        if !eof { return nil }
                        newlines += countNewlines(b + p, end - p)
                        append(b + p, end - p)
                        endScratchField(from: scratchFrom)
                        problem = "unterminated quoted field"
                        return (end, end, newlines)
                    }
                    let q = hit.assumingMemoryBound(to: UInt8.self) - b
                    newlines += countNewlines(b + p, q - p)
                    append(b + p, q - p)
                    p = q + 1
                    if p == end && !eof { return nil }
                    if p < end && b[p] == 0x22 {
                        append(b + p, 1)
                        p += 1
                    } else {
                        closed = true
                    }
                }
                if p == end { endScratchField(from: scratchFrom); return (p, p, newlines) }
                let c = b[p]
                if c == 0x2C { endScratchField(from: scratchFrom); p += 1; continue }
                if c == 0x0A { endScratchField(from: scratchFrom); return (p + 1, p, newlines) }
                if c == 0x0D {
                    if p + 1 == end && !eof { return nil }
                    if p + 1 == end { endScratchField(from: scratchFrom); return (end, p, newlines) }
                    if b[p + 1] == 0x0A { endScratchField(from: scratchFrom); return (p + 2, p, newlines) }
                }
                // Text after the closing quote: keep it in the field, but flag the row.
                problem = "text after a closing quote"
            }
            let fs = p
            // Eight bytes at a time while none is a comma or a line feed.
            while p + 8 <= end {
                let w = UnsafeRawPointer(b + p).loadUnaligned(as: UInt64.self)
                let xc = w ^ 0x2C2C_2C2C_2C2C_2C2C, xn = w ^ 0x0A0A_0A0A_0A0A_0A0A
                let lo: UInt64 = 0x0101_0101_0101_0101, hi: UInt64 = 0x8080_8080_8080_8080
                if ((xc &- lo) & ~xc | (xn &- lo) & ~xn) & hi != 0 { break }
                p += 8
            }
            while p < end {
                let c = b[p]
                if c == 0x2C || c == 0x0A { break }
                p += 1
            }
            if p == end && !eof { return nil }
            var fe = p
            if fe > fs && b[fe - 1] == 0x0D && (p == end || b[p] == 0x0A) { fe -= 1 }
            if scratchFrom >= 0 {
                append(b + fs, fe - fs)
                endScratchField(from: scratchFrom)
            } else {
                addSpan(fs, fe - fs)
            }
            if p == end { return (p, fe, newlines) }
            if b[p] == 0x2C { p += 1; continue }
            return (p + 1, fe, newlines)
        }
    }
}
