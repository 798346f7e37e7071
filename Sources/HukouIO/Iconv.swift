// Character-set conversion with glibc iconv, used to read GB18030 exports and write GB18030 files.
//
// glibc's converter, not Foundation's String encodings: it streams (state is kept between
// chunks), it is fast, and it is the one DOMAIN.md measured (GB18030, never GB2312: GB2312 maps
// the name dot A1A4 to U+30FB).
#if canImport(Glibc)
import Glibc
#endif
import CShims

/// An iconv conversion. Feed chunks with `convert`; incomplete sequences at a chunk's end are
/// kept for the next call. Invalid input throws with the byte offset within the stream.
public final class Iconv {
    public struct Invalid: Error, Sendable {
        /// Offset of the offending byte from the start of the stream.
        public let offset: Int
        public let incomplete: Bool
    }

    private let cd: iconv_t
    private var pending: [UInt8] = []
    private var consumed = 0

    /// A converter from `from` to `to` (iconv names, e.g. "GB18030", "UTF-8").
    public init?(from: String, to: String) {
        guard let c = iconv_open(to, from), c != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        cd = c
    }

    deinit { iconv_close(cd) }

    /// Converts a chunk, appending the output to `out`. With `final`, an incomplete trailing
    /// sequence is an error.
    public func convert(_ input: UnsafeRawBufferPointer, final: Bool = false, into out: inout [UInt8]) throws(Invalid) {
        var data = pending
        data.append(contentsOf: input)
        pending.removeAll(keepingCapacity: true)
        if data.isEmpty { return }
        let result: Invalid? = data.withUnsafeMutableBytes { raw -> Invalid? in
            var inPtr: UnsafeMutablePointer<CChar>? = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            var inLeft = raw.count
            var chunk = [UInt8](repeating: 0, count: max(4096, raw.count * 2 + 16))
            while inLeft > 0 {
                let (rc, err, produced): (Int, Int32, Int) = chunk.withUnsafeMutableBytes { ob in
                    var outPtr: UnsafeMutablePointer<CChar>? = ob.baseAddress!.assumingMemoryBound(to: CChar.self)
                    var outLeft = ob.count
                    let rc = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    return (rc, rc == -1 ? errno : 0, ob.count - outLeft)
                }
                out.append(contentsOf: chunk[0..<produced])
                if rc != -1 { break }
                let at = consumed + (raw.count - inLeft)
                switch err {
                case E2BIG: continue
                case EINVAL:
                    if final { return Invalid(offset: at, incomplete: true) }
                    pending = Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(inPtr!), count: inLeft))
                    inLeft = 0
                default:
                    return Invalid(offset: at, incomplete: false)
                }
            }
            consumed += raw.count - pending.count
            return nil
        }
        if let result { throw result }
    }

    /// Converts a whole string (for writers): UTF-8 in, target encoding out.
    public static func encode(_ s: String, to encoding: String) throws(Invalid) -> [UInt8] {
        guard let c = Iconv(from: "UTF-8", to: encoding) else { return Array(s.utf8) }
        var out: [UInt8] = []
        var s = s
        let r: Invalid? = s.withUTF8 { b in
            do throws(Invalid) { try c.convert(UnsafeRawBufferPointer(b), final: true, into: &out); return nil } catch { return error }
        }
        if let r { throw r }
        return out
    }
}
