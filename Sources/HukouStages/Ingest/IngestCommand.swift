// `hukou ingest`: the command line of the ingest stage (options, help, and building the stage).
import ArgumentParser
import HukouCore
import HukouDriver
import HukouIO

/// The command line of `hukou ingest`.
public struct IngestCommand: StageCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read CSV and XML exports into records (register persons, or an agency's list with --as).",
        discussion: """
        CSV: RFC 4180 (quoted commas, quotes and line breaks; CRLF or LF), a header row whose \
        names are matched against a table of Chinese, English and pinyin synonyms (公民身份号码 / \
        身份证号 / sfzh / id_number → id_number …). Encoding per file: a BOM, else strict UTF-8, \
        else GB18030 (never GB2312); a row with an invalid byte sequence is rejected, not \
        repaired. A row with the wrong number of fields is rejected with its file and line. Blank \
        lines are skipped. An empty input (no header row) stops the run (exit 65).

        XML: read as a stream. Records are `人员` or `person` elements (--record NAME); they \
        inherit the attributes of every enclosing element (户号 on the household, 派出所 on the \
        root); their child elements are fields by the same synonyms. Entities are never \
        expanded nor loaded. Malformed XML stops the run with `FILE:LINE: malformed XML: …` \
        (exit 65): nothing after it can be trusted.

        Records: kind, src (FILE:LINE where the row or the record's start tag begins), the \
        kind's fields in canonical order with values exactly as found, then `extra` (header → \
        value) for columns no field takes. A second column naming the same field goes to extra; \
        a header with no name becomes `column N`; a repeated extra key gets `#2`.

        --map FILE: one mapping per line, `header = field` (or header TAB field); `#` starts a \
        comment line; field is one of the kind's fields or `extra`. The map wins over the table.
            户籍号 = household
            人员姓名 = name
            联系电话 = extra

        Examples:
          hukou ingest testdata/register.csv testdata/register.xml > register.ndjson
          hukou ingest --as death --rejects bad.ndjson testdata/deaths.csv > deaths.ndjson
          hukou ingest --map cols.map --encoding gb18030 export.csv
        """
    )
    @OptionGroup public var common: CommonOptions

    @Option(name: .customLong("as"), help: ArgumentHelp("Record kind: person, death, enlistment, emigration or birth.", valueName: "KIND"))
    public var kind: String = "person"

    @Option(name: .customLong("map"), help: ArgumentHelp("Extra header → field mappings (see above).", valueName: "FILE"))
    public var mapFile: String?

    @Option(help: ArgumentHelp("Input encoding: auto, utf-8 or gb18030.", valueName: "ENC"))
    public var encoding: String = "auto"

    @Option(name: .customLong("record"), help: ArgumentHelp("XML record element name (repeatable; default: 人员 and person).", valueName: "NAME"))
    public var recordNames: [String] = []

    @Argument(help: "CSV or XML exports (default: stdin; - is stdin).") public var files: [String] = []

    public init() {}

    public func validate() throws {
        guard HeaderSynonyms.schema(for: kind) != nil else {
            throw ValidationError("--as: unknown kind '\(kind)' (kinds: \(HeaderSynonyms.kinds.joined(separator: ", ")))")
        }
        guard EncodingChoice(rawValue: encoding.lowercased()) != nil else {
            throw ValidationError("--encoding: expected auto, utf-8 or gb18030, not '\(encoding)'")
        }
    }

    public func makeStage(_ context: StageContext) throws -> StageInstance {
        guard let schema = HeaderSynonyms.schema(for: kind) else { throw StageError.usage("--as: unknown kind '\(kind)'") }
        guard let enc = EncodingChoice(rawValue: encoding.lowercased()) else { throw StageError.usage("--encoding: unknown '\(encoding)'") }
        var map = HeaderMap()
        if let path = mapFile {
            let bytes = try context.readBytes(path)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw StageError.usage("\(path): a map file must be UTF-8")
            }
            map = try HeaderMap.parse(text, name: path, schema: schema)
        }
        let names = recordNames.isEmpty ? ["人员", "person"] : recordNames
        return .source(IngestStage(resolver: FieldResolver(schema: schema, map: map), encoding: enc, recordNames: names))
    }
}
