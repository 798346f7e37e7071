// What every stage's command line shares: the common options, the StageCommand protocol that
// ties a command to the stage it builds, and the context a command uses to read side inputs.
import ArgumentParser
import HukouCore
import HukouIO

/// Options every stage takes (`-o`, `--rejects`, `--stats`, `--quiet`, `--strict`).
public struct CommonOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Write records to FILE instead of stdout (atomically: a failed run leaves no FILE).", valueName: "FILE"))
    public var output: String?

    @Option(help: ArgumentHelp("Write every rejected input, with its src and reason, as NDJSON to FILE.", valueName: "FILE"))
    public var rejects: String?

    @Flag(help: "Print records in / out / rejected and the time on stderr at the end.")
    public var stats = false

    @Flag(name: .shortAndLong, help: "No progress and no reject summary on stderr.")
    public var quiet = false

    @Flag(help: "Stop with exit code 65 at the first rejected input.")
    public var strict = false

    @Option(help: ArgumentHelp("Threads that parse input records ahead of the stages, and as many that serialize their output (plus one that splits input lines); 0 does everything on one thread. Default: the number of processors, at most 4.", valueName: "N"))
    public var ioThreads: Int?

    public init() {}

    public func validate() throws {
        if let n = ioThreads, n < 0 || n > 64 { throw ValidationError("--io-threads must be between 0 and 64") }
    }
}

/// A constructed stage: a source (reads files) or a filter (reads records).
public enum StageInstance {
    case source(any SourceStage)
    case filter(any Stage)
}

/// A stage's command line. Conforming types declare `@OptionGroup var common: CommonOptions`
/// and `@Argument var files: [String]`, and build their stage in `makeStage`. Process mode
/// (`hukou STAGE …`) and `hukou run` both go through `makeStage`, so a stage is configured the
/// same way in both.
public protocol StageCommand: ParsableCommand {
    var common: CommonOptions { get }
    /// Input files (`-` = stdin); empty means stdin.
    var files: [String] { get }
    /// Builds the stage. Side inputs (lists, models) are read through `context`.
    func makeStage(_ context: StageContext) throws -> StageInstance
}

extension StageCommand {
    /// The stage's name on the command line.
    public static var stageName: String { configuration.commandName ?? "\(Self.self)" }

    /// Parses a step's arguments as this stage's command line (for `hukou run`).
    /// Returns the step and the input files it names.
    public static func parseStep(_ args: [String]) throws -> (step: PipelineStep, files: [String]) {
        let command: Self
        do { command = try Self.parse(args) } catch {
            throw DriverError.usage("\(stageName): \(Self.message(for: error))")
        }
        return (PipelineStep(name: stageName, command: command), command.files)
    }

    public mutating func run() throws {
        let step = PipelineStep(name: Self.stageName, command: self)
        try PipelineRunner(steps: [step], inputs: files, options: common).run()
    }
}

/// What a command may use while building its stage: side inputs read by the I/O layer, with
/// malformed lines reported as rejects of the stage like any other bad input.
public final class StageContext {
    /// Rejects found while reading side inputs, reported by the driver once the run starts.
    public private(set) var sideRejects: [Reject] = []
    let stage: String

    init(stage: String) { self.stage = stage }

    /// Reads every record of an NDJSON side input (a list, a findings file).
    public func readRecords(_ path: String) throws -> [Record] {
        let input: InputFile
        do { input = try InputFile(path: path) } catch { throw StageError.noInput(path: path, message: "cannot open: \(reasonOf(error))") }
        let reader = NDJSONReader(input)
        var out: [Record] = []
        while let item = try reader.next() {
            switch item {
            case .record(let r, _): out.append(r)
            case .malformed(let reason, let line, let raw):
                sideRejects.append(Reject(src: "\(input.name):\(line)", stage: stage, reason: reason, raw: raw))
            }
        }
        return out
    }

    /// Reads a whole side file as bytes (a model, a spec).
    public func readBytes(_ path: String) throws -> [UInt8] {
        do { return try InputFile(path: path).readAll() } catch { throw StageError.noInput(path: path, message: "cannot read: \(reasonOf(error))") }
    }

    private func reasonOf(_ e: IOFailure) -> String {
        switch e {
        case .cannotOpen(_, let r), .readFailed(_, let r), .cannotCreate(_, let r), .writeFailed(_, let r): return r
        case .brokenPipe: return "broken pipe"
        }
    }
}
