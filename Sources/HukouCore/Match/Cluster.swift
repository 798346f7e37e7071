// Decisions: links, clusters that never chain strangers, and the findings. The same code runs
// in `hukou match` and in `hukou cluster` (which rebuilds its input from pair records).
//
// Clustering is greedy complete linkage: links are taken strongest first, and two clusters merge
// only when every pair across them was compared, reaches the cluster floor, is not vetoed and is
// not in one household. Connected components would let one wrong link join two people.
import Foundation
import HukouIO

/// What clustering needs of each record, by index.
public struct ClusterRecords: Sendable {
    public var srcs: TextList
    /// Pool ids into `strings` (0 = empty).
    public var household: [Int32]
    public var place: [Int32]
    public var sharedID: [Int32]
    public var completeness: [Int16]
    public var strings: TextList
    /// The strings of `sharedID` (pool ids of their own when the matcher reads the identifier
    /// as a compared ID number).
    public var sharedStrings: TextList

    public init(srcs: TextList, household: [Int32], place: [Int32], sharedID: [Int32], completeness: [Int16], strings: TextList, sharedStrings: TextList? = nil) {
        self.srcs = srcs
        self.household = household
        self.place = place
        self.sharedID = sharedID
        self.completeness = completeness
        self.strings = strings
        self.sharedStrings = sharedStrings ?? strings
    }
}

extension MatchData {
    /// The clustering view of these records.
    public var clusterRecords: ClusterRecords {
        ClusterRecords(srcs: srcs, household: household, place: place, sharedID: sharedID, completeness: completeness, strings: aux.list,
                       sharedStrings: sharedColumn.map { columns[$0].pool.list } ?? aux.list)
    }
}

/// Orders `src` values as officers read them: by path, then by line number.
public func srcPrecedes(_ a: String, _ b: String) -> Bool {
    let ua = a.utf8, ub = b.utf8
    if let ca = ua.lastIndex(of: UInt8(ascii: ":")), let cb = ub.lastIndex(of: UInt8(ascii: ":")),
       let la = Int(a[a.index(after: ca)...]), let lb = Int(b[b.index(after: cb)...]) {
        let pa = a[..<ca], pb = b[..<cb]
        if pa != pb { return pa.utf8.lexicographicallyPrecedes(pb.utf8) }
        return la < lb
    }
    return ua.lexicographicallyPrecedes(ub)
}

/// Clusters scored pairs and writes the findings.
public struct Clusterer {
    public let spec: MatchSpec
    public let records: ClusterRecords
    public let pairs: [ScoredPair]
    let vetoes: [CompiledVeto]

    public init(spec: MatchSpec, records: ClusterRecords, pairs: [ScoredPair]) {
        self.spec = spec
        vetoes = spec.compiledVetoes()
        self.records = records
        self.pairs = pairs
    }

    @inline(__always) static func pairKey(_ a: Int32, _ b: Int32) -> UInt64 {
        a < b ? UInt64(UInt32(a)) << 32 | UInt64(UInt32(b)) : UInt64(UInt32(b)) << 32 | UInt64(UInt32(a))
    }

    func sameHousehold(_ a: Int32, _ b: Int32) -> Bool {
        let h = records.household[Int(a)]
        return h != 0 && h == records.household[Int(b)]
    }

    /// The clusters (lists of record indices in src order) with two or more records, in src
    /// order of their first record; and each clustered record's cluster number.
    public func clusters() -> (clusters: [[Int32]], of: [Int32: Int]) {
        let linkW = weightThreshold(probability: spec.threshold)
        let floorW = weightThreshold(probability: spec.clusterFloor)
        var index: [UInt64: Int] = [:]
        index.reserveCapacity(pairs.count)
        for (k, p) in pairs.enumerated() { index[Self.pairKey(p.a, p.b)] = k }
        // Rank of each involved record in src order: the tie-break that makes both modes agree.
        var involved = Array(Set(pairs.flatMap { [$0.a, $0.b] })).map { (src: records.srcs[Int($0)], record: $0) }
        involved.sort { srcPrecedes($0.src, $1.src) }
        var rank: [Int32: Int] = [:]
        for (k, r) in involved.enumerated() { rank[r.record] = k }

        var links = pairs.indices.filter { k in
            let p = pairs[k]
            return p.weight >= linkW && p.veto < 0 && !sameHousehold(p.a, p.b)
        }
        func ordered(_ p: ScoredPair) -> (Int, Int) {
            let x = rank[p.a]!, y = rank[p.b]!
            return x < y ? (x, y) : (y, x)
        }
        links.sort { i, j in
            let p = pairs[i], q = pairs[j]
            if p.weight != q.weight { return p.weight > q.weight }
            return ordered(p) < ordered(q)
        }
        var clusterOf: [Int32: Int] = [:]
        var members: [[Int32]] = []
        func fits(_ x: Int32, _ y: Int32) -> Bool {
            guard let k = index[Self.pairKey(x, y)] else { return false }
            let p = pairs[k]
            return p.weight >= floorW && p.veto < 0 && !sameHousehold(x, y)
        }
        for k in links {
            let p = pairs[k]
            let ca = clusterOf[p.a], cb = clusterOf[p.b]
            if let ca, let cb, ca == cb { continue }
            let ma = ca.map { members[$0] } ?? [p.a]
            let mb = cb.map { members[$0] } ?? [p.b]
            guard ma.allSatisfy({ x in mb.allSatisfy { y in fits(x, y) } }) else { continue }
            let target: Int
            if let ca { target = ca } else {
                target = members.count
                members.append([p.a])
                clusterOf[p.a] = target
            }
            for y in mb {
                members[target].append(y)
                clusterOf[y] = target
            }
            if let cb { members[cb] = [] }
        }
        var result = members.filter { $0.count >= 2 }.map { $0.sorted { rank[$0]! < rank[$1]! } }
        result.sort { rank[$0[0]]! < rank[$1[0]]! }
        var of: [Int32: Int] = [:]
        for (c, m) in result.enumerated() { for r in m { of[r] = c } }
        return (result, of)
    }

    /// Every finding, in src order of the first ref (duplicates before shared numbers at a tie).
    public func findings() -> [Record] {
        let (clusters, clusterOf) = clusters()
        var index: [UInt64: Int] = [:]
        for (k, p) in pairs.enumerated() { index[Self.pairKey(p.a, p.b)] = k }
        var out: [(first: String, order: Int, record: Record)] = []
        for c in clusters {
            out.append((records.srcs[Int(c[0])], 0, duplicateFinding(c, index)))
        }
        // Numbers held by records the model put in different clusters.
        var parent: [Int32: Int32] = [:]
        func find(_ x: Int32) -> Int32 {
            var r = x
            while let p = parent[r], p != r { r = p }
            var y = x
            while let p = parent[y], p != r { parent[y] = r; y = p }
            return r
        }
        for p in pairs where p.sameID {
            let ra = find(p.a), rb = find(p.b)
            if parent[ra] == nil { parent[ra] = ra }
            if parent[rb] == nil { parent[rb] = rb }
            if ra != rb {
                if srcPrecedes(records.srcs[Int(ra)], records.srcs[Int(rb)]) { parent[rb] = ra } else { parent[ra] = rb }
            }
        }
        var groups: [Int32: [Int32]] = [:]
        for r in parent.keys { groups[find(r), default: []].append(r) }
        for g in groups.values {
            let m = g.sorted { srcPrecedes(records.srcs[Int($0)], records.srcs[Int($1)]) }
            // Each record is one person, or the person of its cluster.
            var persons: [[Int32]] = []
            var seen: [Int: Int] = [:]
            for r in m {
                if let c = clusterOf[r] {
                    if let k = seen[c] { persons[k].append(r) } else { seen[c] = persons.count; persons.append([r]) }
                } else { persons.append([r]) }
            }
            guard persons.count >= 2 else { continue }
            out.append((records.srcs[Int(m[0])], 1, sharedFinding(m, persons, index)))
        }
        out.sort { x, y in
            if x.first != y.first { return srcPrecedes(x.first, y.first) }
            return x.order < y.order
        }
        return out.map(\.record)
    }

    private func clusterID(_ prefix: String, _ refs: [String]) -> String {
        let h = fnv64(refs.joined(separator: "\n"))
        let hex = String(h, radix: 16)
        return prefix + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The pairs among `members` that were compared, in src order.
    private func pairsAmong(_ members: [Int32], _ index: [UInt64: Int]) -> [JSONValue] {
        var out: [JSONValue] = []
        for (i, x) in members.enumerated() {
            for y in members[(i + 1)...] {
                guard let k = index[Self.pairKey(x, y)] else { continue }
                out.append(.object(pairJSON(pairs[k], first: x)))
            }
        }
        return out
    }

    /// A pair's evidence: total weight, probability and each field's level and weight.
    public func pairJSON(_ p: ScoredPair, first: Int32) -> JSONObject {
        let (x, y) = first == p.a ? (p.a, p.b) : (p.b, p.a)
        var o = JSONObject()
        o.append("a", .string(records.srcs[Int(x)]))
        o.append("b", .string(records.srcs[Int(y)]))
        o.append("weight", .double(Double(p.weight) / 10_000, digits: 4))
        o.append("probability", .double(probability(weight: p.weight), digits: 6))
        var fields = JSONObject()
        for (f, fs) in spec.fields.enumerated() {
            let l = Int((p.pattern >> (4 * UInt64(f))) & 15)
            var fo = JSONObject()
            fo.append("level", .string(levelName(fs, l)))
            fo.append("weight", .double(Double(p.fieldWeights[f]) / 10_000, digits: 4))
            fields.append(fs.name, .object(fo))
        }
        o.append("fields", .object(fields))
        if p.veto >= 0 { o.append("veto", .string(vetoes[Int(p.veto)].name)) }
        return o
    }

    private func duplicateFinding(_ members: [Int32], _ index: [UInt64: Int]) -> Record {
        let refs = members.map { records.srcs[Int($0)] }
        // The keep rule: (1) the registration whose village the other registrations of the
        // person share most; (2) the most complete (a well-formed 18-digit number first, then
        // the number of filled fields); (3) the earliest in the register (src order).
        func placeSupport(_ r: Int32) -> Int {
            let p = records.place[Int(r)]
            return p == 0 ? 0 : members.filter { $0 != r && records.place[Int($0)] == p }.count
        }
        let ranked = members.sorted { x, y in
            let px = placeSupport(x), py = placeSupport(y)
            if px != py { return px > py }
            let cx = records.completeness[Int(x)], cy = records.completeness[Int(y)]
            if cx != cy { return cx > cy }
            return srcPrecedes(records.srcs[Int(x)], records.srcs[Int(y)])
        }
        let keep = ranked[0]
        let rest = ranked[1...]
        let why: String
        if rest.contains(where: { placeSupport($0) != placeSupport(keep) }) {
            why = "village agrees with the person's other registrations"
        } else if rest.contains(where: { records.completeness[Int($0)] != records.completeness[Int(keep)] }) {
            why = "most complete registration"
        } else {
            why = "earliest registration"
        }
        let evidence = pairsAmong(members, index)
        // Cancelling a living person is the worst error: only when every pair is near certain,
        // the ID numbers agree and the names agree (up to a variant or a homophone); otherwise
        // verify first.
        let idField = spec.fields.firstIndex { $0.comparator == .idNumber }
        let nameFields = spec.fields.indices.filter { spec.fields[$0].comparator == .chineseName || spec.fields[$0].comparator == .text }
        var certain = true
        for (i, x) in members.enumerated() {
            for y in members[(i + 1)...] {
                guard let k = index[Self.pairKey(x, y)] else { certain = false; continue }
                let p = pairs[k]
                if probability(weight: p.weight) < 0.999 { certain = false }
                if let f = idField {
                    let l = Int((p.pattern >> (4 * UInt64(f))) & 15)
                    let name = levelName(spec.fields[f], l)
                    if !["exact", "15_18", "typo"].contains(name) { certain = false }
                }
                for f in nameFields where !["exact", "fold", "pinyin"].contains(levelName(spec.fields[f], Int((p.pattern >> (4 * UInt64(f))) & 15))) {
                    certain = false
                }
            }
        }
        var r = Record.make(kind: RecordKind.finding, src: refs[0])
        r.append("code", .string("DUPLICATE_REGISTRATION"))
        r.append("severity", .string("error"))
        r.append("refs", .strings(refs))
        r.append("cluster", .string(clusterID("dup-", refs)))
        r.append("action", .string(certain ? "cancel" : "verify"))
        r.append("keep", .string(records.srcs[Int(keep)]))
        r.append("keep_reason", .string(why))
        r.append("cancel", .strings(members.filter { $0 != keep }.map { records.srcs[Int($0)] }))
        if let h = spec.household {
            r.append(h == "household" ? "households" : h, .strings(members.map { records.strings[Int(records.household[Int($0)])] }))
        }
        r.append("pairs", .array(evidence))
        r.append("stage", .string("match"))
        r.append("message_zh", .string(certain ? "同一人在多个户重复登记，保留一处、注销其余" : "疑似同一人重复登记，请核实"))
        r.append("message_en", .string(certain ? "one person registered in several households: keep one, cancel the others" : "probably one person registered more than once: verify"))
        return r
    }

    private func sharedFinding(_ members: [Int32], _ persons: [[Int32]], _ index: [UInt64: Int]) -> Record {
        let refs = members.map { records.srcs[Int($0)] }
        var r = Record.make(kind: RecordKind.finding, src: refs[0])
        r.append("code", .string("ID_SHARED_BY_DIFFERENT_PERSONS"))
        r.append("severity", .string("error"))
        r.append("refs", .strings(refs))
        r.append("cluster", .string(clusterID("ids-", refs)))
        r.append("action", .string("change_id"))
        r.append("field", .string(spec.sharedID ?? ""))
        r.append("value", .string(records.sharedStrings[Int(records.sharedID[Int(members[0])])]))
        r.append("persons", .array(persons.map { .strings($0.map { records.srcs[Int($0)] }) }))
        r.append("pairs", .array(pairsAmong(members, index)))
        r.append("stage", .string("match"))
        r.append("message_zh", .string("一号多人：同一公民身份号码登记在不同的人名下"))
        r.append("message_en", .string("one ID number held by different persons: one of them needs a new number"))
        return r
    }
}

/// The name of level `l` of a field (`different`, `missing` included).
public func levelName(_ f: FieldSpec, _ l: Int) -> String {
    if l == Int(Level.missing) { return "missing" }
    return l < f.levels.count ? f.levels[l] : "different"
}
