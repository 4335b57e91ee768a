import Core
import Crypto
import Foundation
import Identity
import Ledger
import SQLKit
import SQLiteNIO
import Storage
import Synchronization

/// Bulk loads and dumps registry records as CSV.
///
/// An import is all or nothing: every row is checked against the registry's newest schema (and
/// for duplicates and references) inside one transaction; if any row is refused the transaction
/// is rolled back and the report lists the refused rows. A successful import is one ledger entry
/// (`registry.imported`) carrying the file's SHA-256, so the load itself is a verifiable act.
public struct RegistryImporter: Sendable {
    let database: Database
    let ledger: LedgerService?
    let registries: RegistryService

    /// Files at least this big are loaded with the search indexes dropped and rebuilt at the end,
    /// inside the same transaction: building an index once from sorted data beats millions of
    /// single inserts into it.
    let rebuildIndexesFromBytes: Int

    public init(
        database: Database, ledger: LedgerService?, registries: RegistryService, rebuildIndexesFromBytes: Int = 8 << 20
    ) {
        self.database = database
        self.ledger = ledger
        self.registries = registries
        self.rebuildIndexesFromBytes = rebuildIndexesFromBytes
    }

    /// How many rows go into one INSERT (two bound values each).
    static let batchSize = 1000
    /// SQLite's page cache during an import, in KiB: 1 GiB, or a quarter of the memory if less.
    static var importCacheKiB: Int {
        Int(min(ProcessInfo.processInfo.physicalMemory / 4, 1 << 30) / 1024)
    }

    /// How many refused rows a report keeps.
    static let keptRejections = 1000

    /// Imports `url` into registry `name` as `actor`; `progress` gets (bytes read, file size, rows).
    public func importCSV(
        _ name: String, from url: URL, reason: String, by actor: LedgerActor,
        progress: (@Sendable (Int, Int, Int) -> Void)? = nil
    ) async throws -> ImportReport {
        try await importRows(
            name, open: { try CSVReader(url: url) }, size: CSVReader.size(of: url), digest: try Self.sha256(of: url),
            reason: reason, by: actor, progress: progress)
    }

    /// Imports rows held in memory (the first is the header), as the demo data does.
    public func importRows(_ name: String, _ rows: [[String]], reason: String, by actor: LedgerActor) async throws
        -> ImportReport
    {
        let text = rows.map(CSVWriter.line).joined()
        return try await importRows(
            name, open: { RowList(rows: rows) }, size: text.utf8.count,
            digest: Hex.encode(SHA256.hash(data: Data(text.utf8))), reason: reason, by: actor, progress: nil)
    }

    private func importRows(
        _ name: String, open: @escaping @Sendable () throws -> any RowSource, size: Int, digest fileDigest: String,
        reason: String, by actor: LedgerActor, progress: (@Sendable (Int, Int, Int) -> Void)?
    ) async throws -> ImportReport {
        let started = ContinuousClock.now
        let registry = try await registries.registry(name)
        guard let schema = registry.latest else { throw DomainError.notFound }
        let version = registry.latestVersion
        let at = registries.clock.seconds
        let changedBy = actor.historyName(themself: "person")
        let reasonText = RegistryService.reason(reason, default: "bulk import")
        let engine = database.engine
        let ledger = self.ledger
        // A bulk load into SQLite inserts into the key index in random order, all in one
        // transaction; a large page cache for the duration keeps that index in memory.
        if database.engine == .sqlite {
            let kib = Self.importCacheKiB
            try await database.withConnection { sql in try await SQLRegistryStore.setSQLiteCache(kib: kib, on: sql) }
        }
        let restoreCache = { [database] in
            if database.engine == .sqlite {
                // The default is kept in the pragma's negative (KiB) form.
                try? await database.withConnection { sql in
                    try await SQLRegistryStore.setSQLiteCache(kib: -Database.defaultSQLiteCacheKiB, on: sql)
                }
            }
        }
        let outcome: ImportReport
        do {
            outcome = try await importTransaction(
                name: name, schema: schema, version: version, open: open, size: size, digest: fileDigest,
                at: at, changedBy: changedBy, reason: reasonText, actor: actor, ledger: ledger, progress: progress)
        } catch {
            await restoreCache()
            throw error
        }
        await restoreCache()
        var report = outcome
        report.seconds = started.duration(to: .now).inSeconds
        return report
    }

    private func importTransaction(
        name: String, schema: RegistrySchema, version: Int, open: @escaping @Sendable () throws -> any RowSource,
        size: Int, digest fileDigest: String, at: Int, changedBy: String, reason reasonText: String,
        actor: LedgerActor, ledger: LedgerService?, progress: (@Sendable (Int, Int, Int) -> Void)?
    ) async throws -> ImportReport {
        let database = self.database
        let rebuildIndexesFromBytes = self.rebuildIndexesFromBytes
        return try await database.transactionSession { session in
            let sql = session.sql
            var reader = try open()
            var report = ImportReport(
                registry: name, rows: 0, imported: 0, rejected: [], rejectedCount: 0, ledgerIndex: nil, seconds: 0)
            func reject(_ line: Int, _ field: String, _ key: String) {
                report.rejectedCount += 1
                if report.rejected.count < Self.keptRejections {
                    report.rejected.append(.init(line: line, field: field, messageKey: key))
                }
            }
            guard let header = try reader.row() else {
                reject(1, "", "error_csv_empty")
                throw RegistryError.importRejected(report)
            }
            let columns = header.map { $0.trimmingCharacters(in: .whitespaces) }
            for column in columns where schema.fields[column] == nil { reject(1, column, "error_unknown_field") }
            for required in schema.order where schema.required.contains(required) && !columns.contains(required) {
                reject(1, required, "error_required")
            }
            if report.rejectedCount > 0 { throw RegistryError.importRejected(report) }
            // The ledger entry comes first so every row can carry its index; it names the file by
            // its SHA-256, which fixes the rows. A refused import rolls it back with everything else.
            if let ledger {
                let actorName = try await actor.ledgerName(ledger, on: sql, themself: "agency:unknown")
                let event = try LedgerEvent(
                    kind: "registry.imported", actor: actorName, subject: "registry:\(name)", time: at,
                    details: ["registry": name, "version": String(version), "file": fileDigest, "reason": reasonText])
                report.ledgerIndex = try await ledger.append([event], on: sql).lowerBound
            }
            let ledgerIndex = report.ledgerIndex
            let rebuild = size >= rebuildIndexesFromBytes && !schema.indexed.isEmpty
            let store = SQLRegistryStore(database: database, ledger: nil)
            if rebuild { try await store.dropSearchIndexes(sql, registry: name, fields: schema.indexed) }
            let specs = columns.map { schema.fields[$0] }
            let requiredColumns = columns.map { schema.required.contains($0) }
            let jsonOrder = columns.indices.sorted { columns[$0] < columns[$1] }
            let keyColumn = columns.firstIndex(of: schema.key) ?? -1
            let references = schema.order.compactMap { name in schema.fields[name]?.reference.map { (name, $0) } }
            let today = CalendarDate(bishkekDayOf: at)
            var batch: [(line: Int, key: String, json: String, content: RecordContent)] = []
            batch.reserveCapacity(Self.batchSize)

            // Two stages on two cores: while SQLite stores one batch (on its own thread), the next is
            // parsed and checked here. `settle` collects a stored batch's outcome.
            var pending: Task<Set<String>, any Error>?
            var inFlight: [(line: Int, key: String, json: String, content: RecordContent)] = []
            let table = SQLRegistryStore.table(name)

            func settle() async throws {
                guard let task = pending else { return }
                pending = nil
                let inserted = try await task.value
                if inserted.count < inFlight.count {
                    // Keys already stored were skipped; a key twice in the batch went in once.
                    var seen = Set<String>()
                    for row in inFlight where !inserted.contains(row.key) || !seen.insert(row.key).inserted {
                        reject(row.line, schema.key, "error_record_exists")
                    }
                }
                report.imported += inserted.count
                try await RegistryRecords.seal(name, keys: Array(inserted), ledger: ledger, on: sql)
            }

            func flush() async throws {
                try await settle()
                defer { batch.removeAll(keepingCapacity: true) }
                guard !batch.isEmpty, report.rejectedCount == 0 else { return }
                for (field, target) in references {
                    let wanted = Set(batch.compactMap { $0.content[field]?.stringValue })
                    let live = try await SQLRegistryStore.liveKeys(target, among: Array(wanted), on: sql)
                    for row in batch {
                        if let value = row.content[field]?.stringValue, !live.contains(value) {
                            reject(row.line, field, "error_reference")
                        }
                    }
                }
                if report.rejectedCount > 0 { return }
                let rows = batch.map { ($0.key, $0.json) }
                inFlight = batch
                pending = Task {
                    try await SQLRegistryStore.bulkInsert(
                        session, table: table, rows: rows, version: version, at: at, by: changedBy, reason: reasonText,
                        ledgerIndex: ledgerIndex)
                }
            }

            do {
                while let cells = try reader.row() {
                    if cells.count == 1, cells[0].isEmpty { continue }
                    report.rows += 1
                    let line = reader.line
                    guard cells.count == columns.count else {
                        reject(line, "", "error_csv_columns")
                        continue
                    }
                    // Straight from cells to checked canonical JSON, columns in key order: no per-row
                    // dictionary or sort (this loop runs millions of times).
                    var json = "{"
                    var bad = false
                    var key = ""
                    for i in jsonOrder {
                        let cell = cells[i]
                        guard !cell.isEmpty else {
                            if requiredColumns[i] {
                                reject(line, columns[i], "error_required")
                                bad = true
                            }
                            continue
                        }
                        guard let spec = specs[i], let value = Self.value(cell, spec) else {
                            reject(line, columns[i], "error_type_\(specs[i]?.kind.rawValue ?? "string")")
                            bad = true
                            continue
                        }
                        if let problem = spec.problem(with: value, today: today) {
                            reject(line, columns[i], problem)
                            bad = true
                            continue
                        }
                        if i == keyColumn { key = cell }
                        if json.utf8.count > 1 { json += "," }
                        JSONValue.writeString(columns[i], into: &json)
                        json += ":"
                        value.write(into: &json)
                    }
                    if bad { continue }
                    json += "}"
                    guard key.unicodeScalars.count <= 100 else {
                        reject(line, schema.key, "error_key_invalid")
                        continue
                    }
                    var content: RecordContent = [:]
                    if !references.isEmpty {
                        for (i, cell) in cells.enumerated() where !cell.isEmpty {
                            content[columns[i]] = specs[i].flatMap { Self.value(cell, $0) }
                        }
                    }
                    batch.append((line, key, json, content))
                    if batch.count == Self.batchSize {
                        try await flush()
                        progress?(reader.bytesRead, size, report.rows)
                    }
                }
                try await flush()
                try await settle()
            } catch {
                // Never leave a statement running on the connection the rollback is about to use.
                _ = try? await pending?.value
                throw error
            }
            progress?(size, size, report.rows)
            if report.rejectedCount > 0 { throw RegistryError.importRejected(report) }
            if rebuild { try await store.createSearchIndexes(sql, registry: name, fields: schema.indexed) }
            return report
        }
    }

    /// A CSV cell as the field's JSON type, or nil if it is not one.
    static func value(_ cell: String, _ spec: RegistrySchema.FieldSpec) -> JSONValue? {
        switch spec.kind {
        case .string: return .string(cell)
        case .integer, .number: return Double(cell.trimmingCharacters(in: .whitespaces)).map(JSONValue.number)
        case .boolean:
            switch cell.lowercased() {
            case "true", "1", "yes": return .bool(true)
            case "false", "0", "no": return .bool(false)
            default: return nil
            }
        case .object: return try? JSONValue.parse(cell)
        }
    }
    static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return Hex.encode(hasher.finalize())
    }

    /// Writes every live record of `name` to `url` as CSV, columns in schema order; returns the count.
    public func exportCSV(_ name: String, to url: URL, progress: (@Sendable (Int) -> Void)? = nil) async throws -> Int {
        let registry = try await registries.registry(name)
        guard let schema = registry.latest else { throw DomainError.notFound }
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(CSVWriter.line(schema.order).utf8))
        var after = ""
        var count = 0
        while true {
            let from = after
            let rows = try await database.withConnection { sql in
                try await SQLRegistryStore.liveRecords(name, after: from, limit: 10_000, on: sql)
            }
            guard let last = rows.last else { break }
            var text = ""
            for (_, json) in rows {
                guard case .object(let content) = try JSONValue.parse(json) else { continue }
                text += CSVWriter.line(schema.order.map { content[$0]?.plainText ?? "" })
            }
            try handle.write(contentsOf: Data(text.utf8))
            count += rows.count
            after = last.0
            progress?(count)
        }
        return count
    }
}
