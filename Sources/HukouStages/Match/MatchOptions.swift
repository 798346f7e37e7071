// What the match stages share: the spec file (YAML, parsed here so the engine stays YAML-free),
// the model file, and the options that name them.
import ArgumentParser
import HukouCore
import HukouDriver
import HukouIO
import Yams

/// `--spec FILE` and `--model FILE`, shared by block, score, cluster and match.
public struct SpecOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The match spec (YAML: fields, levels, blocking). Default: the built-in hukou person spec (pipelines/specs/hukou-match.yaml).", valueName: "FILE"))
    public var spec: String?

    public init() {}

    /// The spec named by `--spec`, or the built-in one.
    public func load(_ context: StageContext) throws -> MatchSpec {
        guard let path = spec else { return MatchSpec.hukou }
        let bytes = try context.readBytes(path)
        return try SpecFile.parse(String(decoding: bytes, as: UTF8.self), name: path)
    }
}

/// Reads match specs from YAML.
public enum SpecFile {
    /// Parses spec YAML; `name` is used in error messages.
    public static func parse(_ text: String, name: String) throws -> MatchSpec {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw StageError.usage("\(name): not valid YAML: \(error)") }
        guard let map = root?.mapping else { throw StageError.usage("\(name): a match spec is a mapping with `fields:` and `blocking:`") }
        func str(_ m: Node.Mapping, _ k: String) -> String? { m[k]?.string }
        func strings(_ n: Node?) -> [String] { n?.sequence?.compactMap { $0.string } ?? [] }
        func num(_ k: String, _ d: Double) throws -> Double {
            guard let n = map[k] else { return d }
            guard let v = n.string.flatMap(Double.init) else { throw StageError.usage("\(name): `\(k)` must be a number") }
            return v
        }
        var fields: [FieldSpec] = []
        for (k, node) in (map["fields"]?.sequence ?? Node.Sequence()).enumerated() {
            guard let m = node.mapping, let n = str(m, "name"), let c = str(m, "comparator") else {
                throw StageError.usage("\(name): field \(k + 1) needs `name` and `comparator`")
            }
            guard let comp = Comparator(rawValue: c) else {
                throw StageError.usage("\(name): field `\(n)`: unknown comparator `\(c)` (\(Comparator.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let tf = m["tf"]?.bool ?? false
            fields.append(FieldSpec(name: n, field: str(m, "field") ?? n, comparator: comp, levels: strings(m["levels"]), termFrequency: tf, veto: strings(m["veto"]), given: str(m, "given"), within: str(m, "within")))
        }
        var rules: [BlockRule] = []
        for (k, node) in (map["blocking"]?.sequence ?? Node.Sequence()).enumerated() {
            guard let m = node.mapping, let n = str(m, "name") else { throw StageError.usage("\(name): blocking rule \(k + 1) needs `name` and `keys`") }
            rules.append(BlockRule(name: n, parts: strings(m["keys"])))
        }
        var vetoes: [VetoRule] = []
        for (k, node) in (map["vetoes"]?.sequence ?? Node.Sequence()).enumerated() {
            guard let m = node.mapping else { throw StageError.usage("\(name): veto \(k + 1) is a map from field to levels") }
            var conds: [VetoRule.Condition] = []
            for (key, value) in m {
                guard let f = key.string else { throw StageError.usage("\(name): veto \(k + 1): a field name is expected") }
                conds.append(.init(field: f, levels: value.sequence.map { $0.compactMap { $0.string } } ?? value.string.map { [$0] } ?? []))
            }
            vetoes.append(VetoRule(when: conds))
        }
        let cap = try num("block_cap", 2000)
        let spec = MatchSpec(
            name: str(map, "name") ?? name, kind: str(map, "kind") ?? "person", fields: fields, blocking: rules,
            threshold: try num("threshold", 0.9), clusterFloor: try num("cluster_floor", 0.5), blockCap: Int(cap),
            cannotLink: str(map, "cannot_link"), sharedID: str(map, "shared_id"), household: str(map, "household"), place: str(map, "place"),
            vetoes: vetoes)
        if let p = spec.problem() { throw StageError.usage("\(name): \(p)") }
        return spec
    }
}

/// Reads a model file (JSON) for a spec.
func loadModel(_ path: String, spec: MatchSpec, _ context: StageContext) throws -> MatchModel {
    let bytes = try context.readBytes(path)
    let value: JSONValue
    do { value = try bytes.withUnsafeBufferPointer { b throws(JSONParseError) in try JSONParser.parse(b) } } catch {
        throw StageError.usage("\(path): not a JSON model: \(error)")
    }
    guard let o = value.objectValue else { throw StageError.usage("\(path): not a JSON model") }
    do { return try MatchModel.parse(o, spec: spec) } catch { throw StageError.usage("\(path): \(error)") }
}

/// Writes a model file atomically (the command opens it; the stage only hands over the bytes).
func modelSaver(_ path: String?) -> ((JSONObject) throws -> Void)? {
    guard let path else { return nil }
    return { o in
        var w = JSONWriter(capacity: 1 << 16)
        w.writeRecordLine(o)
        let out = try ByteOutput.file(path)
        do {
            try out.drain(&w)
            try out.close()
        } catch {
            out.discard()
            throw error
        }
    }
}

/// A warning printer for a stage (silent under --quiet).
func warner(_ common: CommonOptions) -> @Sendable (String) -> Void {
    let quiet = common.quiet
    return { m in if !quiet { Diagnostics.warning(m) } }
}
