import Ledger
import SQLKit
import Storage

/// Accounts as the ledger seals them: who may sign in, with which password, at which level of
/// assurance, with which authenticator. (The last authenticator step used and a secret still
/// being offered change at every sign-in or page view and are not sealed.)
public struct AccountRecords: SealedTables {
    static let table = SealedTable(
        prefix: "account:", table: "accounts", key: "pin",
        columns: ["pin", "password_hash", "assurance", "totp_secret", "created_at"], integers: ["created_at"])
    public let database: Database
    public var prefixes: [String] { [Self.table.prefix] }

    /// The accounts on `database`.
    public init(database: Database) { self.database = database }

    public func sealedTables(on sql: any SQLDatabase) async throws -> [SealedTable] { [Self.table] }

    /// Seals the accounts of `pins` as they are now, on the caller's transaction.
    static func seal(_ pins: [String], ledger: LedgerService?, on sql: any SQLDatabase) async throws {
        guard let ledger, !pins.isEmpty else { return }
        try await ledger.seal(try await table.states(of: table.names(pins), on: sql), by: "identity", on: sql)
    }
}
