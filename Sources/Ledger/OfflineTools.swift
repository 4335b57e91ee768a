import Core
import Foundation

/// A message for an auditor's command that failed; the command prints it and exits 1.
public struct ToolError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The inputs of the offline `tazakoom merkle` commands: leaf files and base64 arguments.
public enum MerkleInput {
    /// Leaf hashes of a file holding one leaf per line as hex (the entry's bytes, not its hash).
    /// An empty line is an empty leaf; a final newline does not start another leaf.
    public static func leafHashes(file path: String) throws -> [MerkleHash] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ToolError("cannot read \(path)")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        if lines.last == "" { lines.removeLast() }
        var hashes: [MerkleHash] = []
        hashes.reserveCapacity(lines.count)
        for (number, line) in lines.enumerated() {
            guard let bytes = Hex.decode(String(line.filter { $0 != " " })) else {
                throw ToolError("line \(number + 1) of \(path) is not hex")
            }
            hashes.append(Merkle.leafHash(bytes))
        }
        return hashes
    }

    /// One hash given in standard base64.
    public static func hash(_ text: String, name: String) throws -> MerkleHash {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespaces)) else {
            throw ToolError("\(name) is not valid base64")
        }
        guard let hash = MerkleHash(bytes: data) else {
            throw ToolError("\(name) is \(data.count) bytes, not 32")
        }
        return hash
    }

    /// A proof as comma-separated base64 hashes; the empty string is the empty proof.
    public static func proof(_ text: String) throws -> [MerkleHash] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return [] }
        var result: [MerkleHash] = []
        for (i, part) in trimmed.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            result.append(try hash(String(part), name: "proof hash \(i + 1)"))
        }
        return result
    }

    /// A size or index: a non-negative decimal.
    public static func count(_ text: String, name: String) throws -> Int {
        guard let value = Int(text), value >= 0 else {
            throw ToolError("\(name) must be a whole number ≥ 0, not '\(text)'")
        }
        return value
    }
}

/// JSON shapes of the proofs that the offline tools print and the HTTP API serves.
public struct InclusionProofDocument: Codable, Equatable, Sendable {
    public var index: Int
    public var size: Int
    public var leafHash: String
    public var root: String
    public var proof: [String]

    public init(index: Int, size: Int, leafHash: MerkleHash, root: MerkleHash, proof: [MerkleHash]) {
        self.index = index
        self.size = size
        self.leafHash = leafHash.base64
        self.root = root.base64
        self.proof = proof.map(\.base64)
    }
}

/// A consistency proof between two tree sizes, with both roots.
public struct ConsistencyProofDocument: Codable, Equatable, Sendable {
    public var from: Int
    public var to: Int
    public var root1: String
    public var root2: String
    public var proof: [String]

    public init(from: Int, to: Int, root1: MerkleHash, root2: MerkleHash, proof: [MerkleHash]) {
        self.from = from
        self.to = to
        self.root1 = root1.base64
        self.root2 = root2.base64
        self.proof = proof.map(\.base64)
    }
}

extension Encodable {
    /// Stable, compact JSON (sorted keys), for output that diffs cleanly.
    public func canonicalJSON() -> String {
        // Ledger details are string dictionaries, several per request: written directly, byte
        // for byte what JSONEncoder writes (a property test holds the two together).
        if let flat = self as? [String: String] { return CanonicalJSON.object(flat) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }
}
