import Foundation

/// The metadata a publisher sends for a dataset; nil leaves a field as it is (on update).
public struct DatasetInput: Sendable, Equatable {
    public var name: String?
    public var title: TranslatedText?
    public var notes: TranslatedText?
    public var organization: String?
    public var licenseID: String?
    public var tags: [String]?
    public var themes: [String]?
    public var maintainerEmail: String?
    public var frequency: String?

    public init(
        name: String? = nil, title: TranslatedText? = nil, notes: TranslatedText? = nil, organization: String? = nil,
        licenseID: String? = nil, tags: [String]? = nil, themes: [String]? = nil, maintainerEmail: String? = nil,
        frequency: String? = nil
    ) {
        self.name = name
        self.title = title
        self.notes = notes
        self.organization = organization
        self.licenseID = licenseID
        self.tags = tags
        self.themes = themes
        self.maintainerEmail = maintainerEmail
        self.frequency = frequency
    }

    /// Every problem with the dataset this input makes, by CKAN field name.
    static func problems(of dataset: Dataset) -> [String: [String]] {
        var problems: [String: [String]] = [:]
        func add(_ field: String, _ message: String) { problems[field, default: []].append(message) }
        let nameBytes = dataset.name.utf8
        if !(2...100).contains(nameBytes.count)
            || !nameBytes.allSatisfy({
                (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d || $0 == 0x5f
            })
        {
            add("name", "Must be 2–100 characters of lower-case a–z, 0–9, - and _.")
        }
        if dataset.title.values.isEmpty { add("title", "Missing value") }
        if dataset.title.values.values.contains(where: { $0.count > 500 }) { add("title", "At most 500 characters.") }
        if dataset.notes.values.values.contains(where: { $0.count > 20_000 }) {
            add("notes", "At most 20,000 characters.")
        }
        if dataset.organization.isEmpty { add("owner_org", "Missing value") }
        if DataLicense.named(dataset.licenseID) == nil {
            add("license_id", "Unknown licence; one of: \(DataLicense.known.map(\.id).joined(separator: ", ")).")
        }
        if dataset.tags.count > 50 { add("tags", "At most 50 tags.") }
        for tag in dataset.tags
        where tag.isEmpty || tag.count > 100
            || !tag.allSatisfy({ $0.isLetter || $0.isNumber || " -_.".contains($0) })
        {
            add("tags", "Tag \"\(tag.prefix(100))\" must be 1–100 letters, digits, spaces, '-', '_' or '.'.")
        }
        for theme in dataset.themes where !DataTheme.codes.contains(theme) {
            add("groups", "Unknown theme \"\(theme.prefix(40))\"; one of: \(DataTheme.codes.joined(separator: ", ")).")
        }
        if !dataset.maintainerEmail.isEmpty
            && (dataset.maintainerEmail.count > 254 || !dataset.maintainerEmail.contains("@")
                || dataset.maintainerEmail.contains(where: \.isWhitespace))
        {
            add("maintainer_email", "Not an e-mail address.")
        }
        if !["", "DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL", "IRREG", "NEVER"].contains(dataset.frequency) {
            add("frequency", "One of DAILY, WEEKLY, MONTHLY, QUARTERLY, ANNUAL, IRREG, NEVER.")
        }
        return problems
    }
}

/// A resource a publisher adds: a link, or a CSV file loaded into the datastore.
public struct ResourceInput: Sendable, Equatable {
    public var name: TranslatedText
    public var description: TranslatedText
    public var format: String
    public var url: String

    public init(
        name: TranslatedText, description: TranslatedText = TranslatedText([:]), format: String, url: String = ""
    ) {
        self.name = name
        self.description = description
        self.format = format
        self.url = url
    }

    func problems(hasFile: Bool) -> [String: [String]] {
        var problems: [String: [String]] = [:]
        if name.values.isEmpty { problems["name", default: []].append("Missing value") }
        if name.values.values.contains(where: { $0.count > 500 }) {
            problems["name", default: []].append("At most 500 characters.")
        }
        if description.values.values.contains(where: { $0.count > 20_000 }) {
            problems["description", default: []].append("At most 20,000 characters.")
        }
        if format.count > 20 || !format.allSatisfy({ $0.isLetter || $0.isNumber }) {
            problems["format", default: []].append("1–20 letters or digits, e.g. CSV.")
        }
        if hasFile {
            if !url.isEmpty { problems["url", default: []].append("Give a file or a link, not both.") }
        } else {
            let parsed = URL(string: url)
            if url.count > 2_000 || !(parsed?.scheme == "https" || parsed?.scheme == "http") || parsed?.host == nil {
                problems["url", default: []].append("An http or https address, or a file to upload.")
            }
        }
        return problems
    }
}
