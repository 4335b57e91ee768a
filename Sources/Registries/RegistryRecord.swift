import Core
import Identity

/// One version of one record, as stored.
public struct RegistryRecord: Sendable, Equatable {
    public var registry: String
    /// The value of the schema's key field.
    public var key: String
    /// 1 when created, one more with every change (deletion included).
    public var revision: Int
    /// The schema version it was written under.
    public var schemaVersion: Int
    public var content: RecordContent
    public var deleted: Bool
    /// Seconds since 1970.
    public var changedAt: Int
    /// Who wrote this version: `official:<PIN>`, `system:<client id>` or `import:<id>`.
    public var changedBy: String
    /// Why, as the writer stated it.
    public var reason: String
    /// The ledger entry that recorded this version.
    public var ledgerIndex: Int?

    public init(
        registry: String, key: String, revision: Int, schemaVersion: Int, content: RecordContent, deleted: Bool,
        changedAt: Int, changedBy: String, reason: String, ledgerIndex: Int?
    ) {
        self.registry = registry
        self.key = key
        self.revision = revision
        self.schemaVersion = schemaVersion
        self.content = content
        self.deleted = deleted
        self.changedAt = changedAt
        self.changedBy = changedBy
        self.reason = reason
        self.ledgerIndex = ledgerIndex
    }
}
