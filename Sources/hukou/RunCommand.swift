// `hukou run PIPELINE.yaml`: a pipeline file's stages in one process.
import ArgumentParser
import HukouDriver
import HukouStages

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline file's stages in one process (same bytes as the shell pipe).",
        discussion: """
        A pipeline file lists steps; each step is parsed exactly as the stage's own command line, \
        so `hukou run` and the pipe that `--shell` prints give the same output. Extra INPUT files \
        are appended to the first step's arguments.

        Examples:
          hukou run pipelines/township.yaml -o out/orders.ndjson --stats
          hukou run --shell pipelines/township.yaml        # print the equivalent shell pipe
        """
    )

    @Argument(help: "The pipeline file (YAML).") var pipeline: String
    @Argument(help: "Inputs appended to the first step's arguments.") var inputs: [String] = []
    @Flag(help: "Print the pipeline as a shell pipe of hukou processes instead of running it.") var shell = false
    @OptionGroup var common: CommonOptions

    mutating func run() throws {
        let file = try PipelineFile.load(path: pipeline)
        if shell {
            print(file.shellPipe(inputs: inputs))
            return
        }
        var steps: [PipelineStep] = []
        var firstFiles: [String] = []
        for (k, argv) in file.steps.enumerated() {
            guard let type = StageRegistry.command(named: argv[0]) else {
                let known = StageRegistry.stages.map { $0.stageName }.joined(separator: ", ")
                throw DriverError.usage("\(pipeline): step \(k + 1): unknown stage '\(argv[0])' (stages: \(known))")
            }
            var args = Array(argv.dropFirst())
            if k == 0 { args += inputs }
            let parsed: (step: PipelineStep, files: [String])
            do { parsed = try type.parseStep(args) } catch {
                throw DriverError.usage("\(pipeline): step \(k + 1): \(error)")
            }
            if k == 0 {
                firstFiles = parsed.files
            } else if !parsed.files.isEmpty {
                throw DriverError.usage("\(pipeline): step \(k + 1) (\(argv[0])): only the first step reads input files")
            }
            steps.append(parsed.step)
        }
        try PipelineRunner(steps: steps, inputs: firstFiles, options: common).run()
    }
}
