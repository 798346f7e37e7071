// `hukou cat`: the pass-through stage. Reads NDJSON, checks every line, writes it back canonically.
import ArgumentParser
import HukouCore
import HukouDriver

/// Passes every record through unchanged; malformed lines become rejects.
public final class CatStage: Stage {
    public init() {}
    public func process(_ record: Record, _ out: Emitter) throws { try out.pass(record) }
}

/// The command line of `hukou cat`.
public struct CatCommand: StageCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Pass records through, checking every line (concatenates several inputs).",
        discussion: """
        Every line must be one JSON object (RFC 8259, UTF-8). Valid records are written back in \
        compact canonical form with their keys in the same order; malformed lines are rejected \
        with file and line.

        Examples:
          hukou cat a.ndjson b.ndjson > all.ndjson
          hukou cat --rejects bad.ndjson --stats < export.ndjson > clean.ndjson
        """
    )
    @OptionGroup public var common: CommonOptions
    @Argument(help: "NDJSON inputs (default: stdin; - is stdin).") public var files: [String] = []
    public init() {}
    public func makeStage(_ context: StageContext) throws -> StageInstance { .filter(CatStage()) }
}
