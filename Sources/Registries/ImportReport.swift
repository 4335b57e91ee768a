import Core

/// What a bulk import did or why it was refused.
public struct ImportReport: Sendable, Equatable {
    /// One refused row: its line in the file (the header is line 1), the field and the catalog key.
    public struct Rejection: Sendable, Equatable {
        public var line: Int
        public var field: String
        public var messageKey: String
    }

    public var registry: String
    /// Data rows read (header excluded).
    public var rows: Int
    /// Rows stored; 0 whenever anything was rejected.
    public var imported: Int
    public var rejected: [Rejection]
    /// How many rejections there were in all (only the first 1,000 are kept in `rejected`).
    public var rejectedCount: Int
    /// The ledger entry recording the import.
    public var ledgerIndex: Int?
    public var seconds: Double
}
