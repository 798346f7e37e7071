// The in-process match: block every record, enumerate each candidate pair once, compute its
// levels on both cores, train (unless a model is given), weigh, and keep the pairs the
// clustering needs. `hukou match` runs this; `block`, `score` and `cluster` are its parts.
import Foundation

/// A compared pair: record indices, the level pattern, the total weight ×10⁴.
public struct ScoredPair: Sendable {
    public var a: Int32
    public var b: Int32
    public var pattern: UInt64
    public var weight: Int32
    /// Each field's weight ×10⁴.
    public var fieldWeights: [Int32]
    /// The vetoing field, or -1.
    public var veto: Int8
    /// Whether both records hold the same identifier (the spec's `sharedID`).
    public var sameID: Bool

    public init(a: Int32, b: Int32, pattern: UInt64, weight: Int32, fieldWeights: [Int32], veto: Int8, sameID: Bool) {
        self.a = a
        self.b = b
        self.pattern = pattern
        self.weight = weight
        self.fieldWeights = fieldWeights
        self.veto = veto
        self.sameID = sameID
    }
}

/// What one blocking rule produced.
public struct BlockReport: Sendable {
    public var rule: String
    /// Distinct keys of the rule with two or more records.
    public var blocks = 0
    /// Pairs first produced by this rule (a pair shared with an earlier rule counts there).
    public var pairs = 0
    /// The largest block sizes, largest first (at most 3).
    public var largest: [Int] = []
    /// Blocks over the cap, skipped.
    public var capped = 0
}

/// Candidate generation and scoring over a whole MatchData.
public enum MatchRun {
    /// Every candidate pair with its level pattern, each pair once (at the first blocking key
    /// both records share), in a deterministic order. Work is split over `workers` threads.
    public static func candidates(_ data: MatchData, workers: Int = 2, warn: (String) -> Void) -> (pairs: [(Int32, Int32, UInt64)], report: [BlockReport]) {
        let r = candidatesTimed(data, workers: workers, warn: warn)
        return (r.pairs, r.report)
    }

    /// `candidates`, also returning the CPU seconds the workers spent comparing (for pairs/s per core).
    public static func candidatesTimed(_ data: MatchData, workers: Int = 2, warn: (String) -> Void) -> (pairs: [(Int32, Int32, UInt64)], report: [BlockReport], cpuSeconds: Double) {
        let n = data.count
        let spec = data.spec
        // Every record's key identities, computed on `workers` threads over contiguous ranges
        // of records, as (key, record) entries in record order.
        let parts = max(1, min(workers, n / 10_000 + 1))
        let pieces = Box([(keys: [UInt64], counts: [Int32])](repeating: ([], []), count: parts))
        DispatchQueue.concurrentPerform(iterations: parts) { w in
            let lo = n * w / parts, hi = n * (w + 1) / parts
            var hasher = KeyHasher(data)
            var keys: [UInt64] = []
            keys.reserveCapacity((hi - lo) * 8)
            var counts = [Int32](repeating: 0, count: hi - lo)
            for i in lo..<hi {
                let before = keys.count
                hasher.append(i, into: &keys)
                counts[i - lo] = Int32(keys.count - before)
            }
            pieces.lock.lock()
            pieces.value[w] = (keys, counts)
            pieces.lock.unlock()
        }
        var entryKeys = LargeArray<UInt64>(), entryRecs = LargeArray<Int32>()
        var rec: Int32 = 0
        for w in 0..<parts {
            pieces.value[w].keys.withUnsafeBufferPointer { entryKeys.append(contentsOf: $0) }
            for c in pieces.value[w].counts {
                for _ in 0..<Int(c) { entryRecs.append(rec) }
                rec += 1
            }
            pieces.value[w] = ([], [])
        }
        // Sorted by key, records ascending within a key (sorted in place: the arrays are ours alone).
        radixSort(entryKeys.base, entryRecs.base, count: entryKeys.count)

        var report = spec.blocking.map { BlockReport(rule: $0.name) }
        var groups: [(start: Int, end: Int, cost: Int)] = []
        var s = 0
        while s < entryKeys.count {
            var e = s + 1
            while e < entryKeys.count && entryKeys[e] == entryKeys[s] { e += 1 }
            let size = e - s
            if size >= 2 {
                let rule = Int(entryKeys[s] >> 56)
                report[rule].blocks += 1
                report[rule].largest.append(size)
                if report[rule].largest.count > 3 {
                    report[rule].largest.sort(by: >)
                    report[rule].largest.removeLast()
                }
                if size > spec.blockCap {
                    report[rule].capped += 1
                } else {
                    groups.append((s, e, size * (size - 1) / 2))
                }
            }
            s = e
        }
        for r in report.indices {
            report[r].largest.sort(by: >)
            if report[r].capped > 0 {
                warn("blocking rule \(report[r].rule): \(report[r].capped) block(s) over the cap of \(spec.blockCap) records skipped (largest \(report[r].largest.first ?? 0))")
            }
        }

        // Each record's keys that another record shares (capped blocks' too: a pair whose first
        // shared key is a capped one is not compared anywhere), sorted: visiting the key groups
        // in key order fills each record's list in order.
        var offsets = [Int32](repeating: 0, count: n + 1)
        var shared = 0
        s = 0
        while s < entryKeys.count {
            var e = s + 1
            while e < entryKeys.count && entryKeys[e] == entryKeys[s] { e += 1 }
            if e - s >= 2 {
                for x in s..<e { offsets[Int(entryRecs[x]) + 1] += 1 }
                shared += e - s
            }
            s = e
        }
        for i in 0..<n { offsets[i + 1] += offsets[i] }
        var keys = [UInt64](repeating: 0, count: shared)
        var fill = offsets
        s = 0
        while s < entryKeys.count {
            var e = s + 1
            while e < entryKeys.count && entryKeys[e] == entryKeys[s] { e += 1 }
            if e - s >= 2 {
                for x in s..<e {
                    let rec = Int(entryRecs[x])
                    keys[Int(fill[rec])] = entryKeys[x]
                    fill[rec] += 1
                }
            }
            s = e
        }
        fill = []

        // Split the groups into contiguous chunks of about equal pair counts.
        let totalCost = groups.reduce(0) { $0 + $1.cost }
        let chunks = max(1, workers)
        var bounds = [0]
        var acc = 0
        for (g, grp) in groups.enumerated() {
            acc += grp.cost
            if bounds.count < chunks && acc >= totalCost * bounds.count / chunks { bounds.append(g + 1) }
        }
        while bounds.count <= chunks { bounds.append(groups.count) }
        bounds[chunks] = groups.count

        let results = Box([[(Int32, Int32, UInt64)]](repeating: [], count: chunks))
        let perRule = Box([[Int]](repeating: [Int](repeating: 0, count: spec.blocking.count), count: chunks))
        let cpu = Box([Double](repeating: 0, count: chunks))
        let entryKeysC = entryKeys, entryRecsC = entryRecs, keysC = keys, offsetsC = offsets, groupsC = groups, boundsC = bounds
        let cmp = data.comparer()
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let t0 = threadCPUSeconds()
            var out: [(Int32, Int32, UInt64)] = []
            var counts = [Int](repeating: 0, count: spec.blocking.count)
            for g in boundsC[c]..<boundsC[c + 1] {
                let grp = groupsC[g]
                let key = entryKeysC[grp.start]
                for x in grp.start..<grp.end {
                    let a = Int(entryRecsC[x])
                    for y in (x + 1)..<grp.end {
                        let b = Int(entryRecsC[y])
                        guard firstSharedKey(keysC, offsetsC, a, b) == key else { continue }
                        out.append((Int32(a), Int32(b), cmp.pattern(a, b)))
                        counts[Int(key >> 56)] += 1
                    }
                }
            }
            let t1 = threadCPUSeconds()
            results.lock.lock()
            results.value[c] = out
            perRule.value[c] = counts
            cpu.value[c] = t1 - t0
            results.lock.unlock()
        }
        for c in 0..<chunks {
            for r in 0..<spec.blocking.count { report[r].pairs += perRule.value[c][r] }
        }
        return (results.value.flatMap { $0 }, report, cpu.value.reduce(0, +))
    }

    /// Sorts `keys` ascending, carrying `payload` along, stably (LSD radix sort, 11 bits a pass;
    /// a pass whose digit is the same everywhere is skipped). Millions of blocking entries sort
    /// several times faster than with a comparison sort.
    static func radixSort(_ keys: inout [UInt64], _ payload: inout [Int32]) {
        precondition(keys.count == payload.count)
        keys.withUnsafeMutableBufferPointer { k in
            payload.withUnsafeMutableBufferPointer { p in radixSort(k.baseAddress!, p.baseAddress!, count: k.count) }
        }
    }

    /// `radixSort` on buffers, with one pair of huge-page buffers to ping-pong with (the scatter
    /// writes to 2,048 places).
    static func radixSort(_ keys: UnsafeMutablePointer<UInt64>, _ payload: UnsafeMutablePointer<Int32>, count n: Int) {
        if n < 2 { return }
        let bits = 11, buckets = 1 << bits, passes = (64 + bits - 1) / bits
        var hist = [Int](repeating: 0, count: buckets * passes)
        for j in 0..<n {
            let k = keys[j]
            for p in 0..<passes { hist[p * buckets + Int((k >> UInt64(p * bits)) & UInt64(buckets - 1))] += 1 }
        }
        let tk = LargeTable<UInt64>(count: n), tp = LargeTable<Int32>(count: n)
        var (ks, ps, kd, pd) = (keys, payload, tk.base, tp.base)
        for p in 0..<passes {
            let base = p * buckets, shift = UInt64(p * bits), mask = UInt64(buckets - 1)
            if hist[base + Int((ks[0] >> shift) & mask)] == n { continue }
            var sum = 0
            for b in 0..<buckets {
                let c = hist[base + b]
                hist[base + b] = sum
                sum += c
            }
            hist.withUnsafeMutableBufferPointer { h in
                for j in 0..<n {
                    let d = base + Int((ks[j] >> shift) & mask)
                    let to = h[d]
                    h[d] = to + 1
                    kd[to] = ks[j]
                    pd[to] = ps[j]
                }
            }
            swap(&ks, &kd)
            swap(&ps, &pd)
        }
        if ks != keys {
            keys.update(from: ks, count: n)
            payload.update(from: ps, count: n)
        }
    }

    /// The smallest key identity two records share (the sorted lists are intersected).
    @inline(__always) static func firstSharedKey(_ keys: [UInt64], _ off: [Int32], _ a: Int, _ b: Int) -> UInt64 {
        var i = Int(off[a]), j = Int(off[b])
        let ie = Int(off[a + 1]), je = Int(off[b + 1])
        while i < ie && j < je {
            if keys[i] == keys[j] { return keys[i] }
            if keys[i] < keys[j] { i += 1 } else { j += 1 }
        }
        return UInt64.max
    }

    /// Trains a model on the data and its candidate patterns.
    public static func train(_ data: MatchData, candidates: [(Int32, Int32, UInt64)]) -> MatchModel {
        let u = Trainer.estimateU(data)
        var counts: [UInt64: Int] = [:]
        for c in candidates { counts[c.2, default: 0] += 1 }
        let patterns = counts.keys.sorted().map { ($0, counts[$0]!) }
        let gi = data.spec.givenIndex
        let uGiven = gi.enumerated().map { f, g in g < 0 ? nil : Trainer.estimateUGiven(data, field: f, given: g, u: u[f], uPairs: Trainer.uPairs(data.count)) }
        let given = gi.map { g in g < 0 ? nil : (field: g, agrees: (0...data.levelTests[g].count).map { Trainer.agrees(data.levelTests[g], $0) }) }
        let (m, lambda) = Trainer.em(patterns: patterns, u: u, uGiven: uGiven, given: given, vetoes: data.spec.compiledVetoes())
        // The blocked pairs hold λ·pairs matches; spread over all N(N−1)/2 pairs that is the
        // probability that two records drawn at random are the same person.
        let n = Double(max(data.count, 2))
        let expected = max(lambda * Double(candidates.count), 1)
        let prior = min(max(expected / (n * (n - 1) / 2), 1e-12), 0.5)
        return MatchModel(m: m, u: u, uGiven: uGiven, prior: prior, tf: Trainer.termFrequencies(data), tfTotal: data.count,
                          trainedRecords: data.count, trainedPairs: candidates.count, specName: data.spec.name)
    }

    /// Weighs the candidates and keeps the pairs clustering needs: those at or above the
    /// cluster floor, and those holding the same identifier (to find a number shared by two people).
    public static func score(_ scorer: PairScorer, _ candidates: [(Int32, Int32, UInt64)], workers: Int = 2) -> [ScoredPair] {
        let floor = weightThreshold(probability: scorer.data.spec.clusterFloor)
        let shared = scorer.data.sharedID
        // Contiguous chunks on `workers` threads, joined in order: the same list as one loop.
        let chunks = max(1, min(workers, candidates.count / 100_000 + 1))
        let parts = Box([[ScoredPair]](repeating: [], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            var out: [ScoredPair] = []
            for k in (candidates.count * c / chunks)..<(candidates.count * (c + 1) / chunks) {
                let (a, b, p) = candidates[k]
                let w = scorer.weight(p, Int(a), Int(b))
                let same = shared[Int(a)] != 0 && shared[Int(a)] == shared[Int(b)]
                guard w >= floor || same else { continue }
                out.append(ScoredPair(a: a, b: b, pattern: p, weight: w, fieldWeights: scorer.fieldWeights(p, Int(a), Int(b)),
                                      veto: Int8(scorer.veto(p) ?? -1), sameID: same))
            }
            parts.lock.lock()
            parts.value[c] = out
            parts.lock.unlock()
        }
        return parts.value.flatMap { $0 }
    }
}

/// A mutable value shared by worker threads (written under its lock, read after they finish).
final class Box<T>: @unchecked Sendable {
    var value: T
    let lock = NSLock()
    init(_ v: T) { value = v }
}

/// CPU seconds the calling thread has used.
public func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
