// The Stage protocol and the Emitter a stage writes to: records in, records out, nothing else.
//
// A stage never prints, exits or opens files. The drivers (HukouDriver) feed it records, connect its
// Emitter to the next stage or to the output, count what it does, and report its errors.
import HukouIO

/// A step of the pipeline that transforms a stream of records.
public protocol Stage: AnyObject {
    /// Handles one input record: pass it on, create new records, reject it, or consume it.
    /// Every input record must be accounted for exactly once (pass, reject or consume).
    func process(_ record: Record, _ out: Emitter) throws
    /// Called once after the last record (stages that must see everything emit here).
    func finish(_ out: Emitter) throws
}

extension Stage {
    public func finish(_ out: Emitter) throws {}
}

/// A first step that makes records from input files instead of from records (ingest, synth).
/// The driver opens the files; the stage reads bytes from the InputFile it is given.
public protocol SourceStage: AnyObject {
    /// Reads one input to the end, emitting records (`pass`) and rejects.
    func read(_ input: InputFile, _ out: Emitter) throws
    /// Called once after the last input.
    func finish(_ out: Emitter) throws
}

extension SourceStage {
    public func finish(_ out: Emitter) throws {}
}

/// One rejected input: where it came from, why, and what it was (so nothing is lost).
public struct Reject: Sendable {
    public var src: String
    public var stage: String
    public var reason: String
    /// The rejected record, when it could be parsed.
    public var record: Record?
    /// The raw text of the rejected line or row, when it could not.
    public var raw: String?

    public init(src: String, stage: String, reason: String, record: Record? = nil, raw: String? = nil) {
        self.src = src
        self.stage = stage
        self.reason = reason
        self.record = record
        self.raw = raw
    }

    /// The reject as an NDJSON record for `--rejects FILE`.
    public var asRecord: Record {
        var r = Record.make(kind: "reject", src: src)
        r.append("stage", .string(stage))
        r.append("reason", .string(reason))
        if let record { r.append("record", .object(record)) }
        if let raw { r.append("raw", .string(raw)) }
        return r
    }
}

/// Counts of one stage's work. For every stage `in == out + rejected + consumed`.
public struct StageStats: Sendable {
    /// Records (or rows) the stage received.
    public var input = 0
    /// Input records passed on (changed or not).
    public var out = 0
    /// Input records rejected.
    public var rejected = 0
    /// Input records absorbed into records the stage made (e.g. pairs folded into findings).
    public var consumed = 0
    /// Records the stage made (findings, orders, pairs…).
    public var created = 0
    public init() {}
    /// Whether every input record is accounted for.
    public var balanced: Bool { input == out + rejected + consumed }
}

/// Where a stage sends its results. Created by the drivers; a stage only calls its methods.
public final class Emitter {
    /// The stage name, used in reject records.
    public let stage: String
    public internal(set) var stats = StageStats()
    let downstream: (Record) throws -> Void
    let rejectSink: (Reject) throws -> Void

    public init(stage: String, downstream: @escaping (Record) throws -> Void, rejects: @escaping (Reject) throws -> Void) {
        self.stage = stage
        self.downstream = downstream
        self.rejectSink = rejects
    }

    /// Counts one record received (drivers call this; source stages call it per row read).
    public func countInput() { stats.input += 1 }

    /// Passes an input record on (unchanged or transformed).
    public func pass(_ r: Record) throws {
        stats.out += 1
        try downstream(r)
    }

    /// Emits a record the stage made (a finding, an order, a pair…).
    public func create(_ r: Record) throws {
        stats.created += 1
        try downstream(r)
    }

    /// Notes that an input record was absorbed into created records, not passed on.
    public func consume() { stats.consumed += 1 }

    /// Rejects an input record (or row) with a reason; it goes to the reject stream.
    public func reject(src: String, reason: String, record: Record? = nil, raw: String? = nil) throws {
        stats.rejected += 1
        try rejectSink(Reject(src: src, stage: stage, reason: reason, record: record, raw: raw))
    }
}

/// Errors a stage throws: bad configuration or input that cannot go on. The CLI maps them.
public enum StageError: Error, Sendable, CustomStringConvertible {
    /// Bad options or a bad model/pipeline file (exit 64).
    case usage(String)
    /// Data that makes the whole run impossible, with its location (exit 65).
    case badData(src: String, message: String)
    /// A missing or unreadable input named by an option (exit 66).
    case noInput(path: String, message: String)

    public var description: String {
        switch self {
        case .usage(let m): return m
        case .badData(let s, let m): return s.isEmpty ? m : "\(s): \(m)"
        case .noInput(let p, let m): return "\(p): \(m)"
        }
    }
}
