// `hukou score` (pair scoring; registered as `score` until it joins the evaluator under one
// name): reads key-grouped, key-sorted block lines and emits each candidate pair once with its
// weights. Stateless apart from the model file: a group is scored and forgotten.
import ArgumentParser
import HukouCore
import HukouDriver
import HukouIO

/// Scores the pairs of each key group.
public final class ScorePairsStage: Stage {
    let spec: MatchSpec
    let model: MatchModel
    let warn: (String) -> Void
    private var key: String?
    private var group: [Record] = []
    private var lastSrc = ""

    public init(spec: MatchSpec, model: MatchModel, warn: @escaping (String) -> Void) {
        self.spec = spec
        self.model = model
        self.warn = warn
    }

    public func process(_ record: Record, _ out: Emitter) throws {
        guard record.kind == "block" else { return try out.pass(record) }
        guard let k = record.string("key"), let r = record["record"]?.objectValue else {
            return try out.reject(src: record.src, reason: "a block line needs `key` and `record`", record: record)
        }
        if k != key {
            if let key, !key.utf8.lexicographicallyPrecedes(k.utf8) {
                throw StageError.badData(src: record.src, message: "block lines are not sorted by key (sort them with LC_ALL=C sort)")
            }
            try flush(out)
            key = k
        }
        group.append(r)
        lastSrc = record.src
        out.consume()
    }

    public func finish(_ out: Emitter) throws { try flush(out) }

    private func flush(_ out: Emitter) throws {
        defer { group.removeAll(keepingCapacity: true) }
        guard let key, group.count >= 2 else { return }
        if group.count > spec.blockCap {
            warn("block of \(group.count) records over the cap of \(spec.blockCap) skipped (near \(lastSrc))")
            return
        }
        let ruleName = String(key.prefix { $0 != ":" })
        guard let rule = spec.blocking.firstIndex(where: { $0.name == ruleName }) else {
            throw StageError.badData(src: lastSrc, message: "blocking rule `\(ruleName)` is not in the spec")
        }
        let id = keyID(rule: rule, key: key)
        let data = MatchData(spec: spec)
        for r in group { data.append(r) }
        let keys = (0..<data.count).map { data.keyIDs($0) }
        let scorer = PairScorer(data: data, model: model)
        let cmp = data.comparer()
        var candidates: [(Int32, Int32, UInt64)] = []
        for a in 0..<data.count {
            for b in (a + 1)..<data.count where firstShared(keys[a], keys[b]) == id {
                candidates.append((Int32(a), Int32(b), cmp.pattern(a, b)))
            }
        }
        let records = data.clusterRecords
        let writer = Clusterer(spec: spec, records: records, pairs: [])
        for p in MatchRun.score(scorer, candidates) {
            try out.create(PairRecord.encode(p, writer, records))
        }
    }

    private func firstShared(_ x: [UInt64], _ y: [UInt64]) -> UInt64 {
        var i = 0, j = 0
        while i < x.count && j < y.count {
            if x[i] == y[j] { return x[i] }
            if x[i] < y[j] { i += 1 } else { j += 1 }
        }
        return .max
    }
}

/// The options of pair scoring (kept apart so `hukou score` can carry them beside `--truth`).
public struct ScorePairsOptions: ParsableArguments {
    @OptionGroup public var specOptions: SpecOptions
    @Option(help: ArgumentHelp("The trained model (from `hukou match --save-model`).", valueName: "FILE")) public var model: String?
    public init() {}

    /// Builds the scoring stage.
    public func makeStage(_ context: StageContext, _ common: CommonOptions) throws -> ScorePairsStage {
        let spec = try specOptions.load(context)
        guard let path = model else { throw StageError.usage("scoring pairs needs --model FILE (train one with `hukou match --save-model FILE`)") }
        return ScorePairsStage(spec: spec, model: try loadModel(path, spec: spec, context), warn: warner(common))
    }
}

/// `hukou score`: pair scoring (the matcher's second stage), or, with `--truth`, the evaluation
/// of findings against a synth truth file. One name for both because both score: pairs by their
/// match weight, findings by precision and recall; `--truth` tells them apart.
public struct ScoreCommand: StageCommand {
    public static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score candidate pairs (matcher stage), or with --truth score findings against a synth truth.",
        discussion: """
        Without --truth, a stage: reads `hukou block` output sorted by key; each pair of records in         a group is scored once (at the first blocking key the two share) and emitted as a `pair`         record with its total weight, match probability and each field's level and weight, when it         reaches the cluster floor or the two hold the same ID number.

        With --truth FILE, a report: findings are matched to truth lines by code and the set of         refs (and the field, for FIELD_INVALID); each truth line matches at most one finding,         repeats are false positives. Findings with severity `warning` are not scored (counted         apart); records that are not findings are ignored. Precision is "-" (null in --json) for         a code with no scored finding, recall for a code with no truth line. Harmful: a scored         finding that proposes a cancellation (action `cancel`, or a code         DECEASED/ENLISTED/EMIGRATED_STILL_REGISTERED with no action) when none of its refs is a         person truly dead, enlisted or settled abroad; or a cancelling DUPLICATE_REGISTRATION         whose refs are not all one true duplicate cluster. Decoys (DECOY_* truth lines) are joined         when one scored finding cites all their refs.

        Examples:
          hukou block normalized.ndjson | LC_ALL=C sort | hukou score --model model.json > pairs.ndjson
          hukou score --truth testdata/county/truth.ndjson out/findings.ndjson
          hukou run pipelines/findings.yaml | hukou score --truth testdata/county/truth.ndjson --json
        """
    )
    @OptionGroup public var common: CommonOptions
    @OptionGroup public var options: ScorePairsOptions
    @Option(help: ArgumentHelp("Score findings against this truth file (written by `hukou synth`) instead of scoring pairs.", valueName: "FILE"))
    public var truth: String?
    @Flag(help: "With --truth: print the report as one JSON object.") public var json = false
    @Argument(help: "NDJSON inputs: block lines, or findings with --truth (default: stdin; - is stdin).") public var files: [String] = []
    public init() {}

    public func makeStage(_ context: StageContext) throws -> StageInstance {
        if truth != nil { throw StageError.usage("score --truth writes a report, not records: it cannot be a pipeline step") }
        return .filter(try options.makeStage(context, common))
    }

    public mutating func validate() throws {
        if json && truth == nil { throw ValidationError("--json goes with --truth") }
    }

    public mutating func run() throws {
        if let truth {
            try FindingsEvaluation.run(truth: truth, findings: files, json: json, output: common.output)
        } else {
            let step = PipelineStep(name: Self.stageName, command: self)
            try PipelineRunner(steps: [step], inputs: files, options: common).run()
        }
    }
}
