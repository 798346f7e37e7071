// The registry of stages: one line per stage. It drives the subcommands, `hukou --help`, and the
// stages `hukou run` can build from a pipeline file.
import HukouDriver

/// Every stage, in the order of the pipeline.
public enum StageRegistry {
    public static let stages: [any StageCommand.Type] = [
        IngestCommand.self,
        CatCommand.self,
        NormalizeCommand.self,
        ValidateCommand.self,
        BlockCommand.self,
        ScoreCommand.self,
        ClusterCommand.self,
        MatchCommand.self,
        CrosscheckCommand.self,
        OrdersCommand.self,
        ReportCommand.self,
    ]

    /// The stage command called `name`.
    public static func command(named name: String) -> (any StageCommand.Type)? {
        stages.first { $0.stageName == name }
    }
}
