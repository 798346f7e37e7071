// Strict UTF-8 validation (RFC 3629), shared by the NDJSON parser and the CSV/encoding layer.

/// Where the first invalid UTF-8 sequence starts in `n` bytes at `p`, or nil when all are valid.
/// `truncated` tells that the sequence is only cut short by the end of the bytes (a prefix that
/// more bytes could complete). No overlong forms, no surrogates, nothing above U+10FFFF.
@inline(__always)
public func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> (offset: Int, truncated: Bool)? {
    var i = 0
    while i < n {
        // ASCII runs eight bytes at a time.
        while i + 8 <= n {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            if w & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        if i >= n { return nil }
        let c = p[i]
        if c < 0x80 { i += 1; continue }
        // The common case of Chinese text: a 3-byte sequence whose lead byte needs no range
        // check on its second byte (E1–EC, EE, EF).
        if c >= 0xE1 && c <= 0xEF && c != 0xED && i + 2 < n
            && p[i + 1] & 0xC0 == 0x80 && p[i + 2] & 0xC0 == 0x80 {
            i += 3
            continue
        }
        let len: Int
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: len = 2
        case 0xE0: len = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: len = 3
        case 0xED: len = 3; hi = 0x9F
        case 0xF0: len = 4; lo = 0x90
        case 0xF1...0xF3: len = 4
        case 0xF4: len = 4; hi = 0x8F
        default: return (i, false)
        }
        for k in 1..<len {
            if i + k >= n { return (i, true) }
            let t = p[i + k]
            if k == 1 { if t < lo || t > hi { return (i, false) } } else if t & 0xC0 != 0x80 { return (i, false) }
        }
        i += len
    }
    return nil
}
