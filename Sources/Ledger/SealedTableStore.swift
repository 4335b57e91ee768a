import Core
import SQLKit
import Storage

/// Reading the states of one table's sealed records: the same SQL for every owner, so that a
/// record's state is computed the same way when it is sealed and when it is reconciled.
///
/// A record's state is `RecordState.digest` of the listed columns as text. A record whose rows
/// live in a child table (a case's history) is stated by `grouped`: every child row in key order.
public struct SealedTable: Sendable {
    /// The name prefix of the records, e.g. `application:`.
    public let prefix: String
    /// The table, its key column and the columns that make up the state.
    let table: String
    let key: String
    let columns: [String]
    /// The columns holding integers (the others hold text): each is read once, as what it is.
    let integers: Set<String>
    /// When set, the records are groups of rows sharing `key`, ordered by this column.
    let order: String?

    /// Records that are single rows of `table`, named `prefix` + `key`.
    public init(prefix: String, table: String, key: String, columns: [String], integers: Set<String>) {
        self.prefix = prefix
        self.table = table
        self.key = key
        self.columns = columns
        self.integers = integers
        self.order = nil
    }

    /// Records that are all rows of `table` sharing `key`, in `order` (a case's history lines).
    public init(
        prefix: String, table: String, groupedBy key: String, order: String, columns: [String], integers: Set<String>
    ) {
        self.prefix = prefix
        self.table = table
        self.key = key
        self.columns = columns
        self.integers = integers
        self.order = order
    }

    /// The names of the records with these keys.
    public func names(_ keys: [String]) -> [String] { keys.map { prefix + $0 } }

    /// The states of the records named `names` (others are ignored) that exist.
    public func states(of names: [String], on sql: any SQLDatabase) async throws -> [String: String] {
        let keys = names.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        var states: [String: String] = [:]
        for start in stride(from: 0, to: keys.count, by: 200) {
            let list = SQLQueryString.list(Array(keys[start..<min(start + 200, keys.count)]))
            let rows = try await sql.raw(
                "SELECT \(unsafeRaw: selected) FROM \(ident: table) WHERE \(ident: key) IN (" + list + ")"
                    + " ORDER BY \(unsafeRaw: ordering)"
            ).all()
            states.merge(try digests(rows)) { _, new in new }
        }
        return states
    }

    /// The state `states(of:on:)` would read for a record the caller has just written, from the
    /// values it wrote: each row maps every sealed column to its text (integers in decimal, nil
    /// for NULL), a group's rows in `order`. Saves a transaction reading back what it inserted;
    /// a column left out is an error rather than a seal that reconciliation would later fail.
    public func state(ofWritten rows: [[String: String?]]) throws -> String {
        let digests = try rows.map { row in
            try RecordState.digest(
                columns.map { column in
                    guard let value = row[column] else {
                        throw SealedValuesIncomplete(table: table, detail: "no value of \(column)")
                    }
                    return (column, value)
                })
        }
        guard order != nil else {
            guard digests.count == 1 else {
                throw SealedValuesIncomplete(table: table, detail: "\(digests.count) rows for one record")
            }
            return digests[0]
        }
        return RecordState.digest(digests.map { (name: "line", value: $0) })
    }

    /// Up to `limit` records after the key `after`, in key order (a group is never split).
    public func page(after: String, limit: Int, on sql: any SQLDatabase) async throws -> [String: String] {
        let keys = try await sql.raw(
            """
            SELECT DISTINCT \(ident: key) AS k FROM \(ident: table) WHERE \(ident: key) > \(bind: after)
            ORDER BY k LIMIT \(literal: max(1, min(limit, 10_000)))
            """
        ).all().map { try $0.decode(column: "k", as: String.self) }
        guard let last = keys.last else { return [:] }
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: selected) FROM \(ident: table)
            WHERE \(ident: key) > \(bind: after) AND \(ident: key) <= \(bind: last) ORDER BY \(unsafeRaw: ordering)
            """
        ).all()
        return try digests(rows)
    }

    private var selected: String {
        ([key] + columns.filter { $0 != key }).map { "\"\($0)\"" }.joined(separator: ", ")
    }

    private var ordering: String { "\"\(key)\"" + (order.map { ", \"\($0)\"" } ?? "") }

    private func digests(_ rows: [any SQLRow]) throws -> [String: String] {
        var states: [String: String] = [:]
        guard order != nil else {
            for row in rows {
                let fields = try fields(of: row)
                states[prefix + (try row.decode(column: key, as: String.self))] = RecordState.digest(fields)
            }
            return states
        }
        // A group: the digest of its rows' digests, in order.
        var groups: [String: [String]] = [:]
        for row in rows {
            let fields = try fields(of: row)
            groups[try row.decode(column: key, as: String.self), default: []].append(RecordState.digest(fields))
        }
        for (group, lines) in groups {
            states[prefix + group] = RecordState.digest(lines.map { (name: "line", value: $0) })
        }
        return states
    }

    /// A row's columns as text (integers in decimal), nil for NULL: read once each, by type, since
    /// a failed decode throws and this runs for every record a transaction changes. NULL is asked
    /// first and the plain type decoded after: decoding an optional goes through the engines'
    /// generic `Decodable` path (a failed cast and a decoder object per column), the plain type
    /// straight to the driver's conversion.
    private func fields(of row: any SQLRow) throws -> [(name: String, value: String?)] {
        try columns.map { column in
            if try row.decodeNil(column: column) { return (column, nil) }
            return (
                column,
                integers.contains(column)
                    ? String(try row.decode(column: column, as: Int.self))
                    : try row.decode(column: column, as: String.self)
            )
        }
    }
}

/// `SealedTable.state(ofWritten:)` was given a row without one of the sealed columns, or not
/// exactly one row for a single-row record: the caller's mapping of its values is out of date.
public struct SealedValuesIncomplete: Error, CustomStringConvertible {
    public let table: String
    public let detail: String

    public var description: String { "the written values of \(table) cannot be sealed: \(detail)" }
}
