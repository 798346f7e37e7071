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

/// Parsed records of one input, chunk by chunk, in input order.
public final class ReadAheadNDJSONReader {
    /// The input's display name (records cite it in their `src`).
    public let name: String
    private let state: ReadAheadState
    /// The sequential reader used when no thread could be started (or none were asked for).
    private let inline: NDJSONReader?

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
                for _ in 0..<workers where startThread({ st.parse() }) { running += 1 }
                if running == 0 {
                    // A splitter without parsers would fill up and wait forever.
                    st.cancel()
                    started = false
                }
            }
        }
        inline = started ? nil : NDJSONReader(input)
    }

    deinit { state.cancel() }

    /// The next chunk's items (records and malformed lines, in input order); nil at end of input.
    /// A read error is thrown after every item read before it.
    public func nextBatch() throws(IOFailure) -> [NDJSONItem]? {
        if let r = inline {
            var items: [NDJSONItem] = []
            while items.count < Self.chunkLines, let item = try r.next() { items.append(item) }
            return items.isEmpty ? nil : items
        }
        let st = state
        st.monitor.lock()
        defer { st.monitor.unlock() }
        while true {
            if let items = st.results.removeValue(forKey: st.consumed) {
                st.consumed += 1
                st.outstanding -= 1
                st.monitor.signal(ReadAheadState.splitterWaits)
                return items
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
    var results: [Int: [NDJSONItem]] = [:]
    /// Chunks split and not yet consumed (bounds memory).
    var outstanding = 0
    /// The sequence number of the next chunk the consumer takes.
    var consumed = 0
    /// Byte buffers of parsed chunks, for the splitter to reuse (fresh megabyte buffers cost
    /// page faults: a third of a second of system time on a 400 MB input).
    var spareBuffers: [[UInt8]] = []
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

    /// The splitter thread: cuts the input into chunks and queues them for the parsers.
    func split() {
        let lines = LineReader(input)
        var seq = 0
        var ended = false
        var failed: IOFailure?
        while !ended {
            var chunk = LineChunk(seq: seq, firstLine: lines.lineNumber + 1)
            monitor.lock()
            if let spare = spareBuffers.popLast() { chunk.bytes = spare }
            monitor.unlock()
            chunk.bytes.reserveCapacity(ReadAheadNDJSONReader.chunkBytes + 4096)
            chunk.spans.reserveCapacity(ReadAheadNDJSONReader.chunkLines)
            do {
                while chunk.spans.count < ReadAheadNDJSONReader.chunkLines && chunk.bytes.count < ReadAheadNDJSONReader.chunkBytes {
                    guard let line = try lines.next() else { ended = true; break }
                    switch line {
                    case .tooLong:
                        chunk.spans.append(.init(start: chunk.bytes.count, count: -1))
                    case .text(let b):
                        chunk.spans.append(.init(start: chunk.bytes.count, count: b.count))
                        chunk.bytes.append(contentsOf: b)
                    }
                }
            } catch {
                failed = error
                ended = true
            }
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
    func parse() {
        monitor.lock()
        while true {
            while jobs.isEmpty && chunksTotal == nil && !cancelled { monitor.wait(Self.parsersWait) }
            guard !cancelled, var chunk = jobs.popFirst() else {
                monitor.unlock()
                return
            }
            monitor.unlock()
            let items = parse(chunk)
            chunk.bytes.removeAll(keepingCapacity: true)
            monitor.lock()
            if !cancelled { results[chunk.seq] = items }
            if spareBuffers.count < ReadAheadNDJSONReader.maxChunksAhead { spareBuffers.append(chunk.bytes) }
            if chunk.seq == consumed { monitor.signal(Self.consumerWaits) }
        }
    }

    private func parse(_ chunk: LineChunk) -> [NDJSONItem] {
        var items: [NDJSONItem] = []
        items.reserveCapacity(chunk.spans.count)
        chunk.bytes.withUnsafeBufferPointer { all in
            for (k, span) in chunk.spans.enumerated() {
                let line = chunk.firstLine + k
                if span.count < 0 {
                    items.append(NDJSONReader.tooLong(line: line, limit: maxLineLength))
                } else if let item = NDJSONReader.item(UnsafeBufferPointer(rebasing: all[span.start..<span.start + span.count]), line: line) {
                    items.append(item)
                }
            }
        }
        return items
    }
}
