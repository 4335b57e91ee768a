import ArgumentParser
import Foundation
import Ledger

/// `tazakoom merkle …`: offline tools for auditors, on files and arguments only (no database, no network).
struct MerkleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merkle",
        abstract: "Offline RFC 9162 Merkle tools: roots, proofs and their verification.",
        subcommands: [
            Root.self, ProveInclusion.self, ProveConsistency.self, VerifyInclusion.self, VerifyConsistency.self,
        ]
    )

    /// Runs `body`; a `ToolError` or `ProofError` becomes a message on standard error and exit code 1.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ToolError {
            FileHandle.standardError.write(Data("invalid: \(error.description)\n".utf8))
            throw ExitCode(1)
        } catch let error as ProofError {
            FileHandle.standardError.write(Data("invalid: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }

    struct Root: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the root (base64) of the leaves in FILE (one leaf per line, hex).")
        @Argument var file: String

        func run() throws {
            try MerkleCommand.run {
                print(InMemoryTree(leafHashes: try MerkleInput.leafHashes(file: file)).root.base64)
            }
        }
    }

    struct ProveInclusion: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print the inclusion proof of leaf --index in the tree of the first --size leaves of FILE, as JSON.")
        @Argument var file: String
        @Option var index: String
        @Option(help: "Tree size; all leaves of FILE by default.") var size: String?

        func run() throws {
            try MerkleCommand.run {
                let tree = InMemoryTree(leafHashes: try MerkleInput.leafHashes(file: file))
                let index = try MerkleInput.count(self.index, name: "--index")
                let size = try size.map { try MerkleInput.count($0, name: "--size") } ?? tree.size
                guard size <= tree.size else {
                    throw ToolError("--size \(size) is larger than the \(tree.size) leaves of \(file)")
                }
                let proof = try Merkle.inclusionProof(index: index, size: size, tree)
                print(
                    InclusionProofDocument(
                        index: index, size: size, leafHash: tree.levels[0][index],
                        root: try Merkle.root(size: size, tree), proof: proof
                    ).canonicalJSON())
            }
        }
    }

    struct ProveConsistency: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print the consistency proof between the trees of the first --from and --to leaves of FILE, as JSON.")
        @Argument var file: String
        @Option var from: String
        @Option var to: String

        func run() throws {
            try MerkleCommand.run {
                let tree = InMemoryTree(leafHashes: try MerkleInput.leafHashes(file: file))
                let from = try MerkleInput.count(self.from, name: "--from")
                let to = try MerkleInput.count(self.to, name: "--to")
                guard to <= tree.size else {
                    throw ToolError("--to \(to) is larger than the \(tree.size) leaves of \(file)")
                }
                let proof = try Merkle.consistencyProof(from: from, to: to, tree)
                print(
                    ConsistencyProofDocument(
                        from: from, to: to, root1: try Merkle.root(size: from, tree),
                        root2: try Merkle.root(size: to, tree), proof: proof
                    ).canonicalJSON())
            }
        }
    }

    struct VerifyInclusion: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check an inclusion proof; prints 'valid' (exit 0) or why not (exit 1).")
        @Option(name: .customLong("leaf-hash")) var leafHash: String
        @Option var index: String
        @Option var size: String
        @Option var root: String
        @Option(help: "Comma-separated base64 hashes; '' is the empty proof.") var proof: String

        func run() throws {
            try MerkleCommand.run {
                try Merkle.verifyInclusion(
                    leaf: try MerkleInput.hash(leafHash, name: "--leaf-hash"),
                    index: try MerkleInput.count(index, name: "--index"),
                    size: try MerkleInput.count(size, name: "--size"),
                    proof: try MerkleInput.proof(proof),
                    root: try MerkleInput.hash(root, name: "--root")
                )
                print("valid")
            }
        }
    }

    struct VerifyConsistency: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a consistency proof; prints 'valid' (exit 0) or why not (exit 1).")
        @Option var size1: String
        @Option var size2: String
        @Option var root1: String
        @Option var root2: String
        @Option(help: "Comma-separated base64 hashes; '' is the empty proof.") var proof: String

        func run() throws {
            try MerkleCommand.run {
                try Merkle.verifyConsistency(
                    size1: try MerkleInput.count(size1, name: "--size1"),
                    size2: try MerkleInput.count(size2, name: "--size2"),
                    proof: try MerkleInput.proof(proof),
                    root1: try MerkleInput.hash(root1, name: "--root1"),
                    root2: try MerkleInput.hash(root2, name: "--root2")
                )
                print("valid")
            }
        }
    }
}
