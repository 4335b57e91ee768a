import Core
import Foundation
import Identity

/// Registries: schemas with versions, records with history, searches, and the log of every read
/// of a person's data. Authorization lives here, so every entry point (API, portal, CLI) gets it.
public struct RegistryService: Sendable {
    let store: any RegistryStore
    /// The catalogue, kept a few seconds per node; a name or version it does not know reloads it at
    /// once, so a schema published on another node is usable immediately.
    private let cache = TTLCache<String, RegistryCatalogue>(lifetime: .seconds(5))
    /// Where writes and schema publications read the time (the importer too).
    let clock: Clock

    public init(store: any RegistryStore, clock: Clock) {
        self.store = store
        self.clock = clock
    }

    // MARK: registries and schemas

    /// Every registry with its schema versions and access rights.
    public func catalogue() async throws -> RegistryCatalogue {
        try await cache.value(for: "catalogue") { try await store.catalogue() }
    }

    /// The registry called `name`, reloading the catalogue once if this node has not seen it yet.
    /// The catalogue read afresh (a name or version this node does not know yet).
    private func reloadedCatalogue() async throws -> RegistryCatalogue {
        try await cache.value(for: "catalogue", refresh: true) { try await store.catalogue() }
    }

    /// How many live records each registry holds (aggregates only: what open data publishes).
    public func recordCounts() async throws -> [String: Int] { try await store.liveRecordCounts() }

    public func registry(_ name: String) async throws -> Registry {
        if let found = try await catalogue().registries[name] { return found }
        guard let found = try await reloadedCatalogue().registries[name] else {
            throw DomainError.notFound
        }
        return found
    }

    /// The schema of `version` ("1", "1.0" and "v1" all name version 1, as GovStack examples vary).
    public func schema(_ registry: Registry, version: String) async throws -> (Int, RegistrySchema) {
        var text = version.lowercased()
        if text.hasPrefix("v") { text.removeFirst() }
        if text.hasSuffix(".0") { text.removeLast(2) }
        guard let number = Int(text) else { throw DomainError.notFound }
        if let schema = registry.versions[number] { return (number, schema) }
        if let schema = try await self.registry(registry.name).versions[number] { return (number, schema) }
        let fresh = try await reloadedCatalogue()
        guard let schema = fresh.registries[registry.name]?.versions[number] else { throw DomainError.notFound }
        return (number, schema)
    }

    /// The registries `caller`'s agency may read, by name.
    public func readable(by caller: RegistryCaller) async throws -> [Registry] {
        let catalogue = try await catalogue()
        return catalogue.registries.values.filter { (try? authorize(caller, $0, write: false, catalogue)) != nil }
            .sorted { $0.name < $1.name }
    }

    /// Creates a registry owned by `owner` with `schemaJSON` as version 1.
    @discardableResult
    public func createRegistry(
        name: String, owner: String, title: LocalizedName, schemaJSON: String, by actor: LedgerActor
    ) async throws -> Registry {
        guard Registry.isName(name) else { throw ValidationError(field: "name", messageKey: "error_registry_name") }
        let schema = try RegistrySchema(json: schemaJSON)
        let registry = Registry(name: name, ownerAgency: owner, title: title, versions: [1: schema])
        _ = try await store.createRegistry(registry, schema: schema, by: actor, now: clock.seconds)
        await cache.removeAll()
        return registry
    }

    /// Publishes the next schema version of a registry; refused if it could break stored records.
    /// Only the owning agency may publish.
    public func publish(_ name: String, schemaJSON: String, by caller: RegistryCaller) async throws -> Int {
        let registry = try await self.registry(name)
        try authorize(caller, registry, write: true, try await catalogue())
        guard caller.agencyCode == registry.ownerAgency else { throw DomainError.forbidden }
        return try await publish(registry, schemaJSON: schemaJSON, by: Self.actor(caller))
    }

    /// Publishes without a caller check (reference data, the CLI).
    public func publish(_ registry: Registry, schemaJSON: String, by actor: LedgerActor) async throws -> Int {
        let schema = try RegistrySchema(json: schemaJSON)
        let current = try await self.registry(registry.name)
        if let latest = current.latest, latest == schema { return current.latestVersion }
        let problems = current.latest?.incompatibilities(with: schema) ?? []
        guard problems.isEmpty else { throw RegistryError.incompatibleSchema(problems) }
        let version = current.latestVersion + 1
        _ = try await store.publish(schema, version: version, of: current, by: actor, now: clock.seconds)
        await cache.removeAll()
        return version
    }

    /// Lets `agency` read (and, if `canWrite`, write) a registry it does not own.
    public func grant(_ name: String, to agency: String, canWrite: Bool) async throws {
        _ = try await registry(name)
        try await store.setAccess(registry: name, agency: agency, canWrite: canWrite)
        await cache.removeAll()
    }

    // MARK: reading

    /// Searches live records. Reading records about people needs a purpose, and each person's
    /// record returned is logged for them and in the ledger before the answer is given.
    public func list(_ name: String, version: String, query: RecordQuery, by caller: RegistryCaller, purpose: Purpose?)
        async throws -> RecordPage
    {
        let (registry, schema) = try await open(name, version: version, caller: caller, write: false)
        try requirePurpose(schema, purpose)
        var query = query
        query.page = max(1, query.page)
        query.pageSize = min(max(1, query.pageSize), 100)
        for field in Array(query.equals.keys) + (query.prefix.map { [$0.field] } ?? []) {
            try searchable(field, schema)
        }
        let page = try await store.search(registry, query)
        try await logReads(page.records, schema: schema, caller: caller, purpose: purpose)
        return page
    }

    /// The first live record matching `match` (exact values of the key or indexed fields).
    public func read(
        _ name: String, version: String, match: RecordContent, by caller: RegistryCaller, purpose: Purpose?
    ) async throws -> RegistryRecord {
        let query = try matchQuery(
            match, schema: try await open(name, version: version, caller: caller, write: false).1, pageSize: 1)
        guard
            let record = try await list(name, version: version, query: query, by: caller, purpose: purpose).records
                .first
        else { throw DomainError.notFound }
        return record
    }

    /// Whether a live record matches; personal registries log the read when one does.
    public func exists(
        _ name: String, version: String, match: RecordContent, by caller: RegistryCaller, purpose: Purpose?
    ) async throws -> Bool {
        let schema = try await open(name, version: version, caller: caller, write: false).1
        let query = try matchQuery(match, schema: schema, pageSize: 1)
        return try await !list(name, version: version, query: query, by: caller, purpose: purpose).records.isEmpty
    }

    /// One field of one live record, by key.
    public func readValue(
        _ name: String, version: String, key: String, field: String, by caller: RegistryCaller, purpose: Purpose?
    ) async throws -> JSONValue {
        let schema = try await open(name, version: version, caller: caller, write: false).1
        guard schema.fields[field] != nil else {
            throw ValidationError(field: field, messageKey: "error_unknown_field")
        }
        let record = try await read(
            name, version: version, match: [schema.key: .string(key)], by: caller, purpose: purpose)
        return record.content[field] ?? .null
    }

    /// Every version of a record, deleted ones too, with who changed it and why. Logged like a read.
    public func history(_ name: String, key: String, by caller: RegistryCaller, purpose: Purpose?) async throws
        -> [RegistryRecord]
    {
        let registry = try await registry(name)
        let (_, schema) = try await open(name, version: String(registry.latestVersion), caller: caller, write: false)
        try requirePurpose(schema, purpose)
        let versions = try await store.history(registry, key: key)
        guard let last = versions.last else { throw DomainError.notFound }
        try await logReads([last], schema: schema, caller: caller, purpose: purpose)
        return versions
    }

    /// The reads of `pin`'s data, newest first: what "Who looked at my data" shows.
    /// Record changes from ledger index `ledgerIndex` on, in order (for publishing to subscribers).
    public func changes(from ledgerIndex: Int, limit: Int) async throws -> [RegistryChange] {
        try await store.changes(from: ledgerIndex, limit: limit)
    }

    public func accessLog(pin: String, limit: Int = 1000) async throws -> [DataAccess] {
        try await store.accessLog(pin: pin, limit: limit)
    }

    // MARK: writing

    /// Creates a record under schema `version`.
    public func create(
        _ name: String, version: String, content: RecordContent, by caller: RegistryCaller, reason: String
    ) async throws -> RegistryRecord {
        let (registry, schema) = try await open(name, version: version, caller: caller, write: true)
        let number = try await self.schema(registry, version: version).0
        try await validate(content, schema)
        guard case .string(let key)? = content[schema.key] else {
            throw ValidationError(field: schema.key, messageKey: "error_required")
        }
        let record = RegistryRecord(
            registry: name, key: key, revision: 1, schemaVersion: number, content: content, deleted: false,
            changedAt: clock.seconds, changedBy: caller.reference, reason: Self.reason(reason, default: "created"),
            ledgerIndex: nil)
        let write = RecordWrite(
            previous: nil, record: record, change: "created", actor: Self.actor(caller),
            personPIN: Self.person(content, schema))
        return try await store.commit([write], now: clock.seconds)[0]
    }

    /// Changes the live records matching `match` (only the first unless `all`): the fields in
    /// `changes` replace theirs, and the result must satisfy schema `version`.
    public func update(
        _ name: String, version: String, match: RecordContent, changes: RecordContent, all: Bool = false,
        by caller: RegistryCaller, reason: String
    ) async throws -> [RegistryRecord] {
        let (registry, schema) = try await open(name, version: version, caller: caller, write: true)
        let number = try await self.schema(registry, version: version).0
        if let newKey = changes[schema.key], newKey != match[schema.key] {
            throw ValidationError(field: schema.key, messageKey: "error_key_immutable")
        }
        let found = try await store.search(registry, try matchQuery(match, schema: schema, pageSize: all ? 100 : 1))
            .records
        guard !found.isEmpty else { throw DomainError.notFound }
        var writes: [RecordWrite] = []
        for previous in found {
            let content = previous.content.merging(changes) { _, new in new }.filter { $0.value != .null }
            try await validate(content, schema)
            let record = RegistryRecord(
                registry: name, key: previous.key, revision: previous.revision + 1, schemaVersion: number,
                content: content,
                deleted: false, changedAt: clock.seconds, changedBy: caller.reference,
                reason: Self.reason(reason, default: "updated"), ledgerIndex: nil)
            writes.append(
                RecordWrite(
                    previous: previous, record: record, change: "updated", actor: Self.actor(caller),
                    personPIN: Self.person(content, schema)))
        }
        return try await store.commit(writes, now: clock.seconds)
    }

    /// Updates the first record matching `match`, or creates one from `match` and `changes`.
    public func updateOrCreate(
        _ name: String, version: String, match: RecordContent, changes: RecordContent,
        by caller: RegistryCaller, reason: String
    ) async throws -> (record: RegistryRecord, created: Bool) {
        do {
            return (
                try await update(name, version: version, match: match, changes: changes, by: caller, reason: reason)[0],
                false
            )
        } catch DomainError.notFound {
            let content = match.merging(changes) { _, new in new }
            return (try await create(name, version: version, content: content, by: caller, reason: reason), true)
        }
    }

    /// Marks a record deleted: it disappears from reads and searches, its history stays.
    public func delete(_ name: String, version: String, key: String, by caller: RegistryCaller, reason: String)
        async throws -> RegistryRecord
    {
        let (registry, schema) = try await open(name, version: version, caller: caller, write: true)
        guard let previous = try await store.record(registry, key: key), !previous.deleted else {
            throw DomainError.notFound
        }
        var record = previous
        record.revision += 1
        record.deleted = true
        record.changedAt = clock.seconds
        record.changedBy = caller.reference
        record.reason = Self.reason(reason, default: "deleted")
        let write = RecordWrite(
            previous: previous, record: record, change: "deleted", actor: Self.actor(caller),
            personPIN: Self.person(previous.content, schema))
        return try await store.commit([write], now: clock.seconds)[0]
    }

    // MARK: checks

    /// The registry and schema `version`, once `caller` is known to have the right to them.
    private func open(_ name: String, version: String, caller: RegistryCaller, write: Bool) async throws -> (
        Registry, RegistrySchema
    ) {
        let registry = try await registry(name)
        try authorize(caller, registry, write: write, try await catalogue())
        return (registry, try await schema(registry, version: version).1)
    }

    /// Throws `forbidden` unless the caller's role or scope allows it and its agency owns the
    /// registry or was granted access.
    func authorize(_ caller: RegistryCaller, _ registry: Registry, write: Bool, _ catalogue: RegistryCatalogue) throws {
        switch caller {
        case .official(let principal):
            try AccessPolicy.require(write ? .writeRegistries : .readRegistries, of: principal)
        case .system(let client, _): try AccessPolicy.require(write ? .registryWrite : .registryRead, of: client)
        }
        guard let agency = caller.agencyCode else { throw DomainError.forbidden }
        if agency == registry.ownerAgency { return }
        guard let canWrite = catalogue.access[registry.name]?[agency], canWrite || !write else {
            throw DomainError.forbidden
        }
    }

    private func requirePurpose(_ schema: RegistrySchema, _ purpose: Purpose?) throws {
        if schema.personal != nil, purpose == nil {
            throw ValidationError(field: "purpose", messageKey: "error_purpose_required")
        }
    }

    private func searchable(_ field: String, _ schema: RegistrySchema) throws {
        guard schema.fields[field] != nil else {
            throw ValidationError(field: field, messageKey: "error_unknown_field")
        }
        guard field == schema.key || schema.indexed.contains(field) else { throw RegistryError.notSearchable(field) }
    }

    /// A match object (GovStack's `query.content`) as a search: every field must be searchable.
    private func matchQuery(_ match: RecordContent, schema: RegistrySchema, pageSize: Int) throws -> RecordQuery {
        guard !match.isEmpty else { throw ValidationError(field: "query", messageKey: "error_required") }
        var equals: [String: String] = [:]
        for (field, value) in match {
            try searchable(field, schema)
            guard case .string(let text) = value else {
                throw ValidationError(field: field, messageKey: "error_type_string")
            }
            equals[field] = text
        }
        return RecordQuery(equals: equals, pageSize: pageSize)
    }

    /// Schema rules, a usable key, and references to live records of other registries.
    private func validate(_ content: RecordContent, _ schema: RegistrySchema) async throws {
        var problems = schema.problems(in: content, today: clock.today)
        if case .string(let key)? = content[schema.key],
            key.count > 100 || key.unicodeScalars.contains(where: { $0.value < 0x20 })
        {
            problems.append(FieldError(field: schema.key, messageKey: "error_key_invalid"))
        }
        for name in schema.order {
            guard let target = schema.fields[name]?.reference, case .string(let value)? = content[name],
                !problems.contains(where: { $0.field == name })
            else { continue }
            if try await store.liveKeys(target, among: [value]).isEmpty {
                problems.append(FieldError(field: name, messageKey: "error_reference"))
            }
        }
        guard problems.isEmpty else { throw ValidationError(problems) }
    }

    /// What the registries hold about `person` themself: in each registry whose personal field is
    /// searchable (not the population register, which the cabinet shows), the live records whose
    /// personal field is their PIN, each logged as their own read.
    public func ownRecords(of person: Principal) async throws -> [(registry: Registry, records: [RegistryRecord])] {
        var found: [(registry: Registry, records: [RegistryRecord])] = []
        for registry in try await catalogue().registries.values.sorted(by: { $0.name < $1.name }) {
            guard registry.name != "population", let schema = registry.latest, let personal = schema.personal,
                personal == schema.key || schema.indexed.contains(personal)
            else { continue }
            let records = try await store.ownRecords(registry, field: personal, of: person, at: clock.seconds)
            if !records.isEmpty { found.append((registry, records)) }
        }
        return found
    }

    /// Logs one read of a person's record held outside the registries (the population data behind
    /// `GET /api/v1/people/{pin}`): it is in their "who looked at my data" and in the ledger.
    public func logRead(ofPerson pin: String, registry: String, by caller: RegistryCaller, purpose: Purpose)
        async throws
    {
        try await logReads(ofPeople: [pin], registry: registry, by: caller, purpose: purpose)
    }

    /// Logs one read for each of `pins` (an alert's recipients, say), in one transaction with their
    /// ledger entries.
    public func logReads(ofPeople pins: [String], registry: String, by caller: RegistryCaller, purpose: Purpose)
        async throws
    {
        guard !pins.isEmpty else { return }
        let (kind, id, name, application) = Self.reader(caller)
        let at = clock.seconds
        let accesses = pins.map { pin in
            DataAccess(
                id: DataAccess.newID(), personPIN: pin, registry: registry,
                recordKey: pin, readerKind: kind, readerID: id, readerName: name,
                agencyCode: caller.agencyCode ?? "", application: application, legalBasis: purpose.legalBasis,
                caseNumber: purpose.caseNumber, at: at, ledgerIndex: nil)
        }
        _ = try await store.log(accesses, by: Self.actor(caller))
    }

    /// Logs each returned record about a person, in one transaction with its ledger entries.
    private func logReads(
        _ records: [RegistryRecord], schema: RegistrySchema, caller: RegistryCaller, purpose: Purpose?
    ) async throws {
        guard let personal = schema.personal, let purpose else { return }
        let at = clock.seconds
        let accesses: [DataAccess] = records.compactMap { record -> DataAccess? in
            guard case .string(let pin)? = record.content[personal] else { return nil }
            let (kind, id, name, application) = Self.reader(caller)
            return DataAccess(
                id: DataAccess.newID(), personPIN: pin,
                registry: record.registry, recordKey: record.key,
                readerKind: kind, readerID: id, readerName: name, agencyCode: caller.agencyCode ?? "",
                application: application, legalBasis: purpose.legalBasis, caseNumber: purpose.caseNumber, at: at,
                ledgerIndex: nil)
        }
        _ = try await store.log(accesses, by: Self.actor(caller))
    }

    /// How a read's log line names its reader: kind, id, name and the calling application.
    static func reader(_ caller: RegistryCaller) -> (kind: String, id: String, name: String, application: String) {
        switch caller {
        case .official(let principal): ("official", principal.pin, principal.displayName, "")
        case .system(let client, let application): ("system", client.id, client.name, application)
        }
    }

    static func actor(_ caller: RegistryCaller) -> LedgerActor {
        switch caller {
        case .official(let principal): .person(principal.pin)
        case .system(let client, _): .system(client.id)
        }
    }

    static func person(_ content: RecordContent, _ schema: RegistrySchema) -> String? {
        guard let personal = schema.personal, case .string(let pin)? = content[personal] else { return nil }
        return pin
    }

    static func reason(_ text: String, default fallback: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? fallback : String(trimmed.prefix(500))
    }
}
