// Text encodings of exports: detection (BOM → strict UTF-8 → GB18030) and a streaming decoder
// that turns any input into UTF-8 bytes, marking invalid sequences instead of substituting them.
//
// Excel on Chinese Windows writes GBK/GB18030; UTF-8 exports usually carry a BOM. Detection looks
// at a prefix (64 KB from the first non-ASCII byte), but the whole stream is validated as it is
// read: a bad byte sequence later in the file spoils the row that holds it, and only that row.
// GB2312 is never used: it maps the name dot A1A4 to U+30FB instead of U+00B7.
#if canImport(Glibc)
import Glibc
#endif
import CShims

/// The encoding an input was decoded from.
public enum TextEncoding: String, Sendable {
    case utf8 = "UTF-8"
    case gb18030 = "GB18030"
    /// Only through a UTF-16 BOM (some tools write it); converted with iconv like GB18030.
    case utf16 = "UTF-16"

    /// The reason given for a row holding an invalid sequence of this encoding.
    public var invalidReason: String {
        switch self {
        case .utf8: return "invalid UTF-8"
        case .gb18030: return "invalid GB18030 byte sequence"
        case .utf16: return "invalid UTF-16 byte sequence"
        }
    }
}

/// What the user asked for with `--encoding`.
public enum EncodingChoice: String, Sendable, CaseIterable {
    case auto
    case utf8 = "utf-8"
    case gb18030
}

/// A source of bytes read in chunks (0 at the end).
public protocol ByteSource: AnyObject {
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int
}

/// An input with its first bytes already read (to sniff the format and the encoding); reading
/// serves those bytes first, then the rest of the file.
public final class PeekedInput: ByteSource {
    public let input: InputFile
    /// The bytes read ahead (up to the size asked for, fewer at the end of a short input).
    public let prefix: [UInt8]
    private var served = 0

    /// Reads up to `peek` bytes ahead (looping, since pipes return short reads).
    public init(_ input: InputFile, peek: Int = 1 << 16) throws {
        self.input = input
        var p = [UInt8](repeating: 0, count: peek)
        var n = 0
        try p.withUnsafeMutableBytes { raw in
            while n < peek {
                let k = try input.read(into: raw.baseAddress! + n, count: peek - n)
                if k == 0 { break }
                n += k
            }
        }
        p.removeSubrange(n...)
        prefix = p
    }

    public var name: String { input.name }

    public func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        if served < prefix.count {
            let k = min(count, prefix.count - served)
            prefix.withUnsafeBufferPointer { b in buffer.update(from: b.baseAddress! + served, count: k) }
            served += k
            return k
        }
        return try input.read(into: buffer, count: count)
    }
}

/// Byte that marks an invalid input sequence in decoded output. 0xFF never occurs in UTF-8, so
/// the row holding it fails UTF-8 validation and is rejected with the encoding's reason.
public let invalidSequenceMarker: UInt8 = 0xFF

/// Encoding detection and strict UTF-8 validation over raw bytes.
public enum EncodingDetector {
    /// Whether `n` bytes at `p` are strict UTF-8 (no overlong forms, no surrogates, ≤ U+10FFFF).
    /// With `truncatedOK`, an incomplete but so far valid sequence at the very end counts as
    /// valid: the prefix was cut there, the next bytes will complete it.
    public static func isValidUTF8(_ p: UnsafePointer<UInt8>, _ n: Int, truncatedOK: Bool = false) -> Bool {
        guard let bad = firstInvalidUTF8(p, n) else { return true }
        return truncatedOK && bad.truncated
    }

    /// Decides the encoding of raw bytes that start at the first non-ASCII byte of an input
    /// (ASCII says nothing: both encodings share it). `complete` tells that the bytes run to the
    /// end of the input, so a cut sequence at their end is really invalid.
    public static func detect(_ p: UnsafePointer<UInt8>, _ n: Int, complete: Bool) -> TextEncoding {
        isValidUTF8(p, n, truncatedOK: !complete) ? .utf8 : .gb18030
    }
}

/// Decodes an input into UTF-8 bytes as a stream: BOM handling, detection, validation markers.
///
/// In UTF-8 mode bytes pass through unchanged (an invalid sequence stays invalid and is found
/// when the row is turned into text). In GB18030 (or UTF-16) mode glibc iconv converts; a byte
/// it cannot convert becomes `invalidSequenceMarker`, and conversion resumes after it, so the
/// rows around it are intact. Memory is two fixed buffers whatever the input's size.
public final class DecodedInput: ByteSource {
    private let source: ByteSource
    private let choice: EncodingChoice
    /// The encoding, once decided (nil while the input has been pure ASCII).
    public private(set) var encoding: TextEncoding?
    /// Whether the input started with a byte order mark (removed from the output).
    public private(set) var hadBOM = false
    private var cd: iconv_t?

    private let raw: UnsafeMutablePointer<UInt8>
    private let rawCap = 1 << 18
    /// iconv's UCS-4 output before it is written as UTF-8.
    private let scratch: UnsafeMutablePointer<UInt32>
    private static let scratchChars = 1 << 16
    private var rawStart = 0, rawEnd = 0
    private var rawEOF = false
    private var started = false
    private static let window = 1 << 16

    /// Decodes `source` as `choice` (`.auto` detects).
    public init(_ source: ByteSource, choice: EncodingChoice = .auto) {
        self.source = source
        self.choice = choice
        raw = .allocate(capacity: rawCap)
        scratch = .allocate(capacity: Self.scratchChars)
        switch choice {
        case .auto: encoding = nil
        case .utf8: encoding = .utf8
        case .gb18030: encoding = .gb18030
        }
    }

    deinit {
        raw.deallocate()
        scratch.deallocate()
        if let cd { iconv_close(cd) }
    }

    /// Whether bytes go through iconv: then the output is valid UTF-8 except for
    /// `invalidSequenceMarker`, and a row needs no other check.
    public var converts: Bool { cd != nil }

    /// The encoding rows are reported against (UTF-8 while undecided: the input was ASCII).
    public var effectiveEncoding: TextEncoding { encoding ?? .utf8 }

    /// Reads raw bytes until at least `want` are buffered or the input ends.
    private func fillRaw(atLeast want: Int) throws {
        if rawStart > 0 {
            let pending = rawEnd - rawStart
            if pending > 0 { memmove(raw, raw + rawStart, pending) }
            rawStart = 0
            rawEnd = pending
        }
        while !rawEOF && rawEnd < min(want, rawCap) {
            let n = try source.read(into: raw + rawEnd, count: rawCap - rawEnd)
            if n == 0 { rawEOF = true } else { rawEnd += n }
        }
    }

    private func begin() throws {
        started = true
        try fillRaw(atLeast: 4)
        let n = rawEnd
        func has(_ bom: [UInt8]) -> Bool { n >= bom.count && (0..<bom.count).allSatisfy { raw[$0] == bom[$0] } }
        if has([0xEF, 0xBB, 0xBF]) && choice != .gb18030 {
            hadBOM = true; rawStart = 3; encoding = .utf8
        } else if has([0x84, 0x31, 0x95, 0x33]) && choice != .utf8 {
            hadBOM = true; rawStart = 4; encoding = .gb18030
        } else if choice == .auto && (has([0xFF, 0xFE]) || has([0xFE, 0xFF])) {
            hadBOM = true; encoding = .utf16  // iconv's "UTF-16" reads the BOM itself
        }
        if let e = encoding, e != .utf8 { try openConverter(e) }
    }

    private func openConverter(_ e: TextEncoding) throws {
        guard let c = iconv_open("WCHAR_T", e.rawValue), c != iconv_t(bitPattern: -1) else {
            throw IOFailure.readFailed(path: "<iconv>", reason: "glibc iconv cannot convert from \(e.rawValue)")
        }
        cd = c
    }

    /// While undecided: passes leading ASCII through, and decides at the first non-ASCII byte on
    /// a window of up to 64 KB from there.
    private func decide() throws {
        var p = rawStart
        while p < rawEnd && raw[p] < 0x80 { p += 1 }
        if p == rawEnd { return }  // all ASCII so far
        if rawEnd - p < Self.window && !rawEOF {
            try fillRaw(atLeast: (p - rawStart) + Self.window)
            p = rawStart
            while raw[p] < 0x80 { p += 1 }
        }
        let n = min(rawEnd - p, Self.window)
        let e = EncodingDetector.detect(raw + p, n, complete: rawEOF && p + n == rawEnd)
        encoding = e
        if e != .utf8 { try openConverter(e) }
    }

    public func read(into dst: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        precondition(count >= 8)
        if !started { try begin() }
        while true {
            if rawStart == rawEnd {
                if rawEOF { return 0 }
                try fillRaw(atLeast: 1)
                continue
            }
            if encoding == nil {
                try decide()
                if encoding == nil {
                    // Pure ASCII so far: identical in every candidate encoding.
                    let k = min(count, rawEnd - rawStart)
                    dst.update(from: raw + rawStart, count: k)
                    rawStart += k
                    return k
                }
            }
            guard let cd else {
                let k = min(count, rawEnd - rawStart)
                dst.update(from: raw + rawStart, count: k)
                rawStart += k
                return k
            }
            let produced = try convert(cd, dst, count)
            if produced > 0 { return produced }
        }
    }

    /// Converts buffered raw bytes into `dst`; returns the number of bytes produced (0 when more
    /// raw input is needed first, which this function then reads).
    ///
    /// iconv converts to WCHAR_T (glibc's internal UCS-4, one conversion step) and this function
    /// writes the UTF-8: glibc's own UCS-4 → UTF-8 step cost twice the GB18030 decoding itself.
    private func convert(_ cd: iconv_t, _ dst: UnsafeMutablePointer<UInt8>, _ count: Int) throws -> Int {
        var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(raw + rawStart).assumingMemoryBound(to: CChar.self)
        var inLeft = rawEnd - rawStart
        var produced = 0
        while inLeft > 0 {
            // Up to 4 UTF-8 bytes per character, and one byte kept free for a marker.
            let chars = min((count - produced - 1) / 4, Self.scratchChars)
            if chars <= 0 { break }
            var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: CChar.self)
            var outLeft = chars * 4
            let rc = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            let err = rc == -1 ? errno : 0
            produced += Self.encodeUTF8(scratch, (chars * 4 - outLeft) / 4, dst + produced)
            if rc != -1 || err == E2BIG { continue }
            if err == EINVAL && !rawEOF {
                // A sequence cut by the end of the buffer: keep it, read more, try again.
                rawStart = rawEnd - inLeft
                if produced > 0 { return produced }
                try fillRaw(atLeast: rawEnd - rawStart + 1)
                return 0
            }
            // EILSEQ (or a cut sequence at the very end): mark it, skip one byte, go on. Skipping
            // one byte keeps ASCII delimiters that follow a bad lead byte.
            dst[produced] = invalidSequenceMarker
            produced += 1
            inPtr = inPtr! + 1
            inLeft -= 1
            iconv(cd, nil, nil, nil, nil)  // reset the state after the bad byte
        }
        rawStart = rawEnd - inLeft
        return produced
    }

    /// UCS-4 scalars (valid: iconv's output) → UTF-8; returns the bytes written.
    @inline(__always) private static func encodeUTF8(_ src: UnsafePointer<UInt32>, _ n: Int, _ d: UnsafeMutablePointer<UInt8>) -> Int {
        var o = 0
        for i in 0..<n {
            let c = src[i]
            if c < 0x80 {
                d[o] = UInt8(truncatingIfNeeded: c)
                o += 1
            } else if c < 0x800 {
                d[o] = UInt8(truncatingIfNeeded: 0xC0 | (c >> 6))
                d[o + 1] = UInt8(truncatingIfNeeded: 0x80 | (c & 0x3F))
                o += 2
            } else if c < 0x10000 {
                d[o] = UInt8(truncatingIfNeeded: 0xE0 | (c >> 12))
                d[o + 1] = UInt8(truncatingIfNeeded: 0x80 | ((c >> 6) & 0x3F))
                d[o + 2] = UInt8(truncatingIfNeeded: 0x80 | (c & 0x3F))
                o += 3
            } else {
                d[o] = UInt8(truncatingIfNeeded: 0xF0 | (c >> 18))
                d[o + 1] = UInt8(truncatingIfNeeded: 0x80 | ((c >> 12) & 0x3F))
                d[o + 2] = UInt8(truncatingIfNeeded: 0x80 | ((c >> 6) & 0x3F))
                d[o + 3] = UInt8(truncatingIfNeeded: 0x80 | (c & 0x3F))
                o += 4
            }
        }
        return o
    }
}
