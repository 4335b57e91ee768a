import Core
import Crypto
import Foundation
import Identity
import Ledger
import SQLKit
import Storage

/// `RegistryStore` on the platform database. Each registry's records are in `rr_<name>`
/// (current versions only); earlier versions move to `registry_history` when replaced.
public struct SQLRegistryStore: RegistryStore {
    let database: Database
    let ledger: LedgerService?

    public init(database: Database, ledger: LedgerService?) {
        self.database = database
        self.ledger = ledger
    }

    static let columns =
        "record_key, revision, schema_version, content, deleted, changed_at, changed_by, reason, ledger_index"

    /// The table of a registry's records; `Registry.isName` keeps the name safe in SQL.
    public func liveRecordCounts() async throws -> [String: Int] {
        let names = try await catalogue().registries.keys.sorted()
        return try await database.withConnection { sql in
            var counts: [String: Int] = [:]
            for name in names {
                counts[name] =
                    try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: Self.table(name)) WHERE deleted = 0")
                    .first(decodingColumn: "n", as: Int.self) ?? 0
            }
            return counts
        }
    }

    static func table(_ name: String) -> String { "rr_\(name)" }

    /// The SQL expression for a field inside the stored JSON, as the search indexes are built on it.
    func field(_ name: String) -> String {
        database.engine == .postgres ? "(content::jsonb ->> '\(name)')" : "json_extract(content, '$.\(name)')"
    }

    // MARK: registries and schemas

    public func catalogue() async throws -> RegistryCatalogue {
        try await database.withConnection { sql in
            var registries: [String: Registry] = [:]
            for row in try await sql.raw("SELECT name, owner_agency, title_ky, title_ru, title_en FROM registries")
                .all()
            {
                let name = try row.decode(column: "name", as: String.self)
                registries[name] = Registry(
                    name: name, ownerAgency: try row.decode(column: "owner_agency", as: String.self),
                    title: LocalizedName(
                        ky: try row.decode(column: "title_ky", as: String.self),
                        ru: try row.decode(column: "title_ru", as: String.self),
                        en: try row.decode(column: "title_en", as: String.self)),
                    versions: [:])
            }
            for row in try await sql.raw("SELECT registry, version, document FROM registry_schemas").all() {
                let name = try row.decode(column: "registry", as: String.self)
                let schema = try RegistrySchema(json: try row.decode(column: "document", as: String.self))
                registries[name]?.versions[try row.decode(column: "version", as: Int.self)] = schema
            }
            var access: [String: [String: Bool]] = [:]
            for row in try await sql.raw("SELECT registry, agency_code, can_write FROM registry_access").all() {
                access[try row.decode(column: "registry", as: String.self), default: [:]][
                    try row.decode(column: "agency_code", as: String.self)] =
                    try row.decode(column: "can_write", as: Int.self) != 0
            }
            return RegistryCatalogue(registries: registries, access: access)
        }
    }

    public func createRegistry(_ registry: Registry, schema: RegistrySchema, by actor: LedgerActor, now: Int)
        async throws -> Int?
    {
        let table = Self.table(registry.name)
        return try await database.transaction { sql in
            let row = try await sql.raw(
                """
                INSERT INTO registries (name, owner_agency, title_ky, title_ru, title_en, created_at)
                VALUES (\(bind: registry.name), \(bind: registry.ownerAgency), \(bind: registry.title.ky), \(bind: registry.title.ru), \(bind: registry.title.en), \(bind: now))
                ON CONFLICT (name) DO NOTHING RETURNING name
                """
            ).first()
            guard row != nil else { throw DomainError.conflict(field: "name", messageKey: "error_registry_taken") }
            // A rowid table on SQLite (not WITHOUT ROWID): a bulk load appends rows at the end and
            // only the small key index takes random inserts, which keeps 7 million rows in cache.
            try await sql.raw(
                """
                CREATE TABLE \(unsafeRaw: table) (record_key TEXT PRIMARY KEY, revision INTEGER NOT NULL, schema_version INTEGER NOT NULL,
                  content TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, changed_at BIGINT NOT NULL, changed_by TEXT NOT NULL,
                  reason TEXT NOT NULL, ledger_index BIGINT)
                """
            ).run()
            return try await self.insertSchema(sql, schema, version: 1, of: registry.name, by: actor, now: now)
        }
    }

    public func publish(_ schema: RegistrySchema, version: Int, of registry: Registry, by actor: LedgerActor, now: Int)
        async throws -> Int?
    {
        try await database.transaction { sql in
            let taken = try await sql.raw(
                "SELECT version FROM registry_schemas WHERE registry = \(bind: registry.name) AND version = \(bind: version)"
            ).first()
            if taken != nil { throw DomainError.conflict(field: "version", messageKey: "error_version_taken") }
            return try await self.insertSchema(sql, schema, version: version, of: registry.name, by: actor, now: now)
        }
    }

    private func insertSchema(
        _ sql: any SQLDatabase, _ schema: RegistrySchema, version: Int, of name: String, by actor: LedgerActor, now: Int
    ) async throws -> Int? {
        let table = Self.table(name)
        try await createSearchIndexes(sql, registry: name, fields: schema.indexed)
        let digest = Hex.encode(SHA256.hash(data: Data(schema.source.utf8)))
        let index = try await append(
            sql, kind: "registry.schema.published", actor: actor, subject: "registry:\(name)", personPIN: nil,
            details: ["registry": name, "version": String(version), "schema": digest], now: now)
        try await sql.raw(
            """
            INSERT INTO registry_schemas (registry, version, document, published_at, published_by, ledger_index)
            VALUES (\(bind: name), \(bind: version), \(bind: schema.source), \(bind: now), \(bind: actor.historyName(themself: "person")), \(bind: index))
            """
        ).run()
        return index
    }

    /// The index behind each searchable field, on the stored JSON.
    func createSearchIndexes(_ sql: any SQLDatabase, registry name: String, fields: [String]) async throws {
        for field in fields {
            try await sql.raw(
                "CREATE INDEX IF NOT EXISTS rx_\(unsafeRaw: name)_\(unsafeRaw: field) ON \(unsafeRaw: Self.table(name)) ((\(unsafeRaw: self.field(field))))"
            ).run()
        }
    }

    func dropSearchIndexes(_ sql: any SQLDatabase, registry name: String, fields: [String]) async throws {
        for field in fields {
            try await sql.raw("DROP INDEX IF EXISTS rx_\(unsafeRaw: name)_\(unsafeRaw: field)").run()
        }
    }

    public func setAccess(registry: String, agency: String, canWrite: Bool) async throws {
        try await database.withConnection { sql in
            try await sql.raw(
                """
                INSERT INTO registry_access (registry, agency_code, can_write) VALUES (\(bind: registry), \(bind: agency), \(bind: canWrite ? 1 : 0))
                ON CONFLICT (registry, agency_code) DO UPDATE SET can_write = \(bind: canWrite ? 1 : 0)
                """
            ).run()
        }
    }

    // MARK: records

    public func record(_ registry: Registry, key: String) async throws -> RegistryRecord? {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.table(registry.name)) WHERE record_key = \(bind: key)"
            )
            .first().map { try Self.record($0, registry: registry.name) }
        }
    }

    public func search(_ registry: Registry, _ query: RecordQuery) async throws -> RecordPage {
        let key = registry.latest?.key
        var conditions = SQLQueryString("deleted = 0")
        for (name, value) in query.equals.sorted(by: { $0.key < $1.key }) {
            let column = name == key ? "record_key" : field(name)
            conditions = conditions + " AND \(unsafeRaw: column) = \(bind: value)"
        }
        if let prefix = query.prefix {
            let column = prefix.field == key ? "record_key" : field(prefix.field)
            // A range, not LIKE, so the index serves it; comparison is by code point (case-sensitive).
            let upper = prefix.text + "\u{10FFFF}"
            conditions =
                conditions
                + " AND \(unsafeRaw: column) >= \(bind: prefix.text) AND \(unsafeRaw: column) < \(bind: upper)"
        }
        let table = Self.table(registry.name)
        let order = query.descending ? "DESC" : "ASC"
        let filter = conditions
        // A page past the end of any registry is refused, never computed into an overflow.
        let (offset, overflow) = max(0, query.page - 1).multipliedReportingOverflow(by: max(1, query.pageSize))
        guard !overflow, query.page >= 1, query.pageSize >= 1, offset <= 1 << 40 else {
            throw ValidationError(field: "page", messageKey: "error_whole_number")
        }
        return try await database.withConnection { sql in
            let total =
                try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE " + filter).first(
                    decodingColumn: "n", as: Int.self) ?? 0
            let rows = try await sql.raw(
                "SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: table) WHERE " + filter
                    + " ORDER BY record_key \(unsafeRaw: order) LIMIT \(literal: query.pageSize) OFFSET \(literal: offset)"
            ).all()
            return RecordPage(
                records: try rows.map { try Self.record($0, registry: registry.name) }, total: total, page: query.page,
                pageSize: query.pageSize)
        }
    }

    public func history(_ registry: Registry, key: String) async throws -> [RegistryRecord] {
        let current = try await record(registry, key: key)
        let earlier = try await database.withConnection { sql in
            try await sql.raw(
                "SELECT \(unsafeRaw: Self.columns) FROM registry_history WHERE registry = \(bind: registry.name) AND record_key = \(bind: key) ORDER BY revision"
            )
            .all().map { try Self.record($0, registry: registry.name) }
        }
        return earlier + (current.map { [$0] } ?? [])
    }

    public func liveKeys(_ registry: String, among keys: [String]) async throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try await database.withConnection { sql in try await Self.liveKeys(registry, among: keys, on: sql) }
    }

    public func liveKeys(_ registry: String, among keys: [String], on sql: any SQLDatabase) async throws -> Set<String>
    {
        try await Self.liveKeys(registry, among: keys, on: sql)
    }

    /// Which of `keys` name live records of `registry`, on the caller's connection (500 per query).
    public static func liveKeys(_ registry: String, among keys: [String], on sql: any SQLDatabase) async throws -> Set<
        String
    > {
        var found = Set<String>()
        for start in stride(from: 0, to: keys.count, by: 500) {
            var query: SQLQueryString =
                "SELECT record_key FROM \(unsafeRaw: table(registry)) WHERE deleted = 0 AND record_key IN ("
            for (i, key) in keys[start..<min(start + 500, keys.count)].enumerated() {
                query = query + (i == 0 ? "\(bind: key)" : ", \(bind: key)")
            }
            for row in try await sql.raw(query + ")").all() {
                found.insert(try row.decode(column: "record_key", as: String.self))
            }
        }
        return found
    }

    public func commit(_ writes: [RecordWrite], now: Int) async throws -> [RegistryRecord] {
        try await database.transaction { sql in try await self.commit(writes, now: now, on: sql) }
    }

    /// Stores `writes` with their history and ledger entries on the caller's transaction.
    func commit(_ writes: [RecordWrite], now: Int, on sql: any SQLDatabase) async throws -> [RegistryRecord] {
        var stored: [RegistryRecord] = []
        for write in writes {
            var record = write.record
            let table = Self.table(record.registry)
            let digest = Hex.encode(SHA256.hash(data: Data(record.content.canonicalJSON.utf8)))
            record.ledgerIndex = try await self.append(
                sql, kind: "registry.record.\(write.change)", actor: write.actor,
                subject: "record:\(record.registry)/\(record.key)", personPIN: write.personPIN,
                details: [
                    "registry": record.registry, "record": record.key, "revision": String(record.revision),
                    "schemaVersion": String(record.schemaVersion), "content": digest, "reason": record.reason,
                ], now: now)
            if let previous = write.previous {
                // The version being replaced moves to the history; the guard on revision makes a
                // concurrent change of the same record lose cleanly instead of overwriting.
                let moved = try await sql.raw(
                    """
                    INSERT INTO registry_history (registry, \(unsafeRaw: Self.columns))
                    SELECT \(unsafeRaw: Self.literal(record.registry)), \(unsafeRaw: Self.columns) FROM \(unsafeRaw: table) WHERE record_key = \(bind: record.key)
                      AND revision = \(bind: previous.revision) RETURNING revision
                    """
                ).first()
                guard moved != nil else {
                    throw DomainError.conflict(field: record.registry, messageKey: "error_changed_meanwhile")
                }
                try await sql.raw(
                    """
                    UPDATE \(unsafeRaw: table) SET revision = \(bind: record.revision), schema_version = \(bind: record.schemaVersion), content = \(bind: record.content.canonicalJSON),
                    deleted = \(bind: record.deleted ? 1 : 0), changed_at = \(bind: record.changedAt), changed_by = \(bind: record.changedBy),
                    reason = \(bind: record.reason), ledger_index = \(bind: record.ledgerIndex) WHERE record_key = \(bind: record.key)
                    """
                ).run()
            } else {
                let inserted = try await sql.raw(
                    """
                    INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: Self.columns)) VALUES (\(bind: record.key), \(bind: record.revision), \(bind: record.schemaVersion), \(bind: record.content.canonicalJSON),
                    0, \(bind: record.changedAt), \(bind: record.changedBy), \(bind: record.reason), \(bind: record.ledgerIndex))
                    ON CONFLICT (record_key) DO NOTHING RETURNING record_key
                    """
                ).first()
                guard inserted != nil else {
                    throw DomainError.conflict(field: "key", messageKey: "error_record_exists")
                }
            }
            if let index = record.ledgerIndex {
                try await sql.raw(
                    """
                    INSERT INTO registry_changes (ledger_index, registry, record_key, change, changed_at)
                    VALUES (\(bind: index), \(bind: record.registry), \(bind: record.key), \(bind: write.change), \(bind: now))
                    """
                ).run()
            }
            stored.append(record)
        }
        for (registry, records) in Dictionary(grouping: stored, by: \.registry) {
            try await RegistryRecords.seal(registry, keys: records.map(\.key), ledger: ledger, on: sql)
        }
        return stored
    }

    /// A record created by another module of the platform on its transaction (a decision that
    /// registers a birth or a company): the agency must own the registry or hold a write grant, the
    /// content must satisfy the newest schema, references must be live.
    public func systemCreate(
        _ name: String, content: RecordContent, agency: String, reason: String, on sql: any SQLDatabase, now: Int
    ) async throws -> RegistryRecord {
        guard Registry.isName(name),
            let owner = try await sql.raw("SELECT owner_agency FROM registries WHERE name = \(bind: name)").first(
                decodingColumn: "owner_agency", as: String.self)
        else { throw DomainError.notFound }
        if owner != agency {
            let granted = try await sql.raw(
                "SELECT 1 AS one FROM registry_access WHERE registry = \(bind: name) AND agency_code = \(bind: agency) AND can_write = 1"
            ).first()
            guard granted != nil else { throw DomainError.forbidden }
        }
        guard
            let row = try await sql.raw(
                "SELECT version, document FROM registry_schemas WHERE registry = \(bind: name) ORDER BY version DESC LIMIT 1"
            ).first()
        else { throw DomainError.notFound }
        let schema = try RegistrySchema(json: try row.decode(column: "document", as: String.self))
        var problems = schema.problems(in: content, today: CalendarDate(bishkekDayOf: now))
        for field in schema.order {
            guard let target = schema.fields[field]?.reference, case .string(let value)? = content[field],
                !problems.contains(where: { $0.field == field })
            else { continue }
            if try await Self.liveKeys(target, among: [value], on: sql).isEmpty {
                problems.append(FieldError(field: field, messageKey: "error_reference"))
            }
        }
        guard problems.isEmpty else { throw ValidationError(problems) }
        guard case .string(let key)? = content[schema.key] else {
            throw ValidationError(field: schema.key, messageKey: "error_required")
        }
        var personPIN: String?
        if let personal = schema.personal, case .string(let pin)? = content[personal] { personPIN = pin }
        let record = RegistryRecord(
            registry: name, key: key, revision: 1, schemaVersion: try row.decode(column: "version", as: Int.self),
            content: content,
            deleted: false, changedAt: now, changedBy: "agency:\(agency)", reason: reason, ledgerIndex: nil)
        return try await commit(
            [
                RecordWrite(
                    previous: nil, record: record, change: "created", actor: .agency(agency), personPIN: personPIN)
            ], now: now, on: sql)[0]
    }

    // MARK: data-access log

    public func log(_ accesses: [DataAccess], by actor: LedgerActor) async throws -> [DataAccess] {
        guard !accesses.isEmpty else { return [] }
        return try await database.transaction { sql in try await self.log(accesses, by: actor, on: sql) }
    }

    /// Logs reads in the caller's transaction.
    public func log(_ accesses: [DataAccess], by actor: LedgerActor, on sql: any SQLDatabase) async throws
        -> [DataAccess]
    {
        var logged: [DataAccess] = []
        for var access in accesses {
            access.ledgerIndex = try await self.append(
                sql, kind: "registry.read", actor: actor, subject: "", personPIN: access.personPIN,
                details: access.ledgerDetails, now: access.at)
            try await sql.raw(
                """
                INSERT INTO data_access_log (id, person_pin, registry, record_key, reader_kind, reader_id, reader_name, agency_code,
                  application, legal_basis, case_number, at, ledger_index)
                VALUES (\(bind: access.id), \(bind: access.personPIN), \(bind: access.registry), \(bind: access.recordKey), \(bind: access.readerKind),
                  \(bind: access.readerID), \(bind: access.readerName), \(bind: access.agencyCode), \(bind: access.application),
                  \(bind: access.legalBasis), \(bind: access.caseNumber), \(bind: access.at), \(bind: access.ledgerIndex))
                """
            ).run()
            logged.append(access)
        }
        return logged
    }

    public func accessLog(pin: String, limit: Int) async throws -> [DataAccess] {
        try await database.withConnection { sql in
            try await sql.raw(
                "SELECT * FROM data_access_log WHERE person_pin = \(bind: pin) ORDER BY at DESC, ledger_index DESC LIMIT \(literal: limit)"
            )
            .all().map { row in
                DataAccess(
                    id: try row.decode(column: "id", as: String.self),
                    personPIN: try row.decode(column: "person_pin", as: String.self),
                    registry: try row.decode(column: "registry", as: String.self),
                    recordKey: try row.decode(column: "record_key", as: String.self),
                    readerKind: try row.decode(column: "reader_kind", as: String.self),
                    readerID: try row.decode(column: "reader_id", as: String.self),
                    readerName: try row.decode(column: "reader_name", as: String.self),
                    agencyCode: try row.decode(column: "agency_code", as: String.self),
                    application: try row.decode(column: "application", as: String.self),
                    legalBasis: try row.decode(column: "legal_basis", as: String.self),
                    caseNumber: try row.decode(column: "case_number", as: String.self),
                    at: try row.decode(column: "at", as: Int.self),
                    ledgerIndex: try row.decode(column: "ledger_index", as: Int?.self))
            }
        }
    }

    // MARK: reads by other modules, in their transaction

    /// A record read by another module of the platform (a workflow's automatic step) on the
    /// caller's connection and transaction: the agency's right is checked, and a read of a
    /// person's record is logged for them and in the ledger like any other, with `purpose`.
    public func systemRead(
        _ name: String, key: String, agency: String, system: String, purpose: Purpose,
        on sql: any SQLDatabase, now: Int
    ) async throws -> RecordContent? {
        guard Registry.isName(name),
            let owner = try await sql.raw("SELECT owner_agency FROM registries WHERE name = \(bind: name)").first(
                decodingColumn: "owner_agency", as: String.self)
        else { throw DomainError.notFound }
        if owner != agency {
            let granted = try await sql.raw(
                "SELECT 1 AS one FROM registry_access WHERE registry = \(bind: name) AND agency_code = \(bind: agency)"
            ).first()
            guard granted != nil else { throw DomainError.forbidden }
        }
        guard
            let document = try await sql.raw(
                "SELECT document FROM registry_schemas WHERE registry = \(bind: name) ORDER BY version DESC LIMIT 1"
            )
            .first(decodingColumn: "document", as: String.self)
        else { throw DomainError.notFound }
        let schema = try RegistrySchema(json: document)
        // Records about a person are found by the key or by the personal field (a PIN).
        var query: SQLQueryString =
            "SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.table(name)) WHERE deleted = 0 AND (record_key = \(bind: key)"
        if let personal = schema.personal, personal != schema.key {
            query = query + " OR \(unsafeRaw: field(personal)) = \(bind: key)"
        }
        guard let row = try await sql.raw(query + ") ORDER BY record_key LIMIT 1").first() else { return nil }
        let record = try Self.record(row, registry: name)
        if let personal = schema.personal, case .string(let pin)? = record.content[personal] {
            let access = DataAccess(
                id: DataAccess.newID(), personPIN: pin, registry: name,
                recordKey: record.key,
                readerKind: "system", readerID: system, readerName: "Taza Koom \(system)", agencyCode: agency,
                application: system,
                legalBasis: purpose.legalBasis, caseNumber: purpose.caseNumber, at: now, ledgerIndex: nil)
            _ = try await log([access], by: .system(system), on: sql)
        }
        return record.content
    }

    // MARK: helpers

    /// Appends one ledger event in `sql`'s transaction. The subject is the person's pseudonym when
    /// the record is personal, never the PIN itself.
    func append(
        _ sql: any SQLDatabase, kind: String, actor: LedgerActor, subject: String, personPIN: String?,
        details: [String: String], now: Int
    ) async throws -> Int? {
        guard let ledger else { return nil }
        let subjectRef = try await personPIN.asyncMap { try await ledger.pseudonym(for: $0, on: sql) } ?? subject
        let actorRef = try await actor.ledgerName(ledger, on: sql, themself: subjectRef)
        let event = try LedgerEvent(kind: kind, actor: actorRef, subject: subjectRef, time: now, details: details)
        return try await ledger.append([event], on: sql).lowerBound
    }

    /// A registry name as an SQL string literal (names are checked by `Registry.isName`).
    static func literal(_ name: String) -> String { "'\(name)'" }

    static func record(_ row: any SQLRow, registry: String) throws -> RegistryRecord {
        let text = try row.decode(column: "content", as: String.self)
        guard case .object(let content) = try JSONValue.parse(text) else { throw DomainError.notFound }
        return RegistryRecord(
            registry: registry, key: try row.decode(column: "record_key", as: String.self),
            revision: try row.decode(column: "revision", as: Int.self),
            schemaVersion: try row.decode(column: "schema_version", as: Int.self),
            content: content, deleted: try row.decode(column: "deleted", as: Int.self) != 0,
            changedAt: try row.decode(column: "changed_at", as: Int.self),
            changedBy: try row.decode(column: "changed_by", as: String.self),
            reason: try row.decode(column: "reason", as: String.self),
            ledgerIndex: try row.decode(column: "ledger_index", as: Int?.self))
    }
}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
