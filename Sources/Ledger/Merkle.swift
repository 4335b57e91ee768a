import Crypto
import Foundation

/// The Merkle tree hash of RFC 9162 (Certificate Transparency 2.0), its proofs and their checks.
///
/// Leaf hash: SHA-256(0x00 || entry). Node hash: SHA-256(0x01 || left || right). A tree of n
/// leaves splits at the largest power of two below n, so every tree is a row of perfect subtrees;
/// proofs are built from the hashes of perfect subtrees, which a `MerkleNodeSource` supplies.
public enum Merkle {
    /// The leaf hash of one entry.
    public static func leafHash(_ entry: some ContiguousBytes) -> MerkleHash {
        entry.withUnsafeBytes { bytes in
            var hasher = SHA256()
            withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
            hasher.update(bufferPointer: bytes)
            return MerkleHash(digest: hasher.finalize())
        }
    }

    /// The hash of an interior node. Feeds the hasher straight from the inline storage: no heap
    /// allocation (and no temporary allocation, which async callers' task allocators do not tolerate).
    public static func nodeHash(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(1)) { hasher.update(bufferPointer: $0) }
        left.withBytes { hasher.update(bufferPointer: $0) }
        right.withBytes { hasher.update(bufferPointer: $0) }
        return MerkleHash(digest: hasher.finalize())
    }

    /// The largest power of two strictly below `n` (n ≥ 2): where RFC 9162 splits a tree of n leaves.
    static func split(_ n: Int) -> Int {
        1 << (Int.bitWidth - (n - 1).leadingZeroBitCount - 1)
    }

    static func isPowerOfTwo(_ n: Int) -> Bool { n > 0 && n & (n - 1) == 0 }

    /// MTH(D[lo..<hi]) for a range that starts on a boundary of its own split (as every range in
    /// the RFC's recursion does), from perfect subtree hashes.
    public static func rangeHash(_ lo: Int, _ hi: Int, _ source: some MerkleNodeSource) throws -> MerkleHash {
        let n = hi - lo
        if isPowerOfTwo(n) {
            let level = n.trailingZeroBitCount
            return try source.node(level: level, index: lo >> level)
        }
        let k = split(n)
        return nodeHash(try rangeHash(lo, lo + k, source), try rangeHash(lo + k, hi, source))
    }

    /// The root of the first `size` leaves (size ≥ 1); the empty tree's root is SHA-256 of nothing.
    public static func root(size: Int, _ source: some MerkleNodeSource) throws -> MerkleHash {
        size == 0 ? emptyRoot : try rangeHash(0, size, source)
    }

    /// SHA-256 of the empty string: the root of a tree with no leaves.
    public static let emptyRoot = MerkleHash(digest: SHA256.hash(data: [UInt8]()))

    /// The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162 §2.1.3.1).
    public static func inclusionProof(index: Int, size: Int, _ source: some MerkleNodeSource) throws -> [MerkleHash] {
        guard index >= 0, index < size else { throw ProofError.indexOutOfRange(index: index, size: size) }
        var proof: [MerkleHash] = []
        func path(_ m: Int, _ lo: Int, _ hi: Int) throws {
            let n = hi - lo
            guard n > 1 else { return }
            let k = split(n)
            if m < k {
                try path(m, lo, lo + k)
                proof.append(try rangeHash(lo + k, hi, source))
            } else {
                try path(m - k, lo + k, hi)
                proof.append(try rangeHash(lo, lo + k, source))
            }
        }
        try path(index, 0, size)
        return proof
    }

    /// The proof that the tree of `from` leaves is a prefix of the tree of `to` leaves (RFC 9162 §2.1.4.1).
    public static func consistencyProof(from m: Int, to n: Int, _ source: some MerkleNodeSource) throws -> [MerkleHash]
    {
        guard m >= 0, m <= n else { throw ProofError.sizesOutOfOrder(first: m, second: n) }
        guard m > 0, m < n else { return [] }
        var proof: [MerkleHash] = []
        func subproof(_ m: Int, _ lo: Int, _ hi: Int, _ complete: Bool) throws {
            let n = hi - lo
            if m == n {
                if !complete { proof.append(try rangeHash(lo, hi, source)) }
                return
            }
            let k = split(n)
            if m <= k {
                try subproof(m, lo, lo + k, complete)
                proof.append(try rangeHash(lo + k, hi, source))
            } else {
                try subproof(m - k, lo + k, hi, false)
                proof.append(try rangeHash(lo, lo + k, source))
            }
        }
        try subproof(m, 0, n, true)
        return proof
    }

    /// Checks an inclusion proof (RFC 9162 §2.1.3.2); throws saying why it fails.
    public static func verifyInclusion(leaf: MerkleHash, index: Int, size: Int, proof: [MerkleHash], root: MerkleHash)
        throws
    {
        guard index >= 0, index < size else { throw ProofError.indexOutOfRange(index: index, size: size) }
        var fn = index
        var sn = size - 1
        var r = leaf
        for p in proof {
            guard sn != 0 else { throw ProofError.wrongLength }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    repeat {
                        fn >>= 1
                        sn >>= 1
                    } while fn & 1 == 0 && fn != 0
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw ProofError.wrongLength }
        guard r == root else { throw ProofError.rootMismatch }
    }

    /// Checks a consistency proof (RFC 9162 §2.1.4.2); throws saying why it fails.
    public static func verifyConsistency(
        size1: Int, size2: Int, proof: [MerkleHash], root1: MerkleHash, root2: MerkleHash
    ) throws {
        guard size1 >= 0, size1 <= size2 else { throw ProofError.sizesOutOfOrder(first: size1, second: size2) }
        if size1 == size2 {
            guard proof.isEmpty else { throw ProofError.wrongLength }
            guard root1 == root2 else { throw ProofError.rootMismatch }
            return
        }
        if size1 == 0 {
            guard proof.isEmpty else { throw ProofError.wrongLength }
            return
        }
        guard !proof.isEmpty else { throw ProofError.wrongLength }
        var path = proof
        if isPowerOfTwo(size1) { path.insert(root1, at: 0) }
        var fn = size1 - 1
        var sn = size2 - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { throw ProofError.wrongLength }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw ProofError.wrongLength }
        guard fr == root1 else { throw ProofError.rootMismatch }
        guard sr == root2 else { throw ProofError.rootMismatch }
    }
}

/// Why a proof did not verify.
public enum ProofError: Error, Equatable, CustomStringConvertible {
    case indexOutOfRange(index: Int, size: Int)
    case sizesOutOfOrder(first: Int, second: Int)
    /// The proof has too many or too few hashes for the sizes given.
    case wrongLength
    /// The recomputed root differs from the one given.
    case rootMismatch

    public var description: String {
        switch self {
        case .indexOutOfRange(let index, let size): "index \(index) is out of range for a tree of size \(size)"
        case .sizesOutOfOrder(let first, let second): "the first size \(first) is larger than the second size \(second)"
        case .wrongLength: "wrong length: the proof has the wrong number of hashes for these sizes"
        case .rootMismatch: "mismatch: the proof does not lead to the given root"
        }
    }
}

/// Supplies the hash of a perfect subtree: the node at `level` (0 = leaves) covering leaves
/// `index << level ..< (index + 1) << level`.
public protocol MerkleNodeSource {
    func node(level: Int, index: Int) throws -> MerkleHash
}

/// All perfect-subtree hashes of a list of leaves, computed up front (offline tools and tests).
public struct InMemoryTree: MerkleNodeSource, Sendable {
    /// `levels[0]` are the leaf hashes; `levels[l][i]` the node over `2^l` leaves from `i * 2^l`.
    public private(set) var levels: [[MerkleHash]]

    public init(leafHashes: [MerkleHash]) {
        var levels = [leafHashes]
        while let last = levels.last, last.count >= 2 {
            levels.append(stride(from: 0, to: last.count - 1, by: 2).map { Merkle.nodeHash(last[$0], last[$0 + 1]) })
        }
        self.levels = levels
    }

    public var size: Int { levels[0].count }

    public func node(level: Int, index: Int) throws -> MerkleHash {
        guard level < levels.count, index < levels[level].count else {
            throw ProofError.indexOutOfRange(index: index, size: size)
        }
        return levels[level][index]
    }

    public var root: MerkleHash { (try? Merkle.root(size: size, self)) ?? Merkle.emptyRoot }
}
