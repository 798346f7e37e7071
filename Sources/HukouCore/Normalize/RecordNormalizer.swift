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

    /// What normalize does with a field.
    enum Role { case name, date, id, coded(CodedField) }

    /// The role of a field name (no hashing: records have a dozen or two keys, looked at once each).
    @inline(__always) static func role(_ key: String) -> Role? {
        switch key.utf8.count {
        case 3: return key == "sex" ? .coded(.sex) : nil
        case 4: return key == "name" ? .name : nil
        case 7: return key == "marital" ? .coded(.marital) : nil
        case 8: return key == "relation" ? .coded(.relation) : nil
        case 9:
            if key == "id_number" || key == "mother_id" || key == "father_id" { return .id }
            if key == "ethnicity" { return .coded(.ethnicity) }
            if key == "education" { return .coded(.education) }
            return nil
        case 10: return key == "birth_date" || key == "death_date" ? .date : nil
        case 11:
            if key == "mother_name" || key == "father_name" { return .name }
            if key == "enlist_date" || key == "settle_date" { return .date }
            return nil
        default: return nil
        }
    }

    /// Normalizes a person or list record. Running it twice changes nothing more.
    public func normalize(_ input: Record) -> Record {
        var r = input
        r.fields.reserveCapacity(r.fields.count + 3)
        var changed: [JSONField] = []
        changed.reserveCapacity(8)
        var labels: [(CodedField, String)] = []
        labels.reserveCapacity(5)
        var name = ""
        var idNumber = ""
        var registeredIndex: Int? = nil, labelsIndex: Int? = nil, keysIndex: Int? = nil

        for i in r.fields.indices {
            let key = r.fields[i].key
            switch key.utf8.count {
            case 10 where key == "registered": registeredIndex = i; continue
            case 6 where key == "labels": labelsIndex = i; continue
            case 4 where key == "keys": keysIndex = i; continue
            default: break
            }
            guard let role = Self.role(key) else { continue }
            let old = r.fields[i].value
            let text: String
            switch old {
            case .string(let s): text = s
            case .number(let s): text = s
            default: continue
            }
            var new = text
            switch role {
            case .name: new = normalizeName(text)
            case .date: if let d = parseDate(text) { new = d.iso }
            case .id: new = normalizeIDText(text)
            case .coded(let cf):
                if let e = cf.lookup(text) {
                    new = e.code
                    labels.append((cf, e.name))
                }
            }
            if key == "name" { name = new }
            if key == "id_number" { idNumber = new }
            if case .string(let s) = old, sameBytes(s, new) { continue }
            r.fields[i].value = .string(new)
            changed.append(JSONField(key, old))
        }

        // registered: the earliest value of each field (an earlier run's entry wins), fields in
        // the fixed order of `changeable`, then keys an earlier run recorded that it does not know.
        let earlier = registeredIndex.flatMap { r.fields[$0].value.objectValue } ?? JSONObject()
        var registered = JSONObject()
        registered.fields.reserveCapacity(changed.count + earlier.count)
        if changed.isEmpty {
            registered = earlier
        } else {
            for f in Self.changeable {
                if let v = earlier[f] {
                    registered.append(f, v)
                } else if let c = changed.first(where: { $0.key == f }) {
                    registered.append(f, c.value)
                }
            }
            for fv in earlier where registered[fv.key] == nil { registered.append(fv.key, fv.value) }
        }
        var labelObject = JSONObject()
        labelObject.fields.reserveCapacity(labels.count)
        for cf in CodedField.allCases {
            if let l = labels.first(where: { $0.0 == cf }) { labelObject.append(cf.field, .string(l.1)) }
        }

        let nk = keyer.keys(name)
        var keys = JSONObject()
        keys.fields.reserveCapacity(5)
        keys.append("name_fold", .string(nk.fold))
        keys.append("pinyin", .string(nk.pinyin))
        keys.append("surname", .string(nk.surname))
        keys.append("given", .string(nk.given))
        keys.append("id18", .string(id18(idNumber) ?? ""))

        // Replace in place when an earlier run added them, else append (no key scans).
        for (index, key, value) in [(registeredIndex, "registered", registered), (labelsIndex, "labels", labelObject), (keysIndex, "keys", keys)] {
            if let i = index { r.fields[i].value = .object(value) } else { r.append(key, .object(value)) }
        }
        return r
    }
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
            let want = IDNumber.checkCharacters[sum % 11]
            guard want.asciiValue == last, isRealDate(year: y, month: m, day: d) else { return nil }
            return text
        }
    }
    guard let id = IDNumber(normalizeIDText(text)), id.birthDateIsReal else { return nil }
    if id.isLegacy15 { return id.eighteen }
    return id.checksumValid ? id.text : nil
}
