// `hukou normalize`: names, dates, ID text and coded items to their canonical forms, the values
// as registered kept beside them, and the comparison keys matching needs.
import ArgumentParser
import HukouCore
import HukouDriver

/// Normalizes person and list records (FORMATS.md, "After hukou normalize"); other records
/// (findings, orders, …) pass through untouched.
public final class NormalizeStage: Stage {
    let normalizer = RecordNormalizer()
    public init() {}
    public func process(_ record: Record, _ out: Emitter) throws {
        if RecordNormalizer.handles(record.kind) {
            try out.pass(normalizer.normalize(record))
        } else {
            try out.pass(record)
        }
    }
}

/// The command line of `hukou normalize`.
public struct NormalizeCommand: StageCommand {
    public static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Normalize names, dates, ID numbers and coded items; keep the registered values.",
        discussion: """
        Person records and the agencies' list records (death, enlistment, emigration, birth) get:
          name, mother_name, father_name   middle-dot variants → ·, spaces trimmed (and removed \
        inside Han names), GB18030 private-use code points remapped; never NFKC
          birth_date and the lists' dates  ISO YYYY-MM-DD from 1985/3/12, 19850312, 1985.3.12, \
        1985年3月12日, 一九八五年三月十二日, Excel serials (5 digits); a value that is no date \
        stays as it is (validate reports it)
          id_number, mother_id, father_id  full-width digits and spaces removed, x → X; nothing else
          sex, ethnicity, relation, marital, education   the GB/T code, from a code, a name or a \
        short form (汉, 汉族, 01; 男, 1, M); unknown values stay
        and three added objects: registered (field → value as registered, for changed fields), \
        labels (coded field → GB/T label) and keys (name_fold, pinyin, surname, given, id18).
        Other records pass through untouched.

        Examples:
          hukou normalize register.ndjson > normalized.ndjson
          hukou ingest register.csv | hukou normalize | hukou validate > checked.ndjson
        """
    )
    @OptionGroup public var common: CommonOptions
    @Argument(help: "NDJSON inputs (default: stdin; - is stdin).") public var files: [String] = []
    public init() {}
    public func makeStage(_ context: StageContext) throws -> StageInstance { .filter(NormalizeStage()) }
}
