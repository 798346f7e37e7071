// Files and standard streams over read(2)/write(2): inputs with their display names, buffered
// output that treats a closed pipe as the end of the run, and atomic output files.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CShims

/// Failures of the I/O layer. The CLI maps each case to an exit code (see ExitCodes).
public enum IOFailure: Error, Sendable, CustomStringConvertible {
    /// An input that does not exist or cannot be read (exit 66).
    case cannotOpen(path: String, reason: String)
    /// A read error in the middle of an input (exit 66).
    case readFailed(path: String, reason: String)
    /// An output file that cannot be created (exit 73).
    case cannotCreate(path: String, reason: String)
    /// A write error on output (exit 74).
    case writeFailed(path: String, reason: String)
    /// The reader of stdout went away (`hukou … | head`): the run ends quietly.
    case brokenPipe

    public var description: String {
        switch self {
        case .cannotOpen(let p, let r): return "\(p): cannot open: \(r)"
        case .readFailed(let p, let r): return "\(p): read error: \(r)"
        case .cannotCreate(let p, let r): return "\(p): cannot create: \(r)"
        case .writeFailed(let p, let r): return "\(p): write error: \(r)"
        case .brokenPipe: return "broken pipe"
        }
    }
}

/// The text of an errno value.
public func errnoText(_ e: Int32 = errno) -> String { String(cString: strerror(e)) }

/// An open input: a file or stdin, with the name records cite in their `src`.
public final class InputFile {
    /// The path as the user gave it (`-` is shown as `<stdin>`).
    public let name: String
    public let fd: Int32
    private let owned: Bool

    /// Opens `path` for reading; `-` is stdin.
    public init(path: String) throws(IOFailure) {
        if path == "-" {
            name = "<stdin>"
            fd = 0
            owned = false
            return
        }
        let f = open(path, O_RDONLY | O_CLOEXEC)
        guard f >= 0 else { throw .cannotOpen(path: path, reason: errnoText()) }
        var st = stat()
        if fstat(f, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            close(f)
            throw .cannotOpen(path: path, reason: "is a directory")
        }
        name = path
        fd = f
        owned = true
    }

    /// Reads up to `count` bytes into `buffer`; 0 at end of input.
    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(IOFailure) -> Int {
        while true {
            let n = Glibc.read(fd, buffer, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw .readFailed(path: name, reason: errnoText())
        }
    }

    /// Reads the whole input (for small side inputs such as model files).
    public func readAll() throws(IOFailure) -> [UInt8] {
        var out: [UInt8] = []
        let chunk = 1 << 16
        let buf = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 1)
        defer { buf.deallocate() }
        while true {
            let n = try read(into: buf, count: chunk)
            if n == 0 { return out }
            out.append(contentsOf: UnsafeRawBufferPointer(start: buf, count: n))
        }
    }

    deinit { if owned { close(fd) } }
}

/// Splits an input into physical lines without copying, counting line numbers (1-based).
/// A line is handed out without its `\n` (and without a `\r` before it); the buffer it points
/// into is valid until the next call.
public final class LineReader {
    public let input: InputFile
    private var buf: UnsafeMutablePointer<UInt8>
    private var cap: Int
    private var start = 0, end = 0
    private var eof = false
    /// The line number of the line last returned.
    public private(set) var lineNumber = 0
    /// Lines longer than this are reported as too long instead of growing memory without bound.
    public let maxLineLength: Int

    /// The default limit on one line's length.
    public static let defaultMaxLineLength = 64 << 20

    public init(_ input: InputFile, chunk: Int = 1 << 20, maxLineLength: Int = LineReader.defaultMaxLineLength) {
        self.input = input
        self.cap = chunk
        self.buf = .allocate(capacity: chunk)
        self.maxLineLength = maxLineLength
    }

    deinit { buf.deallocate() }

    /// One line: its bytes, or `.tooLong` when it exceeds maxLineLength (the rest is skipped).
    public enum Line {
        case text(UnsafeBufferPointer<UInt8>)
        case tooLong
    }

    /// The next line, or nil at end of input. A final line without `\n` is still a line.
    public func next() throws(IOFailure) -> Line? {
        var scanFrom = start
        while true {
            if scanFrom < end, let nl = memchr(buf + scanFrom, 0x0A, end - scanFrom) {
                let pos = UnsafeMutablePointer<UInt8>(nl.assumingMemoryBound(to: UInt8.self)) - buf
                var len = pos - start
                if len > 0 && buf[start + len - 1] == 0x0D { len -= 1 }
                let line = UnsafeBufferPointer(start: buf + start, count: len)
                start = pos + 1
                lineNumber += 1
                return .text(withoutLeadingBOM(line))
            }
            if eof {
                if start < end {
                    var len = end - start
                    if buf[start + len - 1] == 0x0D { len -= 1 }
                    let line = UnsafeBufferPointer(start: buf + start, count: len)
                    start = end
                    lineNumber += 1
                    return .text(withoutLeadingBOM(line))
                }
                return nil
            }
            // Need more bytes: compact, grow if a single line fills the buffer, then read.
            let pending = end - start
            if start > 0 {
                if pending > 0 { memmove(buf, buf + start, pending) }
                start = 0
                end = pending
            }
            if end == cap {
                if cap >= maxLineLength {
                    try skipRestOfLine()
                    lineNumber += 1
                    return .tooLong
                }
                let ncap = min(cap * 2, maxLineLength)
                let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: ncap)
                nb.update(from: buf, count: end)
                buf.deallocate()
                buf = nb
                cap = ncap
            }
            scanFrom = end
            let n = try input.read(into: buf + end, count: cap - end)
            if n == 0 { eof = true } else { end += n }
        }
    }

    /// The first line without a UTF-8 byte order mark: Windows tools write one at the start of
    /// a UTF-8 file, and RFC 8259 lets a parser ignore it. Anywhere else it is data.
    @inline(__always) private func withoutLeadingBOM(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard lineNumber == 1, line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF else { return line }
        return UnsafeBufferPointer(rebasing: line[3...])
    }

    private func skipRestOfLine() throws(IOFailure) {
        start = 0
        end = 0
        while true {
            let n = try input.read(into: buf, count: cap)
            if n == 0 { eof = true; return }
            if let nl = memchr(buf, 0x0A, n) {
                let pos = UnsafeMutablePointer<UInt8>(nl.assumingMemoryBound(to: UInt8.self)) - buf
                start = pos + 1
                end = n
                return
            }
        }
    }
}

/// A buffered byte sink over a file descriptor. EPIPE becomes `IOFailure.brokenPipe`.
public final class ByteOutput {
    public let name: String
    let fd: Int32
    private var buffer: [UInt8] = []
    private let flushAt: Int
    private var atomic: AtomicFile?
    /// Set for a device or FIFO opened by path: closed by `close()`.
    private var ownedFD = false

    /// Standard output.
    public static func stdout() -> ByteOutput { ByteOutput(name: "<stdout>", fd: 1, atomic: nil) }

    /// Standard error, unbuffered enough for diagnostics (flushed on every call).
    public static func stderr() -> ByteOutput { ByteOutput(name: "<stderr>", fd: 2, atomic: nil, flushAt: 0) }

    /// A file written under a temporary name and renamed into place by `close()`. A path that
    /// names something other than a regular file (`/dev/null`, a FIFO, a terminal) is written
    /// directly: renaming a temporary over it would replace the device with a file.
    public static func file(_ path: String, mode: mode_t = 0o644) throws(IOFailure) -> ByteOutput {
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG && (st.st_mode & S_IFMT) != S_IFDIR {
            let f = Glibc.open(path, O_WRONLY | O_CLOEXEC)
            guard f >= 0 else { throw .cannotCreate(path: path, reason: errnoText()) }
            let out = ByteOutput(name: path, fd: f, atomic: nil)
            out.ownedFD = true
            return out
        }
        let a = try AtomicFile(path: path, mode: mode)
        return ByteOutput(name: path, fd: a.fd, atomic: a)
    }

    /// `-o FILE` or stdout when nil or `-`.
    public static func open(_ path: String?, mode: mode_t = 0o644) throws(IOFailure) -> ByteOutput {
        if let p = path, p != "-" { return try file(p, mode: mode) }
        return stdout()
    }

    init(name: String, fd: Int32, atomic: AtomicFile?, flushAt: Int = 1 << 16) {
        self.name = name
        self.fd = fd
        self.atomic = atomic
        self.flushAt = flushAt
        buffer.reserveCapacity(flushAt + 4096)
    }

    /// Appends bytes, flushing when the buffer is full.
    public func write(_ bytes: some Collection<UInt8>) throws(IOFailure) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushAt { try flush() }
    }

    /// Appends a string's UTF-8.
    public func write(_ s: String) throws(IOFailure) { try write(s.utf8) }

    /// Takes a JSONWriter's bytes and empties it (the fast path for record output).
    public func drain(_ w: inout JSONWriter) throws(IOFailure) {
        if buffer.isEmpty && w.byteCount >= flushAt {
            try writeAll(w.buffer)
        } else {
            buffer.append(contentsOf: w.buffer)
            if buffer.count >= flushAt { try flush() }
        }
        w.reset()
    }

    public func flush() throws(IOFailure) {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        let r: Result<Void, IOFailure> = buffer.withUnsafeBufferPointer { b in
            do throws(IOFailure) { try writeAll(b); return .success(()) } catch { return .failure(error) }
        }
        try r.get()
    }

    private func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) throws(IOFailure) {
        let r: IOFailure? = { (raw: UnsafeRawBufferPointer) -> IOFailure? in
            var off = 0
            while off < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno == EPIPE { return .brokenPipe }
                    return .writeFailed(path: name, reason: errnoText())
                }
                off += n
            }
            return nil
        }(UnsafeRawBufferPointer(bytes))
        if let r { throw r }
    }

    /// Flushes and, for a file, renames it into place. Call once, after the last write.
    public func close() throws(IOFailure) {
        try flush()
        if ownedFD {
            ownedFD = false
            Glibc.close(fd)
        }
        if let a = atomic {
            atomic = nil
            try a.commit()
        }
    }

    /// Abandons an atomic file (removes the temporary); no-op for streams.
    public func discard() {
        buffer.removeAll()
        atomic?.abandon()
        atomic = nil
    }

    deinit {
        atomic?.abandon()
        if ownedFD { Glibc.close(fd) }
    }
}

/// A file created as `.NAME.tmp-PID` beside its destination and renamed over it when complete,
/// so that a failed or killed run never leaves a half-written NAME. The temporary is removed on
/// error and on SIGINT/SIGTERM/SIGHUP.
public final class AtomicFile {
    public let path: String
    public let tempPath: String
    public let fd: Int32
    private var slot: Int32 = -1
    private var done = false

    public init(path: String, mode: mode_t = 0o644) throws(IOFailure) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        tempPath = "\(dir).\(base).tmp-\(getpid())"
        let f = Glibc.open(tempPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard f >= 0 else { throw .cannotCreate(path: path, reason: errnoText()) }
        fchmod(f, mode)  // the umask must not widen nor narrow what the caller asked for
        fd = f
        slot = hukou_register_temp_path(tempPath)
    }

    func commit() throws(IOFailure) {
        guard !done else { return }
        done = true
        hukou_unregister_temp_path(slot)
        if Glibc.close(fd) != 0 {
            unlink(tempPath)
            throw .writeFailed(path: path, reason: errnoText())
        }
        if rename(tempPath, path) != 0 {
            let e = errnoText()
            unlink(tempPath)
            throw .cannotCreate(path: path, reason: e)
        }
    }

    func abandon() {
        guard !done else { return }
        done = true
        hukou_unregister_temp_path(slot)
        Glibc.close(fd)
        unlink(tempPath)
    }
}

/// Whether a descriptor is a terminal (progress lines go to stderr only then).
public func isTerminal(_ fd: Int32) -> Bool { isatty(fd) != 0 }

/// Ignores SIGPIPE, so that writes to a closed pipe fail with EPIPE instead of killing the
/// process, and makes SIGINT/SIGTERM/SIGHUP remove temporary output files before ending it.
public func installSignalHandling() {
    signal(SIGPIPE, SIG_IGN)
    hukou_install_cleanup_handlers()
}
