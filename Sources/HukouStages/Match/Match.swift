// `hukou match`: block, score and cluster in one process. Buffers each person's compact
// comparison values (not the record), passes every record on, and emits the findings at the end.
import ArgumentParser
import HukouCore
import HukouDriver
import HukouIO

/// The whole matcher in one stage.
public final class MatchStage: Stage {
    let spec: MatchSpec
    let data: MatchData
    let model: MatchModel?
    let saveModel: ((JSONObject) throws -> Void)?
    let warn: (String) -> Void
    let report: ((String) -> Void)?

    /// `model`: use these parameters instead of training; `saveModel`: receives the trained
    /// model's JSON; `report`: receives the blocking report lines (for --stats).
    public init(spec: MatchSpec, model: MatchModel?, saveModel: ((JSONObject) throws -> Void)?, warn: @escaping (String) -> Void, report: ((String) -> Void)?) {
        self.spec = spec
        self.data = MatchData(spec: spec)
        self.model = model
        self.saveModel = saveModel
        self.warn = warn
        self.report = report
    }

    public func process(_ record: Record, _ out: Emitter) throws {
        if record.kind == spec.kind { data.append(record) }
        try out.pass(record)
    }

    public func finish(_ out: Emitter) throws {
        for f in try MatchStage.run(data, model: model, saveModel: saveModel, warn: warn, report: report) { try out.create(f) }
    }

    /// Blocks, trains (unless a model is given), scores and clusters; returns the findings.
    static func run(_ data: MatchData, model given: MatchModel?, saveModel: ((JSONObject) throws -> Void)?, warn: (String) -> Void, report: ((String) -> Void)?) throws -> [Record] {
        let clock = ContinuousClock()
        var mark = clock.now
        func lap() -> String {
            let d = clock.now - mark
            mark = clock.now
            return formatDecimal(Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18, digits: 2) + " s"
        }
        data.finalizeHouseholds()
        let (candidates, blocks, compareCPU) = MatchRun.candidatesTimed(data, warn: warn)
        let tBlock = lap()
        if let report {
            for b in blocks {
                report("match: blocking \(b.rule): \(b.blocks) blocks, \(b.pairs) new pairs, largest \(b.largest.map(String.init).joined(separator: "/"))\(b.capped > 0 ? ", \(b.capped) capped" : "")")
            }
        }
        let model = given ?? MatchRun.train(data, candidates: candidates)
        if given == nil, let saveModel { try saveModel(model.json(spec: data.spec)) }
        let tTrain = lap()
        let scorer = PairScorer(data: data, model: model)
        let t0 = threadCPUSeconds()
        let pairs = MatchRun.score(scorer, candidates)
        let cpu = compareCPU + threadCPUSeconds() - t0
        let tScore = lap()
        report?("match: \(data.count) records, \(candidates.count) candidate pairs, \(pairs.count) kept, prior 1 in \(Int((1 / model.prior).rounded())) pairs")
        if candidates.count > 0 {
            report?("match: scoring \(candidates.count) pairs took \(formatDecimal(cpu, digits: 3)) s of CPU: \(Int(Double(candidates.count) / max(cpu, 1e-6))) pairs/s per core")
        }
        let findings = Clusterer(spec: data.spec, records: data.clusterRecords, pairs: pairs).findings()
        report?("match: wall time: block+compare \(tBlock), train \(given == nil ? tTrain : "0 s (model given)"), score \(tScore), cluster \(lap())")
        return findings
    }
}

/// The command line of `hukou match`.
public struct MatchCommand: StageCommand {
    public static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Find every person registered more than once, and ID numbers held by different people.",
        discussion: """
        Fellegi–Sunter matching of normalized person records: blocking passes (ID body, the 15/18-digit \
        key, pinyin + birth date, surname + birth date + sex, one-digit ID typos), comparison levels \
        that know Chinese names, ID numbers and dates, term-frequency adjusted names, and clustering \
        that never chains strangers (every pair in a cluster must match). Trains without labels unless \
        --model is given. Every record passes through; findings (DUPLICATE_REGISTRATION, \
        ID_SHARED_BY_DIFFERENT_PERSONS) follow at the end. `block | sort | score | cluster` is \
        the same in three stages.

        Examples:
          hukou match --save-model out/model.json < normalized.ndjson > matched.ndjson
          hukou match --model out/model.json --stats normalized.ndjson
          hukou match --spec my-spec.yaml people.ndjson
        """
    )
    @OptionGroup public var common: CommonOptions
    @OptionGroup public var specOptions: SpecOptions
    @Option(help: ArgumentHelp("Use this trained model instead of training.", valueName: "FILE")) public var model: String?
    @Option(name: .customLong("save-model"), help: ArgumentHelp("Write the trained model (JSON) to FILE.", valueName: "FILE")) public var saveModel: String?
    @Argument(help: "NDJSON inputs (default: stdin; - is stdin).") public var files: [String] = []
    public init() {}

    public func validate() throws {
        if model != nil && saveModel != nil { throw ValidationError("--model and --save-model exclude each other (a given model is not retrained)") }
    }

    public func makeStage(_ context: StageContext) throws -> StageInstance {
        let spec = try specOptions.load(context)
        let m = try model.map { try loadModel($0, spec: spec, context) }
        let stats = common.stats
        return .filter(MatchStage(spec: spec, model: m, saveModel: modelSaver(saveModel), warn: warner(common),
                                  report: stats ? { Diagnostics.line("hukou: " + $0) } : nil))
    }
}
