import Identity
import SQLKit

/// Every registry, its schema versions and which agencies may use it: what access checks and
/// validation need on every call, so it is loaded once and cached.
public struct RegistryCatalogue: Sendable {
    public var registries: [String: Registry]
    /// Registry name → agency code → may write (true) or only read (false). Owners are not listed.
    public var access: [String: [String: Bool]]

    public init(registries: [String: Registry], access: [String: [String: Bool]]) {
        self.registries = registries
        self.access = access
    }
}

/// A new version of a record to store, with the ledger entry that records it.
public struct RecordWrite: Sendable {
    /// The version it replaces; nil for a new record.
    public var previous: RegistryRecord?
    public var record: RegistryRecord
    /// `created`, `updated` or `deleted`.
    public var change: String
    public var actor: LedgerActor
    /// The PIN of the person the record is about, for the ledger's pseudonym.
    public var personPIN: String?

    public init(
        previous: RegistryRecord?, record: RegistryRecord, change: String, actor: LedgerActor, personPIN: String?
    ) {
        self.previous = previous
        self.record = record
        self.change = change
        self.actor = actor
        self.personPIN = personPIN
    }
}

/// Where registries, records and the data-access log are kept.
public protocol RegistryStore: Sendable {
    func catalogue() async throws -> RegistryCatalogue
    /// How many live (not deleted) records each registry holds.
    func liveRecordCounts() async throws -> [String: Int]
    /// Creates the registry, its records table and search indexes, and publishes version 1.
    func createRegistry(_ registry: Registry, schema: RegistrySchema, by actor: LedgerActor, now: Int) async throws
        -> Int?
    /// Publishes `schema` as `version` (the next number) and adds indexes for new searchable fields.
    func publish(_ schema: RegistrySchema, version: Int, of registry: Registry, by actor: LedgerActor, now: Int)
        async throws -> Int?
    func setAccess(registry: String, agency: String, canWrite: Bool) async throws
    /// The current version of a record, deleted or not.
    func record(_ registry: Registry, key: String) async throws -> RegistryRecord?
    /// Live records matching `query` (only indexed fields and the key may be used).
    func search(_ registry: Registry, _ query: RecordQuery) async throws -> RecordPage
    /// Every version of a record, oldest first, the current one last.
    func history(_ registry: Registry, key: String) async throws -> [RegistryRecord]
    /// Which of `keys` name live records of `registry`.
    func liveKeys(_ registry: String, among keys: [String]) async throws -> Set<String>
    /// Stores the writes and their ledger entries in one transaction; a write whose `previous`
    /// is no longer current fails the whole batch with a conflict.
    func commit(_ writes: [RecordWrite], now: Int) async throws -> [RegistryRecord]
    /// Records reads of personal data and their ledger entries in one transaction.
    func log(_ accesses: [DataAccess], by actor: LedgerActor) async throws -> [DataAccess]
    /// The reads of one person's data, newest first.
    func accessLog(pin: String, limit: Int) async throws -> [DataAccess]
    /// Record changes from ledger index `ledgerIndex` on, in ledger order (bulk imports excepted).
    func changes(from ledgerIndex: Int, limit: Int) async throws -> [RegistryChange]

    // MARK: on the caller's transaction (another module's write that touches a registry)
    /// Which of `keys` name live records of `registry`.
    func liveKeys(_ registry: String, among keys: [String], on sql: any SQLDatabase) async throws -> Set<String>
    /// A record created by another module (a decision that registers a birth): the agency's
    /// right, the newest schema and references are checked; the ledger entry is written.
    func systemCreate(
        _ name: String, content: RecordContent, agency: String, reason: String, on sql: any SQLDatabase, now: Int
    ) async throws -> RegistryRecord
    /// A record read by another module for a `purpose`; a read of a person's record is logged for them.
    func systemRead(
        _ name: String, key: String, agency: String, system: String, purpose: Purpose, on sql: any SQLDatabase,
        now: Int
    ) async throws -> RecordContent?
    /// Records reads of personal data and their ledger entries.
    func log(_ accesses: [DataAccess], by actor: LedgerActor, on sql: any SQLDatabase) async throws -> [DataAccess]
}

/// One change of one record: which, how, and its ledger entry.
public struct RegistryChange: Sendable, Equatable {
    public var ledgerIndex: Int
    public var registry: String
    public var key: String
    /// `created`, `updated` or `deleted`.
    public var change: String
    /// Seconds since 1970.
    public var changedAt: Int
}
