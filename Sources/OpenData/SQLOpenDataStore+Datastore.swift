import Foundation
import Ledger
import Registries
import SQLKit
import SQLiteNIO
import Storage

/// The datastore: one table per resource and data version, columns `c0…cN` typed by the schema,
/// rows numbered by `_id` from 1 in file order.
extension SQLOpenDataStore {
    public func createTable(_ table: DatastoreTableName, schema: TableSchema) async throws {
        let columns = schema.fields.enumerated().map { "c\($0.offset) \(Self.sqlType($0.element.type))" }
        try await database.withConnection { sql in
            try await sql.raw(
                "CREATE TABLE \(unsafeRaw: table.sql) (_id BIGINT PRIMARY KEY, \(unsafeRaw: columns.joined(separator: ", ")))"
            ).run()
        }
    }

    static func sqlType(_ type: FieldType) -> String {
        switch type {
        case .integer: "BIGINT"
        case .number: "DOUBLE PRECISION"
        case .boolean: "BOOLEAN"
        case .date, .string: "TEXT"
        }
    }

    /// Rows per INSERT: as many as the engine's bind limit allows.
    static func batchRows(columns: Int) -> Int { max(1, 30_000 / (columns + 1)) }

    public func append(_ rows: [[DatastoreCell]], to table: DatastoreTableName, columns: Int, firstID: Int)
        async throws
    {
        guard !rows.isEmpty else { return }
        let head = "INSERT INTO \(table.sql) (_id, \((0..<columns).map { "c\($0)" }.joined(separator: ", "))) VALUES "
        let perBatch = Self.batchRows(columns: columns)
        try await database.withSession { session in
            for batchStart in stride(from: 0, to: rows.count, by: perBatch) {
                let batch = rows[batchStart..<min(rows.count, batchStart + perBatch)]
                switch session.driver {
                case .sqlite(let connection):
                    // The driver's own binds: SQLKit's Encodable binds cost more than the insert here.
                    var text = head
                    let placeholders = "(" + Array(repeating: "?", count: columns + 1).joined(separator: ", ") + ")"
                    var binds: [SQLiteData] = []
                    binds.reserveCapacity(batch.count * (columns + 1))
                    for (i, row) in batch.enumerated() {
                        text += i == 0 ? placeholders : ", " + placeholders
                        binds.append(.integer(firstID + batchStart + i))
                        for cell in row { binds.append(Self.sqliteValue(cell)) }
                    }
                    try await connection.query(text, binds) { _ in }
                case .postgres:
                    let values: [[any Encodable & Sendable]] = batch.enumerated().map { i, row in
                        [firstID + batchStart + i] + row
                    }
                    try await session.sql.raw(.rows(head, values)).run()
                }
            }
        }
    }

    static func sqliteValue(_ cell: DatastoreCell) -> SQLiteData {
        switch cell {
        case .null: .null
        case .integer(let value): .integer(value)
        case .number(let value): .float(value)
        case .boolean(let value): .integer(value ? 1 : 0)
        case .text(let value): .text(value)
        }
    }

    public func dropTable(_ table: DatastoreTableName) async throws {
        try await database.withConnection { sql in
            try await sql.raw("DROP TABLE IF EXISTS \(unsafeRaw: table.sql)").run()
        }
    }

    public func publish(
        _ table: DatastoreTableName, _ info: DatastoreTable, dataset: Dataset, searchText: String, event: LedgerEvent
    ) async throws -> Bool {
        try await database.transaction { sql in
            guard try await Self.save(dataset, searchText: searchText, event: event, ledger: ledger, on: sql)
            else { return false }
            try await sql.raw(
                """
                INSERT INTO opendata_datastore (resource_id, version, table_name, schema, row_count, bytes, sha256, loaded_at)
                VALUES (\(bind: table.resourceID), \(bind: table.version), \(bind: table.sql), \(bind: info.schema.canonicalJSON()),
                  \(bind: info.rows), \(bind: info.bytes), \(bind: info.sha256), \(bind: dataset.modifiedAt))
                """
            ).run()
            return true
        }
    }

    public func rows(_ query: DatastoreQuery) async throws -> DatastoreRows {
        let engine = database.engine
        let types = query.schema.fields.map(\.type)
        var condition = SQLQueryString("1 = 1")
        if let after = query.afterID {
            condition.appendLiteral(" AND _id > ")
            condition.appendInterpolation(bind: after)
        }
        for filter in query.filters {
            condition.appendLiteral(" AND c\(filter.field) IN (")
            condition = condition + .list(filter.values.map { DatastoreCell($0, types[filter.field]) })
            condition.appendLiteral(")")
        }
        if let text = query.text {
            let textColumns = types.indices.filter { types[$0] == .string || types[$0] == .date }
            for word in text.split(whereSeparator: \.isWhitespace).prefix(8) {
                let pattern =
                    "%" + word.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
                condition.appendLiteral(" AND (")
                if textColumns.isEmpty { condition.appendLiteral("1 = 0") }
                for (i, column) in textColumns.enumerated() {
                    if i > 0 { condition.appendLiteral(" OR ") }
                    condition.appendLiteral("c\(column) \(engine == .postgres ? "ILIKE" : "LIKE") ")
                    condition.appendInterpolation(bind: pattern)
                }
                condition.appendLiteral(")")
            }
        }
        let order =
            (query.sort.map { "\($0.field.map { "c\($0)" } ?? "_id") \($0.descending ? "DESC" : "ASC")" } + ["_id ASC"])
            .joined(separator: ", ")
        var select = SQLQueryString(
            "SELECT _id\(unsafeRaw: query.fields.map { ", c\($0)" }.joined()) FROM \(unsafeRaw: query.table.sql) WHERE "
        )
        select += condition
        select.appendLiteral(" ORDER BY \(order) LIMIT ")
        select.appendInterpolation(bind: query.limit)
        select.appendLiteral(" OFFSET ")
        select.appendInterpolation(bind: query.offset)
        var count = SQLQueryString("SELECT COUNT(*) AS n FROM \(unsafeRaw: query.table.sql) WHERE ")
        count += condition
        let unfiltered = query.filters.isEmpty && query.text == nil && query.afterID == nil
        let knownTotal = unfiltered ? query.rowCount : nil
        let countQuery = query.includeTotal && knownTotal == nil ? count : nil
        let selectQuery = select
        try await indexFilters(query)
        return try await database.withConnection { sql in
            let records = try await sql.raw(selectQuery).all().map { row in
                [JSONValue.number(Double(try row.decode(column: "_id", as: Int.self)))]
                    + (try query.fields.map { try Self.value(row, column: "c\($0)", type: types[$0]) })
            }
            var total = query.includeTotal ? knownTotal : nil
            if let countQuery { total = try await sql.raw(countQuery).first(decodingColumn: "n", as: Int.self) ?? 0 }
            return DatastoreRows(records: records, total: total)
        }
    }

    /// Filtered reads (and their totals) of a big table need an index on the filtered columns: the
    /// first read that filters on a set of columns makes one (once; tables never change after
    /// loading), up to `DatastoreIndexes.perTable` per table.
    func indexFilters(_ query: DatastoreQuery) async throws {
        guard !query.filters.isEmpty, (query.rowCount ?? Int.max) >= DatastoreIndexes.minimumRows else { return }
        var columns = Array(Set(query.filters.map(\.field))).sorted()
        if query.sort.count == 1, let sorted = query.sort[0].field, !columns.contains(sorted) { columns.append(sorted) }
        let name = query.table.sql + "_i_" + columns.map(String.init).joined(separator: "_")
        let list = columns.map { "c\($0)" }.joined(separator: ", ")
        guard indexes.claim(name, table: query.table.sql) else { return }
        do {
            try await database.withConnection { sql in
                try await sql.raw(
                    """
                    CREATE INDEX IF NOT EXISTS \(unsafeRaw: name) ON \(unsafeRaw: query.table.sql) \
                    (\(unsafeRaw: list))
                    """
                ).run()
            }
        } catch {
            indexes.release(name, table: query.table.sql)
            throw error
        }
    }

    static func value(_ row: any SQLRow, column: String, type: FieldType) throws -> JSONValue {
        if try row.decodeNil(column: column) { return .null }
        switch type {
        case .integer: return .number(Double(try row.decode(column: column, as: Int.self)))
        case .number: return .number(try row.decode(column: column, as: Double.self))
        case .boolean: return .bool(try row.decode(column: column, as: Bool.self))
        case .date, .string: return .string(try row.decode(column: column, as: String.self))
        }
    }
}
