// The ingest stage: CSV and XML exports in, canonical records out (docs/FORMATS.md), with every
// row that cannot be read rejected with its file, line and reason, and nothing dropped.
//
// The byte-level work (decoding, CSV splitting, the XML stream) is HukouIO's; the header synonyms
// are HukouCore's. This file decides which columns become which fields and builds the records.
import HukouCore
import HukouIO

/// Reads exports (CSV or XML, told apart by the `.xml` extension or a leading `<`) into records of
/// one kind.
public final class IngestStage: SourceStage {
    let resolver: FieldResolver
    let encoding: EncodingChoice
    let recordNames: [String]
    private var fieldNames: [String] { resolver.schema.fields }

    /// - Parameters:
    ///   - resolver: the kind's schema and the `--map` overrides.
    ///   - encoding: `.auto` detects per file (BOM → strict UTF-8 → GB18030).
    ///   - recordNames: XML record element names (`人员`, `person` by default).
    public init(resolver: FieldResolver, encoding: EncodingChoice = .auto, recordNames: [String] = ["人员", "person"]) {
        self.resolver = resolver
        self.encoding = encoding
        self.recordNames = recordNames
    }

    public func read(_ input: InputFile, _ out: Emitter) throws {
        let peeked = try PeekedInput(input, peek: 4096)
        if Self.looksLikeXML(name: input.name, prefix: peeked.prefix) {
            try readXML(peeked, out)
        } else {
            try readCSV(peeked, out)
        }
    }

    /// `.xml` files, and any input whose first non-blank byte (after a UTF-8 BOM) is `<`.
    static func looksLikeXML(name: String, prefix: [UInt8]) -> Bool {
        if name.lowercased().hasSuffix(".xml") { return true }
        var i = 0
        if prefix.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        while i < prefix.count, [0x20, 0x09, 0x0A, 0x0D].contains(prefix[i]) { i += 1 }
        return i < prefix.count && prefix[i] == UInt8(ascii: "<")
    }

    // MARK: CSV

    /// Where each column goes: canonical fields in schema order, then `extra` keys in column order.
    struct ColumnPlan {
        var fields: [(name: String, column: Int)] = []
        var extras: [(key: String, column: Int)] = []
    }

    /// Maps header cells to fields. An empty header becomes `column N` in extra; a second column
    /// naming a field already taken goes to extra under its header as written; a header repeated
    /// in extra gets `#2`, `#3`… so that no key is written twice.
    func plan(headers: [String]) -> ColumnPlan {
        var plan = ColumnPlan()
        var taken = [Bool](repeating: false, count: fieldNames.count)
        var slots: [(field: Int, column: Int)] = []
        var extraKeys = Set<String>()
        for (col, h) in headers.enumerated() {
            let trimmed = HeaderSynonyms.fold(h)
            if !trimmed.isEmpty, let f = resolver.resolve(h), !taken[f] {
                taken[f] = true
                slots.append((f, col))
                continue
            }
            let key = Self.uniqueKey(trimmed.isEmpty ? "column \(col + 1)" : h, in: &extraKeys)
            plan.extras.append((key, col))
        }
        plan.fields = slots.sorted { $0.field < $1.field }.map { (fieldNames[$0.field], $0.column) }
        return plan
    }

    static func uniqueKey(_ key: String, in used: inout Set<String>) -> String {
        var k = key
        var n = 1
        while used.contains(k) {
            n += 1
            k = "\(key)#\(n)"
        }
        used.insert(k)
        return k
    }

    /// Text of bytes already known to be valid UTF-8 (String's generic `validating:` initializer
    /// costs a metadata lookup per call; rows are validated once, with HukouIO's validator).
    @inline(__always) static func text(_ b: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: b, as: UTF8.self)
    }

    static func validText(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = b.baseAddress else { return "" }
        return EncodingDetector.isValidUTF8(base, b.count) ? text(b) : nil
    }

    func readCSV(_ source: PeekedInput, _ out: Emitter) throws {
        let name = source.name
        let decoded = DecodedInput(source, choice: encoding)
        let csv = CSVReader(decoded)
        do {
            guard try csv.next() else {
                throw StageError.badData(src: name, message: "empty input: no header row")
            }
            let headerSrc = "\(name):\(csv.line)"
            if let p = csv.problem { throw StageError.badData(src: headerSrc, message: "header row: \(p)") }
            var headers: [String] = []
            for i in 0..<csv.fieldCount {
                guard let h = Self.validText(csv.field(i)) else {
                    throw StageError.badData(src: headerSrc, message: "header row: \(decoded.effectiveEncoding.invalidReason)")
                }
                headers.append(h)
            }
            let plan = plan(headers: headers)
            let kind = resolver.schema.kind
            let width = headers.count
            let prefix = name + ":"
            while try csv.next() {
                out.countInput()
                let src = prefix + String(csv.line)
                if let p = csv.problem {
                    try out.reject(src: src, reason: p, raw: String(decoding: csv.raw, as: UTF8.self))
                    continue
                }
                if csv.fieldCount != width {
                    try out.reject(src: src, reason: "expected \(width) field\(width == 1 ? "" : "s"), found \(csv.fieldCount)",
                                   raw: String(decoding: csv.raw, as: UTF8.self))
                    continue
                }
                // iconv's output is UTF-8 but for the marker of what it could not convert.
                if decoded.converts ? csv.rowContains(invalidSequenceMarker) : !csv.rowIsValidUTF8 {
                    try out.reject(src: src, reason: decoded.effectiveEncoding.invalidReason,
                                   raw: String(decoding: csv.raw, as: UTF8.self))
                    continue
                }
                var r = Record.make(kind: kind, src: src)
                for (field, col) in plan.fields { r.append(field, .string(Self.text(csv.field(col)))) }
                if !plan.extras.isEmpty {
                    var extra = JSONObject()
                    extra.fields.reserveCapacity(plan.extras.count)
                    for (key, col) in plan.extras { extra.append(key, .string(Self.text(csv.field(col)))) }
                    r.append(CommonField.extra, .object(extra))
                }
                try out.pass(r)
            }
        } catch CSVError.rowTooLong(let line, let limit) {
            throw StageError.badData(src: "\(name):\(line)", message: "row longer than \(limit >> 20) MB (an unterminated quote?)")
        }
    }

    // MARK: XML

    /// An XML document without an encoding declaration and without a BOM is UTF-8 by the
    /// standard, but exports from Chinese Windows tools are GB18030 all the same: when the
    /// prefix is not UTF-8, read it as GB18030 (as for CSV). A declared encoding is obeyed.
    static func undeclaredGB18030(_ prefix: [UInt8]) -> Bool {
        if prefix.starts(with: [0xEF, 0xBB, 0xBF]) || prefix.starts(with: [0xFF, 0xFE]) || prefix.starts(with: [0xFE, 0xFF]) { return false }
        if prefix.starts(with: Array("<?xml".utf8)), let end = prefix.firstIndex(of: UInt8(ascii: ">")),
           String(decoding: prefix[..<end], as: UTF8.self).contains("encoding") {
            return false
        }
        return prefix.withUnsafeBufferPointer { b in
            guard let p = b.baseAddress, let first = b.firstIndex(where: { $0 >= 0x80 }) else { return false }
            return !EncodingDetector.isValidUTF8(p + first, b.count - first, truncatedOK: true)
        }
    }

    func readXML(_ source: PeekedInput, _ out: Emitter) throws {
        let name = source.name
        let forced: String? = switch encoding {
        case .auto: Self.undeclaredGB18030(source.prefix) ? "GB18030" : nil
        case .utf8: "UTF-8"
        case .gb18030: "GB18030"
        }
        let kind = resolver.schema.kind
        let prefix = name + ":"
        do {
            let reader = try XMLRecordReader(source, name: name, recordNames: recordNames, encoding: forced)
            // Name ids → field index (-1: extra; -2: not resolved yet), filled as names appear.
            var slots: [Int] = []
            func slot(_ id: Int) -> Int {
                while slots.count <= id { slots.append(-2) }
                if slots[id] == -2 { slots[id] = resolver.resolve(reader.name(id)) ?? -1 }
                return slots[id]
            }
            var values = [String?](repeating: nil, count: fieldNames.count)
            var own = [Bool](repeating: false, count: fieldNames.count)
            while let rec = try reader.next() {
                out.countInput()
                for i in values.indices { values[i] = nil; own[i] = false }
                // extra holds a handful of keys: a linear scan beats hashing CJK text.
                var extra = JSONObject()
                // Inherited attributes: the nearest enclosing element wins.
                for (id, v) in rec.inherited {
                    let s = slot(id)
                    if s >= 0 { values[s] = v } else { extra[reader.name(id)] = .string(v) }
                }
                // The record's own attributes and children override what it inherits; a field
                // given twice inside the record keeps the first, the second goes to extra.
                for list in [rec.attributes, rec.children] {
                    for (id, v) in list {
                        let s = slot(id)
                        if s >= 0 && !own[s] {
                            own[s] = true
                            values[s] = v
                        } else {
                            let n = reader.name(id)
                            var key = n
                            var k = 1
                            while extra.index(of: key) != nil {
                                k += 1
                                key = "\(n)#\(k)"
                            }
                            extra.append(key, .string(v))
                        }
                    }
                }
                var r = Record.make(kind: kind, src: prefix + String(rec.line))
                for (i, v) in values.enumerated() where v != nil { r.append(fieldNames[i], .string(v!)) }
                if !extra.fields.isEmpty { r.append(CommonField.extra, .object(extra)) }
                try out.pass(r)
            }
        } catch let e as XMLFailure {
            throw StageError.badData(src: e.line > 0 ? "\(name):\(e.line)" : name, message: e.message)
        }
    }
}
