// `hukou report --out DIR`: the sink at the end of the township pipeline. It renders the files a
// station prints (statistics, village verification lists, out-of-policy births, unmatched list
// entries, order texts); the command writes them, owner-readable only. Orders pass through.
#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import HukouCore
import HukouDriver
import HukouIO

/// Consumes persons, warnings and unmatched entries into the report; passes orders (and any
/// other kind) on, so the pipeline's stdout is the orders. At the end it hands the rendered
/// files to `write` (the stage itself never opens files).
public final class ReportStage: Stage {
    let builder: ReportBuilder
    let write: (ReportFile) throws -> Void

    public init(builder: ReportBuilder, write: @escaping (ReportFile) throws -> Void) {
        self.builder = builder
        self.write = write
    }

    public func process(_ record: Record, _ out: Emitter) throws {
        switch record.kind {
        case RecordKind.person:
            builder.addPerson(record)
            out.consume()
        case RecordKind.order:
            builder.addOrder(record)
            try out.pass(record)
        case RecordKind.finding:
            builder.addWarning(record)
            out.consume()
        case "unmatched":
            builder.addUnmatched(record)
            out.consume()
        default:
            try out.pass(record)
        }
    }

    public func finish(_ out: Emitter) throws { try builder.build(write) }
}

/// The command line of `hukou report`.
public struct ReportCommand: StageCommand {
    public static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the statistics table, village verification lists and special lists.",
        discussion: """
        Reads persons, orders, warnings and unmatched list entries (the output of `hukou orders`) \
        and writes into DIR, every file readable by its owner only (0600):
          statistics.csv, statistics.md   人口普查户口整顿工作情况统计表: villages × problem codes, totals
          verify-list-<村>.csv            the door-to-door list, 村—组—户 order, remarks = problems and order numbers
          out-of-policy-births.csv        计划外出生人口基本情况登记表
          unmatched-entries.csv           list entries that match nobody here (another station's?)
          orders.txt                      the orders' texts, for printing
        Orders pass through to stdout; persons, warnings and unmatched entries are consumed.

        Examples:
          hukou orders < findings.ndjson | hukou report --out out/report > orders.ndjson
          hukou report --out out/report --excel --mask < ordered.ndjson
        """
    )
    @OptionGroup public var common: CommonOptions
    @Option(help: ArgumentHelp("Directory to write the report files into (created 0700 if missing).", valueName: "DIR")) public var out: String
    @Flag(help: "Write the CSV files in GB18030 with CRLF line ends, as Excel on Chinese Windows opens them.") public var excel = false
    @Flag(help: "Mask ID numbers (4303211985******12) in every file written.") public var mask = false
    @Argument(help: "NDJSON inputs (default: stdin; - is stdin).") public var files: [String] = []
    public init() {}

    public func makeStage(_ context: StageContext) throws -> StageInstance {
        var config = ReportConfig()
        config.mask = mask
        config.spillDirectory = ByteArena.defaultSpillDirectory
        let dir = out, excel = excel
        return .filter(ReportStage(builder: ReportBuilder(config: config)) { file in
            try ReportWriter.write(file, into: dir, excel: excel)
        })
    }
}

/// Writes report files atomically, mode 0600, creating the directory (0700) when missing.
enum ReportWriter {
    static func write(_ f: ReportFile, into dir: String, excel: Bool) throws {
        try makeDirectories(dir)
        do {
            var bytes: [UInt8] = []
            if excel && f.isCSV {
                let crlf = f.text.replacingOccurrences(of: "\n", with: "\r\n")
                do { bytes = try Iconv.encode(crlf, to: "GB18030") } catch {
                    throw StageError.badData(src: f.name, message: "a character cannot be written in GB18030")
                }
            }
            let o = try ByteOutput.file(dir + "/" + f.name, mode: 0o600)
            do {
                if excel && f.isCSV {
                    try o.write(bytes)
                } else {
                    // In pieces: the orders' texts of a county are tens of MB, not worth a copy.
                    var rest = Substring(f.text).utf8
                    while !rest.isEmpty {
                        let piece = rest.prefix(1 << 16)
                        try o.write(piece)
                        rest = rest[piece.endIndex...]
                    }
                }
                try o.close()
            } catch {
                o.discard()
                throw error
            }
        }
    }

    static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw IOFailure.cannotCreate(path: prefix, reason: errnoText())
            }
            prefix += "/"
        }
    }
}
