// `hukou crosscheck`: links other agencies' lists (deaths, enlistments, emigrations, births) to
// the register streaming through, and emits the findings and the unmatched list entries.
import ArgumentParser
import HukouCore
import HukouDriver
import HukouIO

/// Passes every record on; register persons are also shown to the engine, whose findings and
/// unmatched-entry records follow the last input record.
public final class CrosscheckStage: Stage {
    let engine: CrosscheckEngine
    public init(engine: CrosscheckEngine) { self.engine = engine }

    public func process(_ record: Record, _ out: Emitter) throws {
        if record.kind == RecordKind.person { engine.observe(record) }
        try out.pass(record)
    }

    public func finish(_ out: Emitter) throws {
        _ = try engine.decide { try out.create($0) }
    }
}

/// The command line of `hukou crosscheck`.
public struct CrosscheckCommand: StageCommand {
    public static let configuration = CommandConfiguration(
        commandName: "crosscheck",
        abstract: "Cross-check death, enlistment, emigration and birth lists against the register.",
        discussion: """
        The lists are NDJSON from `hukou ingest --as death|enlistment|emigration|birth` (normalized \
        or not: crosscheck derives its own comparison keys), or the agencies' CSV / XML files \
        themselves (by extension: read as `hukou ingest --as KIND` would). They are indexed in memory; the \
        register streams through, so memory grows with the lists, not the register. Records pass \
        through unchanged; after the last one come the findings (DECEASED_STILL_REGISTERED, \
        ENLISTED_STILL_REGISTERED, EMIGRATED_STILL_REGISTERED with action cancel or verify; \
        BIRTH_NOT_REGISTERED and BIRTH_OUT_OF_POLICY with action register) and one `unmatched` \
        record per list entry that matches nobody here.

        A cancellation needs the same ID number (or its 15/18-digit twin) and an agreeing name, or, \
        for an entry without a number, the same name, birth date and sex as exactly one registered \
        person. Anything weaker is a verification (核实) naming the candidates.

        Examples:
          hukou crosscheck --deaths deaths.ndjson --births births.ndjson register.ndjson
          hukou normalize register.ndjson | hukou crosscheck --deaths d.ndjson --enlistments e.ndjson | hukou orders
        """
    )
    @OptionGroup public var common: CommonOptions
    @Option(help: ArgumentHelp("Civil-affairs death / cremation list (NDJSON, kind death).", valueName: "FILE")) public var deaths: [String] = []
    @Option(help: ArgumentHelp("Armed-forces enlistment list (NDJSON, kind enlistment).", valueName: "FILE")) public var enlistments: [String] = []
    @Option(help: ArgumentHelp("Exit-entry settlement-abroad list (NDJSON, kind emigration).", valueName: "FILE")) public var emigrations: [String] = []
    @Option(help: ArgumentHelp("Birth medical certificates (NDJSON, kind birth).", valueName: "FILE")) public var births: [String] = []
    @Option(help: ArgumentHelp("An enlistment before this age is verified, not cancelled.", valueName: "YEARS")) public var minEnlistAge = 16
    @Option(help: ArgumentHelp("A name-only entry with more namesakes than this is listed as unmatched.", valueName: "N")) public var maxNamesakes = 3
    @Flag(help: "Let a one-digit typo in the ID number (name and birth date agreeing, one candidate) cancel; default: verify.") public var typoCancels = false
    @Argument(help: "NDJSON inputs: the register (default: stdin; - is stdin).") public var files: [String] = []
    public init() {}

    public func validate() throws {
        if deaths.isEmpty && enlistments.isEmpty && emigrations.isEmpty && births.isEmpty {
            throw ValidationError("give at least one list: --deaths, --enlistments, --emigrations or --births")
        }
        if minEnlistAge < 0 || maxNamesakes < 0 { throw ValidationError("--min-enlist-age and --max-namesakes must not be negative") }
    }

    /// A list file: NDJSON records, or an agency's CSV / XML export (by its extension), read
    /// with ingest's header synonyms for the list kind (`hukou ingest --as KIND`) so that a
    /// pipeline can name the agencies' files directly. A row ingest rejects stops the run with
    /// its file and line: ingest the list alone with `--rejects` to see every bad row.
    static func readList(_ path: String, kind: String, _ context: StageContext) throws -> [Record] {
        let lower = path.lowercased()
        guard lower.hasSuffix(".csv") || lower.hasSuffix(".xml") else { return try context.readRecords(path) }
        guard let schema = HeaderSynonyms.schema(for: kind) else { throw StageError.usage("no list kind '\(kind)'") }
        let input: InputFile
        do { input = try InputFile(path: path) } catch { throw StageError.noInput(path: path, message: "cannot open: \(error.description)") }
        var records: [Record] = []
        let collect = Emitter(stage: "crosscheck", downstream: { records.append($0) }, rejects: { r in
            throw StageError.badData(src: r.src, message: "\(r.reason) (ingest the list alone with --rejects to keep its bad rows)")
        })
        let ingest = IngestStage(resolver: FieldResolver(schema: schema))
        try ingest.read(input, collect)
        try ingest.finish(collect)
        return records
    }

    public func makeStage(_ context: StageContext) throws -> StageInstance {
        var lists: [Record] = []
        for (kind, paths) in [(RecordKind.death, deaths), (RecordKind.enlistment, enlistments), (RecordKind.emigration, emigrations), (RecordKind.birth, births)] {
            for path in paths {
                for r in try Self.readList(path, kind: kind, context) {
                    // A list file of the wrong kind is a usage mistake that would silently match nothing.
                    guard r.kind == kind else {
                        throw StageError.badData(src: r.src.isEmpty ? path : r.src, message: "--\(kind)s expects records of kind \(kind), found '\(r.kind)'")
                    }
                    lists.append(r)
                }
            }
        }
        var config = CrosscheckConfig()
        config.minEnlistAge = minEnlistAge
        config.maxNamesakes = maxNamesakes
        config.typoCancels = typoCancels
        return .filter(CrosscheckStage(engine: CrosscheckEngine(lists: lists, config: config)))
    }
}
