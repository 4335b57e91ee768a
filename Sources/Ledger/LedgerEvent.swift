import Core
import Crypto
import Foundation

/// One action of the state, as it is written to the ledger.
///
/// Personal data never appears in clear: `actor` and `subject` are references (an agency code, a
/// system id, or a pseudonym from `Pseudonyms`), and `details` is only the SHA-256 of the
/// action's details, which stay in the module that owns them.
public struct LedgerEvent: Codable, Equatable, Sendable {
    /// What happened, e.g. `case.decided`, `registry.read`, `identity.client.issued`.
    public var kind: String
    /// Who did it: `official:<pseudonym>`, `system:<client id>`, `agency:<code>`.
    public var actor: String
    /// What it was done to: `case:<id>`, `person:<pseudonym>`, `record:<registry>/<id>`.
    public var subject: String
    /// Seconds since 1970, UTC.
    public var time: Int
    /// Lower-case hex SHA-256 of the details.
    public var details: String
    /// Format version of this encoding.
    public var v: Int = 1
    /// The records this action leaves, as seals: a keyed digest of each record's name to a keyed
    /// digest of its state (see `RecordSeals`). Absent from entries that seal nothing, so entries
    /// written before seals existed keep their bytes.
    public var records: [String: String]?

    public init(kind: String, actor: String, subject: String, time: Int, detailsDigest: String) throws {
        self.kind = kind
        self.actor = actor
        self.subject = subject
        self.time = time
        self.details = detailsDigest
        try validate()
    }

    /// An event whose details digest is computed from `details` (canonical JSON).
    public init(kind: String, actor: String, subject: String, time: Int, details: some Encodable) throws {
        let json = details.canonicalJSON()
        try self.init(
            kind: kind, actor: actor, subject: subject, time: time,
            detailsDigest: Hex.encode(SHA256.hash(data: Data(json.utf8))))
    }

    func validate() throws {
        // Byte-level checks: this runs for every appended entry, so no Character or Set work here.
        let kindBytes = kind.utf8
        guard !kindBytes.isEmpty, kindBytes.count <= 64,
            kindBytes.allSatisfy({ byte in
                (0x61...0x7a).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2e || byte == 0x5f
                    || byte == 0x2d
            })
        else {
            throw LedgerError.invalidEvent("kind must be 1–64 of a–z, 0–9, '.', '_', '-'")
        }
        for (name, value) in [("actor", actor), ("subject", subject)] {
            guard !value.isEmpty, value.utf8.count <= 800, value.count <= 200,
                value.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7f })
            else {
                throw LedgerError.invalidEvent("\(name) must be 1–200 characters without control characters")
            }
        }
        guard details.utf8.count == 64,
            details.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else {
            throw LedgerError.invalidEvent("details must be a lower-case hex SHA-256")
        }
        guard time >= 0 else { throw LedgerError.invalidEvent("time must not be negative") }
        if let records {
            guard records.count <= RecordSeals.maxPerEntry,
                records.allSatisfy({ Self.isSealHex($0.key) && Self.isSealHex($0.value) })
            else {
                throw LedgerError.invalidEvent(
                    "records must be at most \(RecordSeals.maxPerEntry) pairs of 32 lower-case hex digits")
            }
        }
    }

    static func isSealHex(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The canonical bytes: compact JSON with sorted keys. These bytes are the Merkle leaf.
    public var canonicalBytes: Data { Data(canonicalText.utf8) }

    /// What `canonicalJSON()` (JSONEncoder, sorted keys) writes for an event, written directly:
    /// this runs for every appended entry and again for every entry an audit reads, where the
    /// encoder was a visible share of a submission (a property test holds the two together).
    var canonicalText: String {
        var out = #"{"actor":"#
        CanonicalJSON.appendString(actor, to: &out)
        out += #","details":"#
        CanonicalJSON.appendString(details, to: &out)
        out += #","kind":"#
        CanonicalJSON.appendString(kind, to: &out)
        if let records { out += #","records":"# + CanonicalJSON.object(records) }
        out += #","subject":"#
        CanonicalJSON.appendString(subject, to: &out)
        return out + #","time":\#(time),"v":\#(v)}"#
    }

    /// Decodes and re-checks an entry's bytes; only canonical encodings are accepted.
    public init(canonical bytes: Data) throws {
        guard let event = try? JSONDecoder().decode(LedgerEvent.self, from: bytes) else {
            throw LedgerError.corrupt(index: nil, reason: "entry is not a ledger event")
        }
        try event.validate()
        guard event.canonicalBytes == bytes else {
            throw LedgerError.corrupt(index: nil, reason: "entry is not canonically encoded")
        }
        self = event
    }
}
