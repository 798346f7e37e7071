// Entry point: parse the command line, run it, and turn any error into a message and exit code.
import ArgumentParser
import HukouCore
import HukouDriver
import HukouIO
#if canImport(Glibc)
import Glibc
#endif

installSignalHandling()
do {
    var command = try Hukou.parseAsRoot()
    try command.run()
} catch let e as IOFailure {
    exit(reportError(e).rawValue)
} catch let e as StageError {
    exit(reportError(e).rawValue)
} catch let e as DriverError {
    exit(reportError(e).rawValue)
} catch {
    // Help, version and usage errors: ArgumentParser prints them and picks 0 or 64.
    Hukou.exit(withError: error)
}
