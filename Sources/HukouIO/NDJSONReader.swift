// Reads an NDJSON input record by record: one JSON object per line, blank lines skipped, every
// malformed line reported with its file and line number instead of stopping the run.

/// The outcome of reading one line.
public enum NDJSONItem: Sendable {
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
            let item: NDJSONItem?
            switch line {
            case .tooLong: item = NDJSONReader.tooLong(line: lines.lineNumber, limit: lines.maxLineLength)
            case .text(let buf): item = NDJSONReader.item(buf, line: lines.lineNumber)
            }
            if let item { return item }
        }
        return nil
    }

    /// One line as an item: a record, a malformed line, or nil for a blank line (skipped).
    @inline(__always)
    static func item(_ buf: UnsafeBufferPointer<UInt8>, line: Int) -> NDJSONItem? {
        parsedItem(buf, line: line)?.item
    }

    /// One line as an item, and whether it is a record whose line is canonical JSON (see
    /// JSONParser.parseRecord); nil for a blank line.
    @inline(__always)
    static func parsedItem(_ buf: UnsafeBufferPointer<UInt8>, line: Int, cache: StringCache? = nil) -> (item: NDJSONItem, canonical: Bool)? {
        if isBlank(buf) { return nil }
        do {
            let (o, canonical) = try JSONParser.parseRecord(buf, cache: cache)
            return (.record(o, line: line), canonical)
        } catch {
            let raw = String(decoding: buf.prefix(1 << 20), as: UTF8.self)
            return (.malformed(reason: "malformed JSON: \(error)", line: line, raw: raw), false)
        }
    }

    /// The item for a line over the length limit (its text is not kept).
    static func tooLong(line: Int, limit: Int) -> NDJSONItem {
        .malformed(reason: "line longer than \(limit) bytes", line: line, raw: "")
    }

    @inline(__always)
    private static func isBlank(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in b where !(c == 0x20 || c == 0x09 || c == 0x0D) { return false }
        return true
    }
}
