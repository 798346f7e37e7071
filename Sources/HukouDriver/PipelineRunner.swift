// Runs a chain of stages in one process: one parse at the start, one serialization at the end.
//
// Process mode (`hukou normalize < a.ndjson`) is the same runner with a chain of one, so a stage
// behaves identically in both modes; only the record hand-off between stages differs.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HukouCore
import HukouIO

/// One step of a pipeline: the stage's name and its parsed command line.
public struct PipelineStep {
    public let name: String
    public let command: any StageCommand
    public init(name: String, command: any StageCommand) {
        self.name = name
        self.command = command
    }
}

/// Connects stages, reads inputs, writes output and rejects, and accounts for every record.
public final class PipelineRunner {
    let steps: [PipelineStep]
    let inputs: [String]
    let options: CommonOptions

    public init(steps: [PipelineStep], inputs: [String], options: CommonOptions) {
        self.steps = steps
        self.inputs = inputs.isEmpty ? ["-"] : inputs
        self.options = options
    }

    public func run() throws {
        installSignalHandling()
        precondition(!steps.isEmpty)
        // Build every stage before opening outputs: a usage error must not create files.
        var contexts: [StageContext] = []
        var instances: [StageInstance] = []
        for (k, step) in steps.enumerated() {
            let ctx = StageContext(stage: step.name)
            let inst = try step.command.makeStage(ctx)
            if k > 0, case .source = inst {
                throw DriverError.usage("\(step.name) reads files, so it can only be the first step of a pipeline")
            }
            contexts.append(ctx)
            instances.append(inst)
        }
        for path in inputs where path != "-" {
            if access(path, R_OK) != 0 { throw IOFailure.cannotOpen(path: path, reason: errnoText()) }
        }

        let out = try ByteOutput.open(options.output)
        let rejectOut: ByteOutput?
        do { rejectOut = try options.rejects.map { p throws(IOFailure) in try ByteOutput.file(p) } } catch {
            out.discard()
            throw error
        }
        var rejectsByReason: [String: Int] = [:]
        var rejectLinesShown = 0
        var rejectWriter = JSONWriter(capacity: 4096)
        let strict = options.strict
        let quiet = options.quiet
        let rejectSink: (Reject) throws -> Void = { r in
            if strict { throw DriverError.strictReject(src: r.src, reason: r.reason) }
            if let ro = rejectOut {
                rejectWriter.writeRecordLine(r.asRecord)
                try ro.drain(&rejectWriter)
            } else {
                rejectsByReason["\(r.stage): \(r.reason)", default: 0] += 1
                if !quiet && rejectLinesShown < 10 {
                    rejectLinesShown += 1
                    Diagnostics.error("\(r.src): \(r.reason)")
                }
            }
        }

        let ioThreads = options.ioThreads ?? min(processorCount(), 4)
        let recordWriter = WriteBehindRecordWriter(out, threads: ioThreads)
        let showProgress = !quiet && isTerminal(2)
        var written = 0
        var lastProgress = Date()
        // The input record being processed, when its line is canonical JSON: if the last stage
        // passes that very record on (unchanged: same storage), its line is written as read,
        // without serializing it again (about a third of `hukou validate`'s time).
        var passThrough: (identity: UnsafeRawPointer, line: PassThroughLine)?
        let sink: (Record) throws -> Void = { r in
            if let p = passThrough, p.identity == r.storageIdentity {
                try recordWriter.write(p.line)
            } else {
                try recordWriter.write(r)
            }
            written += 1
            if showProgress && written & 0xFFFF == 0 {
                let now = Date()
                if now.timeIntervalSince(lastProgress) > 0.5 {
                    lastProgress = now
                    Diagnostics.progress("hukou: \(written) records written")
                }
            }
        }

        // Emitters from the last stage back to the first.
        var emitters: [Emitter] = Array(repeating: Emitter(stage: "", downstream: { _ in }, rejects: { _ in }), count: steps.count)
        var downstream = sink
        for k in stride(from: steps.count - 1, through: 0, by: -1) {
            let em = Emitter(stage: steps[k].name, downstream: downstream, rejects: rejectSink)
            emitters[k] = em
            if case .filter(let stage) = instances[k] {
                downstream = { r in
                    em.countInput()
                    try stage.process(r, em)
                }
            }
        }

        let started = Date()
        do {
            for (k, ctx) in contexts.enumerated() {
                for r in ctx.sideRejects { try emitters[k].reject(src: r.src, reason: r.reason, raw: r.raw) }
            }
            let first = emitters[0]
            switch instances[0] {
            case .source(let source):
                for path in inputs {
                    let input = try InputFile(path: path)
                    try source.read(input, first)
                }
                try source.finish(first)
            case .filter(let stage):
                for path in inputs {
                    let reader = ReadAheadNDJSONReader(try InputFile(path: path), workers: ioThreads)
                    while let batch = try reader.nextBatch() {
                        for (k, item) in batch.items.enumerated() {
                            first.countInput()
                            switch item {
                            case .record(let r, _):
                                if let line = batch.passThroughLine(k), let id = r.storageIdentity { passThrough = (id, line) }
                                defer { passThrough = nil }
                                try stage.process(r, first)
                            case .malformed(let reason, let line, let raw):
                                try first.reject(src: "\(reader.name):\(line)", reason: reason, raw: raw)
                            }
                        }
                    }
                }
                try stage.finish(first)
            }
            for k in steps.indices.dropFirst() {
                if case .filter(let stage) = instances[k] { try stage.finish(emitters[k]) }
            }
            try recordWriter.finish()
            try out.close()
            try rejectOut?.close()
        } catch {
            recordWriter.cancel()
            out.discard()
            rejectOut?.discard()
            if showProgress { Diagnostics.progress("") }
            throw error
        }
        if showProgress { Diagnostics.progress("") }

        let elapsed = Date().timeIntervalSince(started)
        for em in emitters where !em.stats.balanced {
            throw DriverError.unbalanced(stage: em.stage, stats: em.stats)
        }
        if options.stats {
            // In one process the stages interleave record by record, so only the whole run
            // has a time of its own.
            for em in emitters {
                let s = em.stats
                var line = "hukou: \(em.stage): in \(s.input), out \(s.out), rejected \(s.rejected)"
                if s.consumed > 0 { line += ", consumed \(s.consumed)" }
                if s.created > 0 { line += ", created \(s.created)" }
                if emitters.count == 1 { line += String(format: ", %.2f s", elapsed) }
                Diagnostics.line(line)
            }
            if emitters.count > 1 { Diagnostics.line(String(format: "hukou: run: %d stages, %.2f s", emitters.count, elapsed)) }
        }
        if !quiet && rejectOut == nil && !rejectsByReason.isEmpty {
            let total = rejectsByReason.values.reduce(0, +)
            let parts = rejectsByReason.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\($0.value) × \($0.key)" }
            Diagnostics.warning("\(total) input\(total == 1 ? "" : "s") rejected (\(parts.joined(separator: "; "))); use --rejects FILE to keep them")
        }
    }
}
