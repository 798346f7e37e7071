// Unit tests of ingest's readers: CSV splitting and line numbers, encoding detection and
// streaming validation, the XML record reader, and the header synonyms.
import Foundation
import HukouCore
import HukouIO
import Testing

/// Bytes served a few at a time, so every chunk boundary of the readers is exercised.
final class MemorySource: ByteSource {
    let bytes: [UInt8]
    let step: Int
    var pos = 0
    init(_ bytes: [UInt8], step: Int = 1 << 20) {
        self.bytes = bytes
        self.step = step
    }
    convenience init(_ s: String, step: Int = 1 << 20) { self.init(Array(s.utf8), step: step) }
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        let k = min(count, step, bytes.count - pos)
        if k <= 0 { return 0 }
        bytes.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress! + pos, count: k) }
        pos += k
        return k
    }
}

/// Every row as (line, fields, problem).
private func rows(_ source: ByteSource) throws -> [(Int, [String], String?)] {
    let r = CSVReader(source)
    var out: [(Int, [String], String?)] = []
    while try r.next() {
        out.append((r.line, (0..<r.fieldCount).map { String(decoding: r.field($0), as: UTF8.self) }, r.problem))
    }
    return out
}

private func gb18030(_ s: String) -> [UInt8] { try! Iconv.encode(s, to: "GB18030") }

/// Decodes everything a DecodedInput yields.
private func decodeAll(_ d: DecodedInput) throws -> [UInt8] {
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 64)
    while true {
        let n = try buf.withUnsafeMutableBufferPointer { try d.read(into: $0.baseAddress!, count: 64) }
        if n == 0 { return out }
        out += buf[0..<n]
    }
}

@Suite("Ingest: CSV reader")
struct CSVReaderTests {
    @Test(arguments: [1, 2, 3, 7, 1 << 20])
    func quotesCommasNewlinesAndLines(step: Int) throws {
        let text = "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"line one\nline two\",z\r\n3,,\"\"\r\n"
        let r = try rows(MemorySource(text, step: step))
        #expect(r.count == 4)
        #expect(r[0].0 == 1 && r[0].1 == ["a", "b", "c"])
        #expect(r[1].0 == 2 && r[1].1 == ["1", "x, y", "say \"hi\""])
        #expect(r[2].0 == 3 && r[2].1 == ["2", "line one\nline two", "z"])
        // The row after a quoted line break starts one physical line later.
        #expect(r[3].0 == 5 && r[3].1 == ["3", "", ""])
        #expect(r.allSatisfy { $0.2 == nil })
    }

    @Test func lfAndMissingFinalNewline() throws {
        let r = try rows(MemorySource("h1,h2\nA,B\nC,D"))
        #expect(r.map(\.1) == [["h1", "h2"], ["A", "B"], ["C", "D"]])
        #expect(r.map(\.0) == [1, 2, 3])
    }

    @Test(arguments: ["h\r\nv\r\n\r\n", "h\r\nv\r\n   \r\n", "h\nv\n\t \n\n", "h\nv\n  "])
    func trailingBlankLinesAreSkipped(_ text: String) throws {
        let r = try rows(MemorySource(text, step: 2))
        #expect(r.map(\.1) == [["h"], ["v"]])
    }

    @Test func blankLineInTheMiddleKeepsLineNumbers() throws {
        let r = try rows(MemorySource("h,i\n\n1,2\n"))
        #expect(r.map(\.0) == [1, 3])
    }

    @Test func crInsideQuotesAndTrailingComma() throws {
        let r = try rows(MemorySource("a,b\r\n\"x\r\ny\",\r\n"))
        #expect(r[1].1 == ["x\r\ny", ""])
        #expect(r[1].0 == 2)
    }

    @Test func problemsAreReportedNotGuessed() throws {
        let r = try rows(MemorySource("a,b\n\"x\"y,z\nok,1\n\"open,2\nmore\n", step: 3))
        #expect(r[1].2 == "text after a closing quote")
        #expect(r[1].1 == ["xy", "z"])
        #expect(r[2].2 == nil && r[2].0 == 3)
        #expect(r[3].2 == "unterminated quoted field" && r[3].0 == 4)
    }

    @Test func rawIsTheRowWithoutItsLineBreak() throws {
        let reader = CSVReader(MemorySource("a,b\r\n1,\"2\n3\"\r\n"))
        _ = try reader.next()
        _ = try reader.next()
        #expect(String(decoding: reader.raw, as: UTF8.self) == "1,\"2\n3\"")
    }

    @Test func runawayRowStopsWithItsLine() throws {
        let text = "a\n1\n\"" + String(repeating: "x", count: 5000)
        let reader = CSVReader(MemorySource(text, step: 100), chunk: 128, maxRowBytes: 1024)
        #expect(try reader.next() && reader.next())
        #expect(throws: CSVError.self) { _ = try reader.next() }
    }
}

@Suite("Ingest: encodings")
struct EncodingTests {
    @Test func utf8Validation() {
        func valid(_ b: [UInt8], truncatedOK: Bool = false) -> Bool {
            b.withUnsafeBufferPointer { EncodingDetector.isValidUTF8($0.baseAddress!, b.count, truncatedOK: truncatedOK) }
        }
        #expect(valid(Array("王伟 abc é 😀".utf8)))
        #expect(!valid([0xC0, 0x80]))             // overlong
        #expect(!valid([0xED, 0xA0, 0x80]))       // surrogate
        #expect(!valid([0xF4, 0x90, 0x80, 0x80])) // > U+10FFFF
        #expect(!valid([0xE7, 0x8E]))             // cut sequence at the real end
        #expect(valid([0x41, 0xE7, 0x8E], truncatedOK: true))  // cut by the prefix: fine
        #expect(!valid([0xE7, 0x41], truncatedOK: true))
        #expect(!valid(gb18030("王伟")))
    }

    @Test func detection() throws {
        let u = DecodedInput(MemorySource("姓名\n王伟\n"))
        #expect(try decodeAll(u) == Array("姓名\n王伟\n".utf8))
        #expect(u.encoding == .utf8 && !u.hadBOM)

        let bom = DecodedInput(MemorySource([0xEF, 0xBB, 0xBF] + Array("姓名\n".utf8)))
        #expect(try decodeAll(bom) == Array("姓名\n".utf8))
        #expect(bom.encoding == .utf8 && bom.hadBOM)

        // The name dot is A1A4 in GB18030 and must come out as U+00B7, never U+30FB.
        let g = DecodedInput(MemorySource(gb18030("姓名\n阿依古丽·买买提\n"), step: 3))
        #expect(try decodeAll(g) == Array("姓名\n阿依古丽\u{B7}买买提\n".utf8))
        #expect(g.encoding == .gb18030)
    }

    @Test func asciiPrefixLongerThanTheWindowStillDetectsGB18030() throws {
        let head = String(repeating: "name,id\n", count: 20_000)  // 160 KB of ASCII
        let bytes = Array(head.utf8) + gb18030("王伟,1\n")
        let d = DecodedInput(MemorySource(bytes, step: 4096))
        let out = try decodeAll(d)
        #expect(d.encoding == .gb18030)
        #expect(Array(out.suffix(9)) == Array("王伟,1\n".utf8))
    }

    @Test func multibyteSequenceCutAtTheWindowEndIsStillUTF8() throws {
        // 65535 ASCII bytes after the first 王, so the 64 KB window ends inside the next 王.
        let text = "王" + String(repeating: "a", count: 65_535 - 3 + 1) + "王伟\n"
        let d = DecodedInput(MemorySource(text))
        #expect(try decodeAll(d) == Array(text.utf8))
        #expect(d.encoding == .utf8)
    }

    @Test func invalidGB18030IsMarkedNotSubstituted() throws {
        let bytes = gb18030("姓名\n李") + [0x81, 0x20] + gb18030(",x\n王伟,y\n")
        for step in [1, 2, 5, 1 << 20] {
            let out = try decodeAll(DecodedInput(MemorySource(bytes, step: step)))
            #expect(out == Array("姓名\n李".utf8) + [invalidSequenceMarker, 0x20] + Array(",x\n王伟,y\n".utf8), "step \(step)")
        }
    }

    @Test func invalidUTF8LaterInTheFileSpoilsOnlyItsRow() throws {
        // Valid UTF-8 for more than the detection window, then a bad row, then a good one.
        var bytes = Array("姓名,号\n".utf8)
        for k in 0..<8000 { bytes += Array("王伟\(k),\(k)\n".utf8) }
        let badLine = 8000 + 2
        bytes += [0xC3, 0x28] + Array(",1\n".utf8) + Array("李娜,2\n".utf8)
        let reader = CSVReader(DecodedInput(MemorySource(bytes, step: 65_000)))
        var invalid: [Int] = []
        var good = 0
        while try reader.next() {
            if String(validating: reader.field(0), as: UTF8.self) == nil { invalid.append(reader.line) } else { good += 1 }
        }
        #expect(invalid == [badLine])
        #expect(good == 1 + 8000 + 1)
    }

    @Test func forcedEncoding() throws {
        let d = DecodedInput(MemorySource(gb18030("王")), choice: .utf8)
        #expect(try decodeAll(d) == gb18030("王"))  // passed through: rows will be rejected
        let g = DecodedInput(MemorySource(gb18030("王")), choice: .gb18030)
        #expect(try decodeAll(g) == Array("王".utf8))
    }
}

@Suite("Ingest: XML reader")
struct XMLReaderTests {
    static let doc = """
    <?xml version="1.0" encoding="UTF-8"?>
    <常住人口 派出所="花石派出所">
      <户 户号="1">
        <人员 序号="7">
          <姓名>王伟</姓名>
          <性别 代码="1">男</性别>
          <住址><![CDATA[a<b]]> &amp; c</住址>
          <民族/>
        </人员>
        <人员><姓名>李娜</姓名>备注</人员>
      </户>
      <户 户号="2"><person><name>x</name></person></户>
      <人员 户号="3"/>
    </常住人口>
    """

    /// libxml2 keeps element lines in 16 bits: records past line 65535 must still cite their own
    /// start tag (a comment holding `<人员` must not shift them).
    @Test(arguments: [5, 4093, 1 << 20])
    func lineNumbersPastLine65535(step: Int) throws {
        var doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<r>\n<!-- <人员> in a comment -->\n"
        var expected: [Int] = []
        var line = 4
        for k in 0..<30_000 {
            if k % 2 == 0 {
                doc += "<户 户号=\"\(k)\">\n  <人员>\n    <姓名>x</姓名>\n  </人员></户>\n"
                expected.append(line + 1)
                line += 4
            } else {
                doc += "<人员 序号=\"\(k)\"><姓名>y</姓名></人员>\n"
                expected.append(line)
                line += 1
            }
        }
        doc += "</r>\n"
        #expect(line > 70_000)
        let r = try XMLRecordReader(MemorySource(doc, step: step), name: "t.xml", recordNames: ["人员"])
        var lines: [Int] = []
        while let x = try r.next() { lines.append(x.line) }
        #expect(lines == expected)
    }

    @Test(arguments: [1, 7, 1 << 20])
    func recordsLinesAndInheritance(step: Int) throws {
        let r = try XMLRecordReader(MemorySource(Self.doc, step: step), name: "t.xml", recordNames: ["人员", "person"])
        var recs: [XMLRecord] = []
        while let x = try r.next() { recs.append(x) }
        #expect(recs.map(\.line) == [4, 10, 12, 13])
        #expect(recs[0].inherited.map { r.name($0.name) } == ["派出所", "户号"])
        #expect(recs[0].inherited.map(\.value) == ["花石派出所", "1"])
        #expect(recs[0].attributes.map { r.name($0.name) } == ["序号"])
        #expect(recs[0].children.map { r.name($0.name) } == ["姓名", "性别", "性别@代码", "住址", "民族"])
        #expect(recs[0].children.map(\.value) == ["王伟", "男", "1", "a<b & c", ""])
        #expect(recs[1].inherited.map(\.value) == ["花石派出所", "1"])
        #expect(recs[1].children.map { r.name($0.name) } == ["姓名", "#text"])
        #expect(recs[1].children.map(\.value) == ["李娜", "备注"])
        #expect(recs[2].inherited.map(\.value) == ["花石派出所", "2"])
        #expect(recs[2].children.map(\.value) == ["x"])
        // A record outside any household inherits only the root's attributes.
        #expect(recs[3].inherited.map { r.name($0.name) } == ["派出所"])
        #expect(recs[3].attributes.map(\.value) == ["3"])
    }

    @Test func malformedXMLFailsWithItsLine() throws {
        let r = try XMLRecordReader(MemorySource("<a>\n<人员><x>1</x></人员>\n<人员><x>2</y></人员></a>"), name: "t.xml", recordNames: ["人员"])
        // libxml2 reads ahead, so the error may come before the good record is handed out; the
        // stage treats it as fatal either way.
        do {
            while try r.next() != nil {}
            Issue.record("no error")
        } catch let e as XMLFailure {
            #expect(e.line == 3)
            #expect(e.message.hasPrefix("malformed XML: "))
        }
    }

    @Test func entityBombFailsFast() throws {
        var dtd = "<!DOCTYPE a [<!ENTITY l0 \"lol\">"
        for k in 1...12 { dtd += "<!ENTITY l\(k) \"" + String(repeating: "&l\(k - 1);", count: 10) + "\">" }
        dtd += "]>"
        // In content and in an attribute value (where libxml2 substitutes internal entities).
        for body in ["<人员><x>&l12;</x></人员>", "<户 户号=\"&l12;\"><人员><x>1</x></人员></户>"] {
            let doc = "<?xml version=\"1.0\"?>\n" + dtd + "\n<a>\n" + body + "</a>\n"
            let r = try XMLRecordReader(MemorySource(doc), name: "t.xml", recordNames: ["人员"])
            #expect(throws: XMLFailure.self) { while try r.next() != nil {} }
        }
    }

    @Test func externalEntitiesAreNeverLoaded() throws {
        let doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY s SYSTEM \"file:///etc/passwd\">]>\n<a><人员><x>&s;</x></人员></a>"
        let r = try XMLRecordReader(MemorySource(doc), name: "t.xml", recordNames: ["人员"])
        do {
            while try r.next() != nil {}
            Issue.record("no error")
        } catch let e as XMLFailure {
            #expect(e.message.contains("entity reference &s; refused"))
        }
    }
}

@Suite("Ingest: header synonyms")
struct HeaderSynonymTests {
    @Test func foldingAndLookup() {
        let p = HeaderSynonyms.person
        for h in ["公民身份号码", "身份证号", " 身份证号码 ", "证件号码", "SFZH", "id_number", "ID Number", "ＩＤ＿ＮＵＭＢＥＲ", "\u{FEFF}身份证号"] {
            #expect(p.field(for: h).map { p.fields[$0] } == "id_number", "\(h)")
        }
        #expect(p.field(for: "村（居）委会").map { p.fields[$0] } == "village")
        #expect(p.field(for: "村居委会").map { p.fields[$0] } == "village")
        #expect(p.field(for: "姓　名").map { p.fields[$0] } == "name")
        #expect(p.field(for: "户口类别") == nil)
        let b = HeaderSynonyms.birth
        #expect(b.field(for: "新生儿姓名").map { b.fields[$0] } == "name")
        #expect(b.field(for: "母亲公民身份号码").map { b.fields[$0] } == "mother_id")
        #expect(HeaderSynonyms.death.fields == ["name", "sex", "id_number", "death_date", "certificate", "cause", "address", "age"])
    }

    @Test func mapFile() throws {
        let text = "# comment\n户籍号 = household\n人员姓名\tname\n\n身份证号 = extra\n"
        let m = try HeaderMap.parse(text, name: "m", schema: HeaderSynonyms.person)
        let r = FieldResolver(schema: HeaderSynonyms.person, map: m)
        #expect(r.resolve("户籍号") == HeaderSynonyms.person.index(of: "household"))
        #expect(r.resolve("人员姓名") == HeaderSynonyms.person.index(of: "name"))
        #expect(r.resolve("身份证号") == nil)  // forced to extra
        #expect(r.resolve("公民身份号码") == HeaderSynonyms.person.index(of: "id_number"))
        #expect(throws: StageError.self) { try HeaderMap.parse("a = nope\n", name: "m", schema: HeaderSynonyms.person) }
        #expect(throws: StageError.self) { try HeaderMap.parse("just a header\n", name: "m", schema: HeaderSynonyms.person) }
    }
}
