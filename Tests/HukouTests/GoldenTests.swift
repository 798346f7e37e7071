// Golden files per stage: Tests/golden/<stage>/<case>/{cmd,expout,experr,exitcode}.
//
// `cmd` is a bash command run from the package root with the built `hukou` first on PATH; its
// stdout, stderr and exit code must equal the three expected files. Refresh them all with
// `make golden` (HUKOU_GOLDEN_UPDATE=1) and review the change with `git diff Tests/golden`.
import Foundation
import Testing

struct GoldenCase: CustomTestStringConvertible, Sendable {
    let dir: URL
    var testDescription: String { dir.deletingLastPathComponent().lastPathComponent + "/" + dir.lastPathComponent }

    static func all() -> [GoldenCase] {
        let root = packageRoot.appendingPathComponent("Tests/golden")
        let fm = FileManager.default
        var cases: [GoldenCase] = []
        for stage in ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).sorted() {
            let sdir = root.appendingPathComponent(stage)
            for c in ((try? fm.contentsOfDirectory(atPath: sdir.path)) ?? []).sorted() {
                let cdir = sdir.appendingPathComponent(c)
                if fm.fileExists(atPath: cdir.appendingPathComponent("cmd").path) { cases.append(GoldenCase(dir: cdir)) }
            }
        }
        return cases
    }
}

@Test("golden", arguments: GoldenCase.all())
func golden(_ c: GoldenCase) throws {
    let cmd = try String(contentsOf: c.dir.appendingPathComponent("cmd"), encoding: .utf8)
    let r = try sh(cmd)
    let update = ProcessInfo.processInfo.environment["HUKOU_GOLDEN_UPDATE"] == "1"
    let fOut = c.dir.appendingPathComponent("expout")
    let fErr = c.dir.appendingPathComponent("experr")
    let fCode = c.dir.appendingPathComponent("exitcode")
    if update {
        try r.stdout.write(to: fOut)
        try Data(r.stderr.utf8).write(to: fErr)
        try Data("\(r.status)\n".utf8).write(to: fCode)
        return
    }
    let expOut = (try? Data(contentsOf: fOut)) ?? Data()
    let expErr = (try? String(contentsOf: fErr, encoding: .utf8)) ?? ""
    let expCode = Int32(((try? String(contentsOf: fCode, encoding: .utf8)) ?? "0").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    #expect(!containsUnmaskedIDNumber(r.stderr), "stderr of \(c.testDescription) shows an unmasked ID number")
    #expect(r.status == expCode, "exit code of \(c.testDescription)")
    #expect(r.stderr == expErr, "stderr of \(c.testDescription)")
    if r.stdout != expOut {
        Issue.record("stdout of \(c.testDescription) differs from expout:\n\(r.out.prefix(2000))")
    }
}

/// Whether text holds something shaped like a whole ID number (15 or 18 characters of digits,
/// the last maybe X): stderr must show `4303211985******12` instead.
func containsUnmaskedIDNumber(_ text: String) -> Bool {
    var run = 0
    for ch in text.unicodeScalars {
        if ("0"..."9").contains(ch) || ((ch == "X" || ch == "x") && run == 17) {
            run += 1
            if run == 18 { return true }
        } else {
            if run == 15 { return true }
            run = 0
        }
    }
    return run == 15
}
