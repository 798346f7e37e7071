// The truth file: one NDJSON line per planted problem (code and the `src` of every row involved,
// as ingest will cite them) and per planted decoy, streamed as the rows are written.
import HukouIO

/// The problem codes of DOMAIN.md that synth plants, in the order the manifest lists them.
public enum ProblemCode: String, CaseIterable, Sendable {
    case duplicateRegistration = "DUPLICATE_REGISTRATION"
    case idShared = "ID_SHARED_BY_DIFFERENT_PERSONS"
    case idBadChecksum = "ID_BAD_CHECKSUM"
    case idBirthdateMismatch = "ID_BIRTHDATE_MISMATCH"
    case idSexMismatch = "ID_SEX_MISMATCH"
    case idUnknownRegion = "ID_UNKNOWN_REGION"
    case id15 = "ID_15_DIGIT_NOT_UPGRADED"
    case idExcel = "ID_EXCEL_CORRUPTED"
    case idMissing = "ID_MISSING"
    case deceased = "DECEASED_STILL_REGISTERED"
    case enlisted = "ENLISTED_STILL_REGISTERED"
    case emigrated = "EMIGRATED_STILL_REGISTERED"
    case birthNotRegistered = "BIRTH_NOT_REGISTERED"
    case birthOutOfPolicy = "BIRTH_OUT_OF_POLICY"
    case householdWithoutHead = "HOUSEHOLD_WITHOUT_HEAD"
    case householdMultipleHeads = "HOUSEHOLD_MULTIPLE_HEADS"
    case relationAgeImpossible = "RELATION_AGE_IMPOSSIBLE"
    case fieldInvalid = "FIELD_INVALID"

    /// Codes whose correction cancels a registration on another agency's word.
    public static let gone: Set<String> = [deceased.rawValue, enlisted.rawValue, emigrated.rawValue]
}

/// Decoys: pairs that look like one person (or like a death) and are not. Not problems: a
/// finding that joins a decoy's refs is a mistake the scorer counts.
public enum DecoyCode: String, CaseIterable, Sendable {
    /// Two different registered persons with the same name, sex and birth date.
    case sameName = "DECOY_SAME_NAME"
    /// A death-list entry with the name and birth year of a living registered person, another ID.
    case death = "DECOY_DEATH"
}

/// Streams truth lines and counts them per code.
final class TruthWriter {
    private let out: ByteOutput
    private var writer = JSONWriter()
    private(set) var counts: [String: Int] = [:]

    init(path: String) throws { out = try ByteOutput.file(path) }

    func add(_ code: String, refs: [String], field: String? = nil, person: String? = nil, note: String) throws {
        var r = Record.make(kind: "truth", src: "truth")
        r.append("code", .string(code))
        r.append("refs", .strings(refs))
        if let field { r.append("field", .string(field)) }
        if let person { r.append("person", .string(person)) }
        r.append("note", .string(note))
        writer.writeRecordLine(r)
        counts[code, default: 0] += 1
        if writer.bytes.count >= 1 << 16 { try out.drain(&writer) }
    }

    func close() throws {
        try out.drain(&writer)
        try out.close()
    }
}
