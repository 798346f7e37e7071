// Normalizes one person or list record in place (FORMATS.md, "After hukou normalize"): the
// canonical fields get normalized values, `registered` keeps what changed, `labels` the GB/T
// labels of coded fields, `keys` the comparison keys.
import HukouIO

/// Applies the normalization rules to records. Owns its caches: one per stage, not thread-safe.
public final class RecordNormalizer {
    let keyer = NameKeyer()

    /// Name fields of persons and lists.
    public static let nameFields = ["name", "mother_name", "father_name"]
    /// Date fields of persons and lists.
    public static let dateFields = ["birth_date", "death_date", "enlist_date", "settle_date"]
    /// ID-number fields of persons and lists.
    public static let idFields = ["id_number", "mother_id", "father_id"]
    /// The field order of `registered`: every field normalize may change.
    static let changeable = ["name", "sex", "ethnicity", "birth_date", "id_number", "relation", "education", "marital",
                             "death_date", "enlist_date", "settle_date", "mother_name", "mother_id", "father_name", "father_id"]

    public init() {}

    /// Whether normalize handles records of this kind (persons and the agencies' lists).
    public static func handles(_ kind: String) -> Bool {
        kind == RecordKind.person || RecordKind.lists.contains(kind)
    }

    /// Field numbers: a field's place in `changeable`, or one of these for the objects normalize
    /// adds, or `otherField`.
    static let otherField = -1, registeredField = -2, labelsField = -3, keysField = -4

    /// The number of a field name: its index in `changeable`, or one of the constants above.
    /// Decided on the length and the first two bytes, then confirmed by one comparison
    /// (comparing unequal strings is the slow path of String ==, and most keys are no candidate).
    @inline(__always) static func fieldNumber(_ key: String) -> Int {
        let (n, f, g) = keyTag(key)
        let c: Int
        switch (n, f) {
        case (3, 0x73): c = g == 0x65 ? 1 : otherField                  // sex (not src)
        case (4, 0x6E): c = 0                                             // name
        case (4, 0x6B): c = g == 0x65 ? keysField : otherField            // keys (not kind)
        case (6, 0x6C): c = labelsField                                   // labels
        case (7, 0x6D): c = 7                                             // marital
        case (8, 0x72): c = 5                                             // relation
        case (9, 0x69): c = 4                                             // id_number
        case (9, 0x6D): c = 12                                            // mother_id
        case (9, 0x66): c = 14                                            // father_id
        case (9, 0x65): c = g == 0x74 ? 2 : 6                             // ethnicity, education
        case (10, 0x62): c = 3                                            // birth_date
        case (10, 0x64): c = 8                                            // death_date
        case (10, 0x72): c = registeredField                              // registered
        case (11, 0x65): c = 9                                            // enlist_date
        case (11, 0x73): c = 10                                           // settle_date
        case (11, 0x6D): c = 11                                           // mother_name
        case (11, 0x66): c = 13                                           // father_name
        default: return otherField
        }
        switch c {
        case otherField: return otherField
        case registeredField: return key == "registered" ? c : otherField
        case labelsField: return key == "labels" ? c : otherField
        case keysField: return key == "keys" ? c : otherField
        default: return key == changeable[c] ? c : otherField
        }
    }

    /// The coded field of each changeable field (nil: name, date or ID number).
    static let codedOf: [CodedField?] = changeable.map { CodedField(rawValue: $0) }

    /// Values as registered of the fields changed in the current record, by field number.
    private var registeredValues = [JSONValue](repeating: .null, count: changeable.count)
    /// `labels` objects by the combination of coded entries (a county has a few hundred).
    private var labelsCache = DirectCache<JSONValue>(slots: 4096)
    /// `registered` objects of records where only coded fields changed, by the exact registered
    /// values (10 bits each: the value's key number in its code table + 1).
    private var registeredCache = DirectCache<JSONValue>(slots: 16_384)
    /// The field numbers of the previous record's keys, by position: records of a stream share
    /// their layout, and equal short keys compare in one step.
    private var memoKeys: [String] = []
    private var memoNumbers: [Int] = []

    /// Normalizes a person or list record. Running it twice changes nothing more.
    ///
    /// Builds the output record in one pass (one allocation for its fields, one each for
    /// `registered` and `keys`; `labels` objects are shared between records with the same codes).
    public func normalize(_ input: Record) -> Record {
        var out = ContiguousArray<JSONField>()
        out.reserveCapacity(input.fields.count + 3)
        var changedMask = 0          // bit n: field n of `changeable` changed (first occurrence)
        var labelIDs: UInt64 = 0     // 8 bits per coded field: its entry number (first hit)
        var name = ""
        var idNumber = ""
        var registeredIndex = -1, labelsIndex = -1, keysIndex = -1
        var registeredKey: UInt64 = 1 << 63   // see registeredCache
        var registeredCacheable = true
        var memo = (memoKeys, memoNumbers)
        var memoChanged = false

        for (j, f) in input.fields.enumerated() {
            let n: Int
            if j < memo.0.count && memo.0[j] == f.key {
                n = memo.1[j]
            } else {
                n = Self.fieldNumber(f.key)
                if j < memo.0.count {
                    memo.0[j] = f.key
                    memo.1[j] = n
                } else {
                    memo.0.append(f.key)
                    memo.1.append(n)
                }
                memoChanged = true
            }
            if n < 0 {
                switch n {
                case Self.registeredField: registeredIndex = out.count
                case Self.labelsField: labelsIndex = out.count
                case Self.keysField: keysIndex = out.count
                default: break
                }
                out.append(f)
                continue
            }
            let text: String
            switch f.value {
            case .string(let s): text = s
            case .number(let s): text = s
            default:
                out.append(f)
                continue
            }
            var new = text
            var exactKey = -1
            switch n {
            case 0, 11, 13: new = normalizeName(text)
            case 3, 8, 9, 10:
                // A date already in ISO form stays as it is (parseDate would give it back).
                if CivilDate(iso: text) == nil, let d = parseDate(text) { new = d.iso }
            case 4, 12, 14: new = normalizeIDText(text)
            default:
                let cf = Self.codedOf[n]!
                let t = cf.table
                var id = 0
                if let k = t.keys.find(text) {
                    id = Int(t.entryOfKey[k])
                    exactKey = k
                } else {
                    id = cf.hit(text)
                }
                if id > 0 {
                    new = t.codes[id]
                    let shift = UInt64(cf.index * 8)
                    if (labelIDs >> shift) & 0xFF == 0 { labelIDs |= UInt64(id) << shift }
                }
            }
            if n == 0 { name = new }
            if n == 4 { idNumber = new }
            if case .string(let s) = f.value, sameBytes(s, new) {
                out.append(f)
                continue
            }
            out.append(JSONField(f.key, .string(new)))
            if changedMask & (1 << n) == 0 {
                changedMask |= 1 << n
                registeredValues[n] = f.value
                if exactKey >= 0, case .string = f.value, let cf = Self.codedOf[n] {
                    registeredKey |= UInt64(exactKey + 1) << UInt64(cf.index * 10)
                } else {
                    registeredCacheable = false
                }
            }
        }
        if memoChanged { (memoKeys, memoNumbers) = memo }

        // registered: the earliest value of each field (an earlier run's entry wins), fields in
        // the fixed order of `changeable`, then keys an earlier run recorded that it does not know.
        var registered = JSONObject()
        if registeredIndex >= 0 {
            let earlier = out[registeredIndex].value.objectValue ?? JSONObject()
            if changedMask == 0 {
                registered = earlier
            } else {
                registered.fields.reserveCapacity(changedMask.nonzeroBitCount + earlier.count)
                for (n, f) in Self.changeable.enumerated() {
                    if let v = earlier[f] {
                        registered.append(f, v)
                    } else if changedMask & (1 << n) != 0 {
                        registered.append(f, registeredValues[n])
                    }
                }
                for fv in earlier where registered[fv.key] == nil { registered.append(fv.key, fv.value) }
            }
        } else if changedMask != 0 {
            if !registeredCacheable { registeredKey = 0 }
            if registeredKey != 0, let cached = registeredCache.get(registeredKey), case .object(let o) = cached {
                registered = o
            } else {
                registered.fields.reserveCapacity(changedMask.nonzeroBitCount)
                var m = changedMask
                while m != 0 {
                    let n = m.trailingZeroBitCount
                    registered.append(Self.changeable[n], registeredValues[n])
                    m &= m - 1
                }
                if registeredKey != 0 { registeredCache.set(registeredKey, .object(registered)) }
            }
        }
        for n in 0..<Self.changeable.count where changedMask & (1 << n) != 0 { registeredValues[n] = .null }

        let labels: JSONValue
        let cacheKey = labelIDs | (1 << 63)
        if let l = labelsCache.get(cacheKey) {
            labels = l
        } else {
            var o = JSONObject()
            o.fields.reserveCapacity(CodedField.allCases.count)
            for cf in CodedField.allCases {
                let id = Int((labelIDs >> UInt64(cf.index * 8)) & 0xFF)
                if id > 0 { o.append(cf.field, .string(cf.table.names[id])) }
            }
            labels = .object(o)
            labelsCache.set(cacheKey, labels)
        }

        let nk = keyer.keys(name)
        var keys = JSONObject()
        keys.fields.reserveCapacity(5)
        keys.append("name_fold", .string(nk.fold))
        keys.append("pinyin", .string(nk.pinyin))
        keys.append("surname", .string(nk.surname))
        keys.append("given", .string(nk.given))
        keys.append("id18", .string(id18(idNumber) ?? ""))

        // Replace in place when an earlier run added them, else append.
        if registeredIndex >= 0 { out[registeredIndex].value = .object(registered) } else { out.append(JSONField("registered", .object(registered))) }
        if labelsIndex >= 0 { out[labelsIndex].value = labels } else { out.append(JSONField("labels", labels)) }
        if keysIndex >= 0 { out[keysIndex].value = .object(keys) } else { out.append(JSONField("keys", .object(keys))) }
        return Record(fields: out)
    }
}

/// A key's length in UTF-8 bytes and its first two bytes (0 where it is shorter): enough to tell
/// the field names of records apart before one confirming comparison.
@inline(__always) func keyTag(_ s: String) -> (Int, UInt8, UInt8) {
    let u = s.utf8
    var it = u.makeIterator()
    let f = it.next() ?? 0
    let g = it.next() ?? 0
    return (u.count, f, g)
}

/// ID-number text as normalize writes it: `IDNumber.normalizeText` (full-width digits and spaces
/// removed, `x` → `X`). Nothing else: a wrong number is reported, never repaired.
public func normalizeIDText(_ s: String) -> String {
    // Fast path: 17 ASCII digits and a digit or X.
    let u = s.utf8
    if u.count == 18 || u.count == 15 {
        var ok = true
        var k = 0
        for b in u {
            if !(b >= 0x30 && b <= 0x39) && !(k == 17 && b == UInt8(ascii: "X")) { ok = false; break }
            k += 1
        }
        if ok { return s }
    }
    return IDNumber.normalizeText(s)
}

/// The 18-digit form of a valid number: an 18-digit number whose check character and birth date
/// are right, or the upgrade of a 15-digit number with a real birth date; nil otherwise.
public func id18(_ text: String) -> String? {
    if text.utf8.count == 18 {
        // Fast path over the bytes (no IDNumber, no allocation) for the common valid number.
        var sum = 0, k = 0, y = 0, m = 0, d = 0
        var last: UInt8 = 0
        var digits = true
        for b in text.utf8 {
            if k < 17 {
                guard b >= 0x30 && b <= 0x39 else { digits = false; break }
                let v = Int(b - 0x30)
                sum += v * IDNumber.weights[k]
                if k >= 6 && k < 10 { y = y * 10 + v } else if k >= 10 && k < 12 { m = m * 10 + v } else if k >= 12 && k < 14 { d = d * 10 + v }
            } else {
                last = b
            }
            k += 1
        }
        if digits && ((last >= 0x30 && last <= 0x39) || last == UInt8(ascii: "X")) {
            guard IDNumber.checkBytes[sum % 11] == last, isRealDate(year: y, month: m, day: d) else { return nil }
            return text
        }
    }
    guard let id = IDNumber(normalizeIDText(text)), id.birthDateIsReal else { return nil }
    if id.isLegacy15 { return id.eighteen }
    return id.checksumValid ? id.text : nil
}
