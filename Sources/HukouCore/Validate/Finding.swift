// A finding: one problem, the records it involves, and what an order needs to say about it.
import HukouIO

/// One problem found by a stage, in the shape of FORMATS.md ("Findings").
public struct Finding: Sendable, Equatable {
    public var code: String
    public var severity: String
    public var refs: [String]
    public var field: String
    public var value: String
    public var expected: String
    public var action: String
    public var messageZh: String
    public var messageEn: String

    public init(code: String, severity: String = "error", refs: [String], field: String, value: String,
                expected: String, action: String, zh: String, en: String) {
        self.code = code
        self.severity = severity
        self.refs = refs
        self.field = field
        self.value = value
        self.expected = expected
        self.action = action
        self.messageZh = zh
        self.messageEn = en
    }

    /// The finding as a record: kind, src (the first ref), code, severity, refs, field, value,
    /// expected, stage, action, message_zh, message_en.
    public func record(stage: String) -> Record {
        var r = Record.make(kind: RecordKind.finding, src: refs.first ?? "")
        r.append("code", .string(code))
        r.append("severity", .string(severity))
        r.append("refs", .strings(refs))
        r.append("field", .string(field))
        r.append("value", .string(value))
        r.append("expected", .string(expected))
        r.append("stage", .string(stage))
        r.append("action", .string(action))
        r.append("message_zh", .string(messageZh))
        r.append("message_en", .string(messageEn))
        return r
    }
}

/// The finding codes of DOMAIN.md that validate reports.
public enum FindingCode {
    public static let idBadChecksum = "ID_BAD_CHECKSUM"
    public static let idBirthdateMismatch = "ID_BIRTHDATE_MISMATCH"
    public static let idSexMismatch = "ID_SEX_MISMATCH"
    public static let idUnknownRegion = "ID_UNKNOWN_REGION"
    public static let id15NotUpgraded = "ID_15_DIGIT_NOT_UPGRADED"
    public static let idExcelCorrupted = "ID_EXCEL_CORRUPTED"
    public static let idMissing = "ID_MISSING"
    public static let householdWithoutHead = "HOUSEHOLD_WITHOUT_HEAD"
    public static let householdMultipleHeads = "HOUSEHOLD_MULTIPLE_HEADS"
    public static let relationAgeImpossible = "RELATION_AGE_IMPOSSIBLE"
    public static let fieldInvalid = "FIELD_INVALID"
}
