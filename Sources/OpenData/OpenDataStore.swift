import Ledger
import Registries

/// Where open data lives; `SQLOpenDataStore` is the one implementation.
public protocol OpenDataStore: Sendable {
    /// Adds or updates a publisher.
    func putOrganization(_ organization: DataOrganization, now: Int) async throws
    func organizations() async throws -> [DataOrganization]
    func organization(named name: String) async throws -> DataOrganization?
    /// How many datasets each organization publishes.
    func datasetCounts() async throws -> [String: Int]

    /// The dataset whose id or name is `idOrName`, in its current version.
    func dataset(_ idOrName: String) async throws -> Dataset?
    /// One published version of a dataset, as it was.
    func dataset(_ idOrName: String, version: Int) async throws -> Dataset?
    /// Stores `dataset` as its current version (and as version `dataset.version`), replacing its
    /// facets and search text, and appends `event` to the ledger, all in one transaction; false if
    /// the stored version is not `dataset.version - 1` (someone else changed it meanwhile).
    func save(_ dataset: Dataset, searchText: String, event: LedgerEvent) async throws -> Bool
    /// Names of all datasets, by name.
    func datasetNames(limit: Int, offset: Int) async throws -> [String]
    /// The dataset a resource belongs to.
    func datasetID(ofResource id: String) async throws -> String?

    /// Datasets matching `expression`, sorted, one page, with counts of `facets`' values.
    func search(_ search: DatasetSearch) async throws -> DatasetSearchResult
    /// Tags in use, by name, optionally only those starting with `prefix`.
    func tags(prefix: String?, limit: Int) async throws -> [String]

    /// Creates the table for a resource's data version, ready for `append`.
    func createTable(_ table: DatastoreTableName, schema: TableSchema) async throws
    /// Appends rows of typed cells (`columns` each), numbered from `firstID`, to a table being loaded.
    func append(_ rows: [[DatastoreCell]], to table: DatastoreTableName, columns: Int, firstID: Int) async throws
    /// Drops a table whose load failed.
    func dropTable(_ table: DatastoreTableName) async throws
    /// Makes a loaded table the resource's current data (and the dataset's new version), with the
    /// ledger entry, in one transaction.
    func publish(
        _ table: DatastoreTableName, _ info: DatastoreTable, dataset: Dataset, searchText: String, event: LedgerEvent
    )
        async throws -> Bool
    /// Rows of a loaded table.
    func rows(_ query: DatastoreQuery) async throws -> DatastoreRows
}

/// A datastore table's SQL name: `ods_` and the resource id's hex, then the data version.
public struct DatastoreTableName: Sendable, Equatable {
    public let resourceID: String
    public let version: Int

    public init(resourceID: String, version: Int) {
        self.resourceID = resourceID
        self.version = version
    }

    /// Only hex digits and the version reach SQL, whatever the id holds.
    public var sql: String {
        "ods_" + resourceID.lowercased().filter { $0.isHexDigit }.prefix(32) + "_v\(max(1, version))"
    }
}

/// A dataset search, parsed and bounded.
public struct DatasetSearch: Sendable {
    public var expression: SearchExpression
    public var sort: [DatasetSort]
    public var rows: Int
    public var start: Int
    public var facets: [FacetField]
    public var facetLimit: Int

    public init(
        expression: SearchExpression, sort: [DatasetSort], rows: Int, start: Int, facets: [FacetField], facetLimit: Int
    ) {
        self.expression = expression
        self.sort = sort
        self.rows = rows
        self.start = start
        self.facets = facets
        self.facetLimit = facetLimit
    }
}

/// One sort key of a dataset search.
public struct DatasetSort: Sendable, Equatable {
    public enum Key: String, Sendable, CaseIterable {
        case score, name
        case metadataModified = "metadata_modified"
        case metadataCreated = "metadata_created"
        case titleString = "title_string"
    }
    public var key: Key
    public var descending: Bool

    public init(key: Key, descending: Bool) {
        self.key = key
        self.descending = descending
    }
}

/// The fields a search can count values of.
public enum FacetField: String, Sendable, CaseIterable {
    case tags, groups, organization
    case resFormat = "res_format"
    case licenseID = "license_id"
}

/// One page of datasets and the facet counts over every match.
public struct DatasetSearchResult: Sendable {
    public var count: Int
    public var datasets: [Dataset]
    /// Facet → (value, count), most frequent first.
    public var facets: [FacetField: [(value: String, count: Int)]]
}

/// A read of one datastore table.
public struct DatastoreQuery: Sendable {
    public var table: DatastoreTableName
    public var schema: TableSchema
    /// Field index → values it may equal (any of them).
    public var filters: [(field: Int, values: [String])]
    /// Words that must appear in some text field.
    public var text: String?
    /// Field indexes to return, in order; `_id` always comes first.
    public var fields: [Int]
    /// Field index (nil: `_id`) and direction.
    public var sort: [(field: Int?, descending: Bool)]
    public var limit: Int
    public var offset: Int
    public var includeTotal: Bool
    /// Only rows after this `_id` (for reading a whole table page by page without OFFSET).
    public var afterID: Int?
    /// The table's row count, when known: the total of a read without filters.
    public var rowCount: Int?

    public init(
        table: DatastoreTableName, schema: TableSchema, filters: [(field: Int, values: [String])] = [],
        text: String? = nil,
        fields: [Int], sort: [(field: Int?, descending: Bool)] = [], limit: Int, offset: Int = 0,
        includeTotal: Bool = false,
        afterID: Int? = nil, rowCount: Int? = nil
    ) {
        self.table = table
        self.schema = schema
        self.filters = filters
        self.text = text
        self.fields = fields
        self.sort = sort
        self.limit = limit
        self.offset = offset
        self.includeTotal = includeTotal
        self.afterID = afterID
        self.rowCount = rowCount
    }
}

/// Rows of a datastore read: `_id` and the asked fields' values, and the total when asked.
public struct DatastoreRows: Sendable {
    public var records: [[JSONValue]]
    public var total: Int?
}
