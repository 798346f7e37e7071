// Compact stores for what orders and reports keep of every register person (a million of them)
// and of every finding: byte blobs in large chunks instead of millions of separately allocated
// strings and records, optionally spilled to an unlinked temporary file so that they occupy the
// page cache instead of resident memory, and a hash index from `src` to a blob.
#if canImport(Glibc)
import Glibc
#endif
import HukouIO

/// Append-only byte blobs addressed by the location `append` returns. Blobs live in chunks of
/// 1 MiB. With a spill directory, every full chunk is written to a temporary file created there
/// (mode 0600, unlinked at once so nothing is left behind even when the process is killed) and
/// read back with `pread`, a small window at a time; without one, or when the file cannot be
/// created or written, chunks stay in memory. The standard library has no spill store, and a
/// database would store the same bytes with more overhead: this is a file of length-prefixed
/// blobs and a read window.
public final class ByteArena {
    static let window = 8192
    let chunkSize: Int

    /// A full chunk: its bytes, or where they are in the spill file.
    private enum Chunk {
        case memory([UInt8])
        case file(offset: Int, count: Int)
    }
    private var full: [Chunk] = []
    private var current: [UInt8] = []
    private var fd: Int32 = -1
    private var fileSize = 0
    /// The last window read from the file: its file offset and bytes.
    private var windowStart = -1
    private var windowBytes: [UInt8] = []

    /// `spillDirectory`: where to create the temporary file (nil: keep everything in memory).
    /// `chunkSize`: bytes per chunk (small ones let tests cross chunks).
    public init(spillDirectory: String? = nil, chunkSize: Int = 1 << 20) {
        self.chunkSize = chunkSize
        current.reserveCapacity(chunkSize)
        guard let dir = spillDirectory else { return }
        var template = Array((dir.isEmpty ? "." : dir).utf8CString.dropLast()) + Array("/hukou-spill-XXXXXX".utf8CString)
        let f = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard f >= 0 else { return }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        fd = f
    }

    deinit { if fd >= 0 { close(fd) } }

    /// `$TMPDIR`, else `/tmp`: where the commands spill.
    public static var defaultSpillDirectory: String {
        if let t = getenv("TMPDIR"), t.pointee != 0 { return String(cString: t) }
        return "/tmp"
    }

    /// Whether full chunks go to a temporary file.
    public var spills: Bool { fd >= 0 }

    /// Stores the bytes; returns where they are.
    public func append(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let need = 4 + bytes.count
        // A blob larger than a chunk gets a chunk of its own.
        if current.count > 0 && current.count + need > chunkSize { seal() }
        let at = current.count
        withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { current.append(contentsOf: $0) }
        current.append(contentsOf: bytes)
        return UInt64(full.count) << 32 | UInt64(at)
    }

    /// Stores a string's UTF-8.
    public func append(_ s: String) -> UInt64 {
        var s = s
        return s.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Moves the current chunk to the file (or keeps it in memory) and starts a new one.
    private func seal() {
        if fd >= 0 {
            let ok = current.withUnsafeBytes { b -> Bool in
                var off = 0
                while off < b.count {
                    let n = pwrite(fd, b.baseAddress! + off, b.count - off, off_t(fileSize + off))
                    if n < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    off += n
                }
                return true
            }
            if ok {
                full.append(.file(offset: fileSize, count: current.count))
                fileSize += current.count
                current.removeAll(keepingCapacity: true)
                return
            }
            // A full disk: keep this and every later chunk in memory.
            close(fd)
            fd = -1
        }
        full.append(.memory(current))
        current = []
        current.reserveCapacity(chunkSize)
    }

    /// Calls `body` with the bytes stored at `loc` (valid only during the call).
    public func withBytes<T>(_ loc: UInt64, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        let ci = Int(loc >> 32), at = Int(loc & 0xFFFF_FFFF)
        func blob(_ b: UnsafeRawBufferPointer, _ at: Int) -> T {
            let len = Int(b[at]) | Int(b[at + 1]) << 8 | Int(b[at + 2]) << 16 | Int(b[at + 3]) << 24
            return body(UnsafeRawBufferPointer(rebasing: b[(at + 4)..<(at + 4 + len)]))
        }
        if ci == full.count { return current.withUnsafeBytes { blob($0, at) } }
        switch full[ci] {
        case .memory(let c):
            return c.withUnsafeBytes { blob($0, at) }
        case .file(let offset, _):
            let pos = offset + at
            load(pos, 4)
            let len = windowBytes.withUnsafeBytes { b -> Int in
                let k = pos - windowStart
                return Int(b[k]) | Int(b[k + 1]) << 8 | Int(b[k + 2]) << 16 | Int(b[k + 3]) << 24
            }
            load(pos, 4 + len)
            return windowBytes.withUnsafeBytes { blob($0, pos - windowStart) }
        }
    }

    /// Makes the window hold the file's bytes `pos..<pos+count`.
    private func load(_ pos: Int, _ count: Int) {
        if windowStart >= 0 && pos >= windowStart && pos + count <= windowStart + windowBytes.count { return }
        let start = pos & ~(Self.window - 1)
        let size = min(max(Self.window, pos + count - start), fileSize - start)
        windowBytes = [UInt8](unsafeUninitializedCapacity: size) { b, n in
            var off = 0
            while off < size {
                let r = pread(fd, b.baseAddress! + off, size - off, off_t(start + off))
                if r < 0 && errno == EINTR { continue }
                // The file is ours and was written completely: a failing read is a broken
                // machine (a vanished disk), which no record could be answered without.
                if r <= 0 { fatalError("hukou: cannot read back the temporary spill file: \(errnoText())") }
                off += r
            }
            n = size
        }
        windowStart = start
    }

    /// Calls `body` with every blob and its location, in the order they were stored (a
    /// sequential read of the file, a chunk at a time).
    public func forEach(_ body: (UInt64, UnsafeRawBufferPointer) throws -> Void) rethrows {
        func walk(_ ci: Int, _ b: UnsafeRawBufferPointer) throws {
            var at = 0
            while at + 4 <= b.count {
                let len = Int(b[at]) | Int(b[at + 1]) << 8 | Int(b[at + 2]) << 16 | Int(b[at + 3]) << 24
                try body(UInt64(ci) << 32 | UInt64(at), UnsafeRawBufferPointer(rebasing: b[(at + 4)..<(at + 4 + len)]))
                at += 4 + len
            }
        }
        for (ci, c) in full.enumerated() {
            switch c {
            case .memory(let bytes): try bytes.withUnsafeBytes { try walk(ci, $0) }
            case .file(let offset, let count):
                load(offset, count)
                try windowBytes.withUnsafeBytes { try walk(ci, UnsafeRawBufferPointer(rebasing: $0[(offset - windowStart)..<(offset - windowStart + count)])) }
            }
        }
        try current.withUnsafeBytes { try walk(full.count, $0) }
    }

    /// The blob at `loc` as text.
    public func string(_ loc: UInt64) -> String {
        withBytes(loc) { String(decoding: $0, as: UTF8.self) }
    }
}

extension ByteArena {
    /// Stores a record as its compact JSON.
    public func append(_ r: Record, _ writer: JSONWriter) -> UInt64 {
        writer.reset()
        writer.writeObject(r)
        return append(UnsafeRawBufferPointer(writer.buffer))
    }

    /// The record stored at `loc`.
    public func record(_ loc: UInt64) -> Record {
        withBytes(loc) { b in
            // Written by `append(_:_:)` from a record: it parses back (an empty record otherwise).
            (try? JSONParser.parseObject(b.assumingMemoryBound(to: UInt8.self))) ?? Record()
        }
    }
}

/// Append-only storage of string tuples addressed by the location `append` returns (the values
/// separated by U+001F inside one blob).
public struct TextArena {
    static let unit: UInt8 = 0x1F
    let bytes: ByteArena
    private var scratch: [UInt8] = []

    public init(spillDirectory: String? = nil) { bytes = ByteArena(spillDirectory: spillDirectory) }

    /// Stores the values; returns where they are.
    public mutating func append(_ values: [String]) -> UInt64 {
        scratch.removeAll(keepingCapacity: true)
        for (k, v) in values.enumerated() {
            if k > 0 { scratch.append(Self.unit) }
            scratch.append(contentsOf: v.utf8)
        }
        return scratch.withUnsafeBytes { bytes.append($0) }
    }

    /// The values stored at `loc`.
    public func get(_ loc: UInt64) -> [String] {
        bytes.withBytes(loc) { b in
            b.split(separator: Self.unit, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        }
    }
}

/// Append-only storage of string tuples keyed by `src`. A 64-bit hash indexes the tuple and a
/// second, independent 64-bit hash stored with it confirms the match (a false match needs both
/// to collide). The index is built when first asked: until then the keys wait, spilled with the
/// tuples, so that a million of them take no memory while the register streams past.
public final class PackedStore {
    private var arena: TextArena
    private var index: [UInt64: UInt64] = [:]
    /// Keys whose index hash is taken by another key (never seen in practice, but correct).
    private var overflow: [String: UInt64] = [:]
    private var indexed = 0
    /// The keys added since the index was last brought up to date, with their tuples' locations.
    private var pending: ByteArena
    private var pendingCount = 0
    private let spillDirectory: String?

    public init(spillDirectory: String? = nil) {
        self.spillDirectory = spillDirectory
        arena = TextArena(spillDirectory: spillDirectory)
        pending = ByteArena(spillDirectory: spillDirectory)
    }

    /// How many different keys are stored.
    public var count: Int {
        catchUp()
        return indexed
    }

    /// FNV-1a over the key's UTF-8.
    public static func hash(_ s: String) -> UInt64 { fnv64(s) }

    /// A second hash, independent of `hash`: another basis and a SplitMix64 finish.
    static func check(_ s: String) -> String {
        var h: UInt64 = 0x84222325cbf29ce4
        for b in s.utf8 { h = (h &+ UInt64(b)) &* 0x9E3779B97F4A7C15; h ^= h >> 29 }
        h = (h ^ (h >> 30)) &* 0xbf58476d1ce4e5b9
        h = (h ^ (h >> 27)) &* 0x94d049bb133111eb
        return String(h ^ (h >> 31), radix: 36)
    }

    /// Stores `values` under `key`. A later add with the same key replaces the earlier one.
    public func add(_ key: String, _ values: [String]) {
        let loc = arena.append([Self.check(key)] + values)
        var bytes: [UInt8] = []
        withUnsafeBytes(of: loc.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: key.utf8)
        _ = bytes.withUnsafeBytes { pending.append($0) }
        pendingCount += 1
    }

    /// Brings the index up to date with the keys added since.
    private func catchUp() {
        guard pendingCount > 0 else { return }
        index.reserveCapacity(index.count + pendingCount)
        pending.forEach { _, b in
            let loc = b.loadUnaligned(as: UInt64.self).littleEndian
            let key = String(decoding: b[8...], as: UTF8.self)
            let c = Self.check(key), h = Self.hash(key)
            if let old = index[h], arena.get(old).first != c {
                if overflow[key] == nil { indexed += 1 }
                overflow[key] = loc
            } else {
                if index[h] == nil { indexed += 1 }
                index[h] = loc
            }
        }
        pending = ByteArena(spillDirectory: spillDirectory)
        pendingCount = 0
    }

    /// The values stored under `key`, or nil.
    public func get(_ key: String) -> [String]? {
        catchUp()
        let loc: UInt64
        if let o = overflow[key] { loc = o } else {
            guard let l = index[Self.hash(key)] else { return nil }
            loc = l
        }
        let parts = arena.get(loc)
        guard parts.first == Self.check(key) else { return nil }
        return Array(parts.dropFirst())
    }
}
