// Reads an NDJSON input ahead of the stages on background threads: one thread splits the input
// into chunks of lines, worker threads parse the chunks, and the consumer takes the parsed
// records back in input order.
//
// NDJSON lines are independent, so parsing is the one part of a stage's work that splits cleanly
// over cores; the stage itself (which may keep state across records) stays on one thread. On
// `hukou cat` (1M records, 2 cores) parsing was ~60% of the run on one thread. Memory stays
// bounded: at most `maxChunksAhead` chunks (each ≤ 1 MB of text or `chunkLines` lines) are in
// flight. Small chunks measured faster than large ones (the records are still in cache when the
// stage and the serializers take them): 256 lines beat 2,048 by a third of the CPU time.
//
// With no threads (`--io-threads 0`) the same chunks are read and parsed inside `nextBatch`. Either
// way a batch keeps its chunk's bytes, so that a record passed on unchanged can be written as the
// line it was read as (PassThroughLine); the bytes go back to a pool when the last line is written.

/// One chunk's parsed items, in input order, with the text of the lines that can pass through.
public struct NDJSONBatch {
    /// The records and malformed lines of the chunk (blank lines are skipped).
    public let items: [NDJSONItem]
    /// For each item, its line's text in `block` when the line is canonical (what JSONWriter
    /// would write for the parsed record), else a span with count -1.
    let spans: [LineChunk.Span]
    let block: LineBlock
    /// The parser thread that made the records (which frees them; see ReadAheadState.toFree).
    let parser: Int

    /// The line of item `k` when a record passed on unchanged may be written as that line.
    @inline(__always)
    public func passThroughLine(_ k: Int) -> PassThroughLine? {
        let s = spans[k]
        return s.count < 0 ? nil : PassThroughLine(block: block, start: s.start, count: s.count)
    }
}

/// The text of a canonical record line, kept alive for as long as something may still write it.
public struct PassThroughLine: @unchecked Sendable {
    let block: LineBlock
    let start: Int
    let count: Int

    /// Calls `body` with the line's bytes (no newline).
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        block.bytes.withUnsafeBufferPointer { all in body(UnsafeBufferPointer(rebasing: all[start..<start + count])) }
    }
}

/// A chunk's bytes once parsed, read-only. When the last batch or queued line that refers to it
/// is gone, its storage goes back to the pool for the splitter to fill again (fresh megabyte
/// buffers cost page faults: a third of a second of system time on a 400 MB input).
final class LineBlock: @unchecked Sendable {
    /// Not changed after init (a var only so that deinit can hand the storage on unshared).
    private(set) var bytes: [UInt8]
    let pool: BufferPool?

    init(_ bytes: [UInt8], pool: BufferPool?) {
        self.bytes = bytes
        self.pool = pool
    }

    deinit {
        guard let pool else { return }
        var b: [UInt8] = []
        swap(&b, &bytes)
        b.removeAll(keepingCapacity: true)
        pool.give(b)
    }
}

/// Spare byte buffers, shared by the threads of one reader.
final class BufferPool: @unchecked Sendable {
    private let monitor = Monitor(conditions: 1)
    private var spares: [[UInt8]] = []
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    func take() -> [UInt8] {
        monitor.lock()
        defer { monitor.unlock() }
        return spares.popLast() ?? []
    }

    /// Takes an emptied buffer back.
    func give(_ b: [UInt8]) {
        monitor.lock()
        if spares.count < limit { spares.append(b) }
        monitor.unlock()
    }
}

/// Parsed records of one input, chunk by chunk, in input order.
public final class ReadAheadNDJSONReader {
    /// The input's display name (records cite it in their `src`).
    public let name: String
    private let state: ReadAheadState
    /// The line source when reading happens inside `nextBatch` (no threads asked for or started).
    private let inline: LineReader?
    /// A read error of the inline reader, thrown after the items read before it.
    private var inlineFailure: IOFailure?
    private var inlineEnded = false
    /// The batch returned last, handed back to its parser thread at the next call.
    private var previous: NDJSONBatch?
    private let inlineCache = StringCache()

    /// Lines per chunk, and bytes: whichever fills first ends the chunk.
    static let chunkLines = 256
    static let chunkBytes = 1 << 20
    static let maxChunksAhead = 4

    /// Starts reading `input` on a splitter thread and `workers` parser threads. With
    /// `workers == 0`, or when the system refuses threads, reading happens inside `nextBatch`.
    public init(_ input: InputFile, workers: Int) {
        name = input.name
        let st = ReadAheadState(input: input)
        state = st
        var started = false
        if workers > 0 {
            started = startThread { st.split() }
            if started {
                var running = 0
                st.toFree = Array(repeating: [], count: workers)
                for k in 0..<workers where startThread({ st.parse(worker: k) }) { running += 1 }
                if running == 0 {
                    // A splitter without parsers would fill up and wait forever.
                    st.cancel()
                    started = false
                }
            }
        }
        inline = started ? nil : LineReader(input)
    }

    deinit { state.cancel() }

    /// The next chunk's items (records and malformed lines, in input order); nil at end of input.
    /// A read error is thrown after every item read before it.
    public func nextBatch() throws(IOFailure) -> NDJSONBatch? {
        if let lines = inline {
            while true {
                if let f = inlineFailure {
                    inlineFailure = nil
                    throw f
                }
                if inlineEnded { return nil }
                let (chunk, ended, failure) = state.readChunk(lines, seq: 0)
                inlineEnded = ended
                inlineFailure = failure
                if !chunk.spans.isEmpty {
                    let batch = state.parse(chunk, cache: inlineCache)
                    if !batch.items.isEmpty { return batch }
                }
            }
        }
        let st = state
        st.monitor.lock()
        defer { st.monitor.unlock() }
        if let done = previous {
            st.toFree[done.parser].append(done)
            previous = nil
        }
        while true {
            if let batch = st.results.removeValue(forKey: st.consumed) {
                st.consumed += 1
                st.outstanding -= 1
                st.monitor.signal(ReadAheadState.splitterWaits)
                previous = batch
                return batch
            }
            if let total = st.chunksTotal, st.consumed >= total {
                if let f = st.failure { throw f }
                return nil
            }
            st.monitor.wait(ReadAheadState.consumerWaits)
        }
    }
}

/// One chunk of consecutive physical lines, copied out of the reader's buffer.
struct LineChunk: Sendable {
    /// A line's place in `bytes`; `count < 0` marks a line over the length limit.
    struct Span: Sendable {
        var start: Int
        var count: Int
    }
    var seq: Int
    /// The line number of the first span.
    var firstLine: Int
    var bytes: [UInt8] = []
    var spans: [Span] = []
}

/// What the splitter, the parsers and the consumer share; every field is guarded by `monitor`.
final class ReadAheadState: @unchecked Sendable {
    /// Who waits on which condition.
    static let splitterWaits = 0, parsersWait = 1, consumerWaits = 2
    let monitor = Monitor(conditions: 3)
    /// Owned by the splitter thread once it runs.
    private let input: InputFile
    private let maxLineLength = LineReader.defaultMaxLineLength
    /// Chunks waiting for a parser, oldest first.
    var jobs = HandOffQueue<LineChunk>()
    /// Parsed chunks by sequence number, until the consumer takes them.
    var results: [Int: NDJSONBatch] = [:]
    /// Chunks split and not yet consumed (bounds memory).
    var outstanding = 0
    /// The sequence number of the next chunk the consumer takes.
    var consumed = 0
    /// Consumed batches by the parser thread that made them, for it to free: a record freed on the
    /// thread that allocated it goes back to that thread's malloc arena without taking a lock.
    /// Freed by the consumer, the records of `hukou cat` took a third of all CPU samples, most of
    /// it in glibc's free.
    var toFree: [[NDJSONBatch]] = []
    /// Byte buffers of consumed chunks, for the splitter to reuse.
    let pool = BufferPool(limit: ReadAheadNDJSONReader.maxChunksAhead * 2)
    /// Set by the splitter at the end: how many chunks there are.
    var chunksTotal: Int?
    var failure: IOFailure?
    var cancelled = false

    init(input: InputFile) {
        self.input = input
    }

    func cancel() {
        monitor.lock()
        cancelled = true
        jobs.removeAll()
        results.removeAll()
        monitor.broadcastAll()
        monitor.unlock()
    }

    /// Reads the next chunk of lines: the chunk, whether the input ended, and a read error
    /// (which also ends it).
    func readChunk(_ lines: LineReader, seq: Int) -> (LineChunk, ended: Bool, failure: IOFailure?) {
        var chunk = LineChunk(seq: seq, firstLine: lines.lineNumber + 1)
        chunk.bytes = pool.take()
        chunk.bytes.reserveCapacity(ReadAheadNDJSONReader.chunkBytes + 4096)
        chunk.spans.reserveCapacity(ReadAheadNDJSONReader.chunkLines)
        do {
            while chunk.spans.count < ReadAheadNDJSONReader.chunkLines && chunk.bytes.count < ReadAheadNDJSONReader.chunkBytes {
                guard let line = try lines.next() else { return (chunk, true, nil) }
                switch line {
                case .tooLong:
                    chunk.spans.append(.init(start: chunk.bytes.count, count: -1))
                case .text(let b):
                    chunk.spans.append(.init(start: chunk.bytes.count, count: b.count))
                    chunk.bytes.append(contentsOf: b)
                }
            }
        } catch {
            return (chunk, true, error)
        }
        return (chunk, false, nil)
    }

    /// The splitter thread: cuts the input into chunks and queues them for the parsers.
    func split() {
        let lines = LineReader(input)
        var seq = 0
        var ended = false
        while !ended {
            let (chunk, end, failed) = readChunk(lines, seq: seq)
            ended = end
            monitor.lock()
            if !chunk.spans.isEmpty {
                while outstanding >= ReadAheadNDJSONReader.maxChunksAhead && !cancelled { monitor.wait(Self.splitterWaits) }
                if cancelled { monitor.unlock(); return }
                jobs.append(chunk)
                outstanding += 1
                seq += 1
                monitor.signal(Self.parsersWait)
            }
            if ended {
                chunksTotal = seq
                failure = failed
                monitor.broadcast(Self.parsersWait)
                monitor.signal(Self.consumerWaits)
            }
            monitor.unlock()
        }
    }

    /// A parser thread: takes chunks until there are none left, and files the parsed items.
    func parse(worker: Int) {
        let cache = StringCache()
        monitor.lock()
        while true {
            while jobs.isEmpty && chunksTotal == nil && !cancelled { monitor.wait(Self.parsersWait) }
            guard !cancelled, let chunk = jobs.popFirst() else {
                monitor.unlock()
                return
            }
            var garbage = toFree[worker]
            toFree[worker] = []
            monitor.unlock()
            garbage.removeAll()
            let batch = parse(chunk, cache: cache, worker: worker)
            monitor.lock()
            if !cancelled { results[chunk.seq] = batch }
            if chunk.seq == consumed { monitor.signal(Self.consumerWaits) }
        }
    }

    /// Parses a chunk's lines; its bytes become the batch's block.
    func parse(_ chunk: LineChunk, cache: StringCache, worker: Int = 0) -> NDJSONBatch {
        var items: [NDJSONItem] = []
        var spans: [LineChunk.Span] = []
        items.reserveCapacity(chunk.spans.count)
        spans.reserveCapacity(chunk.spans.count)
        chunk.bytes.withUnsafeBufferPointer { all in
            for (k, span) in chunk.spans.enumerated() {
                let line = chunk.firstLine + k
                if span.count < 0 {
                    items.append(NDJSONReader.tooLong(line: line, limit: maxLineLength))
                    spans.append(.init(start: 0, count: -1))
                } else if let (item, canonical) = NDJSONReader.parsedItem(UnsafeBufferPointer(rebasing: all[span.start..<span.start + span.count]), line: line, cache: cache) {
                    items.append(item)
                    spans.append(canonical ? span : .init(start: 0, count: -1))
                }
            }
        }
        return NDJSONBatch(items: items, spans: spans, block: LineBlock(chunk.bytes, pool: pool), parser: worker)
    }
}
