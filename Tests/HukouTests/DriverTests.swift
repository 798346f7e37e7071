// End-to-end tests of the drivers with the built binary: pipe vs `hukou run`, `| head`, exit
// codes, rejects and stats, and atomic output files.
import Foundation
import Testing

@Suite("drivers, end to end", .serialized)
struct DriverTests {
    @Test func everyPipelineRunsTheSameAsItsShellPipe() throws {
        let dir = packageRoot.appendingPathComponent("pipelines")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(!files.isEmpty)
        for f in files {
            let shell = try sh("hukou run --shell pipelines/\(f)")
            #expect(shell.status == 0, "\(f): \(shell.stderr)")
            let pipe = try sh("set -o pipefail; " + shell.out)
            let run = try sh("hukou run pipelines/\(f)")
            #expect(pipe.status == 0 && run.status == 0, "\(f): \(pipe.stderr) \(run.stderr)")
            #expect(!run.stdout.isEmpty, "\(f) produced nothing")
            #expect(pipe.stdout == run.stdout, "\(f): pipe and run differ")
        }
    }

    @Test func headEndsQuietly() throws {
        let r = try sh("set -o pipefail; yes '{\"kind\":\"person\",\"src\":\"a:1\"}' | head -n 200000 | hukou cat | head -n 1; echo \"status ${PIPESTATUS[2]}\"")
        #expect(r.out.hasSuffix("status 0\n"))
        #expect(r.stderr.isEmpty, "\(r.stderr)")
    }

    @Test func missingInputExits66() throws {
        let r = try sh("hukou cat does/not/exist.ndjson")
        #expect(r.status == 66)
        #expect(r.stderr == "hukou: does/not/exist.ndjson: cannot open: No such file or directory\n")
    }

    @Test func usageErrorExits64() throws {
        let r = try sh("hukou cat --no-such-option")
        #expect(r.status == 64)
        let p = try sh("printf 'steps: []\\n' > /tmp/hukou-empty.yaml; hukou run /tmp/hukou-empty.yaml")
        #expect(p.status == 64)
        #expect(p.stderr.contains("non-empty list"))
    }

    @Test func unwritableOutputExits73() throws {
        let r = try sh("echo '{}' | hukou cat -o /nonexistent-dir/out.ndjson")
        #expect(r.status == 73)
        #expect(r.stderr.hasPrefix("hukou: /nonexistent-dir/out.ndjson: cannot create"))
    }

    @Test func rejectsAreCountedOrWrittenAndStatsBalance() throws {
        let dir = try makeTempDir()
        var input = Data("{\"kind\":\"person\",\"src\":\"a:2\"}\n{\"kind\":\n{\"a\":\"".utf8)
        input.append(contentsOf: [0xFF])
        input.append(contentsOf: Data("\"}\n{\"kind\":\"person\",\"src\":\"a:3\"}\n".utf8))
        try input.write(to: dir.appendingPathComponent("in.ndjson"))
        let summary = try sh("hukou cat --stats in.ndjson", in: dir)
        #expect(summary.status == 0)
        #expect(summary.out.split(separator: "\n").count == 2)
        #expect(summary.stderr.contains("hukou: in.ndjson:2: malformed JSON"))
        #expect(summary.stderr.contains("hukou: in.ndjson:3: malformed JSON: invalid UTF-8"))
        #expect(summary.stderr.contains("hukou: cat: in 4, out 2, rejected 2"))
        let kept = try sh("hukou cat --rejects rej.ndjson in.ndjson > out.ndjson && cat rej.ndjson", in: dir)
        #expect(kept.status == 0)
        let lines = kept.out.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("{\"kind\":\"reject\",\"src\":\"in.ndjson:2\",\"stage\":\"cat\",\"reason\":\"malformed JSON"))
        let strict = try sh("hukou cat --strict -o strict.ndjson in.ndjson; echo $?; test -e strict.ndjson && echo exists", in: dir)
        #expect(strict.out == "65\n")
    }

    @Test func killedRunLeavesNoPartialFile() throws {
        let dir = try makeTempDir()
        // The input never ends (a fifo held open), so hukou is mid-run when it is killed.
        let r = try sh("""
            mkfifo in.fifo
            exec 3<>in.fifo
            hukou cat -o out.ndjson < in.fifo > /dev/null 2>&1 &
            pid=$!
            yes '{"kind":"person","src":"a:1"}' | head -n 300000 >&3
            sleep 0.5
            kill -TERM $pid
            wait $pid
            echo "status $?"
            exec 3>&-
            rm in.fifo
            ls -A
            """, in: dir)
        #expect(r.out.hasPrefix("status 143\n"), "\(r.out)")
        #expect(!r.out.contains("out.ndjson"), "left: \(r.out)")
    }

    @Test func outputFileIsCompleteAfterSuccess() throws {
        let dir = try makeTempDir()
        let r = try sh("yes '{\"a\":1}' | head -n 1000 | hukou cat -o o.ndjson && wc -l < o.ndjson && ls -A", in: dir)
        #expect(r.out == "1000\no.ndjson\n")
    }

    /// The I/O threads change nothing but speed: output, rejects and stats are the same bytes with
    /// any number of parser threads, for a stage alone and for `hukou run`.
    @Test func ioThreadsChangeNothingButSpeed() throws {
        let dir = try makeTempDir()
        let make = try sh("""
            for i in $(seq 1 5000); do
              if [ $((i % 331)) = 0 ]; then echo '{"kind":'; else echo "{\\"kind\\":\\"person\\",\\"src\\":\\"r.csv:$i\\",\\"name\\":\\"王伟\\",\\"id_number\\":\\"11010519491231002X\\"}"; fi
            done > in.ndjson
            """, in: dir)
        #expect(make.status == 0)
        try Data("steps:\n  - normalize\n  - validate\n".utf8).write(to: dir.appendingPathComponent("p.yaml"))
        var outputs: Set<String> = []
        for t in ["0", "1", "2", "4"] {
            let r = try sh("hukou normalize --io-threads \(t) --stats --rejects rej\(t).ndjson in.ndjson | hukou validate --io-threads \(t) > out\(t).ndjson && cat out\(t).ndjson rej\(t).ndjson", in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("normalize: in 5000, out 4985, rejected 15"), "\(r.stderr)")
            outputs.insert(r.out)
            let run = try sh("hukou run --io-threads \(t) p.yaml in.ndjson", in: dir)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(!run.out.isEmpty && r.out.hasPrefix(run.out), "run differs from the pipe")
        }
        #expect(outputs.count == 1)
        let bad = try sh("hukou cat --io-threads -1 in.ndjson", in: dir)
        #expect(bad.status == 64)
    }

    /// A record passed on unchanged is written as the line it was read as when that line is
    /// already canonical JSON, others are written canonically, and a record a later stage of
    /// `hukou run` changes is serialized anew: the same bytes as the shell pipe, for any threads.
    @Test func unchangedRecordsKeepTheirLine() throws {
        let dir = try makeTempDir()
        let lines = [
            #"{"kind":"person","src":"r.csv:2","name":"王伟","sex":"男","id_number":"11010519491231002X"}"#,
            #"{"kind": "person", "src":"r.csv:3","name":"李 娜"}"#,
            #"{"kind":"person","src":"r.csv:4","name":"a\/b","birth_date":"1985年3月12日"}"#,
            #"{"kind":"death","src":"d.csv:2","note":"tab\there"}"#,
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("in.ndjson"))
        try Data("steps:\n  - validate\n  - normalize\n".utf8).write(to: dir.appendingPathComponent("p.yaml"))
        for t in ["0", "2"] {
            let cat = try sh("hukou cat --io-threads \(t) in.ndjson", in: dir)
            #expect(cat.out == [lines[0], #"{"kind":"person","src":"r.csv:3","name":"李 娜"}"#,
                                #"{"kind":"person","src":"r.csv:4","name":"a/b","birth_date":"1985年3月12日"}"#, lines[3]]
                .joined(separator: "\n") + "\n")
            let pipe = try sh("hukou validate --io-threads \(t) in.ndjson | hukou normalize --io-threads \(t)", in: dir)
            let run = try sh("hukou run --io-threads \(t) p.yaml in.ndjson", in: dir)
            #expect(pipe.status == 0 && run.status == 0, "\(pipe.stderr) \(run.stderr)")
            #expect(run.out == pipe.out)
            #expect(run.out.contains(#""sex":"1""#) && run.out.contains(#""birth_date":"1985-03-12""#), "normalize's changes were lost")
        }
    }

    /// A write error (a full disk) ends the run with exit 74 whether the writer runs on its own
    /// thread or not.
    @Test func fullDiskExits74() throws {
        for t in ["0", "2"] {
            let r = try sh("yes '{\"a\":1}' | head -n 100000 | hukou cat --io-threads \(t) > /dev/full")
            #expect(r.status == 74, "\(t): \(r.stderr)")
            #expect(r.stderr.contains("No space left on device"), "\(r.stderr)")
        }
    }

    /// `-o` onto a device or FIFO writes to it: the atomic rename must never replace /dev/null
    /// or a FIFO another process reads with a regular file (tested on a FIFO: a failure must
    /// not break the machine's /dev/null).
    @Test func outputToADeviceOrFIFOIsWrittenInPlace() throws {
        let dir = try makeTempDir()
        let r = try sh("""
            mkfifo out.fifo
            timeout 20 cat out.fifo > got.ndjson &
            echo '{"a":2}' | hukou cat -o out.fifo
            wait
            test -p out.fifo && echo fifo-kept
            cat got.ndjson
            """, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out == "fifo-kept\n{\"a\":2}\n")
    }
}
