// A streaming XML record reader over libxml2's xmlTextReader: memory stays flat however large the
// export, because the reader frees every node once it is passed (no tree is ever built).
//
// Records are elements with one of the given local names (`人员`, `person`); the attributes of
// every enclosing element are inherited by the records inside (户号 on the household, 派出所 on the
// root). Safe by default: no entity substitution (no XML_PARSE_NOENT), no DTD loading, no
// network, external entities refused by a loader that loads nothing; an entity reference in
// content is an error, and libxml2's own loop/amplification checks stop entity bombs early.
#if canImport(Glibc)
import Glibc
#endif
import CLibXML2

/// A record element read from XML, with everything it carries. Names are ids into the reader's
/// name table (`XMLRecordReader.name(_:)`): element and attribute names repeat on every record,
/// so they are turned into text (and looked up by the caller) once per document, not per record.
public struct XMLRecord {
    /// The line of the record's start tag.
    public var line: Int
    /// Attributes of enclosing elements, outermost element first.
    public var inherited: [(name: Int, value: String)] = []
    /// The record element's own attributes.
    public var attributes: [(name: Int, value: String)] = []
    /// Child elements in document order: their text (`""` when empty). An attribute of a child
    /// comes right after it, named `child@attribute`; text loose in the record is `#text`.
    public var children: [(name: Int, value: String)] = []
}

/// XML that cannot be read on: the line and libxml2's message (or ours).
public struct XMLFailure: Error, Sendable {
    public let line: Int
    public let message: String
}

/// What the C callbacks share with Swift: the byte source, the errors libxml2 reported, and
/// the lines of record start tags as the bytes went by (see `RecordTagLines`).
private final class XMLContext {
    let source: ByteSource
    var ioError: Error?
    var firstError: (line: Int, message: String)?
    var firstDocumentError: (line: Int, message: String)?
    var tagLines: RecordTagLines
    init(source: ByteSource, tagLines: RecordTagLines) {
        self.source = source
        self.tagLines = tagLines
    }
}

/// The line of every `<NAME` start tag of a record element, found in the raw bytes as they are
/// handed to libxml2. libxml2 keeps an element's line in 16 bits: past line 65535 it can only
/// say 65535 (or, through xmlGetLineNo, a child's line), so records there take their line from
/// this queue. Below 65535 libxml2's own line is used and the queue is resynchronised on it, so
/// a `<NAME` inside a comment cannot shift later lines. ASCII bytes (`<`, `\n`) are the same in
/// UTF-8 and GB18030, whose trailing bytes never take those values.
struct RecordTagLines {
    private let patterns: [[UInt8]]
    private let longest: Int
    private var line = 1
    private var tail: [UInt8] = []   // the last bytes of the previous chunk, for a tag cut in two
    private var queue: [Int] = []
    private var head = 0

    init(recordNames: [String]) {
        var p: [[UInt8]] = []
        for n in recordNames {
            p.append(Array("<\(n)".utf8))
            if let g = try? Iconv.encode("<\(n)", to: "GB18030"), !p.contains(g) { p.append(g) }
        }
        patterns = p
        longest = (p.map(\.count).max() ?? 1) + 1
    }

    /// Notes the tags and newlines in the next bytes of the input.
    mutating func scan(_ p: UnsafePointer<UInt8>, count n: Int) {
        let carried = tail.count
        var buf = tail
        buf.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        buf.withUnsafeBufferPointer { b in
            // Lines in the carried part were counted with the previous chunk.
            var lineAtK = line
            var k = 0
            while k < b.count {
                let c = b[k]
                if c == 0x0A && k >= carried { lineAtK += 1 }
                if c == 0x3C, let end = matchEnd(b, k) {
                    if end < b.count {
                        // A tag decided within the previous chunk (its delimiter too) was counted then.
                        if end >= carried { push(lineAtK) }
                    } else {
                        break  // cut at the chunk's end: decided when the next chunk comes
                    }
                }
                k += 1
            }
            // Newlines after an early break still count.
            while k < b.count {
                if b[k] == 0x0A && k >= carried { lineAtK += 1 }
                k += 1
            }
            line = lineAtK
        }
        tail = Array(buf.suffix(longest))
    }

    /// The index just after `<NAME` when one of the patterns starts at k and is followed by a
    /// tag delimiter; nil when it is not a record tag; b.count when undecidable yet.
    private func matchEnd(_ b: UnsafeBufferPointer<UInt8>, _ k: Int) -> Int? {
        for pat in patterns {
            let end = k + pat.count
            if end > b.count {
                // Maybe a prefix of this pattern: undecidable until more bytes arrive.
                if b[k..<b.count].elementsEqual(pat[0..<(b.count - k)]) { return b.count }
                continue
            }
            guard b[k..<end].elementsEqual(pat) else { continue }
            if end == b.count { return b.count }
            let d = b[end]
            if d == 0x20 || d == 0x3E || d == 0x2F || d == 0x09 || d == 0x0A || d == 0x0D { return end }
        }
        return nil
    }

    private mutating func push(_ l: Int) {
        if queue.count - head > 100_000 { head += 1 }  // records never asked for: stay flat
        queue.append(l)
        if head > 4096 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }

    /// The line of the record element whose start tag libxml2 reports at `reported` (65535 =
    /// "somewhere past 65535").
    mutating func line(reported: Int) -> Int {
        if reported < 65535 {
            while head < queue.count && queue[head] < reported { head += 1 }
            if head < queue.count && queue[head] == reported { head += 1 }
            return reported
        }
        if head < queue.count {
            head += 1
            return queue[head - 1]
        }
        return reported
    }
}

private let readCallback: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>?, Int32) -> Int32 = { ctx, buffer, len in
    guard let ctx, let buffer, len > 0 else { return 0 }
    let c = Unmanaged<XMLContext>.fromOpaque(ctx).takeUnretainedValue()
    do {
        let bytes = UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: UInt8.self)
        let n = try c.source.read(into: bytes, count: Int(len))
        if n > 0 { c.tagLines.scan(bytes, count: n) }
        return Int32(n)
    } catch {
        c.ioError = error
        return -1
    }
}

private let errorCallback: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<xmlError>?) -> Void = { ctx, err in
    guard let ctx, let e = err?.pointee, e.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
    let c = Unmanaged<XMLContext>.fromOpaque(ctx).takeUnretainedValue()
    // Only the first line: libxml2 appends the offending bytes on a second one ("Bytes: 0xB9
    // 0xFE …"), which may be part of a name, and no personal data goes to stderr.
    var msg = e.message.map { String(cString: $0) } ?? "unknown error"
    if let nl = msg.firstIndex(of: "\n") { msg = String(msg[..<nl]) }
    while msg.last == " " { msg.removeLast() }
    let item = (line: Int(e.line), message: msg)
    if c.firstError == nil { c.firstError = item }
    // Errors inside an entity's replacement text carry no file and a line within that text;
    // the document's own error points at the reference, which is what a user can look at.
    if c.firstDocumentError == nil && e.file != nil { c.firstDocumentError = item }
}

private let silentStructured: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<xmlError>?) -> Void = { _, _ in }

private let refuseExternal: @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?, xmlParserCtxtPtr?) -> xmlParserInputPtr? = { _, _, _ in nil }

/// Process-wide libxml2 settings, made once: no external entity is ever loaded, and nothing is
/// printed by libxml2 itself (errors reach hukou through the reader's handler).
private let libxmlSetUp: Void = {
    xmlInitParser()
    xmlSetExternalEntityLoader(refuseExternal)
    xmlSetStructuredErrorFunc(nil, silentStructured)
}()

/// Reads record elements one at a time from an XML input.
public final class XMLRecordReader {
    private let context: XMLContext
    private let reader: xmlTextReaderPtr
    private let recordNames: [String]
    /// Attributes of the open elements outside records, by depth.
    private var frames: [[(name: Int, value: String)]] = []
    /// Names as written, by id.
    public private(set) var names: [String] = []
    /// libxml2 interns names in the reader's dictionary, so a name's pointer identifies it for
    /// the reader's lifetime: hashing a pointer is far cheaper than hashing CJK text.
    private var idByPointer: [UnsafeRawPointer: Int] = [:]
    private var idByText: [String: Int] = [:]
    private var finished = false

    /// Parser options: line numbers past 65535, no network, no libxml2 printing; deliberately
    /// without NOENT, DTDLOAD, DTDATTR and DTDVALID.
    public static let options: Int32 = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue
        | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue)

    /// Reads `source` (named `name` in messages); records are elements whose local name is one
    /// of `recordNames`. `encoding` overrides the document's declaration (nil: as declared).
    public init(_ source: ByteSource, name: String, recordNames: [String], encoding: String? = nil) throws {
        _ = libxmlSetUp
        context = XMLContext(source: source, tagLines: RecordTagLines(recordNames: recordNames))
        self.recordNames = recordNames
        let ctx = Unmanaged.passUnretained(context).toOpaque()
        guard let r = xmlReaderForIO(readCallback, nil, ctx, name, encoding, Self.options) else {
            throw XMLFailure(line: 0, message: "cannot start the XML reader")
        }
        reader = r
        xmlTextReaderSetStructuredErrorHandler(reader, errorCallback, ctx)
    }

    deinit { xmlFreeTextReader(reader) }

    private func failure() -> Error {
        if let e = context.ioError { return e }
        if let e = context.firstDocumentError ?? context.firstError {
            return XMLFailure(line: e.line, message: "malformed XML: \(e.message)")
        }
        return XMLFailure(line: Int(xmlTextReaderGetParserLineNumber(reader)), message: "malformed XML")
    }

    @inline(__always) private func text(_ p: UnsafePointer<xmlChar>?) -> String {
        guard let p else { return "" }
        return String(cString: p)
    }

    /// The text of a name id.
    public func name(_ id: Int) -> String { names[id] }

    private func id(ofText t: String) -> Int {
        if let k = idByText[t] { return k }
        names.append(t)
        idByText[t] = names.count - 1
        return names.count - 1
    }

    /// The id of the current node's qualified name.
    @inline(__always) private func currentNameID() -> Int {
        guard let p = xmlTextReaderConstName(reader) else { return id(ofText: "") }
        let key = UnsafeRawPointer(p)
        if let k = idByPointer[key] { return k }
        let k = id(ofText: text(p))
        idByPointer[key] = k
        return k
    }

    private func readAttributes(into out: inout [(name: Int, value: String)], child: Int = -1) {
        guard xmlTextReaderHasAttributes(reader) == 1 else { return }
        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
            if xmlTextReaderIsNamespaceDecl(reader) == 1 { continue }
            var n = currentNameID()
            if child >= 0 { n = id(ofText: names[child] + "@" + names[n]) }
            out.append((n, text(xmlTextReaderConstValue(reader))))
        }
        xmlTextReaderMoveToElement(reader)
    }

    /// The line of the current record element's start tag (see RecordTagLines).
    private var currentRecordLine: Int {
        let reported: Int
        if let node = xmlTextReaderCurrentNode(reader) {
            reported = node.pointee.line == UInt16.max ? 65535 : Int(node.pointee.line)
        } else {
            reported = Int(xmlTextReaderGetParserLineNumber(reader))
        }
        return context.tagLines.line(reported: reported)
    }

    /// The line of the current node (for errors), as libxml2 knows it.
    private var currentLine: Int { Int(xmlGetLineNo(xmlTextReaderCurrentNode(reader))) }

    /// The next record, or nil at the end of the document.
    public func next() throws -> XMLRecord? {
        guard !finished else { return nil }
        var inRecord = false
        var r = XMLRecord(line: 0)
        var recordDepth = 0
        var fieldIndex = -1     // index in r.children of the open child element
        var fieldText: String?  // its text so far
        while true {
            let rc = xmlTextReaderRead(reader)
            if rc == 0 { finished = true; return nil }
            if rc != 1 { finished = true; throw failure() }
            let type = xmlTextReaderNodeType(reader)
            let depth = Int(xmlTextReaderDepth(reader))
            switch type {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let empty = xmlTextReaderIsEmptyElement(reader) == 1
                if inRecord {
                    // Deeper elements add nothing but their text, which joins the open child's value.
                    if depth == recordDepth + 1 {
                        let name = currentNameID()
                        r.children.append((name, ""))
                        fieldIndex = empty ? -1 : r.children.count - 1
                        fieldText = nil
                        readAttributes(into: &r.children, child: name)
                    }
                } else {
                    let local = text(xmlTextReaderConstLocalName(reader))
                    if recordNames.contains(local) {
                        r = XMLRecord(line: currentRecordLine)
                        for f in frames.prefix(depth) { r.inherited.append(contentsOf: f) }
                        readAttributes(into: &r.attributes)
                        if empty { return r }
                        inRecord = true
                        recordDepth = depth
                    } else if !empty {
                        if frames.count > depth { frames.removeSubrange(depth...) }
                        while frames.count < depth { frames.append([]) }
                        var attrs: [(name: Int, value: String)] = []
                        readAttributes(into: &attrs)
                        frames.append(attrs)
                    }
                }
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                 Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue), Int32(XML_READER_TYPE_WHITESPACE.rawValue):
                if fieldIndex >= 0 {
                    let t = text(xmlTextReaderConstValue(reader))
                    if fieldText == nil { fieldText = t } else { fieldText! += t }
                } else if inRecord && depth == recordDepth + 1 && type == Int32(XML_READER_TYPE_TEXT.rawValue) {
                    // Text loose in the record element (mixed content): kept, named `#text`.
                    r.children.append((id(ofText: "#text"), text(xmlTextReaderConstValue(reader))))
                }
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                let name = text(xmlTextReaderConstName(reader))
                throw XMLFailure(line: currentLine, message: "entity reference &\(name); refused (hukou never expands entities)")
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                if inRecord {
                    if depth == recordDepth { return r }
                    if depth == recordDepth + 1 && fieldIndex >= 0 {
                        r.children[fieldIndex].value = fieldText ?? ""
                        fieldIndex = -1
                        fieldText = nil
                    }
                } else if frames.count > depth {
                    frames.removeSubrange(depth...)
                }
            default:
                break
            }
        }
    }
}
