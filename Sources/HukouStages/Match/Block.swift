// `hukou block`: the first of the matcher's three separable stages. Emits each record once per
// blocking key as `{"kind":"block","key":K,"src":S,"record":{…}}`; the key comes first so that
// `LC_ALL=C sort` groups the lines by key for `hukou score`.
import ArgumentParser
import HukouCore
import HukouDriver
import HukouIO

/// Emits `{key, record}` lines; other kinds pass through. Persons are held for one household
/// run (consecutive records with one household number) so that each carries its run length
/// (`household_run`) past the sort, as `hukou match` measures it.
public final class BlockStage: Stage {
    let spec: MatchSpec
    let householdField: String?
    private var run: [Record] = []

    public init(spec: MatchSpec) {
        self.spec = spec
        householdField = spec.fields.first { $0.comparator == .household }?.field
    }

    public func process(_ record: Record, _ out: Emitter) throws {
        guard record.kind == spec.kind else { return try out.pass(record) }
        out.consume()
        guard let h = householdField else { return try emit(record, out) }
        let value = MatchData.text(record[h])
        if let first = run.first, value.isEmpty || MatchData.text(first[h]) != value { try flush(out) }
        run.append(record)
    }

    public func finish(_ out: Emitter) throws { try flush(out) }

    private func flush(_ out: Emitter) throws {
        let n = run.count
        for var r in run {
            r["household_run"] = .int(n)
            try emit(r, out)
        }
        run.removeAll(keepingCapacity: true)
    }

    private func emit(_ record: Record, _ out: Emitter) throws {
        let data = MatchData(spec: spec)
        data.append(record)
        for (_, key) in data.blockingKeys(0) {
            var b = JSONObject()
            b.append("kind", .string("block"))
            b.append("key", .string(key))
            b.append("src", .string(record.src))
            b.append("record", .object(record))
            try out.create(b)
        }
    }
}

/// The command line of `hukou block`.
public struct BlockCommand: StageCommand {
    public static let configuration = CommandConfiguration(
        commandName: "block",
        abstract: "Emit each record once per blocking key (the matcher's first stage).",
        discussion: """
        Each person becomes one `{"kind":"block","key":…,"src":…,"record":{…}}` line per blocking key of \
        the spec; records of other kinds pass through. Sort the output by key (LC_ALL=C sort) and give \
        it to `hukou score`. A record without any key (no name, date or number) has no \
        candidates and is consumed.

        Examples:
          hukou block normalized.ndjson | LC_ALL=C sort -S 1G | hukou score --model model.json | hukou cluster
        """
    )
    @OptionGroup public var common: CommonOptions
    @OptionGroup public var specOptions: SpecOptions
    @Argument(help: "NDJSON inputs (default: stdin; - is stdin).") public var files: [String] = []
    public init() {}
    public func makeStage(_ context: StageContext) throws -> StageInstance { .filter(BlockStage(spec: try specOptions.load(context))) }
}
