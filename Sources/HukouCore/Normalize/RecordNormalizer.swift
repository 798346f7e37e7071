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

    /// Normalizes a person or list record. Running it twice changes nothing more.
    public func normalize(_ input: Record) -> Record {
        var r = input
        var registered = r["registered"]?.objectValue ?? JSONObject()
        var changed: [String: JSONValue] = [:]

        func text(_ v: JSONValue) -> String? {
            switch v {
            case .string(let s): return s
            case .number(let s): return s
            default: return nil
            }
        }
        func set(_ field: String, _ new: String) {
            guard let i = r.index(of: field) else { return }
            let old = r.fields[i].value
            if case .string(let s) = old, s == new { return }
            r.fields[i].value = .string(new)
            if registered[field] == nil { changed[field] = old }
        }

        for f in Self.nameFields {
            if let v = r[f], let s = text(v) { set(f, normalizeName(s)) }
        }
        for f in Self.dateFields {
            if let v = r[f], let s = text(v), let d = parseDate(s) { set(f, d.iso) }
        }
        for f in Self.idFields {
            if let v = r[f], let s = text(v) { set(f, normalizeIDText(s)) }
        }
        var labels = JSONObject()
        for cf in CodedField.allCases {
            guard let v = r[cf.field], let s = text(v), let e = cf.lookup(s) else { continue }
            set(cf.field, e.code)
            labels.append(cf.field, .string(e.name))
        }
        if !changed.isEmpty {
            var merged = JSONObject()
            for f in Self.changeable {
                if let v = registered[f] { merged.append(f, v) } else if let v = changed[f] { merged.append(f, v) }
            }
            // Keys an earlier run recorded that this list does not know stay, after the known ones.
            for fv in registered where merged[fv.key] == nil { merged.append(fv.key, fv.value) }
            registered = merged
        }

        let name = r.string("name") ?? ""
        let nk = keyer.keys(name)
        var keys = JSONObject()
        keys.append("name_fold", .string(nk.fold))
        keys.append("pinyin", .string(nk.pinyin))
        keys.append("surname", .string(nk.surname))
        keys.append("given", .string(nk.given))
        keys.append("id18", .string(id18(r.string("id_number") ?? "") ?? ""))

        r["registered"] = .object(registered)
        r["labels"] = .object(labels)
        r["keys"] = .object(keys)
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
    guard let id = IDNumber(normalizeIDText(text)), id.birthDateIsReal else { return nil }
    if id.isLegacy15 { return id.eighteen }
    return id.checksumValid ? id.text : nil
}
