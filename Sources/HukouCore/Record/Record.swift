// The record: one line of the stream, a key-ordered JSON object with `kind` and `src`.
import HukouIO

/// A record of the stream. Every record has `kind` (person, death, enlistment, emigration,
/// birth, finding, order, …) and `src` (`path:line` of the row it came from). Fields a stage
/// does not know are carried through untouched.
public typealias Record = JSONObject

extension JSONObject {
    /// The record's kind (`person`, `death`, …, `finding`, `order`); "" when missing.
    @inlinable public var kind: String { string("kind") ?? "" }
    /// Where the record starts in its input, `path:line`; "" when missing.
    @inlinable public var src: String { string("src") ?? "" }

    /// A new record with `kind` and `src` first, as every record starts.
    public static func make(kind: String, src: String) -> Record {
        var r = Record()
        r.fields.reserveCapacity(20)
        r.append("kind", .string(kind))
        r.append("src", .string(src))
        return r
    }

    /// The string value of `key`, or "" when absent or not a string.
    @inlinable public func text(_ key: String) -> String { string(key) ?? "" }
}

/// Record kinds used across stages.
public enum RecordKind {
    public static let person = "person"
    public static let death = "death"
    public static let enlistment = "enlistment"
    public static let emigration = "emigration"
    public static let birth = "birth"
    public static let finding = "finding"
    public static let order = "order"
    /// The agencies' list kinds, in the order `ingest --as` names them.
    public static let lists = [death, enlistment, emigration, birth]
}
