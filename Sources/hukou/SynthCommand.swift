// `hukou synth`: writes a synthetic county (register exports, agencies' lists, truth) to a folder.
import ArgumentParser
import HukouCore
import HukouDriver
import HukouIO
#if canImport(Glibc)
import Glibc
#endif

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Make a synthetic county: register exports, agencies' lists, and the truth of what was planted.",
        discussion: """
        Writes into DIR: register_<town>.csv (GB18030, CRLF; one per township but one), \
        register_<town>.xml (one township, UTF-8), deaths.csv, enlistments.csv, emigrations.csv, \
        births.csv, truth.ndjson (one line per planted problem or decoy, with the `path:line` of \
        every row involved, DIR as given), and README.txt (what was planted). The same seed and \
        options give the same bytes. Cite the files as DIR/FILE (the form truth uses) when you \
        ingest them.

        --problem-rate is, per problem code, the share of opportunities planted: persons for \
        person-level codes (ID, lists, duplicates), households for household codes, households \
        with a possible mother for unregistered births.

        Examples:
          hukou synth --seed 1 --persons 3000 --out testdata/county
          hukou synth --seed 7 --persons 1000000 --out bench/data/county-1000000
          hukou synth --seed 1 --persons 5000 --county 654022 --out out/chabuchaer
        """
    )

    @Option(help: "Seed of the generator (same seed, same bytes).") var seed: UInt64 = 1
    @Option(help: "Persons in the register (the last household may add a few).") var persons: Int
    @Option(help: ArgumentHelp("Output directory (created if missing).", valueName: "DIR")) var out: String
    @Option(help: ArgumentHelp("County code with a town list in the tables (430321 湘潭县, 654022 察布查尔).", valueName: "CODE")) var county = "430321"
    @Option(name: .customLong("problem-rate"), help: ArgumentHelp("Share planted per problem code, 0 to 0.05.", valueName: "R")) var problemRate = 0.005
    @Flag(name: .shortAndLong, help: "No summary on stderr.") var quiet = false

    mutating func run() throws {
        let synth: Synthesizer
        do {
            synth = try Synthesizer(SynthOptions(seed: seed, persons: persons, outDir: out, county: county, problemRate: problemRate))
        } catch let e as SynthError {
            throw DriverError.usage("synth: \(e.description)")
        }
        // mkdir -p
        var prefix = out.hasPrefix("/") ? "/" : ""
        for part in out.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw IOFailure.cannotCreate(path: prefix, reason: errnoText())
            }
            prefix += "/"
        }
        let total = persons
        if !quiet && isTerminal(2) {
            synth.progress = { n in Diagnostics.progress("hukou synth: \(n) of \(total) persons") }
        }
        let summary: SynthSummary
        do {
            summary = try synth.run()
        } catch let e as SynthError {
            throw DriverError.usage("synth: \(e.description)")
        }
        if !quiet && isTerminal(2) { Diagnostics.progress("") }
        if !quiet {
            let planted = summary.counts.filter { !$0.code.hasPrefix("DECOY_") }.map(\.count).reduce(0, +)
            let decoys = summary.counts.filter { $0.code.hasPrefix("DECOY_") }.map(\.count).reduce(0, +)
            Diagnostics.line("hukou synth: \(summary.persons) persons in \(summary.households) households, \(planted) planted problems, \(decoys) decoys → \(out)/")
        }
    }
}
