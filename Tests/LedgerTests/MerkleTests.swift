import Core
import Foundation
import Ledger
import PropertyBased
import Testing

/// The leaves of the reference vectors used by Certificate Transparency implementations.
let vectorLeaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
    .map { Hex.decode($0) ?? [] }

func tree(_ count: Int) -> InMemoryTree {
    InMemoryTree(leafHashes: (0..<count).map { Merkle.leafHash(Data("leaf \($0)".utf8)) })
}

@Suite struct RFC9162ExampleTests {
    /// The seven-leaf tree of RFC 9162 §2.1.5, its nodes named as in the RFC.
    struct Example {
        let t = InMemoryTree(leafHashes: vectorLeaves.prefix(7).map { Merkle.leafHash($0) })
        var a: MerkleHash { t.levels[0][0] }
        var b: MerkleHash { t.levels[0][1] }
        var c: MerkleHash { t.levels[0][2] }
        var d: MerkleHash { t.levels[0][3] }
        var e: MerkleHash { t.levels[0][4] }
        var f: MerkleHash { t.levels[0][5] }
        var j: MerkleHash { t.levels[0][6] }  // d6 alone: j is its leaf hash
        var g: MerkleHash { Merkle.nodeHash(a, b) }
        var h: MerkleHash { Merkle.nodeHash(c, d) }
        var i: MerkleHash { Merkle.nodeHash(e, f) }
        var k: MerkleHash { Merkle.nodeHash(g, h) }
        var l: MerkleHash { Merkle.nodeHash(i, j) }
    }

    @Test func inclusionProofsAreTheRFCsPaths() throws {
        let x = Example()
        #expect(try Merkle.inclusionProof(index: 0, size: 7, x.t) == [x.b, x.h, x.l])
        #expect(try Merkle.inclusionProof(index: 3, size: 7, x.t) == [x.c, x.g, x.l])
        #expect(try Merkle.inclusionProof(index: 4, size: 7, x.t) == [x.f, x.j, x.k])
        #expect(try Merkle.inclusionProof(index: 6, size: 7, x.t) == [x.i, x.k])
        #expect(x.t.root == Merkle.nodeHash(x.k, x.l))
    }

    @Test func consistencyProofsAreTheRFCsProofs() throws {
        let x = Example()
        #expect(try Merkle.consistencyProof(from: 3, to: 7, x.t) == [x.c, x.d, x.g, x.l])
        #expect(try Merkle.consistencyProof(from: 4, to: 7, x.t) == [x.l])
        #expect(try Merkle.consistencyProof(from: 6, to: 7, x.t) == [x.i, x.j, x.k])
        // hash0, hash1, hash2 of the RFC: the roots of the earlier trees.
        #expect(try Merkle.root(size: 3, x.t) == Merkle.nodeHash(x.g, x.c))
        #expect(try Merkle.root(size: 4, x.t) == x.k)
        #expect(try Merkle.root(size: 6, x.t) == Merkle.nodeHash(x.k, x.i))
    }

    @Test func rootsMatchTheReferenceVectors() throws {
        let roots = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ]
        let t = InMemoryTree(leafHashes: vectorLeaves.map { Merkle.leafHash($0) })
        for (i, expected) in roots.enumerated() {
            #expect(try Merkle.root(size: i + 1, t).hex == expected, "size \(i + 1)")
        }
        #expect(Merkle.emptyRoot.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}

@Suite struct ProofPropertyTests {
    static let big = tree(300)

    @Test func everyInclusionProofUpTo300LeavesVerifies() throws {
        let t = Self.big
        for size in 1...300 {
            let root = try Merkle.root(size: size, t)
            for index in 0..<size {
                let proof = try Merkle.inclusionProof(index: index, size: size, t)
                try Merkle.verifyInclusion(leaf: t.levels[0][index], index: index, size: size, proof: proof, root: root)
            }
        }
    }

    @Test func everyConsistencyProofUpTo300LeavesVerifies() throws {
        let t = Self.big
        let roots = try (0...300).map { try Merkle.root(size: $0, t) }
        for size2 in 1...300 {
            for size1 in 0...size2 {
                let proof = try Merkle.consistencyProof(from: size1, to: size2, t)
                try Merkle.verifyConsistency(
                    size1: size1, size2: size2, proof: proof, root1: roots[size1], root2: roots[size2])
            }
        }
    }

    static func flip(_ hash: MerkleHash, bit: Int) -> MerkleHash {
        var bytes = hash.bytes
        bytes[bit / 8] ^= UInt8(1 << (bit % 8))
        return MerkleHash(bytes: bytes) ?? hash
    }

    @Test func anyChangeToAnInclusionProofFails() async {
        let t = Self.big
        await propertyCheck(
            count: 400, input: Gen.int(in: 2...300), Gen.int(in: 0...299), Gen.int(in: 0...255), Gen.int(in: 0...5)
        ) { size, rawIndex, bit, kind in
            let index = rawIndex % size
            guard let root = try? Merkle.root(size: size, t),
                let proof = try? Merkle.inclusionProof(index: index, size: size, t)
            else {
                Issue.record("no proof")
                return
            }
            let leaf = t.levels[0][index]
            func fails(
                leaf: MerkleHash = leaf, index: Int = index, size: Int = size, proof: [MerkleHash] = proof,
                root: MerkleHash = root
            ) -> Bool {
                (try? Merkle.verifyInclusion(leaf: leaf, index: index, size: size, proof: proof, root: root)) == nil
            }
            switch kind {
            case 0 where !proof.isEmpty:
                var changed = proof
                changed[bit % proof.count] = Self.flip(proof[bit % proof.count], bit: bit)
                #expect(fails(proof: changed), "bit \(bit) of a proof hash")
            case 1:
                #expect(fails(root: Self.flip(root, bit: bit)), "bit \(bit) of the root")
            case 2:
                #expect(fails(leaf: Self.flip(leaf, bit: bit)), "bit \(bit) of the leaf")
            case 3 where !proof.isEmpty:
                #expect(fails(proof: Array(proof.dropLast())), "truncated")
            case 4:
                #expect(fails(proof: proof + [root]), "extended")
            default:
                // A size with one bit flipped, claimed with that tree's genuine root, fails. (With the
                // old root it can pass when the path has the same shape: RFC 9162's check binds the
                // size only through the root, which is why a checkpoint signs size and root together.)
                let other = size ^ (1 << (bit % 9))
                if other >= 1 && other <= 300, let otherRoot = try? Merkle.root(size: other, t) {
                    #expect(fails(size: other, root: otherRoot), "size \(size) -> \(other)")
                }
                #expect(fails(index: index ^ (1 << (bit % 9))), "index changed")
            }
        }
    }

    @Test func anyChangeToAConsistencyProofFails() async {
        let t = Self.big
        await propertyCheck(
            count: 400, input: Gen.int(in: 1...299), Gen.int(in: 1...299), Gen.int(in: 0...255), Gen.int(in: 0...5)
        ) { a, b, bit, kind in
            let size1 = min(a, b)
            let size2 = max(a, b) + 1
            guard let root1 = try? Merkle.root(size: size1, t), let root2 = try? Merkle.root(size: size2, t),
                let proof = try? Merkle.consistencyProof(from: size1, to: size2, t)
            else {
                Issue.record("no proof")
                return
            }
            func fails(
                size1: Int = size1, size2: Int = size2, proof: [MerkleHash] = proof, root1: MerkleHash = root1,
                root2: MerkleHash = root2
            ) -> Bool {
                (try? Merkle.verifyConsistency(size1: size1, size2: size2, proof: proof, root1: root1, root2: root2))
                    == nil
            }
            switch kind {
            case 0:
                var changed = proof
                changed[bit % proof.count] = Self.flip(proof[bit % proof.count], bit: bit)
                #expect(fails(proof: changed))
            case 1: #expect(fails(root1: Self.flip(root1, bit: bit)))
            case 2: #expect(fails(root2: Self.flip(root2, bit: bit)))
            case 3: #expect(fails(proof: Array(proof.dropLast())))
            case 4: #expect(fails(proof: proof + [root2]))
            default:
                // One bit of either size flipped, claimed with that tree's genuine root (see above).
                let other2 = size2 ^ (1 << (bit % 9))
                if other2 > size1 && other2 <= 300, let root = try? Merkle.root(size: other2, t) {
                    #expect(fails(size2: other2, root2: root), "size2 \(size2) -> \(other2)")
                }
                let other1 = size1 ^ (1 << (bit % 9))
                if other1 >= 1 && other1 < size2, let root = try? Merkle.root(size: other1, t) {
                    #expect(fails(size1: other1, root1: root), "size1 \(size1) -> \(other1)")
                }
            }
        }
    }

    @Test func badArgumentsAreRefusedNotCrashed() throws {
        let t = tree(10)
        #expect(throws: ProofError.indexOutOfRange(index: 10, size: 10)) {
            try Merkle.inclusionProof(index: 10, size: 10, t)
        }
        #expect(throws: ProofError.indexOutOfRange(index: -1, size: 10)) {
            try Merkle.inclusionProof(index: -1, size: 10, t)
        }
        #expect(throws: ProofError.sizesOutOfOrder(first: 5, second: 4)) {
            try Merkle.consistencyProof(from: 5, to: 4, t)
        }
        #expect(throws: ProofError.indexOutOfRange(index: 3, size: 3)) {
            try Merkle.verifyInclusion(leaf: Merkle.emptyRoot, index: 3, size: 3, proof: [], root: Merkle.emptyRoot)
        }
        #expect(MerkleHash(base64: "AAAA") == nil)
        #expect(MerkleHash(hex: "zz") == nil)
    }
}
