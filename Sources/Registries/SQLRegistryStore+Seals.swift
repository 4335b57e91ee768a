import Ledger
import SQLKit
import Storage

/// Registry records as the ledger seals them: one table per registry, `registry:<name>/<key>`.
/// (The record's ledger index is bookkeeping and not sealed; its history rows are the old states.)
public struct RegistryRecords: SealedTables {
    public let database: Database
    public var prefixes: [String] { ["registry:"] }

    /// The registry records on `database`.
    public init(database: Database) { self.database = database }

    static func table(_ registry: String) -> SealedTable {
        SealedTable(
            prefix: "registry:\(registry)/", table: SQLRegistryStore.table(registry), key: "record_key",
            columns: [
                "record_key", "revision", "schema_version", "content", "deleted", "changed_at", "changed_by", "reason",
            ], integers: ["revision", "schema_version", "deleted", "changed_at"])
    }

    public func sealedTables(on sql: any SQLDatabase) async throws -> [SealedTable] {
        try await sql.raw("SELECT name FROM registries ORDER BY name").all().map {
            Self.table(try $0.decode(column: "name", as: String.self))
        }
    }

    /// Seals the records `keys` of `registry` as they are now, on the caller's transaction.
    static func seal(_ registry: String, keys: [String], ledger: LedgerService?, on sql: any SQLDatabase)
        async throws
    {
        guard let ledger, !keys.isEmpty else { return }
        let table = Self.table(registry)
        try await ledger.seal(try await table.states(of: table.names(keys), on: sql), by: "registries", on: sql)
    }
}
