import Core
import Foundation

/// Text in the platform's three languages, keyed by language code (`ky`, `ru`, `en`), as CKAN's
/// fluent extension writes `title_translated`. A missing language falls back to the others.
public struct TranslatedText: Sendable, Equatable, Codable {
    public var values: [String: String]

    public init(_ values: [String: String]) {
        self.values = values.filter { Language(rawValue: $0.key) != nil && !$0.value.isEmpty }
    }

    /// The text in `language`, else in Kyrgyz, Russian or English, whichever exists first.
    public func text(_ language: Language) -> String {
        values[language.rawValue] ?? Language.allCases.lazy.compactMap { values[$0.rawValue] }.first ?? ""
    }

    /// Every language's text, for the search index.
    public var allText: String { Language.allCases.compactMap { values[$0.rawValue] }.joined(separator: " ") }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([String: String].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }
}

/// A publisher of datasets: one of the platform's agencies (CKAN's organization).
public struct DataOrganization: Sendable, Equatable, Codable {
    /// The URL name, e.g. `ministry-of-health`.
    public var name: String
    /// The agency's code in the platform.
    public var agencyCode: String
    public var title: TranslatedText
    public var description: TranslatedText

    public init(name: String, agencyCode: String, title: TranslatedText, description: TranslatedText) {
        self.name = name
        self.agencyCode = agencyCode
        self.title = title
        self.description = description
    }
}

/// A dataset: metadata and resources, kept in numbered versions.
public struct Dataset: Sendable, Equatable, Codable {
    public var id: String
    /// The URL name: 2–100 of a–z, 0–9, `-` and `_` (CKAN's rule).
    public var name: String
    public var organization: String
    public var title: TranslatedText
    public var notes: TranslatedText
    public var licenseID: String
    /// Themes (CKAN's groups; DCAT's `dcat:theme`), from the EU data theme vocabulary.
    public var themes: [String]
    public var tags: [String]
    /// Who keeps the data, for questions.
    public var maintainerEmail: String
    /// How often it changes (DCAT frequency code, e.g. `MONTHLY`), empty if unknown.
    public var frequency: String
    public var resources: [DataResource]
    /// The current version; each change of metadata or data makes the next one.
    public var version: Int
    public var createdAt: Int
    public var modifiedAt: Int

    public init(
        id: String, name: String, organization: String, title: TranslatedText, notes: TranslatedText,
        licenseID: String, themes: [String] = [], tags: [String] = [], maintainerEmail: String = "",
        frequency: String = "", resources: [DataResource] = [], version: Int = 1, createdAt: Int, modifiedAt: Int
    ) {
        self.id = id
        self.name = name
        self.organization = organization
        self.title = title
        self.notes = notes
        self.licenseID = licenseID
        self.themes = themes
        self.tags = tags
        self.maintainerEmail = maintainerEmail
        self.frequency = frequency
        self.resources = resources
        self.version = version
        self.createdAt = createdAt
        self.modifiedAt = modifiedAt
    }
}

/// A file or link of a dataset; an uploaded CSV also lives in the datastore as a table.
public struct DataResource: Sendable, Equatable, Codable {
    public var id: String
    public var name: TranslatedText
    public var description: TranslatedText
    /// `CSV`, `JSON`, `XLSX`, `PDF`, …
    public var format: String
    /// Where a link points; empty for data kept here (then the platform's own download URL applies).
    public var url: String
    /// The table in the datastore, if the resource's data was loaded.
    public var datastore: DatastoreTable?
    public var createdAt: Int
    public var modifiedAt: Int

    public init(
        id: String, name: TranslatedText, description: TranslatedText = TranslatedText([:]), format: String,
        url: String = "", datastore: DatastoreTable? = nil, createdAt: Int, modifiedAt: Int
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.format = format
        self.url = url
        self.datastore = datastore
        self.createdAt = createdAt
        self.modifiedAt = modifiedAt
    }
}

/// A loaded table: its schema, its size and a digest of the file it came from.
public struct DatastoreTable: Sendable, Equatable, Codable {
    /// The data version of the resource (1 for the first upload).
    public var version: Int
    public var schema: TableSchema
    public var rows: Int
    /// Bytes of the uploaded file.
    public var bytes: Int
    /// SHA-256 of the uploaded file, hex.
    public var sha256: String

    public init(version: Int, schema: TableSchema, rows: Int, bytes: Int, sha256: String) {
        self.version = version
        self.schema = schema
        self.rows = rows
        self.bytes = bytes
        self.sha256 = sha256
    }
}

/// One licence the portal offers, by its SPDX-style id.
public struct DataLicense: Sendable, Equatable {
    public let id: String
    public let title: String
    public let url: String

    /// The open licences datasets may carry.
    public static let known: [DataLicense] = [
        DataLicense(
            id: "CC-BY-4.0", title: "Creative Commons Attribution 4.0",
            url: "https://creativecommons.org/licenses/by/4.0/"),
        DataLicense(
            id: "CC0-1.0", title: "Creative Commons Zero 1.0", url: "https://creativecommons.org/publicdomain/zero/1.0/"
        ),
        DataLicense(
            id: "CC-BY-SA-4.0", title: "Creative Commons Attribution Share-Alike 4.0",
            url: "https://creativecommons.org/licenses/by-sa/4.0/"),
        DataLicense(
            id: "ODbL-1.0", title: "Open Data Commons Open Database License 1.0",
            url: "https://opendatacommons.org/licenses/odbl/1-0/"),
    ]

    public static func named(_ id: String) -> DataLicense? { known.first { $0.id == id } }
}

/// The EU's data themes (DCAT-AP's `dcat:theme` vocabulary), by code.
public enum DataTheme {
    public static let codes = [
        "AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH", "TRAN",
    ]
}
