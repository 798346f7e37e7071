// `hukou score`: scores findings against the truth of a synthetic county.
import ArgumentParser
import HukouCore
import HukouDriver
import HukouIO

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score findings against a synth truth file: per code TP/FP/FN, precision, recall, F1; harm; decoys.",
        discussion: """
        A finding matches a truth line when the code and the set of refs are equal (and the field, \
        for FIELD_INVALID); each truth line matches at most one finding, repeats are false \
        positives. Findings with severity `warning` are not scored (counted apart); records that \
        are not findings are ignored. Precision is "-" (null in --json) for a code with no scored \
        finding, recall for a code with no truth line.

        Harmful: a scored finding that proposes a cancellation (action `cancel`, or a code \
        DECEASED/ENLISTED/EMIGRATED_STILL_REGISTERED with no action) when none of its refs is a \
        person truly dead, enlisted or settled abroad; or a cancelling DUPLICATE_REGISTRATION \
        whose refs are not all one true duplicate cluster. Decoys (DECOY_* truth lines) are \
        joined when one scored finding cites all their refs.

        Examples:
          hukou score --truth testdata/county/truth.ndjson out/findings.ndjson
          hukou validate … | hukou score --truth testdata/county/truth.ndjson --json
        """
    )

    @Option(help: ArgumentHelp("The truth file written by `hukou synth`.", valueName: "FILE")) var truth: String
    @Argument(help: "Findings (NDJSON); stdin when none or `-`.") var files: [String] = []
    @Flag(help: "Print the report as one JSON object.") var json = false
    @Option(name: .shortAndLong, help: ArgumentHelp("Write the report to FILE instead of stdout.", valueName: "FILE")) var output: String?

    static func read(_ path: String, _ body: (Record) throws -> Void) throws {
        let input = try InputFile(path: path)
        let reader = NDJSONReader(input)
        while let item = try reader.next() {
            switch item {
            case .record(let r, _): try body(r)
            case .malformed(let reason, let line, _):
                throw StageError.badData(src: "\(input.name):\(line)", message: reason)
            }
        }
    }

    mutating func run() throws {
        var truthLines: [Record] = []
        do {
            try ScoreCommand.read(truth) { truthLines.append($0) }
        } catch IOFailure.cannotOpen(let p, let r) {
            throw StageError.noInput(path: p, message: "cannot open truth file: \(r)")
        }
        let scorer = Scorer(truth: truthLines)
        for f in files.isEmpty ? ["-"] : files { try ScoreCommand.read(f) { scorer.add($0) } }
        let report = scorer.report()
        let out = try ByteOutput.open(output)
        if json {
            var w = JSONWriter()
            w.writeRecordLine(report.json)
            try out.drain(&w)
        } else {
            try out.write(report.text)
        }
        try out.close()
    }
}
