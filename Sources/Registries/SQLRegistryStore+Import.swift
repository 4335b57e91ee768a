import Foundation
import SQLKit
import SQLiteNIO
import Storage
import Synchronization

/// The statements of bulk imports and exports (`RegistryImporter`), which bypass the record-by-record
/// path for speed.
extension SQLRegistryStore {
    /// Sets SQLite's page cache (KiB) for this connection; a bulk load keeps its key index in memory.
    static func setSQLiteCache(kib: Int, on sql: any SQLDatabase) async throws {
        try await sql.raw("PRAGMA cache_size=-\(unsafeRaw: String(max(0, kib)))").run()
    }

    /// Up to `limit` live records of `registry` after key `after`, in key order: (key, content JSON).
    static func liveRecords(_ registry: String, after: String, limit: Int, on sql: any SQLDatabase) async throws
        -> [(key: String, content: String)]
    {
        try await sql.raw(
            """
            SELECT record_key, content FROM \(unsafeRaw: table(registry)) WHERE deleted = 0 AND record_key > \(bind: after)
            ORDER BY record_key LIMIT \(literal: max(1, limit))
            """
        ).all().map {
            (try $0.decode(column: "record_key", as: String.self), try $0.decode(column: "content", as: String.self))
        }
    }

    /// Inserts rows, skipping keys that exist; returns the keys that went in.
    static func bulkInsert(
        _ session: DatabaseSession, table: String, rows: [(String, String)], version: Int, at: Int, by: String,
        reason: String, ledgerIndex: Int?
    ) async throws -> Set<String> {
        // Constant columns are bound once; VALUES names its columns column1, column2 on both
        // engines; `WHERE true` keeps SQLite from reading ON CONFLICT as a join condition.
        let head = """
            INSERT INTO \(table) (record_key, content, revision, schema_version, deleted, changed_at, changed_by, reason, ledger_index)
            SELECT column1, column2, 1, ?, 0, ?, ?, ?, ? FROM (VALUES
            """
        let tail = ") AS v WHERE true ON CONFLICT (record_key) DO NOTHING RETURNING record_key"
        switch session.driver {
        case .sqlite(let connection):
            // The driver's own binding: SQLKit's Encodable binds cost more than the insert itself here.
            // OR IGNORE instead of ON CONFLICT: a statement that cannot abort needs no statement
            // journal, which otherwise copies every page the batch touches (every value is bound,
            // so only a duplicate key can be ignored).
            var text = head.replacingOccurrences(of: "INSERT INTO", with: "INSERT OR IGNORE INTO")
            text.reserveCapacity(head.utf8.count + rows.count * 8 + tail.utf8.count)
            var binds: [SQLiteData] = [
                .integer(version), .integer(at), .text(by), .text(reason), ledgerIndex.map { .integer($0) } ?? .null,
            ]
            binds.reserveCapacity(5 + rows.count * 2)
            for (i, row) in rows.enumerated() {
                text += i == 0 ? " (?, ?)" : ", (?, ?)"
                binds.append(.text(row.0))
                binds.append(.text(row.1))
            }
            let keys = Mutex(Set<String>())
            try await connection.query(text + ") AS v RETURNING record_key", binds) { row in
                if let key = row.column("record_key")?.string { keys.withLock { _ = $0.insert(key) } }
            }
            return keys.withLock { $0 }
        case .postgres:
            var query = SQLQueryString(
                """
                INSERT INTO \(table) (record_key, content, revision, schema_version, deleted, changed_at, changed_by, reason, ledger_index)
                SELECT column1, column2, 1, 
                """)
            query.appendInterpolation(bind: version)
            query.appendLiteral(", 0, ")
            query.appendInterpolation(bind: at)
            query.appendLiteral(", ")
            query.appendInterpolation(bind: by)
            query.appendLiteral(", ")
            query.appendInterpolation(bind: reason)
            query.appendLiteral(", ")
            query.appendInterpolation(bind: ledgerIndex)
            query.appendLiteral(" FROM (VALUES ")
            for (i, row) in rows.enumerated() {
                query.appendLiteral(i == 0 ? "(" : ", (")
                query.appendInterpolation(bind: row.0)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: row.1)
                query.appendLiteral(")")
            }
            query.appendLiteral(tail)
            var keys = Set<String>()
            for row in try await session.sql.raw(query).all() {
                keys.insert(try row.decode(column: "record_key", as: String.self))
            }
            return keys
        }
    }

}
