import Core
import Crypto
import Foundation
import SQLKit

extension LedgerService {
    /// A stable reference for a person (or anything personal) to put in ledger entries instead
    /// of the identifier itself: `prefix:` + 16 hex digits of SHA-256(salt || identifier).
    ///
    /// The salt lives in `ledger_pseudonyms`, outside the log. Deleting it (`forget`) makes every
    /// entry about that person unlinkable to them, and the log still verifies.
    public func pseudonym(for identifier: String, prefix: String = "person", on sql: any SQLDatabase) async throws
        -> String
    {
        let salt: String
        if let stored = try await sql.raw("SELECT salt FROM ledger_pseudonyms WHERE identifier = \(bind: identifier)")
            .first(decodingColumn: "salt", as: String.self)
        {
            salt = stored
        } else {
            let fresh = Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255) })
            try await sql.raw(
                "INSERT INTO ledger_pseudonyms (identifier, salt) VALUES (\(bind: identifier), \(bind: fresh)) ON CONFLICT (identifier) DO NOTHING"
            ).run()
            salt =
                try await sql.raw("SELECT salt FROM ledger_pseudonyms WHERE identifier = \(bind: identifier)").first(
                    decodingColumn: "salt", as: String.self) ?? fresh
        }
        let digest = SHA256.hash(data: Data((salt + identifier).utf8))
        return prefix + ":" + Hex.encode(digest.prefix(8))
    }

    /// Erases the link between `identifier` and its ledger entries (right to erasure).
    public func forget(_ identifier: String) async throws {
        try await database.withConnection { sql in
            try await sql.raw("DELETE FROM ledger_pseudonyms WHERE identifier = \(bind: identifier)").run()
        }
    }
}
