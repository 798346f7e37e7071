// `hukou orders`: folds the findings of every stage into correction orders, one per person (or
// household, cluster, birth certificate) and action.
import ArgumentParser
import HukouCore
import HukouDriver

/// Persons pass through (the report needs them for the village lists) and are remembered for
/// their registered values; findings are consumed into orders, which follow the last input record.
/// Warnings (advisory findings) and other kinds pass through untouched.
public final class OrdersStage: Stage {
    let builder: OrderBuilder
    public init(builder: OrderBuilder) { self.builder = builder }

    public func process(_ record: Record, _ out: Emitter) throws {
        switch record.kind {
        case RecordKind.person:
            builder.addPerson(record)
            try out.pass(record)
        case RecordKind.finding:
            if builder.addFinding(record) { out.consume() } else { try out.pass(record) }
        default:
            try out.pass(record)
        }
    }

    public func finish(_ out: Emitter) throws {
        try builder.build { try out.create($0) }
    }
}

/// The command line of `hukou orders`.
public struct OrdersCommand: StageCommand {
    public static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "Group findings into correction orders for the officer in charge of each village.",
        discussion: """
        One order per person (or household, duplicate cluster, birth certificate) and action: \
        cancel (death, enlistment, emigration, duplicate registration), register (a birth), correct \
        (变更更正), change_id (a duplicate or wrong number), verify (核实). Each order carries a \
        number derived from its content (HK-C-…: the same problem gets the same number next \
        month), the legal basis, every person involved with their registered values, the \
        evidence, the station, village, group and household, a due date and the text to print.

        Persons pass through; findings (errors) are folded into orders; warnings pass through. \
        Orders follow the last record, sorted by station, village, group, household, action.

        Examples:
          hukou crosscheck --deaths d.ndjson register.ndjson | hukou orders --as-of 2026-11-01 --due-days 30
          hukou run pipelines/township.yaml
        """
    )
    @OptionGroup public var common: CommonOptions
    @Option(help: ArgumentHelp("Issue date (YYYY-MM-DD); due dates count from it. Fixed default for reproducible runs.", valueName: "DATE")) public var asOf = "2026-11-01"
    @Option(help: ArgumentHelp("Days to carry an order out.", valueName: "N")) public var dueDays = 30
    @Argument(help: "NDJSON inputs: persons and findings (default: stdin; - is stdin).") public var files: [String] = []
    public init() {}

    public func validate() throws {
        guard Dates.days(asOf) != nil else { throw ValidationError("--as-of must be a date YYYY-MM-DD") }
        guard dueDays >= 0 else { throw ValidationError("--due-days must not be negative") }
    }

    public func makeStage(_ context: StageContext) throws -> StageInstance {
        var config = OrdersConfig()
        config.asOf = asOf
        config.dueDays = dueDays
        config.spillDirectory = ByteArena.defaultSpillDirectory
        return .filter(OrdersStage(builder: OrderBuilder(config: config)))
    }
}
