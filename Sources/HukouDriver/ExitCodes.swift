// Exit codes and the one function that turns an error into a message on stderr and a code.
import HukouCore
import HukouIO

/// The exit codes of hukou (sysexits), listed in the README.
public enum HukouExit: Int32 {
    case ok = 0
    case usage = 64
    case badData = 65
    case noInput = 66
    case software = 70
    case cantCreate = 73
    case ioError = 74
}

/// An error the drivers raise themselves.
public enum DriverError: Error, CustomStringConvertible {
    /// `--strict` and a record was rejected (exit 65).
    case strictReject(src: String, reason: String)
    /// A stage lost track of records (in ≠ out + rejected + consumed): a bug, exit 70.
    case unbalanced(stage: String, stats: StageStats)
    /// A pipeline file or option combination that cannot run (exit 64).
    case usage(String)

    public var description: String {
        switch self {
        case .strictReject(let s, let r): return "\(s): \(r) (rejected; --strict stops here)"
        case .unbalanced(let st, let s):
            return "\(st): internal error: \(s.input) records in but \(s.out) out + \(s.rejected) rejected + \(s.consumed) consumed"
        case .usage(let m): return m
        }
    }
}

/// Maps an error to its exit code and prints `hukou: message` on stderr (nothing for a broken
/// pipe, which is the normal end of `hukou … | head`). Messages never carry unmasked data.
public func reportError(_ error: Error) -> HukouExit {
    let code: HukouExit
    let message: String
    switch error {
    case let e as IOFailure:
        switch e {
        case .brokenPipe: return .ok
        case .cannotOpen, .readFailed: code = .noInput
        case .cannotCreate: code = .cantCreate
        case .writeFailed: code = .ioError
        }
        message = e.description
    case let e as StageError:
        switch e {
        case .usage: code = .usage
        case .badData: code = .badData
        case .noInput: code = .noInput
        }
        message = e.description
    case let e as DriverError:
        switch e {
        case .strictReject: code = .badData
        case .unbalanced: code = .software
        case .usage: code = .usage
        }
        message = e.description
    default:
        code = .software
        message = "internal error: \(error)"
    }
    Diagnostics.error(message)
    return code
}

/// stderr output: errors, warnings, stats and progress. Never stdout (that carries data only).
public enum Diagnostics {
    nonisolated(unsafe) static let err = ByteOutput.stderr()

    /// `hukou: message`
    public static func error(_ message: String) { line("hukou: \(message)") }

    /// `hukou: warning: message`
    public static func warning(_ message: String) { line("hukou: warning: \(message)") }

    /// A raw line on stderr.
    public static func line(_ s: String) {
        try? err.write(s + "\n")
        try? err.flush()
    }

    /// A progress line, overwritten in place (only call when stderr is a terminal).
    public static func progress(_ s: String) {
        try? err.write("\r\u{1B}[K" + s)
        try? err.flush()
    }
}
