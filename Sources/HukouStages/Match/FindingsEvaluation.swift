// `hukou score --truth`: findings scored against the truth of a synthetic county (the report
// half of the `score` command; the Scorer itself is in HukouCore/Evaluation).
import HukouCore
import HukouDriver
import HukouIO

/// Reads findings and a truth file, and writes the Scorer's report as text or JSON.
enum FindingsEvaluation {
    /// Every record of an NDJSON file; a malformed line stops the report (exit 65): a score
    /// computed over a file with unreadable lines would be wrong without saying so.
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

    static func run(truth: String, findings files: [String], json: Bool, output: String?) throws {
        var truthLines: [Record] = []
        do {
            try read(truth) { truthLines.append($0) }
        } catch IOFailure.cannotOpen(let p, let r) {
            throw StageError.noInput(path: p, message: "cannot open truth file: \(r)")
        }
        let scorer = Scorer(truth: truthLines)
        for f in files.isEmpty ? ["-"] : files { try read(f) { scorer.add($0) } }
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
