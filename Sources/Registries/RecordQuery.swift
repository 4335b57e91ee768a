import Core
import Identity

/// A page of records from a search.
public struct RecordPage: Sendable {
    public var records: [RegistryRecord]
    /// How many records match in all.
    public var total: Int
    public var page: Int
    public var pageSize: Int
}

/// How to search: exact values of indexed fields, an optional prefix on one, a page.
public struct RecordQuery: Sendable {
    public var equals: [String: String] = [:]
    public var prefix: (field: String, text: String)?
    public var page = 1
    public var pageSize = 20
    public var descending = false

    public init(
        equals: [String: String] = [:], prefix: (field: String, text: String)? = nil, page: Int = 1, pageSize: Int = 20,
        descending: Bool = false
    ) {
        self.equals = equals
        self.prefix = prefix
        self.page = page
        self.pageSize = pageSize
        self.descending = descending
    }
}
