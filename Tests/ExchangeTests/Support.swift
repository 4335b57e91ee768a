import Crypto
import Foundation
import Ledger

/// Keys and digests the tests check against.
enum NoteSignerForTests {
    /// A key that is not the operator's.
    static let other = NoteSigner(name: "KG-exchange-operator")
}

enum LedgerEventDigest {
    /// The digest a ledger entry keeps of `details` (SHA-256 of their canonical JSON, hex).
    static func of(_ details: [String: String]) throws -> String {
        try LedgerEvent(kind: "x", actor: "system:x", subject: "x", time: 0, details: details).details
    }
}
