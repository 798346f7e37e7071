// Reads an NDJSON input record by record: one JSON object per line, blank lines skipped, every
// malformed line reported with its file and line number instead of stopping the run.

/// The outcome of reading one line.
public enum NDJSONItem {
    /// A parsed object and the line it came from.
    case record(JSONObject, line: Int)
    /// A line that is not a JSON object: the reason, the line number, and its raw text (for the
    /// rejects file; never for stderr, which must not carry personal data).
    case malformed(reason: String, line: Int, raw: String)
}

/// Iterates the records of one NDJSON input.
public final class NDJSONReader {
    public let lines: LineReader
    public var name: String { lines.input.name }

    public init(_ input: InputFile) { lines = LineReader(input) }

    /// The next record or malformed line; nil at end of input.
    public func next() throws(IOFailure) -> NDJSONItem? {
        while let line = try lines.next() {
            switch line {
            case .tooLong:
                return .malformed(reason: "line longer than \(lines.maxLineLength) bytes", line: lines.lineNumber, raw: "")
            case .text(let buf):
                if isBlank(buf) { continue }
                do {
                    let o = try JSONParser.parseObject(buf)
                    return .record(o, line: lines.lineNumber)
                } catch {
                    let raw = String(decoding: buf.prefix(1 << 20), as: UTF8.self)
                    return .malformed(reason: "malformed JSON: \(error)", line: lines.lineNumber, raw: raw)
                }
            }
        }
        return nil
    }

    private func isBlank(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in b where !(c == 0x20 || c == 0x09 || c == 0x0D) { return false }
        return true
    }
}
