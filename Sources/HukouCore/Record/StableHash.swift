// Stable hashes of the stream's strings: FNV-1a 64-bit, one definition for every stage.
//
// Swift's Hasher is seeded per process, so it cannot serve anything that reaches output, ordering
// or a file another run reads (blocking keys, cluster ids, order numbers, spill indexes). Callers
// that put the hash in a table add their own finish (mix64 below, SplitMix64) where FNV-1a's
// weak low bits matter.

/// One FNV-1a step: the hash after byte `b`.
@inlinable @inline(__always) public func fnvStep(_ h: UInt64, _ b: UInt8) -> UInt64 { (h ^ UInt64(b)) &* 0x100_0000_01b3 }

/// FNV-1a's starting value.
public let fnvBasis: UInt64 = 0xcbf2_9ce4_8422_2325

/// FNV-1a 64-bit over a string's UTF-8 bytes.
@inlinable public func fnv64(_ s: String) -> UInt64 {
    var h = fnvBasis
    for b in s.utf8 { h = fnvStep(h, b) }
    return h
}

/// FNV-1a 64-bit over bytes.
@inlinable @inline(__always) public func fnv64(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h = fnvBasis
    for b in p { h = fnvStep(h, b) }
    return h
}

/// A 64-bit finalizer (MurmurHash3's fmix64): every bit of the input moves the low bits.
@inline(__always) func mix64(_ x0: UInt64) -> UInt64 {
    var x = x0
    x ^= x >> 33
    x = x &* 0xff51afd7ed558ccd
    x ^= x >> 33
    x = x &* 0xc4ceb9fe1a85ec53
    x ^= x >> 33
    return x
}
