// `hukou cluster`: the matcher's third stage. Reads scored pairs, clusters them (complete
// linkage, never across a household or a veto) and emits the findings at the end.
import ArgumentParser
import HukouCore
import HukouDriver
import HukouIO

/// Clusters `pair` records into findings; other records pass through.
public final class ClusterStage: Stage {
    let collector: PairCollector

    public init(spec: MatchSpec) { collector = PairCollector(spec: spec) }

    public func process(_ record: Record, _ out: Emitter) throws {
        guard record.kind == "pair" else { return try out.pass(record) }
        if let reason = collector.add(record) { return try out.reject(src: record.src, reason: reason, record: record) }
        out.consume()
    }

    public func finish(_ out: Emitter) throws {
        let c = Clusterer(spec: collector.spec, records: collector.records, pairs: collector.pairs)
        for f in c.findings() { try out.create(f) }
    }
}

/// The command line of `hukou cluster`.
public struct ClusterCommand: StageCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Turn scored pairs into duplicate and shared-number findings (the matcher's last stage).",
        discussion: """
        Links pairs at or above the spec's threshold, strongest first, and merges two clusters only \
        when every pair across them was scored at or above the cluster floor, no field vetoes it and \
        no two records share a household. Emits DUPLICATE_REGISTRATION per cluster (which record to \
        keep and why, every pair's weights) and ID_SHARED_BY_DIFFERENT_PERSONS per number held by \
        records of different clusters.

        Examples:
          hukou block n.ndjson | LC_ALL=C sort | hukou score --model m.json | hukou cluster > findings.ndjson
        """
    )
    @OptionGroup public var common: CommonOptions
    @OptionGroup public var specOptions: SpecOptions
    @Argument(help: "NDJSON inputs (default: stdin; - is stdin).") public var files: [String] = []
    public init() {}
    public func makeStage(_ context: StageContext) throws -> StageInstance { .filter(ClusterStage(spec: try specOptions.load(context))) }
}
