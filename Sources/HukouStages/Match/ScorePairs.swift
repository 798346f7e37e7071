// `hukou score` (pair scoring; registered as `score-pairs` until it joins the evaluator under one
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

/// The command line of pair scoring.
public struct ScorePairsCommand: StageCommand {
    public static let configuration = CommandConfiguration(
        commandName: "score-pairs",
        abstract: "Score the candidate pairs of key-sorted block lines (the matcher's second stage).",
        discussion: """
        Reads `hukou block` output sorted by key; each pair of records in a group is scored once (at \
        the first blocking key the two share) and emitted as a `pair` record with its total weight, \
        match probability and each field's level and weight, when it reaches the cluster floor or the \
        two hold the same ID number.

        Examples:
          hukou block normalized.ndjson | LC_ALL=C sort | hukou score-pairs --model model.json > pairs.ndjson
        """
    )
    @OptionGroup public var common: CommonOptions
    @OptionGroup public var options: ScorePairsOptions
    @Argument(help: "NDJSON inputs (default: stdin; - is stdin).") public var files: [String] = []
    public init() {}
    public func makeStage(_ context: StageContext) throws -> StageInstance { .filter(try options.makeStage(context, common)) }
}
