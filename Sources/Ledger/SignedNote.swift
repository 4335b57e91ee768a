import Core
import Crypto
import Foundation

/// An Ed25519 signing key for C2SP signed notes, with the key ID of the signed-note spec:
/// SHA-256(name || 0x0A || 0x01 || public key)[:4].
public struct NoteSigner: Sendable {
    /// The key name, which for a log is its origin.
    public let name: String
    /// The 32-byte Ed25519 seed (kept as bytes so the signer is `Sendable`).
    let seed: Data
    var key: Curve25519.Signing.PrivateKey {
        // The seed was validated when the signer was made.
        (try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)) ?? Curve25519.Signing.PrivateKey()
    }

    /// A new random key.
    public init(name: String) {
        self.name = name
        self.seed = Curve25519.Signing.PrivateKey().rawRepresentation
    }

    /// Parses `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>` (the format of Go's sumdb note).
    public init(encoded: String) throws {
        // Base64 may itself contain '+': only the first four are separators.
        let parts = encoded.trimmingCharacters(in: .whitespacesAndNewlines).split(
            separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY",
            let raw = Data(base64Encoded: String(parts[4])), raw.count == 33, raw.first == 1,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw.dropFirst())
        else { throw LedgerError.invalidEvent("not a signing key of the form PRIVATE+KEY+name+id+key") }
        self.name = String(parts[2])
        self.seed = key.rawRepresentation
        guard String(parts[3]) == verifier.keyIDHex else {
            throw LedgerError.invalidEvent("the signing key's id does not match its key")
        }
    }

    /// The private key in the encoding `init(encoded:)` reads. Keep it secret.
    public var encoded: String {
        "PRIVATE+KEY+\(name)+\(verifier.keyIDHex)+" + (Data([1]) + key.rawRepresentation).base64EncodedString()
    }

    /// The public half.
    public var verifier: NoteVerifier { NoteVerifier(name: name, publicKey: key.publicKey) }

    /// Signs `text` (which must end in a newline) and returns the whole signed note.
    public func sign(_ text: String) throws -> String {
        text + "\n" + "— \(name) " + (try signature(for: text)) + "\n"
    }

    /// The signature of a note's line alone: base64 of the key ID and the Ed25519 signature of `text`
    /// (for headers, where a whole note does not fit).
    public func signature(for text: String) throws -> String {
        (Data(verifier.keyID) + (try key.signature(for: Data(text.utf8)))).base64EncodedString()
    }
}

/// The public key that checks a log's notes, published as `<name>+<hex id>+<base64(0x01 || key)>`.
public struct NoteVerifier: Sendable, Equatable {
    public let name: String
    /// The 32-byte Ed25519 public key.
    let keyBytes: Data
    var publicKey: Curve25519.Signing.PublicKey? { try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes) }

    init(name: String, publicKey: Curve25519.Signing.PublicKey) {
        self.name = name
        self.keyBytes = publicKey.rawRepresentation
    }

    /// Parses the published form.
    public init(encoded: String) throws {
        let parts = encoded.trimmingCharacters(in: .whitespacesAndNewlines).split(
            separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let raw = Data(base64Encoded: String(parts[2])), raw.count == 33, raw.first == 1,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw.dropFirst())
        else { throw LedgerError.invalidEvent("not a verifier key of the form name+id+key") }
        self.init(name: String(parts[0]), publicKey: key)
        guard String(parts[1]) == keyIDHex else {
            throw LedgerError.invalidEvent("the verifier key's id does not match its key")
        }
    }

    public var encoded: String {
        "\(name)+\(keyIDHex)+" + (Data([1]) + keyBytes).base64EncodedString()
    }

    /// The 4-byte key ID.
    public var keyID: [UInt8] {
        Array(SHA256.hash(data: Data(name.utf8) + Data([0x0A, 0x01]) + keyBytes).prefix(4))
    }

    var keyIDHex: String { Hex.encode(keyID) }

    public static func == (a: NoteVerifier, b: NoteVerifier) -> Bool {
        a.name == b.name && a.keyBytes == b.keyBytes
    }

    /// Whether `signature` (as `NoteSigner.signature(for:)` makes it) is this key's over `text`.
    public func verifies(_ signature: String, for text: String) -> Bool {
        guard let blob = Data(base64Encoded: signature), blob.count == 68, Array(blob.prefix(4)) == keyID,
            let publicKey
        else { return false }
        return publicKey.isValidSignature(blob.dropFirst(4), for: Data(text.utf8))
    }

    /// Checks a signed note and returns its text; throws unless a signature by this key verifies.
    public func open(_ note: String) throws -> String {
        guard let split = note.range(of: "\n\n", options: .backwards) else {
            throw LedgerError.corrupt(index: nil, reason: "not a signed note")
        }
        let text = String(note[..<split.lowerBound]) + "\n"
        let signatures = note[split.upperBound...].split(separator: "\n")
        var sawOurs = false
        for line in signatures {
            guard line.hasPrefix("— ") else {
                throw LedgerError.corrupt(index: nil, reason: "malformed signature line")
            }
            let fields = line.dropFirst(2).split(separator: " ")
            guard fields.count == 2, let blob = Data(base64Encoded: String(fields[1])), blob.count > 4 else {
                throw LedgerError.corrupt(index: nil, reason: "malformed signature line")
            }
            guard fields[0] == name, Array(blob.prefix(4)) == keyID else { continue }
            sawOurs = true
            guard let publicKey, publicKey.isValidSignature(blob.dropFirst(4), for: Data(text.utf8)) else {
                throw LedgerError.corrupt(index: nil, reason: "the signature of \(name) does not verify")
            }
        }
        guard sawOurs else { throw LedgerError.corrupt(index: nil, reason: "no signature by \(name)") }
        return text
    }
}

/// A checkpoint (C2SP tlog-checkpoint): origin, tree size and root, signed as a note.
public struct Checkpoint: Equatable, Sendable {
    public var origin: String
    public var size: Int
    public var root: MerkleHash

    public init(origin: String, size: Int, root: MerkleHash) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The note text that is signed.
    public var text: String { "\(origin)\n\(size)\n\(root.base64)\n" }

    /// Parses the text of a checkpoint (after its signature was checked).
    public init(text: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 4, let size = Int(lines[1]), size >= 0, let root = MerkleHash(base64: String(lines[2]))
        else {
            throw LedgerError.corrupt(index: nil, reason: "not a checkpoint")
        }
        self.init(origin: String(lines[0]), size: size, root: root)
    }

    /// Checks the signature with `verifier` and parses the checkpoint.
    public init(signedNote: String, verifier: NoteVerifier) throws {
        try self.init(text: verifier.open(signedNote))
        guard origin == verifier.name else {
            throw LedgerError.corrupt(index: nil, reason: "the checkpoint's origin is not \(verifier.name)")
        }
    }
}
