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
        if let stored = try await store.salt(sql, for: identifier) {
            salt = stored
        } else {
            let fresh = Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255) })
            try await store.insertSalt(sql, fresh, for: identifier)
            salt = try await store.salt(sql, for: identifier) ?? fresh
        }
        let digest = SHA256.hash(data: Data((salt + identifier).utf8))
        return prefix + ":" + Hex.encode(digest.prefix(8))
    }

    /// Erases the link between `identifier` and its ledger entries (right to erasure).
    public func forget(_ identifier: String) async throws {
        try await database.withConnection { sql in
            try await store.deleteSalt(sql, for: identifier)
        }
    }
}
