// Test support: find the built `hukou` binary and run shell commands with it, capturing output.
import Foundation

/// The package root (two levels above this file's folder).
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The `hukou` binary under test: $HUKOU_BIN, else the debug build beside the tests.
let hukouBinary: String = {
    if let p = ProcessInfo.processInfo.environment["HUKOU_BIN"], !p.isEmpty { return p }
    return packageRoot.appendingPathComponent(".build/debug/hukou").path
}()

/// What a finished command printed and returned.
struct CommandResult {
    var stdout: Data
    var stderr: String
    var status: Int32
    var out: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs `script` with bash in `directory` (default: the package root), `hukou` first on PATH.
@discardableResult
func sh(_ script: String, in directory: URL = packageRoot, stdin: Data? = nil) throws -> CommandResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = ["-c", script]
    p.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    let binDir = URL(fileURLWithPath: hukouBinary).deletingLastPathComponent().path
    env["PATH"] = binDir + ":" + (env["PATH"] ?? "/usr/bin:/bin")
    env["LC_ALL"] = "C.UTF-8"
    p.environment = env
    let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
    p.standardOutput = outPipe
    p.standardError = errPipe
    p.standardInput = inPipe
    try p.run()
    if let stdin { inPipe.fileHandleForWriting.write(stdin) }
    try inPipe.fileHandleForWriting.close()
    // Read both pipes concurrently so a large stderr cannot block the child.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errData = errPipe.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return CommandResult(stdout: outData, stderr: String(decoding: errData, as: UTF8.self), status: p.terminationStatus)
}

/// A fresh temporary directory for one test.
func makeTempDir() throws -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("hukou-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}
