// Serializes and writes records on background threads while the stages go on with the next ones.
//
// Serialization is the largest single part of a pass-through stage's work: on `hukou cat` with
// parsing already spread over two threads, one writer thread was the bottleneck (about half of
// all CPU samples, measured with perf). So batches of records are serialized by several threads
// in parallel, each into its own buffer, and written in their original order by whichever
// thread completes the batch that is next in line. Memory is bounded (at most `maxBatchesAhead`
// batches between the producer and the output), and a write error (a full disk, a closed pipe)
// comes back to the producer at its next hand-off or at `finish()`.

/// Writes records as NDJSON lines to an output, from serializer threads when they can be started.
public final class WriteBehindRecordWriter {
    private let output: ByteOutput
    private let state: WriteBehindState?
    private var batch: [OutputLine] = []
    private var nextSeq = 0
    /// Used when writing on the caller's thread.
    private var writer = JSONWriter(capacity: 1 << 17)

    static let batchSize = 128
    static let maxBatchesAhead = 4
    static let flushAt = 1 << 16

    /// Writes to `output` from `threads` serializer threads (0: on the caller's thread, as also
    /// when the system refuses threads).
    public init(_ output: ByteOutput, threads: Int) {
        self.output = output
        var st: WriteBehindState?
        if threads > 0 {
            let s = WriteBehindState(output: output)
            s.monitor.lock()
            for _ in 0..<threads where startThread({ s.run() }) { s.running += 1 }
            s.monitor.unlock()
            st = s.running > 0 ? s : nil
        }
        state = st
        if state != nil { batch.reserveCapacity(Self.batchSize) }
    }

    /// Queues one record (written in the order given).
    public func write(_ r: JSONObject) throws(IOFailure) {
        try write(.record(r))
    }

    /// Queues a record that is written as the line it was read as (the caller knows the record
    /// is unchanged and the line canonical).
    public func write(_ line: PassThroughLine) throws(IOFailure) {
        try write(.text(line))
    }

    private func write(_ line: OutputLine) throws(IOFailure) {
        guard state != nil else {
            line.write(to: writer)
            if writer.byteCount >= Self.flushAt { try output.drain(&writer) }
            return
        }
        batch.append(line)
        if batch.count >= Self.batchSize { try handOff() }
    }

    private func handOff() throws(IOFailure) {
        guard let st = state else { return }
        st.monitor.lock()
        while nextSeq - st.written >= Self.maxBatchesAhead && st.failure == nil { st.monitor.wait(WriteBehindState.producerWaits) }
        if let f = st.failure {
            st.monitor.unlock()
            throw f
        }
        st.jobs.append((nextSeq, batch))
        nextSeq += 1
        st.monitor.signal(WriteBehindState.serializersWait)
        var written = st.writtenBatches
        st.writtenBatches = []
        st.monitor.unlock()
        // The records of written batches are freed here, where they were made (see writtenBatches),
        // and one emptied batch array is reused.
        for k in written.indices { written[k].removeAll(keepingCapacity: true) }
        batch = written.popLast() ?? []
        batch.reserveCapacity(Self.batchSize)
    }

    /// Writes everything queued and waits for it; throws the first write error. Call once, then
    /// close the output.
    public func finish() throws(IOFailure) {
        guard let st = state else {
            try output.drain(&writer)
            return
        }
        if !batch.isEmpty { try handOff() }
        st.monitor.lock()
        defer { st.monitor.unlock() }
        st.finishing = true
        st.monitor.broadcast(WriteBehindState.serializersWait)
        while st.running > 0 { st.monitor.wait(WriteBehindState.producerWaits) }
        if let f = st.failure { throw f }
    }

    /// Stops the serializer threads, dropping what is queued, and waits until none touches the
    /// output any more (after an error elsewhere, before the output is discarded).
    public func cancel() {
        guard let st = state else { return }
        st.monitor.lock()
        st.cancelled = true
        st.jobs.removeAll()
        st.monitor.broadcastAll()
        while st.running > 0 { st.monitor.wait(WriteBehindState.producerWaits) }
        st.monitor.unlock()
    }
}

/// One line to write: a record to serialize, or a canonical line read earlier.
enum OutputLine {
    case record(JSONObject)
    case text(PassThroughLine)

    @inline(__always)
    func write(to w: JSONWriter) {
        switch self {
        case .record(let r): w.writeRecordLine(r)
        case .text(let t):
            t.withBytes { w.append($0) }
            w.byte(0x0A)
        }
    }
}

/// What the producer and the serializer threads share; every field is guarded by `monitor`.
final class WriteBehindState: @unchecked Sendable {
    /// Who waits on which condition.
    static let producerWaits = 0, serializersWait = 1
    let monitor = Monitor(conditions: 2)
    /// Written only by the thread holding the `writing` turn.
    private let output: ByteOutput
    /// Batches serialized, handed back to the producer to free: records freed on the thread that
    /// made them go back to its own malloc arena without a lock (freed by the serializers, they
    /// contended with the producer's allocations).
    var writtenBatches: [[OutputLine]] = []
    /// Batches waiting for a serializer, oldest first.
    var jobs = HandOffQueue<(seq: Int, lines: [OutputLine])>()
    /// Serialized batches waiting for their turn to be written, by sequence number.
    var ready: [Int: JSONWriter] = [:]
    /// Batches written (the sequence number of the next one to write).
    var written = 0
    /// Whether a thread is writing (only one may, so the order is kept).
    var writing = false
    /// Buffers of written batches, for reuse.
    var spare: [JSONWriter] = []
    var running = 0
    var finishing = false
    var cancelled = false
    var failure: IOFailure?

    init(output: ByteOutput) { self.output = output }

    /// A serializer thread: takes batches until the producer finishes or cancels.
    func run() {
        monitor.lock()
        while true {
            while jobs.isEmpty && !finishing && !cancelled { monitor.wait(Self.serializersWait) }
            guard !cancelled, let (seq, lines) = jobs.popFirst() else { break }
            let w = spare.popLast() ?? JSONWriter(capacity: 1 << 17)
            let skip = failure != nil
            monitor.unlock()
            // After a failure, batches are still taken (so the producer never waits forever)
            // but no longer serialized nor written.
            if !skip {
                for line in lines { line.write(to: w) }
            }
            monitor.lock()
            writtenBatches.append(lines)
            ready[seq] = w
            writeReady()
        }
        running -= 1
        monitor.signal(Self.producerWaits)
        monitor.unlock()
    }

    /// Writes the ready batches that are next in line, unless another thread is doing it.
    /// Called and returns with the lock held.
    private func writeReady() {
        guard !writing else { return }
        writing = true
        while !cancelled, var w = ready.removeValue(forKey: written) {
            let failed = failure != nil
            monitor.unlock()
            var error: IOFailure?
            if !failed {
                do { try output.drain(&w) } catch let e { error = e }
            }
            w.reset()
            monitor.lock()
            if let error, failure == nil { failure = error }
            written += 1
            spare.append(w)
            monitor.signal(Self.producerWaits)
        }
        writing = false
    }
}
