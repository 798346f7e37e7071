// `hukou validate`: one finding record per problem of a person record (ID number, items) or of a
// household (heads, ages against relations), beside the person records it passes on.
import ArgumentParser
import HukouCore
import HukouDriver

/// Checks person records and their households; everything passes on, findings are added.
public final class ValidateStage: Stage {
    let checker: PersonChecker
    let grouper: HouseholdGrouper
    let rules: ValidationRules

    public init(rules: ValidationRules, grouping: HouseholdGrouping, window: Int) {
        self.rules = rules
        checker = PersonChecker(rules: rules)
        grouper = HouseholdGrouper(grouping: grouping, window: window)
    }

    public func process(_ record: Record, _ out: Emitter) throws {
        guard record.kind == RecordKind.person else { return try out.pass(record) }
        let (findings, member, household) = checker.checkPerson(record)
        try out.pass(record)
        for f in findings { try out.create(f.record(stage: "validate")) }
        guard !household.isEmpty else { return }
        do {
            try grouper.add(household: household, member: member) { _, members in
                try self.emitHousehold(members, out)
            }
        } catch let e as HouseholdOrderError {
            throw StageError.badData(src: e.src, message: "household \(e.household) comes back after it was checked: the input is not ordered by household (use --households index)")
        }
    }

    public func finish(_ out: Emitter) throws {
        try grouper.finish { _, members in try self.emitHousehold(members, out) }
    }

    func emitHousehold(_ members: [MemberSummary], _ out: Emitter) throws {
        for f in householdFindings(members, rules: rules) { try out.create(f.record(stage: "validate")) }
    }
}

/// The command line of `hukou validate`.
public struct ValidateCommand: StageCommand {
    public static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check ID numbers, items and households; add one finding per problem.",
        discussion: """
        Every record passes on; after a person record come its findings (ID_BAD_CHECKSUM, \
        ID_BIRTHDATE_MISMATCH, ID_SEX_MISMATCH, ID_UNKNOWN_REGION, ID_15_DIGIT_NOT_UPGRADED, \
        ID_EXCEL_CORRUPTED, ID_MISSING, FIELD_INVALID), and after a household is complete its \
        findings (HOUSEHOLD_WITHOUT_HEAD, HOUSEHOLD_MULTIPLE_HEADS, RELATION_AGE_IMPOSSIBLE). \
        Meant for normalized records; raw ones are checked the same way.

        Households are grouped by household number. --households auto (the default) keeps the \
        last --window households open, so ordered input or input out of order within that \
        distance runs in flat memory; a household that comes back later stops the run (exit 65). \
        ordered keeps one household at a time; index keeps all of them to the end (any order).

        Examples:
          hukou normalize register.ndjson | hukou validate > checked.ndjson
          hukou validate --as-of 2026-11-01 --adult-age 16 --households index unsorted.ndjson
        """
    )
    @OptionGroup public var common: CommonOptions
    @Option(help: ArgumentHelp("The date ages and future dates are reckoned from (YYYY-MM-DD).", valueName: "DATE"))
    public var asOf: String = ValidationRules.defaultAsOf.iso
    @Option(help: ArgumentHelp("Report a missing ID number from this age on.", valueName: "YEARS"))
    public var adultAge: Int = 16
    @Option(help: ArgumentHelp("Least years between a parent and a child (head vs children and parents).", valueName: "YEARS"))
    public var minParentGap: Int = 14
    @Option(help: ArgumentHelp("Least years between a grandparent and a grandchild.", valueName: "YEARS"))
    public var minGrandparentGap: Int = 28
    @Option(help: ArgumentHelp("How households are grouped: auto, ordered or index.", valueName: "MODE"))
    public var households: String = "auto"
    @Option(help: ArgumentHelp("With --households auto: how many households stay open.", valueName: "N"))
    public var window: Int = 10_000
    @Argument(help: "NDJSON inputs (default: stdin; - is stdin).") public var files: [String] = []
    public init() {}

    public func makeStage(_ context: StageContext) throws -> StageInstance {
        guard let d = CivilDate(iso: asOf) else { throw StageError.usage("--as-of: not a date YYYY-MM-DD: \(asOf)") }
        guard let g = HouseholdGrouping(rawValue: households) else { throw StageError.usage("--households: auto, ordered or index, not \(households)") }
        guard adultAge >= 0, minParentGap >= 0, minGrandparentGap >= 0, window >= 1 else { throw StageError.usage("ages, gaps and --window must not be negative") }
        let rules = ValidationRules(asOf: d, adultAge: adultAge, minParentGap: minParentGap, minGrandparentGap: minGrandparentGap)
        return .filter(ValidateStage(rules: rules, grouping: g, window: window))
    }
}
