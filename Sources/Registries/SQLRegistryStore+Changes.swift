import SQLKit

/// The change journal (`registry_changes`): each record change with its ledger index, written in
/// `commit` on the change's own transaction.
extension SQLRegistryStore {
    public func changes(from ledgerIndex: Int, limit: Int) async throws -> [RegistryChange] {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                SELECT ledger_index, registry, record_key, change, changed_at FROM registry_changes
                WHERE ledger_index >= \(bind: ledgerIndex) ORDER BY ledger_index LIMIT \(literal: max(1, min(limit, 10_000)))
                """
            ).all().map { row in
                RegistryChange(
                    ledgerIndex: try row.decode(column: "ledger_index", as: Int.self),
                    registry: try row.decode(column: "registry", as: String.self),
                    key: try row.decode(column: "record_key", as: String.self),
                    change: try row.decode(column: "change", as: String.self),
                    changedAt: try row.decode(column: "changed_at", as: Int.self))
            }
        }
    }
}
