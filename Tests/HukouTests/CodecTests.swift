// Unit tests of the NDJSON codec: RFC 8259 parsing, escapes, surrogates, numbers, invalid input.
@testable import HukouIO
import Testing

private func parse(_ s: String) throws -> JSONValue { try JSONParser.parse(s) }
private func roundTrip(_ s: String) throws -> String { JSONWriter.string(try parse(s)) }

@Suite("JSON codec")
struct CodecTests {
    @Test func scalars() throws {
        #expect(try parse("null") == .null)
        #expect(try parse(" true ") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("\"x\"") == .string("x"))
    }

    @Test(arguments: ["0", "-0", "1.50", "-12.5e+3", "1E9", "123456789012345678901234567890", "0.0001"])
    func numbersKeepTheirLexeme(_ n: String) throws {
        #expect(try parse(n) == .number(n))
        #expect(try roundTrip(n) == n)
    }

    @Test(arguments: ["01", "1.", ".5", "+1", "1e", "--1", "0x10", "NaN", "Infinity", "1.e3"])
    func invalidNumbers(_ n: String) {
        #expect(throws: JSONParseError.self) { try parse(n) }
    }

    @Test func escapes() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{c}\n\r\t"))
        #expect(try parse(#""\u00e9\u4E2D""#) == .string("é中"))
        // Writing is canonical: only " \ and control characters are escaped.
        #expect(JSONWriter.string(.string("a\"b\\c/d\u{1}\n中")) == #""a\"b\\c/d\u0001\n中""#)
    }

    @Test func surrogatePairs() throws {
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse(#""\uD840\uDC00""#) == .string("\u{20000}"))  // CJK Extension B
        #expect(throws: JSONParseError.self) { try parse(#""\ud83d""#) }
        #expect(throws: JSONParseError.self) { try parse(#""\ud83dx""#) }
        #expect(throws: JSONParseError.self) { try parse(#""\ude00""#) }
        #expect(throws: JSONParseError.self) { try parse(#""\ud83d\u0041""#) }
    }

    @Test func invalidStrings() {
        #expect(throws: JSONParseError.self) { try parse("\"abc") }
        #expect(throws: JSONParseError.self) { try parse("\"a\tb\"") }  // raw control character
        #expect(throws: JSONParseError.self) { try parse(#""\x""#) }
        #expect(throws: JSONParseError.self) { try parse(#""\u12""#) }
    }

    @Test func nestedValuesRoundTrip() throws {
        let s = #"{"kind":"person","src":"a.csv:2","x":[1,{"y":null,"z":[true,false]},[]],"o":{}}"#
        #expect(try roundTrip(s) == s)
        #expect(try roundTrip(" { \"a\" : [ 1 , 2 ] } ") == #"{"a":[1,2]}"#)
    }

    @Test func keyOrderIsKept() throws {
        let s = #"{"z":1,"a":2,"m":3}"#
        guard case .object(let o) = try parse(s) else { Issue.record("not an object"); return }
        #expect(o.keys == ["z", "a", "m"])
        #expect(JSONWriter.string(o) == s)
    }

    @Test func malformedStructures() {
        for bad in ["{", "{\"a\"}", "{\"a\":1,}", "[1,]", "{\"a\":1}x", "{a:1}", "[1 2]", ""] {
            #expect(throws: JSONParseError.self, "\(bad)") { try parse(bad) }
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try parse(deep) }
    }

    @Test func invalidUTF8IsRejected() {
        let cases: [[UInt8]] = [
            [0x22, 0xFF, 0x22],              // never valid
            [0x22, 0xC0, 0xAF, 0x22],        // overlong
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate
            [0x22, 0xE4, 0xB8, 0x22],        // truncated
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
        ]
        for bytes in cases {
            #expect(throws: JSONParseError.self, "\(bytes)") {
                try bytes.withUnsafeBufferPointer { b in try JSONParser.parse(b) }
            }
        }
        let good: [UInt8] = Array("\"王伟·𠀀\"".utf8)
        #expect((try? good.withUnsafeBufferPointer { b in try JSONParser.parse(b) }) == .string("王伟·𠀀"))
    }

    @Test func recordLinesMustBeObjects() {
        for bad in ["[1]", "1", "\"x\"", "null"] {
            #expect(throws: JSONParseError.self) {
                try Array(bad.utf8).withUnsafeBufferPointer { b in try JSONParser.parseObject(b) }
            }
        }
    }

    @Test func decimalFormatting() {
        #expect(formatDecimal(1.0, digits: 4) == "1")
        #expect(formatDecimal(-2.5, digits: 4) == "-2.5")
        #expect(formatDecimal(0.12345, digits: 4) == "0.1235")
        #expect(formatDecimal(-0.001, digits: 2) == "0")
    }

    /// Read-ahead parsing on background threads gives the same items, in the same order, as the
    /// sequential reader, whatever the number of parser threads (inputs of several chunks, with
    /// blank and malformed lines spread through them).
    @Test(arguments: [0, 1, 2, 4])
    func readAheadKeepsOrderAndLines(workers: Int) throws {
        var text = ""
        for i in 1...3000 {
            switch i % 97 {
            case 0: text += "{\"kind\":\n"
            case 13: text += "\n"
            default: text += "{\"kind\":\"person\",\"src\":\"a:\(i)\",\"n\":\(i)}\n"
            }
        }
        let path = "/tmp/hukou-readahead-\(workers).ndjson"
        let file = try ByteOutput.file(path)
        try file.write(text)
        try file.close()
        func describe(_ item: NDJSONItem) -> String {
            switch item {
            case .record(let r, let line): return "\(line) \(JSONWriter.string(.object(r)))"
            case .malformed(let reason, let line, let raw): return "\(line) ! \(reason) \(raw)"
            }
        }
        var expected: [String] = []
        let seq = NDJSONReader(try InputFile(path: path))
        while let item = try seq.next() { expected.append(describe(item)) }
        var got: [String] = []
        let ahead = ReadAheadNDJSONReader(try InputFile(path: path), workers: workers)
        while let batch = try ahead.nextBatch() { got += batch.items.map(describe) }
        #expect(expected.count == 2969)  // 3000 lines less 31 blank ones
        #expect(got == expected)
        #expect(got.filter { $0.contains(" ! ") }.count == 3000 / 97)
    }

    /// A read error reaches the consumer (after what was read before it), with or without threads.
    @Test(arguments: [0, 2])
    func readAheadReportsReadErrors(workers: Int) throws {
        // Opening /proc/self/mem succeeds; reading it at offset 0 fails (EIO: not mapped).
        let ahead = ReadAheadNDJSONReader(try InputFile(path: "/proc/self/mem"), workers: workers)
        #expect(throws: IOFailure.self) { while try ahead.nextBatch() != nil {} }
    }

    /// Records serialized by several threads come out complete and in order.
    @Test(arguments: [0, 1, 3])
    func writeBehindKeepsOrder(threads: Int) throws {
        let path = "/tmp/hukou-writebehind-\(threads).ndjson"
        let out = try ByteOutput.file(path)
        let w = WriteBehindRecordWriter(out, threads: threads)
        for i in 0..<5000 { try w.write(["n": .number(String(i))]) }
        try w.finish()
        try out.close()
        let lines = String(decoding: try InputFile(path: path).readAll(), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 5000)
        #expect(lines.first == "{\"n\":0}" && lines.last == "{\"n\":4999}")
    }

    /// The word-at-a-time scan finds the same first special byte as a plain loop, for every
    /// length, start and position (strings shorter than a word included).
    @Test func specialByteScanAgreesWithAPlainLoop() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x61, 0x22, 0x5C, 0x0A, 0x1F, 0x20, 0x7F, 0x80, 0xA2, 0xDC, 0xE4, 0xFF, 0x21, 0x5B]
        for _ in 0..<4000 {
            let n = Int.random(in: 0...40, using: &rng)
            var bytes = [UInt8](repeating: 0x61, count: n)
            // Mostly clean strings, with now and then a special or a high byte.
            for k in 0..<n where Int.random(in: 0..<6, using: &rng) == 0 { bytes[k] = alphabet.randomElement(using: &rng)! }
            bytes.withUnsafeBufferPointer { b in
                guard let p = b.baseAddress else { return }
                for from in 0...n {
                    var expected = from
                    while expected < n && !(p[expected] < 0x20 || p[expected] == 0x22 || p[expected] == 0x5C) { expected += 1 }
                    #expect(firstSpecialJSONByte(p, from: from, count: n) == expected, "\(bytes) from \(from)")
                }
            }
        }
    }

    /// A line is canonical exactly when writing the parsed record gives the line back: no
    /// whitespace between tokens, and only the escapes the writer itself writes.
    @Test func canonicalLinesAreWhatTheWriterWrites() throws {
        let canonical = [
            #"{"kind":"person","src":"a.csv:2","n":1.50,"ok":true,"x":null,"a":[1,"b",{}],"o":{"k":[]}}"#,
            #"{"s":"tab\there \"quoted\" back\\slash \n\r\b\f \u001f","名":"王伟"}"#,
            #"{}"#,
            #"{"k":"v","k":"duplicate keys are kept"}"#,
        ]
        let other = [
            #"{"kind": "person"}"#, #" {"a":1}"#, #"{"a":1} "#, #"{"a" :1}"#, #"{"a":[1, 2]}"#,
            #"{"a":"\/"}"#, #"{"a":"\u0041"}"#, #"{"a":"\u001F"}"#, "{\"a\":1}\t",
        ]
        for line in canonical + other {
            var text = line
            let (o, isCanonical) = try text.withUTF8 { try JSONParser.parseRecord($0) }
            let written = JSONWriter.string(o)
            #expect(isCanonical == canonical.contains(line), "\(line)")
            #expect(isCanonical == (written == line), "\(line) → \(written)")
        }
    }

    /// The string cache gives back exactly the string of the bytes, whatever collides in it.
    @Test func stringCacheGivesTheStringOfTheBytes() {
        let cache = StringCache()
        var rng = SystemRandomNumberGenerator()
        let pieces = ["a", "王", "伟", "1", "-", "é", "𠂇", "k"]
        var seen: [String] = []
        for round in 0..<20000 {
            let s: String
            if round % 3 == 0, let old = seen.randomElement(using: &rng) {
                s = old
            } else {
                s = (0..<Int.random(in: 0...16, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
                seen.append(s)
            }
            var t = s
            let got = t.withUTF8 { b in cache.string(b.baseAddress ?? JSONParser.emptyByte, b.count) }
            #expect(got == s)
        }
    }

    /// Lines read ahead come with their text when canonical, and a writer given that text writes
    /// the same bytes as it would for the record.
    @Test(arguments: [0, 2])
    func passThroughLinesWriteTheSameBytes(workers: Int) throws {
        let lines = [#"{"kind":"person","src":"a:1","name":"王伟"}"#, #"{"kind": "person"}"#, "", #"{"a":"\/"}"#, #"{"b":[1,2]}"#]
        let path = "/tmp/hukou-passthrough-\(workers).ndjson"
        let file = try ByteOutput.file(path)
        try file.write(lines.joined(separator: "\n") + "\n")
        try file.close()
        let ahead = ReadAheadNDJSONReader(try InputFile(path: path), workers: workers)
        let outPath = path + ".out"
        let out = try ByteOutput.file(outPath)
        let w = WriteBehindRecordWriter(out, threads: workers)
        var passed = 0
        while let batch = try ahead.nextBatch() {
            for (k, item) in batch.items.enumerated() {
                guard case .record(let r, _) = item else { continue }
                if let line = batch.passThroughLine(k) { try w.write(line); passed += 1 } else { try w.write(r) }
            }
        }
        try w.finish()
        try out.close()
        #expect(passed == 2)
        let text = String(decoding: try InputFile(path: outPath).readAll(), as: UTF8.self)
        #expect(text == #"{"kind":"person","src":"a:1","name":"王伟"}"# + "\n" + #"{"kind":"person"}"# + "\n" + #"{"a":"/"}"# + "\n" + #"{"b":[1,2]}"# + "\n")
    }

    /// Nested objects written again come from the writer's kept bytes: the same text as writing
    /// them afresh, also after a shared object is copied and changed, for many objects at once.
    @Test func nestedObjectsWrittenAgainGiveTheSameBytes() {
        let shared: [JSONObject] = (0..<300).map { ["sex": .string("男"), "n": .number(String($0))] }
        let w = JSONWriter(capacity: 64)
        var expected = ""
        for round in 0..<3000 {
            var inner = shared[(round * 7) % shared.count]
            if round % 5 == 0 { inner["changed"] = .bool(true) }
            if round % 11 == 0 { inner = ["big": .string(String(repeating: "长", count: 100))] }
            let record: JSONObject = ["kind": .string("person"), "labels": .object(inner), "again": .object(inner)]
            w.writeRecordLine(record)
            let inText = JSONWriter.string(inner)
            expected += #"{"kind":"person","labels":"# + inText + #","again":"# + inText + "}\n"
        }
        #expect(String(decoding: w.buffer, as: UTF8.self) == expected)
    }

    /// A UTF-8 byte order mark at the start of an input is skipped (Windows tools write one);
    /// on a later line it is no JSON and the line is reported, with either reader.
    @Test(arguments: [0, 2])
    func leadingByteOrderMarkIsSkipped(workers: Int) throws {
        let path = "/tmp/hukou-bom-\(workers).ndjson"
        let file = try ByteOutput.file(path)
        try file.write("\u{FEFF}{\"a\":1}\n\u{FEFF}{\"a\":2}\n{\"a\":3}\n")
        try file.close()
        func lines(_ items: [NDJSONItem]) -> [String] {
            items.map { item in
                switch item {
                case .record(let r, let line): return "\(line) \(JSONWriter.string(r))"
                case .malformed(_, let line, _): return "\(line) !"
                }
            }
        }
        var seq: [NDJSONItem] = []
        let reader = NDJSONReader(try InputFile(path: path))
        while let item = try reader.next() { seq.append(item) }
        var ahead: [NDJSONItem] = []
        let r = ReadAheadNDJSONReader(try InputFile(path: path), workers: workers)
        while let batch = try r.nextBatch() { ahead += batch.items }
        #expect(lines(seq) == [#"1 {"a":1}"#, "2 !", #"3 {"a":3}"#])
        #expect(lines(ahead) == lines(seq))
    }
}
