import Foundation

/// A table the platform publishes about itself (service performance, registry sizes, the ledger,
/// exchange traffic; later modules add theirs): one dataset holding one table, refreshed on a
/// schedule through `OpenDataService.publish(_:as:)`.
public struct PublishedTable: Sendable {
    /// The dataset's URL name.
    public var name: String
    public var title: TranslatedText
    public var notes: TranslatedText
    public var themes: [String]
    public var tags: [String]
    public var frequency: String
    public var columns: [TableSchema.Field]
    public var rows: [[String]]

    public init(
        name: String, title: TranslatedText, notes: TranslatedText, themes: [String], tags: [String], frequency: String,
        columns: [TableSchema.Field], rows: [[String]]
    ) {
        self.name = name
        self.title = title
        self.notes = notes
        self.themes = themes
        self.tags = tags
        self.frequency = frequency
        self.columns = columns
        self.rows = rows
    }
}
