// `hukou explain A B`: why the matcher links two records or not, field by field.
import ArgumentParser
import HukouCore
import HukouDriver
import HukouIO
import HukouStages

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Print the match weights of two records as a waterfall (prior, each field, total).",
        discussion: """
        A and B are two `src` values of records in the --input files, or two JSON records. The weights \
        come from --model, or from a model trained on the --input records as `hukou match` would; they \
        are the same numbers as in the finding's `pairs`.

        Examples:
          hukou explain --input normalized.ndjson --model model.json register.csv:17 register.csv:230
          hukou explain --model model.json '{"kind":"person","src":"a:1","name":"王伟",…}' '{…}'
        """
    )

    @Argument(help: "The first record: a src, or a JSON record.") var a: String
    @Argument(help: "The second record: a src, or a JSON record.") var b: String
    @Option(help: ArgumentHelp("Normalized records to find A and B in (and to train on without --model).", valueName: "FILE")) var input: [String] = []
    @Option(help: ArgumentHelp("The trained model (from `hukou match --save-model`).", valueName: "FILE")) var model: String?
    @Option(help: ArgumentHelp("The match spec (default: the built-in one).", valueName: "FILE")) var spec: String?

    mutating func run() throws {
        do {
            let spec = try MatchExplain.spec(spec)
            var records: [Record] = []
            for path in input {
                let reader = NDJSONReader(try InputFile(path: path))
                while let item = try reader.next() {
                    if case .record(let r, _) = item { records.append(r) }
                }
            }
            records = MatchExplain.annotateHouseholds(records, spec: spec)
            func find(_ s: String) throws -> Record {
                if s.hasPrefix("{") {
                    do {
                        guard let o = try JSONParser.parse(s).objectValue else { throw DriverError.usage("explain: not a JSON object: \(s.prefix(20))…") }
                        return o
                    } catch let e as JSONParseError { throw DriverError.usage("explain: not a JSON record: \(e)") }
                }
                guard let r = records.first(where: { $0.src == s && $0.kind == spec.kind }) else {
                    throw DriverError.usage("explain: no \(spec.kind) record with src \(s) in \(input.isEmpty ? "the inputs (give --input FILE)" : input.joined(separator: ", "))")
                }
                return r
            }
            let ra = try find(a), rb = try find(b)
            let m: MatchModel
            if let path = model { m = try MatchExplain.model(path, spec: spec) } else {
                guard !records.isEmpty else { throw DriverError.usage("explain: give --model FILE, or --input FILE to train on") }
                m = MatchExplain.train(records, spec: spec)
            }
            print(MatchExplain.waterfall(ra, rb, spec: spec, model: m), terminator: "")
        } catch let e as StageError {
            switch e {
            case .noInput(let p, let msg): throw IOFailure.cannotOpen(path: p, reason: msg)
            default: throw DriverError.usage(e.description)
            }
        }
    }
}
