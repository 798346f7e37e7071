// Household checks (heads, ages against relations) and the grouping that brings a household's
// members together: one household at a time for household-ordered input, an index otherwise.
import HukouIO

/// The findings of one household from its members' summaries, in member order.
public func householdFindings(_ members: [MemberSummary], rules: ValidationRules) -> [Finding] {
    guard !members.isEmpty else { return [] }
    var headIndex = -1, headCount = 0
    for k in members.indices {
        if let r = members[k].relation, isHeadCode(r) {
            headCount += 1
            if headIndex < 0 { headIndex = k }
        }
    }
    var all: [String] { members.map(\.src) }
    if headCount == 0 {
        return [Finding(code: FindingCode.householdWithoutHead, refs: all, field: "relation", value: members.map(\.relationText).joined(separator: ","),
                        expected: "one member with relation 02 户主", action: "correct",
                        zh: "户内无户主", en: "the household has no head")]
    }
    if headCount > 1 {
        return [Finding(code: FindingCode.householdMultipleHeads, refs: all, field: "relation", value: members.map(\.relationText).joined(separator: ","),
                        expected: "one member with relation 02 户主", action: "correct",
                        zh: "户内有多个户主", en: "the household has more than one head")]
    }
    guard let hb = members[headIndex].birth else { return [] }
    var out: [Finding] = []
    for k in members.indices where k != headIndex {
        let c = members[k].relationNumber
        guard c >= 20 && c <= 69, let b = members[k].birth else { continue }
        // Bounds as YYYYMMDD ordinals: shifting the year keeps month and day (a 29 February head
        // gives 29 February of the bound year, which compares correctly as an ordinal).
        func shifted(_ years: Int) -> Int { (hb.year + years) * 10000 + hb.month * 100 + hb.day }
        // Younger members (children 20–39, grandchildren 40–49) must be born `gap` years after
        // the head at least; older ones (parents 50–59, grandparents 60–69) `gap` years before.
        let younger = c < 50
        let gap = (c < 40 || (c >= 50 && c < 60)) ? rules.minParentGap : rules.minGrandparentGap
        let bad = younger ? b.ordinal < shifted(gap) : b.ordinal > shifted(-gap)
        guard bad else { continue }
        // The messages are made only for the (rare) finding.
        let zh: String, en: String
        switch c {
        case 20...39: zh = "子女与户主年龄差不足\(rules.minParentGap)岁"; en = "a child less than \(rules.minParentGap) years younger than the head"
        case 40...49: zh = "孙辈与户主年龄差不足\(rules.minGrandparentGap)岁"; en = "a grandchild less than \(rules.minGrandparentGap) years younger than the head"
        case 50...59: zh = "父母与户主年龄差不足\(rules.minParentGap)岁"; en = "a parent less than \(rules.minParentGap) years older than the head"
        default: zh = "祖辈与户主年龄差不足\(rules.minGrandparentGap)岁"; en = "a grandparent less than \(rules.minGrandparentGap) years older than the head"
        }
        let expected = younger ? "born on or after \(CivilDate(hb.year + gap, hb.month, hb.day).iso)"
                               : "born on or before \(CivilDate(hb.year - gap, hb.month, hb.day).iso)"
        out.append(Finding(code: FindingCode.relationAgeImpossible, refs: [members[headIndex].src, members[k].src], field: "relation",
                           value: members[k].relationText,
                           expected: expected + " (head born \(hb.iso), member born \(b.iso))", action: "verify", zh: zh, en: en))
    }
    return out
}

/// Whether a relation code makes its holder the head (01 本人, 02 户主, 03 小集体户户主).
@inline(__always) func isHeadCode(_ c: String) -> Bool {
    let (n, f, l) = keyTag(c)
    return n == 2 && f == 0x30 && l >= 0x31 && l <= 0x33
}

/// How validate brings a household's members together.
public enum HouseholdGrouping: String, Sendable, CaseIterable {
    /// Input ordered by household: one household held at a time (flat memory). A household that
    /// comes back after another began is an error.
    case ordered
    /// Like ordered, but the last `window` households stay open, so households interleaved or
    /// split within that distance are still whole. A household that comes back later is an error.
    case auto
    /// Every household held until the end (memory grows with the input; any order works).
    case index
}

/// Thrown when a household comes back after its checks were made.
public struct HouseholdOrderError: Error, Sendable {
    public let household: String
    public let src: String
}

/// Groups member summaries by household and hands each complete household to `emit`, in the
/// order households first appeared.
public final class HouseholdGrouper {
    let grouping: HouseholdGrouping
    let window: Int
    /// Households still open, in first-seen order (a ring: `head` is the oldest).
    private var pending: [OpenHousehold?] = []
    private var head = 0
    /// How many entries compaction has dropped from the front of `pending`: an entry's absolute
    /// position is `dropped + index`, so compaction never rewrites the index.
    private var dropped = 0
    /// Open households (absolute positions) by the 64-bit hash of their number (hashing bytes
    /// once is cheaper than String hashing; a hit is confirmed against the number itself).
    private var openIndex = PositionMap()
    /// 64-bit hashes of the households already checked (to detect a household that comes back).
    private var closed = HashSet64()
    /// Emptied households for reuse (their member arrays keep their capacity).
    private var spare: [OpenHousehold] = []

    public init(grouping: HouseholdGrouping, window: Int = 10_000) {
        self.grouping = grouping
        switch grouping {
        case .ordered: self.window = 1
        case .auto: self.window = max(1, window)
        case .index: self.window = Int.max
        }
    }

    /// Adds a member; completes (emits) households that fall out of the window.
    public func add(household: String, member: MemberSummary, emit: (String, [MemberSummary]) throws -> Void) throws {
        // The common case of ordered input: same household as the newest one.
        if pending.count > head, let last = pending[pending.count - 1], last.key == household {
            last.members.append(member)
            return
        }
        let h = fnv64(household)
        let indexed = window > 1 ? openIndex[h] : nil
        if let a = indexed, let open = pending[a - dropped], open.key == household {
            open.members.append(member)
            return
        }
        if grouping != .index && closed.contains(h) {
            throw HouseholdOrderError(household: household, src: member.src)
        }
        // A hash collision with another open household leaves this one unindexed: it is still
        // checked, only a later interleaved member of it would start a second group.
        if window > 1 && indexed == nil { openIndex[h] = dropped + pending.count }
        let open: OpenHousehold
        if let o = spare.popLast() {
            o.key = household
            o.hash = h
            o.members.append(member)
            open = o
        } else {
            open = OpenHousehold(key: household, hash: h, first: member)
        }
        pending.append(open)
        while pending.count - head > window {
            try completeOldest(emit)
        }
    }

    /// Completes every open household (at the end of the input).
    public func finish(emit: (String, [MemberSummary]) throws -> Void) throws {
        while pending.count > head { try completeOldest(emit) }
    }

    private func completeOldest(_ emit: (String, [MemberSummary]) throws -> Void) throws {
        guard let h = pending[head] else { head += 1; return }
        pending[head] = nil
        head += 1
        if window > 1 { openIndex.remove(h.hash, ifAt: dropped + head - 1) }
        if grouping != .index { closed.insert(h.hash) }
        // Compact the ring now and then so memory stays flat.
        if head > 4096 && head * 2 > pending.count {
            pending.removeFirst(head)
            dropped += head
            head = 0
        }
        try emit(h.key, h.members)
        h.members.removeAll(keepingCapacity: true)
        if spare.count < 64 { spare.append(h) }
    }
}

/// A household still taking members (a class, so appending never copies the member list).
final class OpenHousehold {
    var key: String
    var hash: UInt64
    var members: [MemberSummary]
    init(key: String, hash: UInt64, first: MemberSummary) {
        self.key = key
        self.hash = hash
        members = [first]
        members.reserveCapacity(8)
    }
}

/// A map from 64-bit hashes to positions (non-negative), open addressing with linear probing and
/// backward-shift deletion: the grouper's index of open households, a few thousand entries
/// changing with every household, where a Dictionary hashes each key again with SipHash.
struct PositionMap {
    private var keys: [UInt64] = []
    /// -1 marks an empty slot.
    private var values: [Int] = []
    private var count = 0

    subscript(key: UInt64) -> Int? {
        get {
            guard !values.isEmpty else { return nil }
            let mask = values.count - 1
            var i = Int(truncatingIfNeeded: mix64(key)) & mask
            while true {
                let v = values[i]
                if v < 0 { return nil }
                if keys[i] == key { return v }
                i = (i + 1) & mask
            }
        }
        set {
            if let v = newValue { insert(key, v) } else { remove(key) }
        }
    }

    private mutating func insert(_ key: UInt64, _ value: Int) {
        if values.isEmpty || (count + 1) * 2 > values.count { grow() }
        let mask = values.count - 1
        var i = Int(truncatingIfNeeded: mix64(key)) & mask
        while values[i] >= 0 {
            if keys[i] == key { values[i] = value; return }
            i = (i + 1) & mask
        }
        keys[i] = key
        values[i] = value
        count += 1
    }

    /// Removes `key` when it maps to `position` (one probe sequence for the check and removal).
    mutating func remove(_ key: UInt64, ifAt position: Int) {
        remove(key, only: position)
    }

    private mutating func remove(_ key: UInt64, only position: Int? = nil) {
        guard !values.isEmpty else { return }
        let mask = values.count - 1
        var i = Int(truncatingIfNeeded: mix64(key)) & mask
        while true {
            if values[i] < 0 { return }
            if keys[i] == key { break }
            i = (i + 1) & mask
        }
        if let p = position, values[i] != p { return }
        // Backward shift: move later entries of the probe run into the hole.
        var hole = i
        var j = (i + 1) & mask
        while values[j] >= 0 {
            let home = Int(truncatingIfNeeded: mix64(keys[j])) & mask
            // Entry j may fill the hole when its home is not in (hole, j] cyclically.
            let between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !between {
                keys[hole] = keys[j]
                values[hole] = values[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        values[hole] = -1
        count -= 1
    }

    private mutating func grow() {
        let (oldKeys, oldValues) = (keys, values)
        let n = max(64, values.count * 2)
        keys = [UInt64](repeating: 0, count: n)
        values = [Int](repeating: -1, count: n)
        count = 0
        for k in oldValues.indices where oldValues[k] >= 0 { insert(oldKeys[k], oldValues[k]) }
    }
}

/// A set of 64-bit hashes with open addressing: 8 bytes a slot, where a Swift Set of strings
/// would need ten times that for millions of household numbers. The table doubles up to 2^20
/// slots (8 MB); after that, full tables are kept as they are and new hashes go to a new table of
/// that size. So memory is about 9.4 bytes a hash for large sets (tables filled to 85%) and never
/// holds an old and a new copy at once (a doubling table needs up to 32 bytes a hash while it
/// grows); a lookup probes each table, one per 891,289 hashes.
struct HashSet64 {
    /// Tables that reached the largest size and 85% load: only looked up.
    private var full: [[UInt64]] = []
    /// The table taking new hashes.
    private var slots: [UInt64] = []
    /// Hashes in `slots`.
    private var current = 0
    private(set) var count = 0
    private var hasZero = false
    static let largestTable = 1 << 20

    /// The slots in all tables (for tests of the memory bound).
    var capacity: Int { full.reduce(slots.count) { $0 + $1.count } }

    @inline(__always) private static func find(_ t: [UInt64], _ h: UInt64, _ m: UInt64) -> (found: Bool, slot: Int) {
        let mask = t.count - 1
        var i = Int(truncatingIfNeeded: m) & mask
        while true {
            let s = t[i]
            if s == h { return (true, i) }
            if s == 0 { return (false, i) }
            i = (i + 1) & mask
        }
    }

    func contains(_ h: UInt64) -> Bool {
        if h == 0 { return hasZero }
        let m = mix(h)
        if !slots.isEmpty && Self.find(slots, h, m).found { return true }
        for t in full where Self.find(t, h, m).found { return true }
        return false
    }

    mutating func insert(_ h: UInt64) {
        if h == 0 { hasZero = true; return }
        let m = mix(h)
        for t in full where Self.find(t, h, m).found { return }
        if slots.isEmpty || (current + 1) * 20 > slots.count * 17 {
            if slots.count >= Self.largestTable {
                full.append(slots)
                slots = [UInt64](repeating: 0, count: Self.largestTable)
                current = 0
            } else {
                grow()
            }
        }
        let (found, i) = Self.find(slots, h, m)
        if found { return }
        slots[i] = h
        current += 1
        count += 1
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: max(1024, old.count * 2))
        for h in old where h != 0 {
            let (_, i) = Self.find(slots, h, mix(h))
            slots[i] = h
        }
    }

    private func mix(_ h: UInt64) -> UInt64 {
        var x = h
        x ^= x >> 33
        x = x &* 0xff51afd7ed558ccd
        x ^= x >> 33
        return x
    }
}
