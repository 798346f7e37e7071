// Pipeline files (`pipelines/*.yaml`): a list of steps, each turned into the exact command line
// the stage would get in a shell pipe, so `hukou run` and the pipe are configured identically.
//
//     description: ingest and normalize a township
//     steps:
//       - ingest: [testdata/register.csv, testdata/register.xml]   # a list: arguments as written
//       - normalize                                                  # a name: no arguments
//       - validate: {adult-age: 16, strict-dates: true}             # a map: --key value options
//
// In a map, `true` is a bare flag, `false` omits it, a list repeats the option, and the key
// `files` holds positional arguments (written last).
import Foundation
import Yams
import HukouIO

/// A parsed pipeline file.
public struct PipelineFile {
    /// What the pipeline does (the file's `description`).
    public var description: String
    /// Each step's argument vector, the stage name first.
    public var steps: [[String]]

    /// Loads and checks a pipeline file's shape (not the stages' options: those are parsed by
    /// each stage's own command line, as in a shell pipe).
    public static func load(path: String) throws -> PipelineFile {
        let bytes = try InputFile(path: path).readAll()
        guard let text = String(validating: bytes, as: UTF8.self) else { throw DriverError.usage("\(path): not UTF-8 text") }
        return try parse(text, name: path)
    }

    /// Parses pipeline YAML text; `name` is used in error messages.
    public static func parse(_ text: String, name: String) throws -> PipelineFile {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw DriverError.usage("\(name): not valid YAML: \(error)")
        }
        guard let map = root?.mapping else { throw DriverError.usage("\(name): expected a mapping with `steps:`") }
        let desc = map["description"]?.string ?? ""
        guard let stepsNode = map["steps"], let seq = stepsNode.sequence, !seq.isEmpty else {
            throw DriverError.usage("\(name): `steps:` must be a non-empty list")
        }
        var steps: [[String]] = []
        for (k, node) in seq.enumerated() {
            let where_ = "\(name): step \(k + 1)"
            if let s = node.scalar?.string {
                let words = s.split(separator: " ").map(String.init)
                guard !words.isEmpty else { throw DriverError.usage("\(where_): empty step") }
                steps.append(words)
            } else if let m = node.mapping, m.count == 1, let (key, value) = m.first, let stage = key.string {
                steps.append([stage] + (try arguments(of: value, at: where_)))
            } else {
                throw DriverError.usage("\(where_): a step is a stage name or `stage: arguments`")
            }
        }
        for k in steps.indices.dropFirst() where steps[k].isEmpty {
            throw DriverError.usage("\(name): step \(k + 1) is empty")
        }
        return PipelineFile(description: desc, steps: steps)
    }

    static func arguments(of value: Node, at where_: String) throws -> [String] {
        if value.null != nil { return [] }
        if let s = value.scalar?.string { return [s] }
        if let seq = value.sequence {
            return try seq.map { n in
                guard let s = n.scalar?.string else { throw DriverError.usage("\(where_): arguments must be plain values") }
                return s
            }
        }
        guard let m = value.mapping else { throw DriverError.usage("\(where_): unreadable arguments") }
        var args: [String] = []
        var positional: [String] = []
        for (k, v) in m {
            guard let key = k.string else { throw DriverError.usage("\(where_): option names must be text") }
            let values: [Node] = v.sequence.map(Array.init) ?? [v]
            for item in values {
                guard let s = item.scalar?.string else { throw DriverError.usage("\(where_): \(key): values must be plain") }
                if key == "files" { positional.append(s); continue }
                let flag = key.count == 1 ? "-\(key)" : "--\(key)"
                if item.bool == true && item.scalar?.style == .plain && (s == "true" || s == "yes") {
                    args.append(flag)
                } else if item.bool == false && item.scalar?.style == .plain && (s == "false" || s == "no") {
                    continue
                } else {
                    args.append(flag)
                    args.append(s)
                }
            }
        }
        return args + positional
    }

    /// The same pipeline as a shell pipe of `hukou` processes (what `hukou run --shell` prints).
    public func shellPipe(executable: String = "hukou", inputs: [String] = []) -> String {
        steps.enumerated().map { (k, argv) in
            var a = argv
            if k == 0 && !inputs.isEmpty { a += inputs }
            return ([executable] + a).map(shellQuote).joined(separator: " ")
        }.joined(separator: " | ")
    }
}

/// Quotes a word for POSIX sh when it holds anything but safe characters.
public func shellQuote(_ s: String) -> String {
    let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
    if !s.isEmpty && s.allSatisfy({ safe.contains($0) }) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
