// The root command: stages from the registry, `hukou run` for pipeline files, and the tools.
import ArgumentParser
import HukouDriver
import HukouIO
import HukouStages

/// `hukou`: the root command.
struct Hukou: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hukou",
        abstract: "Clean a household register before a census: composable NDJSON stages.",
        discussion: """
        Every stage reads NDJSON records (files or stdin) and writes NDJSON to stdout, so stages \
        compose as a shell pipe; `hukou run PIPELINE.yaml` runs the same chain in one process \
        with identical output.

        Examples:
          hukou ingest testdata/register.csv | hukou cat --stats > out/register.ndjson
          hukou run pipelines/township.yaml -o out/orders.ndjson
        """,
        version: "0.1.0",
        groupedSubcommands: [
            CommandGroup(name: "Stages", subcommands: StageRegistry.stages.map { $0 as ParsableCommand.Type }),
            CommandGroup(name: "Pipelines and tools", subcommands: [RunCommand.self, SynthCommand.self, ExplainCommand.self]),
        ]
    )
}

